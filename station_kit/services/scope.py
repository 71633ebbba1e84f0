"""The one door every use case goes through (DESIGN.md §5, "the application boundary").

A ``Scope`` is what a service receives: the session of its one transaction, the Actor — the person
working, their role and the stations they work for — and the station clock. The ui kit, the CLI and
the demo each build it in one place; no caller hands a service a session and a person separately, so
a page cannot pair its database with somebody else's name.

An id comes from a form, a command line or a file, so it is not trusted: ``scope.get`` refuses an id
that names no row, a row of a station the actor does not work for, and — when the use case writes
into one station — a row of another station even when the actor works for both (a street admin
checking a volunteer of one 社区 into another's activity). It locks the row where the use case writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import is_id, lock_rows
from station_kit.errors import DomainError
from station_kit.services.actor import Actor, Role

Row = TypeVar("Row")


def station_of(row) -> int:
    """The station a row belongs to (a station belongs to itself)."""
    return row.station_id if hasattr(row, "station_id") else row.id


@dataclass(frozen=True)
class Scope:
    """One use case's session, the person working, and the station clock."""

    session: Session
    actor: Actor

    def now(self) -> dt.datetime:
        """Station time, which every stamp a use case writes reads: the real time, or the moment
        ``clock.at`` stands at (the demo's history, tests)."""
        return clock.now()

    def today(self) -> dt.date:
        """Today in China."""
        return clock.today()

    def require(self, role: Role = Role.staff, *, station_id: int | None = None) -> None:
        """Refuse unless the person's role may do what ``role`` may (and, with a station, works for it)."""
        self.actor.require(role, station_id=station_id)

    def require_station(self, station_id: int, *, field: str = "station") -> None:
        """Refuse a station (named by a form or a command) the person does not work for."""
        self.actor.require_station(station_id, field=field)

    def find(self, model: type[Row], value) -> Row | None:
        """The row ``value`` names, or None: for a reference inside a form, which its use case checks
        against the station it writes into."""
        return self.session.get(model, value) if is_id(value) else None

    def get(self, model: type[Row], row_id, *, field: str, missing: str, lock: bool = False,
            station_id: int | None = None) -> Row:
        """The row ``row_id`` of ``model``, or a DomainError on ``field``: ``missing`` when there is no
        such row, ``scope.other_station`` when it belongs to a station the person does not work for or
        (with ``station_id``) to a station other than the one the use case writes into."""
        if not is_id(row_id):
            raise DomainError.on(field, missing)
        if lock:
            lock_rows(self.session, model, [row_id])
        row = self.session.get(model, row_id)
        if row is None:
            raise DomainError.on(field, missing)
        self.check_station(row, field=field, station_id=station_id)
        return row

    def get_many(self, model: type[Row], row_ids: Iterable, *, field: str, missing: str,
                 lock: bool = False) -> list[Row]:
        """Every row of ``row_ids`` (each once, in id order), refused as a whole as ``get`` refuses one."""
        wanted = set(row_ids)
        if not wanted or not all(is_id(value) for value in wanted):
            raise DomainError.on(field, missing)
        wanted = sorted(wanted)
        if lock:
            lock_rows(self.session, model, wanted)
        rows = self.session.exec(select(model).where(model.id.in_(wanted)).order_by(model.id)).all()
        if len(rows) != len(wanted):
            raise DomainError.on(field, missing)
        for row in rows:
            self.check_station(row, field=field)
        return list(rows)

    def check_station(self, row, *, field: str, station_id: int | None = None) -> None:
        """Refuse a row of a station the person does not work for, or of another station than ``station_id``."""
        owner = station_of(row)
        self.actor.require_station(owner, field=field)
        if station_id is not None and owner != station_id:
            raise DomainError.on(field, "scope.other_station")
