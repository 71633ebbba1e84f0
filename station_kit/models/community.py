"""Residents (居民) and what they ask of the station (DESIGN.md §2–§4): wishes (微心愿) and service
orders (点单) in one table, their claimers, grid cases (民呼我应) with the departments they are
whistled to, and the micro-renovation works ledger (微改造台账).

A resident's phone is kept as volunteers' is and masked wherever shown; no ID number is stored:
nothing a wish or a case needs asks for one (DESIGN.md §9, keep in plain only what work needs).
A case stamps its deadlines when it enters a step, so a locality that changes its SLAs later does
not rewrite whether last year's cases were on time.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from station_kit import clock

# A resident's rating of a wish, an order or a grid case: 1 (很不满意) to 5 (非常满意); data/sla.toml
# says from which rating a case counts as satisfied.
RATING_SCALE = range(1, 6)

class CareGroup(StrEnum):
    """The article's care mechanisms: 社区救助, 社区关爱, 再就业服务."""

    hardship = "hardship"  # 困难群体/帮扶对象 (救助)
    elderly = "elderly"  # 老年人 (关爱)
    youth = "youth"  # 青少年 (关爱)
    special = "special"  # 特殊群体 (关爱)
    unemployed = "unemployed"  # 下岗失业人员 (再就业)


class ResidentBase(SQLModel):
    name: str = Field(max_length=50)
    building: str = Field(default="", max_length=30, description="楼栋, e.g. 3号楼")
    unit: str = Field(default="", max_length=20, description="单元")
    grid_id: int = Field(foreign_key="grid.id", index=True)
    phone: str = Field(default="", max_length=20)


class ResidentCreate(ResidentBase):
    care_groups: list[CareGroup] = Field(default_factory=list)
    consent: bool = False
    consent_date: dt.date | None = None


class Resident(ResidentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    consent_at: dt.date
    registered_at: dt.datetime = Field(default_factory=clock.now)


class ResidentCareGroup(SQLModel, table=True):
    """Which care groups a resident belongs to (one may be elderly and in hardship at once)."""

    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    care_group: CareGroup = Field(sa_type=String(20), primary_key=True)


class ResidentPublic(SQLModel):
    """What a staff screen shows: the phone masked."""

    id: int
    name: str
    building: str
    unit: str
    grid: str
    phone: str
    care_groups: list[CareGroup]


class RequestKind(StrEnum):
    wish = "wish"  # 微心愿
    order = "order"  # 点单


class RequestStatus(StrEnum):
    posted = "posted"  # 已发布 / 点单
    dispatched = "dispatched"  # 已派单, waiting for the claimer to take it (接单)
    claimed = "claimed"  # 已认领 / 已接单
    fulfilled = "fulfilled"  # 已完成
    rated = "rated"  # 已评价 (评单)
    cancelled = "cancelled"


class RequestBase(SQLModel):
    kind: RequestKind = Field(sa_type=String(10))
    resident_id: int = Field(foreign_key="resident.id", index=True)
    title: str = Field(max_length=100)
    content: str = Field(default="", max_length=500)


class RequestCreate(RequestBase):
    pass


class Request(RequestBase, table=True):
    """A wish or a service order. ``grid_id`` is the resident's grid when posted, kept for tallies."""

    __table_args__ = (Index("ix_request_station_kind_status", "station_id", "kind", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    grid_id: int = Field(foreign_key="grid.id")
    status: RequestStatus = Field(default=RequestStatus.posted, sa_type=String(20))
    posted_at: dt.datetime = Field(default_factory=clock.now)
    claimed_at: dt.datetime | None = None
    fulfilled_at: dt.datetime | None = None
    closing_note: str = Field(default="", max_length=200)
    rating: int | None = Field(default=None, ge=RATING_SCALE.start, le=RATING_SCALE.stop - 1)
    rated_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = Field(default="", max_length=200)
    activity_id: int | None = Field(default=None, foreign_key="activity.id",
                                    description="the activity its service hours are recorded under")
    updated_at: dt.datetime = Field(default_factory=clock.now)


class ClaimerKind(StrEnum):
    volunteer = "volunteer"
    squad = "squad"  # 服务分队
    partner_unit = "partner_unit"  # 共建/双报到单位, 爱心企业


class ClaimStatus(StrEnum):
    active = "active"
    refused = "refused"  # the claimer turned the dispatch down; the request went back to posted


class RequestClaim(SQLModel, table=True):
    """One claimer of a request: a volunteer, a squad or a partner unit (exactly one of the three)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    claimer_kind: ClaimerKind = Field(sa_type=String(20))
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id")
    squad_id: int | None = Field(default=None, foreign_key="squad.id")
    partner_unit_id: int | None = Field(default=None, foreign_key="partnerunit.id")
    dispatched: bool = Field(default=False, description="派单 by staff, rather than claimed by the claimer")
    status: ClaimStatus = Field(default=ClaimStatus.active, sa_type=String(20))
    claimed_at: dt.datetime = Field(default_factory=clock.now)
    refused_at: dt.datetime | None = None
    refuse_reason: str = Field(default="", max_length=200)


class RequestPublic(SQLModel):
    """A card on the wall: the resident's name shortened (王**), no phone, no address."""

    id: int
    kind: RequestKind
    title: str
    content: str
    resident: str
    grid: str
    status: RequestStatus
    claimers: list[str]
    posted_at: dt.datetime
    fulfilled_at: dt.datetime | None
    closing_note: str
    rating: int | None
    hours_recorded: bool = False


class Department(SQLModel, table=True):
    """A 职能部门 a grid can whistle to (街社吹哨、部门报到)."""

    __table_args__ = (UniqueConstraint("station_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    name: str = Field(max_length=100)


class CaseKind(StrEnum):
    dispute = "dispute"  # 纠纷
    request = "request"  # 诉求
    situation = "situation"  # 动态


class CaseChannel(StrEnum):
    visit = "visit"  # 来访
    phone = "phone"  # 电话
    wechat = "wechat"  # 微信
    patrol = "patrol"  # 网格巡查


class CaseStatus(StrEnum):
    received = "received"  # 已登记
    accepted = "accepted"  # 已受理
    whistled = "whistled"  # 已吹哨
    reported = "reported"  # 部门已报到
    resolved = "resolved"  # 已办结
    rated = "rated"  # 已评价


# A case is open (still to be worked, so it can be overdue) until it is resolved: the tally, 实时数据
# and the 民呼我应 list count the same ones.
OPEN_CASES = (CaseStatus.received, CaseStatus.accepted, CaseStatus.whistled, CaseStatus.reported)


class GridCaseBase(SQLModel):
    grid_id: int = Field(foreign_key="grid.id", index=True)
    kind: CaseKind = Field(sa_type=String(20))
    channel: CaseChannel = Field(sa_type=String(20))
    title: str = Field(max_length=100)
    content: str = Field(default="", max_length=500)
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    is_complex: bool = Field(default=False, description="复杂事项: a longer time to resolve")


class GridCaseCreate(GridCaseBase):
    pass


class GridCase(GridCaseBase, table=True):
    """A 民呼我应 case with the time of each step and the deadlines stamped when it entered them."""

    __table_args__ = (Index("ix_gridcase_station_grid_received", "station_id", "grid_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    status: CaseStatus = Field(default=CaseStatus.received, sa_type=String(20))
    steward_id: int | None = Field(default=None, foreign_key="steward.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    received_at: dt.datetime = Field(default_factory=clock.now)
    accept_due_at: dt.datetime
    resolve_due_at: dt.datetime
    accepted_at: dt.datetime | None = None
    whistled_at: dt.datetime | None = None
    report_due_at: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    rating: int | None = Field(default=None, ge=RATING_SCALE.start, le=RATING_SCALE.stop - 1)
    rated_at: dt.datetime | None = None
    whistle_note: str = Field(default="", max_length=200)
    report_note: str = Field(default="", max_length=200)
    resolution_note: str = Field(default="", max_length=200)
    updated_at: dt.datetime = Field(default_factory=clock.now)


class GridCasePublic(SQLModel):
    id: int
    grid_id: int
    grid: str
    kind: CaseKind
    channel: CaseChannel
    title: str
    content: str
    resident: str
    steward: str
    department: str
    is_complex: bool
    status: CaseStatus
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    whistled_at: dt.datetime | None
    reported_at: dt.datetime | None
    resolved_at: dt.datetime | None
    rating: int | None
    accept_due_at: dt.datetime
    resolve_due_at: dt.datetime
    report_due_at: dt.datetime | None
    overdue: list[str]  # the steps past their deadline: "accept", "report", "resolve"
    notes: dict[str, str]


class WorksItemBase(SQLModel):
    item: str = Field(max_length=100, description="e.g. 青石板人行道")
    quantity: float = Field(ge=0, le=1e9)
    unit: str = Field(default="", max_length=10, description="m², m, 个")
    investment_yuan: int = Field(default=0, ge=0, le=10**9, description="whole yuan; 0 when not itemised")
    note: str = Field(default="", max_length=200)


class WorksItemCreate(WorksItemBase):
    pass


class WorksItem(WorksItemBase, table=True):
    """One line of the 微改造 ledger."""

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    recorded_at: dt.datetime = Field(default_factory=clock.now)


class WorksItemPublic(WorksItemBase):
    """A ledger line as recorded."""

    id: int
