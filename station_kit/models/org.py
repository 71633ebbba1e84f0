"""The station and its organisation (DESIGN.md §2–§3): rooms, teams, squads, posts, projects, grids.

Every row belongs to a Station, so one PostgreSQL database can hold a whole city. Enumerations are
stored as short strings, not database enum types, so a new value needs no ALTER TYPE on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from station_kit import clock

POPULATION_MOST = 10_000_000  # more residents than any 社区 has: a typing slip


class StationDetailsBase(SQLModel):
    """The station's name and the issuer's side of a 志愿服务记录证明 (民发〔2015〕149号): who answers
    for the station and how to reach it. Kept per station, not in data/*.toml: one database may hold
    a whole city."""

    name: str = Field(max_length=100)
    person_in_charge: str = Field(default="", max_length=50, description="负责人")
    contact: str = Field(default="", max_length=100, description="联系方式, e.g. an office phone")
    population: int | None = Field(default=None, ge=1, le=POPULATION_MOST,
                                   description="常住人口, where recorded: the denominator of 注册率 in reports")


class Station(StationDetailsBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, description="short code, unique in a city")
    city: str = Field(default="", max_length=50)
    street: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=clock.now)


class StationPublic(SQLModel):
    """What an app shows of its station, issuer's details included (they are printed on every
    certificate, so nothing here is private)."""

    id: int
    code: str
    name: str
    city: str
    street: str
    person_in_charge: str = ""
    contact: str = ""
    population: int | None = None


class StationDetailsUpdate(StationDetailsBase):
    """What an admin may change of the station: its name, and who answers for it on a certificate.

    The code is not here: volunteer and certificate numbers begin with it, so a changed code would
    make every number already issued point nowhere."""


class StationOwned(SQLModel):
    station_id: int = Field(foreign_key="station.id", index=True)


class NamedUnit(StationOwned):
    """A unit known by its name within its station: a team, a post, a service point…"""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)


class UnitPublic(SQLModel):
    """A unit as added: its id (for the forms that name it) and its name."""

    id: int
    name: str


class RoomKind(StrEnum):
    room = "room"  # 功能室
    place = "place"  # 服务场所


class Room(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    kind: RoomKind = Field(default=RoomKind.room, sa_type=String(10))


class Team(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)


class Squad(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    team_id: int = Field(foreign_key="team.id", index=True)


class ServicePoint(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)


class ServiceBase(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)


class Association(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)


class PartnerKind(StrEnum):
    co_building = "co_building"  # 共建单位
    dual_report = "dual_report"  # 双报到单位
    civilised = "civilised"  # 文明单位
    caring_enterprise = "caring_enterprise"  # 爱心企业


class PartnerUnit(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    kind: PartnerKind = Field(sa_type=String(20))
    credit_code: str | None = Field(default=None, max_length=18, description="统一社会信用代码")


class Post(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)


class Project(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    is_brand: bool = False
    post_id: int | None = Field(default=None, foreign_key="post.id")


class Grid(NamedUnit, table=True):
    __table_args__ = (UniqueConstraint("station_id", "number"),)
    number: int


class StewardRole(StrEnum):
    community_staff = "community_staff"  # 社区专职工作人员
    police = "police"  # 派出所治安人员
    judicial = "judicial"  # 司法人员
    building_party_member = "building_party_member"  # 楼栋党员
    volunteer = "volunteer"  # 社区志愿者


class Steward(NamedUnit, table=True):
    grid_id: int = Field(foreign_key="grid.id", index=True)
    role: StewardRole = Field(sa_type=String(30))
    phone: str = Field(default="", max_length=20)
