"""Star levels from approved hours; thresholds in data/stars.toml (source cited there)."""

from __future__ import annotations

from station_kit.rules import load_rules


def star_thresholds_minutes() -> list[tuple[int, int]]:
    """(level, minutes needed) from the lowest level up."""
    table = load_rules("stars")["thresholds_hours"]
    return sorted((int(level), int(hours) * 60) for level, hours in table.items())


def star_level(approved_minutes: int) -> int:
    """0 when below the first threshold."""
    level = 0
    for candidate, minutes in star_thresholds_minutes():
        if approved_minutes >= minutes:
            level = candidate
    return level
