"""Volunteers (志愿者), shaped as in full-stack-fastapi-template: Base → Create/Update → table → Public.

The fields are those of 《志愿服务记录与证明出具办法（试行）》 art. 5; consent to record (art. 6) is kept
with its date; under 14 a guardian's consent is needed too (PIPL art. 31).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from station_kit import clock
from station_kit.models.forms import optional_like


class Gender(StrEnum):
    male = "male"
    female = "female"


class IdType(StrEnum):
    resident_id = "resident_id"  # 居民身份证
    passport = "passport"  # 护照
    hk_macao = "hk_macao"  # 港澳居民来往内地通行证
    taiwan = "taiwan"  # 台湾居民来往大陆通行证
    foreign_permanent = "foreign_permanent"  # 外国人永久居留身份证


class VolunteerBase(SQLModel):
    name: str = Field(max_length=50)
    id_type: IdType = Field(default=IdType.resident_id, sa_type=String(20))
    residence_area: str = Field(default="", max_length=100, description="居住区域")
    phone: str = Field(default="", max_length=20)
    skills: str = Field(default="", max_length=200, description="技能特长")
    service_categories: str = Field(default="", max_length=200, description="服务类别, 、-separated")
    is_party_member: bool = False
    team_id: int | None = Field(default=None, foreign_key="team.id")
    squad_id: int | None = Field(default=None, foreign_key="squad.id")
    guardian_name: str = Field(default="", max_length=50)


class VolunteerCreate(VolunteerBase):
    """What the register form sends. Gender and birth date may be left empty for a resident ID."""

    id_number: str = Field(max_length=30)
    gender: Gender | None = None
    birth_date: dt.date | None = None
    consent: bool = False
    consent_date: dt.date | None = None
    guardian_consent: bool = False
    post_ids: list[int] = Field(default_factory=list)


class VolunteerUpdate(SQLModel):
    """What the edit form may change; None leaves a field as it is."""

    name: str | None = optional_like(VolunteerBase, "name")
    phone: str | None = optional_like(VolunteerBase, "phone")
    residence_area: str | None = optional_like(VolunteerBase, "residence_area")
    skills: str | None = optional_like(VolunteerBase, "skills")
    service_categories: str | None = optional_like(VolunteerBase, "service_categories")
    is_party_member: bool | None = None
    team_id: int | None = None
    squad_id: int | None = None
    guardian_name: str | None = optional_like(VolunteerBase, "guardian_name")
    post_ids: list[int] | None = None


class Volunteer(VolunteerBase, table=True):
    """A registered volunteer. Plain columns never rebuild an ID number (DESIGN.md §9): the number and
    the full birth date are encrypted; in plain stay the birth year (for ages) and the last 4
    characters (to tell people apart). The year and month together would not do: the last 4 hold the
    check digit, which narrows the day of birth to about three candidates once the region is guessed."""

    __table_args__ = (
        UniqueConstraint("station_id", "number"),
        # One active registration per ID number, held by the database itself so that two writers
        # racing on PostgreSQL cannot both insert it.
        Index("ux_volunteer_station_id_number_active", "station_id", "id_number_hash", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    number: str = Field(max_length=20, description="志愿者编号")
    gender: Gender = Field(sa_type=String(10))
    birth_year: int = Field(description="plain, for ages; the full date is in birth_date_cipher")
    birth_date_cipher: str = Field(description="Fernet token of the ISO birth date; never shown")
    id_number_cipher: str = Field(description="Fernet token; never shown")
    id_number_hash: str = Field(max_length=64, index=True, description="keyed hash for look-up")
    id_number_masked: str = Field(max_length=30, description="the last 4 characters, the rest as *")
    id_number_note: str = Field(default="", max_length=50, description="message key, e.g. region unverified")
    name_pinyin: str = Field(default="", max_length=200, index=True)
    name_initials: str = Field(default="", max_length=50, index=True)
    consent_at: dt.date
    guardian_consent_at: dt.date | None = None
    registered_at: dt.datetime = Field(default_factory=clock.now)
    updated_at: dt.datetime = Field(default_factory=clock.now)
    active: bool = True
    deactivated_at: dt.datetime | None = None
    deactivation_reason: str = Field(default="", max_length=200)
    merged_into_id: int | None = Field(default=None, foreign_key="volunteer.id")

    @property
    def status(self) -> VolunteerStatus:
        """The registration's state, read from ``active`` (which the database's one-active-registration
        index stands on) and ``merged_into_id``; the workflow sets it through ``active``."""
        if self.active:
            return VolunteerStatus.active
        return VolunteerStatus.deactivated if self.merged_into_id is None else VolunteerStatus.merged

    @status.setter
    def status(self, value: str) -> None:
        self.active = value == VolunteerStatus.active


class VolunteerStatus(StrEnum):
    """Where a registration stands (DESIGN.md §5: moved only by the volunteer workflow)."""

    active = "active"
    deactivated = "deactivated"  # 注销, with a reason
    merged = "merged"  # a second registration of one person, merged into the first


class VolunteerPost(SQLModel, table=True):
    """Which posts (岗位) a volunteer serves in."""

    volunteer_id: int = Field(foreign_key="volunteer.id", primary_key=True)
    post_id: int = Field(foreign_key="post.id", primary_key=True)


class VolunteerPublic(SQLModel):
    """What a screen or export may show: ID number and phone masked unless an admin unmasked them."""

    id: int
    number: str
    name: str
    gender: Gender
    age: int
    id_type: IdType
    id_number: str
    id_number_note: str = ""  # a message key, e.g. region unverified
    phone: str
    residence_area: str
    is_party_member: bool
    team: str
    squad: str
    posts: list[str]
    approved_hours: float
    star_level: int
    active: bool
    registered_at: dt.datetime
