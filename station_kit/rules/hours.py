"""Service time: stored as whole minutes, shown as hours with one decimal (DESIGN.md §4, after the 2020
measures for service records, art. 9).

Rounding is half up (四舍五入), as a worker checks it by hand: 135 minutes are 2.3 h. Python's round()
and "{:.1f}" round a binary float half to even and would show 2.2.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")


def hours(minutes: int) -> float:
    """``minutes`` as hours rounded half up to one decimal."""
    return float((Decimal(minutes) / 60).quantize(TENTH, rounding=ROUND_HALF_UP))


def hours_text(minutes: int) -> str:
    """``minutes`` as the hours a screen shows: ``135`` → ``"2.3"``."""
    return f"{hours(minutes):.1f}"
