"""Median timing, the result line every benchmark returns, and a fresh station to time writes on."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from station_kit.io.sheets import display_width  # a Chinese character takes two columns
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


def print_results(results: list[Result]) -> None:
    """One line per figure: measured, floor, ratio and what the floor is."""
    width = max(display_width(result.name) for result in results)
    print(f"{'figure':<{width}}  {'measured':>10}  {'floor':>10}  ratio")
    for result in results:
        name = result.name + " " * (width - display_width(result.name))
        if result.unit == "MiB":
            figures = f"{result.seconds:>7.0f}MiB  {result.floor_seconds:>7.0f}MiB"
        else:
            figures = f"{result.seconds * 1000:>8.1f}ms  {result.floor_seconds * 1000:>8.1f}ms"
        print(f"{name}  {figures}  {result.ratio:5.2f}x  ({result.floor_name})", flush=True)



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
