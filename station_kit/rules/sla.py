"""Deadlines of grid cases from data/sla.toml (sources cited there), and when a step is late.

Accepting and a department's report are measured in clock time; resolving in working days (China's
calendar with 调休), counted from the day after receipt and ending when the last of them ends.

"Late" is written once, here, as a Python predicate (the 民呼我应 list) and as the SQL expression built
from the same definition (the tally, 实时数据, the grid_cases frame); a property test holds the two
together on random cases.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, false, func, literal, or_, true

from station_kit import clock
from station_kit.rules import load_rules
from station_kit.rules.calendar import is_working_day

# Far beyond any configured limit; a longer search means a rule file asks for the impossible.
_MOST_DAYS_SEARCHED = 3660


def sla_rules() -> dict:
    return load_rules("sla")


def accept_due(received_at: dt.datetime) -> dt.datetime:
    return received_at + dt.timedelta(hours=sla_rules()["accept_within_hours"])


def report_due(whistled_at: dt.datetime) -> dt.datetime:
    return whistled_at + dt.timedelta(minutes=sla_rules()["report_within_minutes"])


def resolve_due(received_at: dt.datetime, *, is_complex: bool) -> dt.datetime:
    """The end (midnight, China time) of the Nth working day after the day of receipt."""
    rules = sla_rules()
    days = rules["resolve_complex_within_working_days" if is_complex else "resolve_within_working_days"]
    day = clock.local(received_at).date()
    counted = 0
    for _ in range(_MOST_DAYS_SEARCHED):
        if counted >= days:
            break
        day += dt.timedelta(days=1)
        counted += is_working_day(day)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.CHINA)


def satisfied_from_rating() -> int:
    return int(sla_rules()["satisfied_from_rating"])


# The steps of a grid case: each with the column that records when it was done and its deadline.
CASE_STEPS = (("accept", "accepted_at", "accept_due_at"), ("report", "reported_at", "report_due_at"),
              ("resolve", "resolved_at", "resolve_due_at"))


def step_late(done_at: dt.datetime | None, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A step is late when its deadline passed before it was done, or passes while it is still to do.
    A step done late stays late (the ledger counts it late); a step with no deadline (no department
    whistled) is never late."""
    return due_at is not None and (done_at or now) > due_at


def late_steps(case_row, now: dt.datetime) -> list[str]:
    """The late steps of one case, in the order they happen."""
    return [step for step, done, due in CASE_STEPS if step_late(getattr(case_row, done), getattr(case_row, due), now)]


def step_late_sql(done, due, now: dt.datetime):
    """``step_late`` as SQL over a case's columns. ``now`` is bound as the column's own type, which
    stores moments in UTC (a bare parameter would compare China time with UTC on SQLite)."""
    return and_(due.is_not(None), func.coalesce(done, literal(now, done.type)) > due)


def case_late_sql(model, now: dt.datetime):
    """A case with any late step, as SQL: what the tally counts as 超时."""
    return or_(*(step_late_sql(getattr(model, done), getattr(model, due), now) for _, done, due in CASE_STEPS))


def step_on_time_sql(done, due, now: dt.datetime):
    """Whether a step met its deadline, as SQL: false once late, true once done in time, NULL while it
    is still to come and not yet late, or never due."""
    return case((due.is_(None), None), (step_late_sql(done, due, now), false()), (done.is_not(None), true()),
                else_=None)
