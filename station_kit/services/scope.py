"""The one way a use case loads a row by id (DESIGN.md §5, "the application boundary").

An id comes from a form, a command line or a file, so it is not trusted: ``load`` refuses an id that
names no row, a row of a station the actor does not work for, and — when the use case writes into
one station — a row of another station even when the actor works for both (a street admin checking
a volunteer of one 社区 into another's activity). It locks the row where the use case writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlmodel import Session, select

from station_kit.db import is_id, lock_rows
from station_kit.errors import DomainError
from station_kit.services.actor import Actor

Row = TypeVar("Row")


def station_of(row) -> int:
    """The station a row belongs to (a station belongs to itself)."""
    return row.station_id if hasattr(row, "station_id") else row.id


def find(session: Session, model: type[Row], value) -> Row | None:
    """The row ``value`` names, or None: for a reference inside a form, which its use case checks
    against the station it writes into."""
    return session.get(model, value) if is_id(value) else None


def load(session: Session, model: type[Row], row_id, *, actor: Actor, field: str, missing: str,
         lock: bool = False, station_id: int | None = None) -> Row:
    """The row ``row_id`` of ``model``, or a DomainError on ``field``: ``missing`` when there is no such
    row, ``scope.other_station`` when it belongs to a station the actor does not work for or (with
    ``station_id``) to a station other than the one the use case writes into."""
    if not is_id(row_id):
        raise DomainError.on(field, missing)
    if lock:
        lock_rows(session, model, [row_id])
    row = session.get(model, row_id)
    if row is None:
        raise DomainError.on(field, missing)
    check_station(row, actor=actor, field=field, station_id=station_id)
    return row


def load_many(session: Session, model: type[Row], row_ids: Iterable, *, actor: Actor, field: str,
              missing: str, lock: bool = False) -> list[Row]:
    """Every row of ``row_ids`` (each once, in id order), refused as a whole like ``load`` refuses one."""
    wanted = set(row_ids)
    if not wanted or not all(is_id(value) for value in wanted):
        raise DomainError.on(field, missing)
    wanted = sorted(wanted)
    if lock:
        lock_rows(session, model, wanted)
    rows = session.exec(select(model).where(model.id.in_(wanted)).order_by(model.id)).all()
    if len(rows) != len(wanted):
        raise DomainError.on(field, missing)
    for row in rows:
        check_station(row, actor=actor, field=field)
    return list(rows)


def check_station(row, *, actor: Actor, field: str, station_id: int | None = None) -> None:
    """Refuse a row of a station the actor does not work for, or of another station than ``station_id``."""
    owner = station_of(row)
    actor.require_station(owner, field=field)
    if station_id is not None and owner != station_id:
        raise DomainError.on(field, "scope.other_station")
