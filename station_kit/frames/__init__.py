"""The analysts' DataFrames and roll-ups, re-exported by ``station_kit.analytics`` (their one door):
row frames in ``tables``, ``awards`` and ``community`` (columns and dtypes pinned in ``COLUMNS``), SQL
roll-ups in ``rollups``."""

from station_kit.frames.awards import award_spread, award_winners, awards, back_to_back_wins, birth_decade
from station_kit.frames.community import grid_cases, requests
from station_kit.frames.rollups import (
    ROLLUP_COLUMNS,
    activities_by,
    hours_by,
    hours_per_volunteer,
    month_report,
    monthly_figures,
    period_figures,
    retention,
    retention_rates,
    star_changes,
)
from station_kit.frames.tables import (
    COLUMNS,
    activities,
    chinese_headers,
    configured_station,
    lecture_sessions,
    partner_units,
    projects,
    service_records,
    squads,
    teams,
    volunteers,
)

__all__ = ["COLUMNS", "ROLLUP_COLUMNS", "activities", "activities_by", "award_spread", "award_winners", "awards",
           "back_to_back_wins", "birth_decade", "chinese_headers", "configured_station", "grid_cases", "hours_by",
           "hours_per_volunteer", "lecture_sessions", "month_report", "monthly_figures", "partner_units",
           "period_figures", "projects", "requests", "retention", "retention_rates", "service_records", "squads",
           "star_changes", "teams", "volunteers"]
