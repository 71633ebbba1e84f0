"""Median timing, the result line every benchmark returns, and a fresh station to time writes on."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from station_kit.services.scope import Scope


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float
    floor_name: str
    floor_seconds: float
    unit: str = "s"  # "s": both figures are seconds; "MiB": both are memory (the fields keep their names)

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds


def median_seconds(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def fresh_station(url: str):
    """A migrated database with one station (made by the service, as a station is), before the clock
    starts: (engine, station id)."""
    from station_kit.db import get_engine, migrate, write_session
    from station_kit.services.actor import DEMO
    from station_kit.services.org import create_station

    migrate(url)
    engine = get_engine(url)
    with write_session(engine) as session:
        return engine, create_station(scope=Scope(session, DEMO), code="B", name="bench").id
