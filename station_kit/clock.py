"""Station time. Stations are in China: timestamps are stored as aware datetimes (UTC in the database)
and "today" is a date in Asia/Shanghai whatever the server's own zone is."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(CHINA).replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp as a station worker reads it."""
    return moment.astimezone(CHINA)
