"""Award rounds (一次评选) and their entries, awards 时尚达人 / 先进集体 (DESIGN.md §3–§4).

A round covers one level and period; every candidate gets an entry with its rank and full score
breakdown, winners or not, so that anyone can re-derive the result. A round goes draft → 公示 →
final; objections lodged during 公示 are kept with how they were resolved and why.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from station_kit import clock


class AwardLevel(StrEnum):
    week = "week"  # 周度时尚达人
    month = "month"  # 月度时尚达人
    quarter = "quarter"  # 季度时尚达人
    year = "year"  # 年度时尚达人
    collective = "collective"  # 先进集体 (teams and squads, over a year)


class RoundStatus(StrEnum):
    draft = "draft"  # 草稿: computed, may be re-run
    publicity = "publicity"  # 公示中: objections taken
    final = "final"  # 已确定: never changes


class SubjectKind(StrEnum):
    volunteer = "volunteer"
    team = "team"
    squad = "squad"


class ObjectionStatus(StrEnum):
    open = "open"  # 待处理
    upheld = "upheld"  # 异议成立: the entry is removed, the next candidate promoted
    rejected = "rejected"  # 异议不成立


class AwardRound(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("station_id", "level", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    level: AwardLevel = Field(sa_type=String(20))
    period: str = Field(max_length=10, description="2022-W31, 2022-08, 2022-Q3 or 2022")
    first_day: dt.date
    last_day: dt.date
    quota: int
    status: RoundStatus = Field(default=RoundStatus.draft, sa_type=String(20))
    rules_hash: str = Field(max_length=64, description="sha256 of the award rules it was computed with")
    rules_json: str = Field(sa_type=Text, description="those rules, so the result can be re-derived")
    computed_at: dt.datetime = Field(default_factory=clock.now)
    computed_by: str = Field(default="", max_length=50)
    published_on: dt.date | None = None
    publicity_ends_on: dt.date | None = Field(default=None, description="last day objections are taken")
    finalised_at: dt.datetime | None = None
    finalised_by: str = Field(default="", max_length=50)
    created_at: dt.datetime = Field(default_factory=clock.now)
    updated_at: dt.datetime = Field(default_factory=clock.now)


class AwardEntry(SQLModel, table=True):
    """One candidate of a round, ranked; ``winner`` entries are the awards."""

    __table_args__ = (
        UniqueConstraint("round_id", "rank"),
        Index("ix_awardentry_station_winner", "station_id", "winner"),
    )

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id")
    round_id: int = Field(foreign_key="awardround.id", index=True)
    rank: int
    subject_kind: SubjectKind = Field(sa_type=String(20))
    subject_id: int = Field(description="the volunteer's, team's or squad's id")
    name: str = Field(max_length=100, description="as the notice shows it")
    unit: str = Field(default="", max_length=100, description="team or squad, for a volunteer")
    points_tenths: int = Field(description="points × 10: whole numbers rank the same on every database")
    eligible: bool
    ineligible_reason: str = Field(default="", max_length=50, description="message key")
    winner: bool = False
    removed: bool = Field(default=False, description="taken off by an upheld objection")
    promoted: bool = Field(default=False, description="became a winner when another entry was removed")
    breakdown_json: str = Field(sa_type=Text, description="every figure the points came from")


class AwardObjection(SQLModel, table=True):
    """An objection (异议) lodged during 公示 against one entry, and how it was resolved."""

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id")
    round_id: int = Field(foreign_key="awardround.id", index=True)
    entry_id: int = Field(foreign_key="awardentry.id")
    objector: str = Field(max_length=50, description="who objects; anyone may")
    content: str = Field(max_length=500)
    status: ObjectionStatus = Field(default=ObjectionStatus.open, sa_type=String(20))
    lodged_at: dt.datetime = Field(default_factory=clock.now)
    lodged_by: str = Field(max_length=50, description="the staff member who took it")
    resolution: str = Field(default="", max_length=500)
    resolved_by: str = Field(default="", max_length=50)
    resolved_at: dt.datetime | None = None
    promoted_entry_id: int | None = Field(default=None, foreign_key="awardentry.id")
    updated_at: dt.datetime = Field(default_factory=clock.now)


class AwardRoundPublic(SQLModel):
    id: int
    level: AwardLevel
    period: str
    first_day: dt.date
    last_day: dt.date
    quota: int
    status: RoundStatus
    rules_hash: str
    published_on: dt.date | None
    publicity_ends_on: dt.date | None
    finalised_by: str


class AwardEntryPublic(SQLModel):
    id: int
    rank: int
    subject_kind: SubjectKind
    name: str
    unit: str
    points: float
    eligible: bool
    ineligible_reason: str
    winner: bool
    removed: bool
    promoted: bool
    breakdown: dict


class AwardObjectionPublic(SQLModel):
    id: int
    entry_id: int
    entry_name: str
    objector: str
    content: str
    status: ObjectionStatus
    resolution: str
    resolved_by: str
