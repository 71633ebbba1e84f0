"""Median timing and the result line every benchmark returns."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float
    floor_name: str
    floor_seconds: float

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
