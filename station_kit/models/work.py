"""Activities (活动) and service records (服务记录/时长), DESIGN.md §4 "Service records".

A record names its activity (hence date, place, content, organiser and person in charge); hours are
stored as integer minutes of actual service, excluding travel (《志愿服务记录与证明出具办法（试行）》
arts. 5–11). Only approved records count in any tally, star level or award.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from station_kit import clock
from station_kit.models.forms import optional_like


class WorkTask(StrEnum):
    """六大任务: the six work tasks an activity serves."""

    theory = "theory"  # 学习实践科学理论
    policy = "policy"  # 宣传宣讲党的政策
    values = "values"  # 培育践行核心价值
    culture = "culture"  # 丰富活跃文化生活
    customs = "customs"  # 涵育滋养文明新风
    skills = "skills"  # 劳动技能培训


class LectureHall(StrEnum):
    """The six lecture halls (讲堂)."""

    theory = "theory"  # 理论讲堂
    policy = "policy"  # 政策讲堂
    law = "law"  # 法制讲堂
    morality = "morality"  # 道德讲堂
    health = "health"  # 健康讲堂
    practice = "practice"  # 实践讲堂


class ActivityTheme(StrEnum):
    """The article's three themes an activity may serve; award points weigh their hours more."""

    neighbourly = "neighbourly"  # 邻里互助
    environment = "environment"  # 美化环境
    culture = "culture"  # 活跃文化


class ActivityStatus(StrEnum):
    planned = "planned"
    running = "running"
    done = "done"
    cancelled = "cancelled"


class AttendanceMode(StrEnum):
    marked = "marked"  # staff mark who came
    check_in_out = "check_in_out"  # check-in and check-out times give the minutes
    batch = "batch"  # hours entered for a roster afterwards


class ActivitySeries(SQLModel, table=True):
    """A weekly activity (e.g. 周五爱国卫生大扫除): its occurrences are created once, as activities."""

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    title: str = Field(max_length=100)
    weekday: int = Field(description="0 = Monday")
    first_date: dt.date
    last_date: dt.date
    created_at: dt.datetime = Field(default_factory=clock.now)


class ActivitySeriesPublic(SQLModel):
    """A weekly series as planned: its title and the days its occurrences run from and to."""

    id: int
    title: str
    weekday: int
    first_date: dt.date
    last_date: dt.date
    occurrences: int


class ActivityBase(SQLModel):
    title: str = Field(max_length=100)
    category: WorkTask = Field(sa_type=String(20))
    hall: LectureHall | None = Field(default=None, sa_type=String(20))
    project_id: int | None = Field(default=None, foreign_key="project.id")
    post_id: int | None = Field(default=None, foreign_key="post.id")
    organiser: str = Field(default="", max_length=100, description="组织单位")
    person_in_charge: str = Field(default="", max_length=50, description="负责人")
    room_id: int | None = Field(default=None, foreign_key="room.id")
    place: str = Field(default="", max_length=100, description="elsewhere than a room or place of ours")
    starts_at: dt.datetime
    ends_at: dt.datetime
    content: str = Field(default="", max_length=500, description="服务内容")
    # At most what the plan form offers, far below the 2**31 an INTEGER column holds.
    beneficiaries: int = Field(default=0, ge=0, le=1_000_000, description="受益人数; a lecture's audience")
    speaker: str = Field(default="", max_length=50, description="主讲人, for lecture-hall sessions")
    attendance_mode: AttendanceMode = Field(default=AttendanceMode.marked, sa_type=String(20))
    theme: ActivityTheme | None = Field(default=None, sa_type=String(20))


class ActivityCreate(ActivityBase):
    partner_ids: list[int] = Field(default_factory=list)


class ActivityUpdate(SQLModel):
    """What editing an activity (or a series' future occurrences) may change."""

    title: str | None = optional_like(ActivityBase, "title")
    organiser: str | None = optional_like(ActivityBase, "organiser")
    person_in_charge: str | None = optional_like(ActivityBase, "person_in_charge")
    room_id: int | None = None
    place: str | None = optional_like(ActivityBase, "place")
    content: str | None = optional_like(ActivityBase, "content")
    speaker: str | None = optional_like(ActivityBase, "speaker")
    start_time: dt.time | None = None
    end_time: dt.time | None = None


class Activity(ActivityBase, table=True):
    __table_args__ = (Index("ix_activity_station_starts", "station_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    series_id: int | None = Field(default=None, foreign_key="activityseries.id", index=True)
    status: ActivityStatus = Field(default=ActivityStatus.planned, sa_type=String(20))
    created_at: dt.datetime = Field(default_factory=clock.now)
    updated_at: dt.datetime = Field(default_factory=clock.now)


class ActivityPublic(SQLModel):
    """What an app shows of an activity in its lists and choosers."""

    id: int
    title: str
    category: WorkTask
    hall: LectureHall | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: ActivityStatus


class ActivityPartner(SQLModel, table=True):
    """Partner units (共建/双报到单位/爱心企业) that co-hold an activity."""

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    partner_unit_id: int = Field(foreign_key="partnerunit.id", primary_key=True)


class RecordRole(StrEnum):
    participant = "participant"
    leader = "leader"


class RecordStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class ServiceRecord(SQLModel, table=True):
    """One volunteer's service at one activity. ``minutes`` are whole minutes of actual service."""

    __table_args__ = (
        Index("ix_servicerecord_station_status", "station_id", "status"),
        Index("ix_servicerecord_station_started", "station_id", "started_at"),  # one station over a period
        Index("ix_servicerecord_volunteer_started", "volunteer_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id")
    volunteer_id: int = Field(foreign_key="volunteer.id")
    activity_id: int = Field(foreign_key="activity.id", index=True)
    role: RecordRole = Field(default=RecordRole.participant, sa_type=String(20))
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(default=None, description="None while checked in")
    minutes: int = Field(default=0, ge=0)
    status: RecordStatus = Field(default=RecordStatus.pending, sa_type=String(20))
    no_show: bool = False
    is_backfill: bool = Field(default=False, description="补录: entered over 10 working days late")
    backfill_reason: str = Field(default="", max_length=200)
    entered_at: dt.datetime = Field(default_factory=clock.now)
    entered_by: str = Field(default="", max_length=50)
    decided_by: str = Field(default="", max_length=50)
    decided_at: dt.datetime | None = None
    decision_reason: str = Field(default="", max_length=200)



# Which records count (DESIGN.md §4), defined once, each as a Python predicate and the SQL condition built
# from the same columns; a property test holds the two together on both databases.
# - approved: decided as approved. Hours are summed over approved records: only they count in a tally,
#   a star level, an award or a certificate.
# - served: approved, not a no-show, and of some minutes. Participation is counted over served records:
#   an approved no-show (0 minutes, and a deduction in the award rules) is not having served.

def is_approved(record) -> bool:
    return record.status == RecordStatus.approved


def activity_of(record=None):
    """How a service record (ServiceRecord, or an alias of it) joins its activity: by the activity's id,
    within the record's station, which they always share. Saying the station lets the database read one
    station's activities instead of every station's (a city's plan for a station's year went from a scan
    of 2.9 million activities to an index, `make bench-city`), and lets a database distributed by station
    join each shard with itself (docs/scale.md)."""
    record = ServiceRecord if record is None else record
    return (Activity.id == record.activity_id) & (Activity.station_id == record.station_id)


def approved_sql(record=None):
    """The SQL condition of ``is_approved`` on ``record`` (ServiceRecord, or an alias of it)."""
    record = ServiceRecord if record is None else record
    return record.status == RecordStatus.approved


def is_served(record) -> bool:
    return is_approved(record) and not record.no_show and record.minutes > 0


def served_sql(record=None):
    """The SQL condition of ``is_served`` on ``record`` (ServiceRecord, or an alias of it)."""
    record = ServiceRecord if record is None else record
    return approved_sql(record) & ~record.no_show & (record.minutes > 0)

class ServiceRecordPublic(SQLModel):
    """What a use case that enters, checks in or checks out service hands back: the record as stored."""

    id: int
    volunteer_id: int
    activity_id: int
    role: RecordRole
    started_at: dt.datetime
    ended_at: dt.datetime | None
    minutes: int
    status: RecordStatus
    no_show: bool
    is_backfill: bool
    backfill_reason: str
    entered_at: dt.datetime
    entered_by: str
    decided_by: str
    decided_at: dt.datetime | None
    decision_reason: str
