"""Deadlines of grid cases from data/sla.toml (sources cited there).

Accepting and a department's report are measured in clock time; resolving in working days (China's
calendar with 调休), counted from the day after receipt and ending when the last of them ends.
"""

from __future__ import annotations

import datetime as dt

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
