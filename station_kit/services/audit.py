"""Appending to the operation log, inside the caller's transaction, and reading one person's part of it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from station_kit import clock
from station_kit.models import AuditEvent
from station_kit.rules.calendar import month_bounds, period_months
from station_kit.services.actor import Role
from station_kit.services.scope import Scope


def log_event(
    scope: Scope,
    *,
    action: str,
    entity: str,
    entity_id: int | None = None,
    station_id: int | None = None,
    **detail,
) -> None:
    """Log who did what, stamped by the station clock. The role goes into the detail, so a refusal-free
    write by an admin reads as such."""
    event = AuditEvent(
        station_id=station_id,
        operator=scope.actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=json.dumps({"role": scope.actor.role, **detail}, ensure_ascii=False, default=str),
    )
    scope.session.add(event)


def latest_change_id(scope: Scope) -> int:
    """The newest audit id: cheap to poll, and it moves whenever anything is written."""
    return scope.session.exec(select(func.max(AuditEvent.id))).one() or 0


def changes_since(scope: Scope, change_id: int) -> tuple[int, frozenset[str]]:
    """The newest audit id and what was done (``volunteer.register``, ``record.approve``…) since
    ``change_id``: a live screen redraws only what those actions can have changed."""
    rows = scope.session.exec(select(AuditEvent.id, AuditEvent.action).where(AuditEvent.id > change_id)).all()
    if not rows:
        return change_id, frozenset()
    return max(row[0] for row in rows), frozenset(row[1] for row in rows)


@dataclass(frozen=True)
class AuditLine:
    """One action as the log keeps it: when (China time), what, on which row."""

    at: dt.datetime
    action: str
    entity: str
    entity_id: int | None


def operators(*, scope: Scope, station_id: int) -> list[str]:
    """Everyone the station's log names, by name: whom an admin may ask about (an admin's question too)."""
    scope.require(Role.admin, station_id=station_id)
    return sorted(scope.session.exec(select(AuditEvent.operator).where(AuditEvent.station_id == station_id)
                                     .distinct()).all())


def person_actions(*, scope: Scope, station_id: int, person: str, period=None) -> list[AuditLine]:
    """What ``person`` did for the station, oldest first, in ``period`` (a year, quarter, month or span;
    None: all time). An admin's question: who did what is asked by the station's admin, of their station."""
    scope.require(Role.admin, station_id=station_id)
    statement = select(AuditEvent).where(AuditEvent.station_id == station_id, AuditEvent.operator == person)
    if period is not None:
        first_month, last_month = period_months(period)
        statement = statement.where(AuditEvent.at >= month_bounds(first_month)[0],
                                    AuditEvent.at < month_bounds(last_month)[1])
    events = scope.session.exec(statement.order_by(AuditEvent.at, AuditEvent.id)).all()
    return [AuditLine(clock.local(event.at), event.action, event.entity, event.entity_id) for event in events]
