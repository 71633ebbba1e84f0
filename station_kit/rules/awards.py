"""Award rules (时尚达人, 先进集体; DESIGN.md §4) from data/award_rules.toml, and award periods.

A round stores the hash of the rules it was computed with (``rules_hash``), so anyone can tell
whether a re-run used the same rules; the hash covers every key, in a canonical JSON form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from station_kit.errors import DomainError
from station_kit.rules import load_rules

LEVELS = ("week", "month", "quarter", "year", "collective")
THEMES = ("neighbourly", "environment", "culture")  # 邻里互助, 美化环境, 活跃文化
TIE_BREAKS = ("minutes", "activities", "registered_at", "id")


@dataclass(frozen=True)
class LevelRules:
    level: str
    quota: int
    min_minutes: int
    min_activities: int
    min_members: int
    min_participation_percent: int
    bonus_per_activity_led: int
    deduction_per_no_show: int
    cooldown: bool


@dataclass(frozen=True)
class AwardRules:
    points_per_hour: int
    publicity_working_days: int
    objection_contact: str
    tie_break: tuple[str, ...]
    theme_weight_percent: dict[str, int]  # 1.2 → 120: sums stay whole numbers in SQL
    levels: dict[str, LevelRules]
    hash: str

    def level(self, level: str) -> LevelRules:
        if level not in self.levels:
            raise DomainError.on("level", "awards.unknown_level", level=level)
        return self.levels[level]


def award_rules() -> AwardRules:
    raw = load_rules("award_rules")
    tie_break = tuple(raw["tie_break"])
    if sorted(tie_break) != sorted(TIE_BREAKS):
        raise ValueError(f"award_rules.toml: tie_break must order exactly {TIE_BREAKS}")
    levels = {}
    for level in LEVELS:
        table = raw["levels"][level]
        levels[level] = LevelRules(
            level=level, quota=int(table["quota"]),
            min_minutes=round(float(table.get("min_hours", 0)) * 60),
            min_activities=int(table.get("min_activities", 0)),
            min_members=int(table.get("min_members", 0)),
            min_participation_percent=round(float(table.get("min_participation", 0)) * 100),
            bonus_per_activity_led=int(table["bonus_per_activity_led"]),
            deduction_per_no_show=int(table["deduction_per_no_show"]),
            cooldown=bool(table.get("cooldown", False)))
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return AwardRules(
        points_per_hour=int(raw["points_per_hour"]),
        publicity_working_days=int(raw["publicity_working_days"]),
        objection_contact=str(raw["objection_contact"]),
        tie_break=tie_break,
        theme_weight_percent={theme: round(float(raw["theme_weights"].get(theme, 1)) * 100) for theme in THEMES},
        levels=levels,
        hash=hashlib.sha256(canonical.encode()).hexdigest(),
    )


@dataclass(frozen=True)
class Period:
    """The days an award round covers, named as people write them: 2022-W31, 2022-08, 2022-Q3, 2022."""

    level: str
    name: str
    first_day: dt.date
    last_day: dt.date

    def previous(self) -> Period:
        return period_of(self.level, self.first_day - dt.timedelta(days=1))


_PATTERNS = {
    "week": re.compile(r"(\d{4})-W(\d{2})"),
    "month": re.compile(r"(\d{4})-(\d{2})"),
    "quarter": re.compile(r"(\d{4})-Q([1-4])"),
    "year": re.compile(r"(\d{4})"),
    "collective": re.compile(r"(\d{4})"),
}


def parse_period(level: str, name: str) -> Period:
    """The period ``name`` of ``level``, or a DomainError saying how it is written."""
    if level not in LEVELS:
        raise DomainError.on("level", "awards.unknown_level", level=level)
    match = _PATTERNS[level].fullmatch(name.strip())
    try:
        if match is None:
            raise ValueError(name)
        year, part = int(match.group(1)), int(match.group(2)) if match.lastindex > 1 else 1
        if level == "week":
            first = dt.date.fromisocalendar(year, part, 1)
        elif level == "month":
            first = dt.date(year, part, 1)
        elif level == "quarter":
            first = dt.date(year, 3 * part - 2, 1)
        else:
            first = dt.date(year, 1, 1)
    except ValueError:
        raise DomainError.on("period", f"awards.period_format.{level}", period=name) from None
    return period_of(level, first)


def period_of(level: str, day: dt.date) -> Period:
    """The period of ``level`` that holds ``day``."""
    if level == "week":
        year, week, _ = day.isocalendar()
        first = day - dt.timedelta(days=day.weekday())
        return Period(level, f"{year}-W{week:02d}", first, first + dt.timedelta(days=6))
    if level == "month":
        first = day.replace(day=1)
        return Period(level, f"{day:%Y-%m}", first, _month_end(first))
    if level == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = dt.date(day.year, 3 * quarter - 2, 1)
        return Period(level, f"{day.year}-Q{quarter}", first, _month_end(first.replace(month=3 * quarter)))
    return Period(level, f"{day.year}", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def _month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
