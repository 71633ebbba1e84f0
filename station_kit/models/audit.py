"""The operation log (操作日志). Its newest id is also the change signal that live tallies poll."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from station_kit import clock


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    at: dt.datetime = Field(default_factory=clock.now)
    operator: str = Field(max_length=50)
    action: str = Field(max_length=50, description="e.g. volunteer.register")
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    detail: str = Field(default="{}", description="JSON; never holds an unmasked ID number")


class KeyCheck(SQLModel, table=True):
    """One row: the marker of the key this database's personal data is encrypted with
    (``Vault.key_marker``). A command or kernel whose key does not give it back refuses to work,
    so a deleted, replaced or emptied key file can never mix two keys in one database."""

    id: int = Field(default=1, primary_key=True)
    marker: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)
