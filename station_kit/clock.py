"""Station time. Stations are in China: timestamps are stored as aware datetimes (UTC in the database)
and "today" is a date in Asia/Shanghai whatever the server's own zone is.

Every stamp a use case writes — its rows' ``*_at`` fields, the deadlines it sets, its audit line — reads
``now()``. The clock is injected in one place: inside ``at(moment)`` it stands at that moment, so the demo
builds its years of history through the same services staff use, each step stamped (and audited) on the
day it happened, instead of back-dating rows afterwards; tests use it the same way. Apps and commands
never set it: for them it is the real time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

_STANDS_AT: ContextVar[dt.datetime | None] = ContextVar("station_clock", default=None)


def now() -> dt.datetime:
    standing = _STANDS_AT.get()
    if standing is not None:
        return standing
    return dt.datetime.now(CHINA).replace(microsecond=0)


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Station time stands at ``moment`` (aware) inside the block, in this thread or task only."""
    if moment.tzinfo is None:
        raise ValueError("the clock needs an aware moment (China time or UTC)")
    token = _STANDS_AT.set(moment.astimezone(CHINA).replace(microsecond=0))
    try:
        yield now()
    finally:
        _STANDS_AT.reset(token)


def today() -> dt.date:
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp as a station worker reads it."""
    return moment.astimezone(CHINA)
