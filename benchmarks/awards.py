"""A yearly 时尚达人 round on the demo station (every candidate ranked with the breakdown, entries
written, the audit event) vs one hand-written SQL aggregate of the same per-volunteer sums.

The demo's calendar already made 2021 final, so its round is taken out first (before the clock
starts); each timed run then computes 2021's draft afresh, as staff re-running it would.

Alone: ``python -m benchmarks.awards [--repeat 5]`` builds its own demo in a temp folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from sqlalchemy import delete, select, text

from benchmarks.timing import Result, median_seconds
from station_kit.clock import CHINA
from station_kit.db import get_engine, migrate, write_session
from station_kit.demo import build_demo
from station_kit.models import AwardEntry, AwardRound
from station_kit.services.actor import Actor
from station_kit.services.awards import run_award_round
from station_kit.services.org import current_station
from station_kit.services.scope import Scope

YEAR = "2021"
HAND_WRITTEN = text("""
SELECT r.volunteer_id,
       sum(CASE WHEN r.no_show THEN 0 ELSE r.minutes END),
       count(DISTINCT CASE WHEN NOT r.no_show THEN r.activity_id END),
       sum(CASE WHEN r.role = 'leader' AND NOT r.no_show THEN 1 ELSE 0 END),
       sum(CASE WHEN r.no_show THEN 1 ELSE 0 END),
       sum((CASE WHEN r.no_show THEN 0 ELSE r.minutes END)
           * CASE WHEN a.theme IN ('neighbourly', 'environment', 'culture') THEN 120 ELSE 100 END),
       sum(CASE WHEN a.theme = 'neighbourly' AND NOT r.no_show THEN r.minutes ELSE 0 END),
       sum(CASE WHEN a.theme = 'environment' AND NOT r.no_show THEN r.minutes ELSE 0 END),
       sum(CASE WHEN a.theme = 'culture' AND NOT r.no_show THEN r.minutes ELSE 0 END)
FROM servicerecord r JOIN activity a ON a.id = r.activity_id
WHERE r.station_id = :s AND r.status = 'approved' AND r.started_at >= :start AND r.started_at < :end
GROUP BY r.volunteer_id""")


def _stored(moment: dt.datetime) -> str:
    """A China-time moment as SQLite stores it (UTC text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def run(url: str, *, repeat: int) -> list[Result]:
    """Over the demo station already built at ``url`` (benchmarks.tally builds it)."""
    engine = get_engine(url)
    with write_session(engine) as session:
        # The reference station, on a street's database too.
        station_id = current_station(Scope(session, Actor("bench"))).id
        round_id = session.execute(select(AwardRound.id).where(
            AwardRound.station_id == station_id, AwardRound.level == "year", AwardRound.period == YEAR)).scalar_one()
        session.execute(delete(AwardEntry).where(AwardEntry.round_id == round_id))
        session.execute(delete(AwardRound).where(AwardRound.id == round_id))

    def ours():
        with write_session(engine) as session:
            run_award_round(scope=Scope(session, Actor("bench")), station_id=station_id, level="year", period=YEAR)

    bounds = {"s": station_id, "start": _stored(dt.datetime(2021, 1, 1, tzinfo=CHINA)),
              "end": _stored(dt.datetime(2022, 1, 1, tzinfo=CHINA))}

    def floor():
        with engine.connect() as connection:
            connection.execute(HAND_WRITTEN, bounds).all()

    return [Result(f"yearly award round {YEAR} (demo)", median_seconds(ours, repeat),
                   "hand-written SQL aggregate", median_seconds(floor, repeat))]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.awards", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (median is shown)")
    args = parser.parse_args()
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        migrate(url)
        with write_session(get_engine(url)) as session:
            build_demo(session=session)
        for result in run(url, repeat=args.repeat):
            print(f"{result.name}: {result.seconds * 1000:.1f} ms median, floor {result.floor_seconds * 1000:.1f} ms "
                  f"({result.floor_name}), ratio {result.ratio:.1f}x")


if __name__ == "__main__":
    main()
