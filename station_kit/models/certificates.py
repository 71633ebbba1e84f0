"""Issued 志愿服务记录证明 (DESIGN.md §4): each certificate's number and what it certified, kept so
that a certificate shown later can be checked against the station's register."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from station_kit import clock


class IssuedCertificate(SQLModel, table=True):
    """One certificate as issued: never changed afterwards, so a check compares with what was printed."""

    __table_args__ = (UniqueConstraint("station_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    number: str = Field(max_length=40, description="证明编号, e.g. XSL-ZM-2022-00001")
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    approved_minutes: int = Field(ge=0)
    record_count: int = Field(ge=0, description="approved service records counted")
    period_from: dt.date
    period_until: dt.date
    issued_on: dt.date
    issued_at: dt.datetime = Field(default_factory=clock.now)
    handler: str = Field(max_length=50, description="经办人: the staff member who issued it")
    person_in_charge: str = Field(default="", max_length=50)
    contact: str = Field(default="", max_length=100)


class IssuedCertificatePublic(SQLModel):
    """What checking a certificate number shows: enough to compare with the paper in the caller's
    hand, and no more to whoever tries numbers: name and ID number masked."""

    number: str
    volunteer_number: str
    masked_name: str
    masked_id_number: str
    approved_minutes: int
    period_from: dt.date
    period_until: dt.date
    issued_on: dt.date
    handler: str
    person_in_charge: str
