"""China's calendar: working days, with 调休 (weekend days worked in exchange for a longer holiday),
and the month a moment counts in (China time, whatever the server's zone)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import holidays
from sqlalchemy import func, literal_column

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.rules import load_rules


def china_month(moment: dt.datetime) -> str:
    """'YYYY-MM' of a moment in China time: the month a record, an activity or a case counts in."""
    return f"{clock.local(moment):%Y-%m}"


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``month`` ('YYYY-MM', China time; 2024-3 reads as 2024-03) and of the month
    after it, or a DomainError saying how to write a month: a year alone or a day is not one."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=clock.CHINA)
    except (TypeError, ValueError):
        raise DomainError.on("month", "exports.month_invalid") from None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


# How a period is written: a year, a quarter or a month (2024-3 reads as 2024-03).
PERIOD_PATTERNS = {"year": r"(\d{4})", "quarter": r"(\d{4})-?[Qq]([1-4])", "month": r"(\d{4})-(\d{1,2})"}


def read_period(text: object) -> tuple[str, int, int] | None:
    """``text`` as (kind, year, number): ('year', 2022, 1), ('quarter', 2022, 3), ('month', 2022, 8); None
    when it is none of them (a year outside 2000–2099 or a 13th month included)."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)  # period=2022
    if not isinstance(text, str):
        return None
    for kind, pattern in PERIOD_PATTERNS.items():
        found = re.fullmatch(pattern, text.strip())
        if found:
            year, number = int(found.group(1)), int(found.group(2)) if kind != "year" else 1
            return (kind, year, number) if 2000 <= year <= 2099 and 1 <= number <= 12 else None
    return None


def period_months(period) -> tuple[str, str]:
    """The first and last month ('YYYY-MM') of ``period``: a year '2022', a quarter '2022-Q3', a month
    '2022-08', or two of them as (first, last) for the months from the start of the first to the end of
    the last. Anything else is a DomainError saying how to write one."""
    if isinstance(period, (tuple, list)) and len(period) == 2:
        first, last = period_months(period[0])[0], period_months(period[1])[1]
        if first > last:
            raise DomainError.on("period", "period.backwards", first=period[0], last=period[1])
        return first, last
    read = read_period(period)
    if read is None:
        raise DomainError.on("period", "period.invalid", period=str(period))
    kind, year, number = read
    first_month = {"year": 1, "quarter": 3 * number - 2, "month": number}[kind]
    last_month = {"year": 12, "quarter": 3 * number, "month": number}[kind]
    return f"{year:04d}-{first_month:02d}", f"{year:04d}-{last_month:02d}"


def china_month_sql(bind, column):
    """``china_month`` of a stored (UTC) timestamp column, computed by the database ``bind`` (an engine
    or connection). China keeps UTC+8 all year. The constants are literals, not parameters, so the
    database sees one expression in SELECT, WHERE and GROUP BY and computes it once a row."""
    if bind.dialect.name == "postgresql":
        return func.to_char(func.timezone(literal_column("'Asia/Shanghai'"), column), literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column, literal_column("'+8 hours'"))


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
    """An entry made more than the limit's working days after its activity (补录). Counting stops
    once past the limit: an import of years-old hours asks this for every row."""
    limit = load_rules("records")["backfill_after_working_days"]
    counted, day = 0, activity_day
    while day < entry_day and counted <= limit:
        day += dt.timedelta(days=1)
        counted += is_working_day(day)
    return counted > limit


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``: the last day of a publicity period that starts
    the day after ``start``."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_working_day(day)
    return day
