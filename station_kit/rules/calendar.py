"""China's working days, with 调休 (weekend days worked in exchange for a longer holiday)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from station_kit.rules import load_rules


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: dt.date) -> bool:
    return _china(day.year).is_working_day(day)


def working_days_after(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how late an entry made on ``end`` is for an activity on ``start``."""
    days = (end - start).days
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, days + 1))


def is_backfill(activity_day: dt.date, entry_day: dt.date) -> bool:
    limit = load_rules("records")["backfill_after_working_days"]
    return working_days_after(activity_day, entry_day) > limit


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``: the last day of a publicity period that starts
    the day after ``start``."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_working_day(day)
    return day
