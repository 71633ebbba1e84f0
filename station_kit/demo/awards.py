"""The demo's award rounds: the award calendar run through the award services, 公示 to final.

The history happened before today, so each round is run on the clock of its day (``clock.at``): computed
and put to 公示 on the first working day after its period, for the rules' working days, and finalised the
working day after 公示 ends — each step audited on that day. Rounds of a level run in order, so the
cooldown sees the previous winners.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.rules import rules_dir
from station_kit.rules.awards import LEVELS, parse_period
from station_kit.rules.calendar import add_working_days
from station_kit.services.awards import finalize_round, publish_round, run_award_rounds
from station_kit.services.scope import Scope

CALENDAR = Path(__file__).parent / "award_calendar.toml"
PUBLISHED_AT = dt.time(9, 0)
FINALISED_AT = dt.time(10, 0)


def award_calendar() -> dict[str, list[str]]:
    """Which periods each level is awarded for: data/award_calendar.toml if there is one, else ours."""
    override = rules_dir() / "award_calendar.toml"
    with open(override if override.is_file() else CALENDAR, "rb") as handle:
        calendar = tomllib.load(handle)
    return {level: list(calendar.get(level, [])) for level in LEVELS}


def run_award_calendar(*, scope: Scope, station_id: int) -> int:
    """Run, publish and finalise every round of the calendar; returns how many rounds."""
    rounds = 0
    for level, periods in award_calendar().items():
        for period in sorted(periods):
            rounds += len(run_calendar_rounds(scope=scope, station_ids=[station_id], level=level, period=period))
    return rounds


def run_calendar_rounds(*, scope: Scope, station_ids: list[int], level: str, period: str) -> list[int]:
    """One round of the calendar at each station, computed together on the first working day after the
    period, put to 公示 and finalised after it; the ids of the rounds made final. A round nobody is
    eligible to win stays a draft, as a station would leave it: there is nothing to publicise."""
    published = add_working_days(parse_period(level, period).last_day, 1)
    made_public = []
    with clock.at(dt.datetime.combine(published, PUBLISHED_AT, tzinfo=clock.CHINA)):
        for award_round in run_award_rounds(scope=scope, station_ids=station_ids, level=level, period=period):
            try:
                made_public.append(publish_round(scope=scope, round_id=award_round.id))
            except DomainError as error:
                if error.keys() != ["awards.no_winner"]:
                    raise
    if made_public:
        finalised = add_working_days(made_public[0].publicity_ends_on, 1)
        with clock.at(dt.datetime.combine(finalised, FINALISED_AT, tzinfo=clock.CHINA)):
            for award_round in made_public:
                finalize_round(scope=scope, round_id=award_round.id)
    return [award_round.id for award_round in made_public]
