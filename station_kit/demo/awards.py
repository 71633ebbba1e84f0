"""The demo's award rounds: the award calendar run through the award services, 公示 to final.

The history happened before today, so each round's 公示 is dated as it would have been: from the
first working day after its period, for the rules' working days (as registration dates are set in
demo.station). Rounds of a level run in order, so the cooldown sees the previous winners.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from sqlmodel import Session

from station_kit import clock
from station_kit.models import AwardRound
from station_kit.rules import rules_dir
from station_kit.rules.awards import LEVELS, award_rules
from station_kit.rules.calendar import add_working_days
from station_kit.services.actor import DEMO
from station_kit.services.awards import finalize_round, publish_round, run_award_round

CALENDAR = Path(__file__).parent / "award_calendar.toml"


def award_calendar() -> dict[str, list[str]]:
    """Which periods each level is awarded for: data/award_calendar.toml if there is one, else ours."""
    override = rules_dir() / "award_calendar.toml"
    with open(override if override.is_file() else CALENDAR, "rb") as handle:
        calendar = tomllib.load(handle)
    return {level: list(calendar.get(level, [])) for level in LEVELS}


def run_award_calendar(*, session: Session, station_id: int) -> int:
    """Run, publish and finalise every round of the calendar; returns how many rounds."""
    working_days = award_rules().publicity_working_days
    rounds = 0
    for level, periods in award_calendar().items():
        for period in sorted(periods):
            award_round = run_award_round(session=session, station_id=station_id, level=level, period=period,
                                          actor=DEMO)
            session.flush()
            publish_round(session=session, round_id=award_round.id, actor=DEMO)
            _date_publicity(session, award_round, working_days)
            finalize_round(session=session, round_id=award_round.id, actor=DEMO)
            award_round.finalised_at = dt.datetime.combine(add_working_days(award_round.publicity_ends_on, 1),
                                                           dt.time(10, 0), tzinfo=clock.CHINA)
            session.add(award_round)
            rounds += 1
    return rounds


def _date_publicity(session: Session, award_round: AwardRound, working_days: int) -> None:
    published = add_working_days(award_round.last_day, 1)
    award_round.published_on = published
    award_round.publicity_ends_on = add_working_days(published - dt.timedelta(days=1), working_days)
    session.add(award_round)
    session.flush()
