"""The analysts' roll-ups at street scale vs a hand-written SQL aggregate of the same rows.

The demo database (built by the tally benchmark) gets COPIES more stations whose service records
are the reference station's, copied in SQL, so the roll-ups group about (COPIES + 1) × 112,000
records across stations. Each figure is the analytics call (SQL GROUP BY, then dtypes and rounding
in pandas) against one hand-written statement returning the same groups.
"""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import select

from benchmarks.timing import Result, median_seconds
from station_kit import analytics
from station_kit.db import get_engine, write_session
from station_kit.models import ServiceRecord, Station
from station_kit.services.actor import DEMO
from station_kit.services.org import create_station
from station_kit.services.scope import Scope

COPIES = 4
COPY_RECORDS = """
INSERT INTO servicerecord (station_id, volunteer_id, activity_id, role, started_at, ended_at, minutes, status,
                           no_show, is_backfill, backfill_reason, entered_at, entered_by, decided_by,
                           decided_at, decision_reason)
SELECT :station, volunteer_id, activity_id, role, started_at, ended_at, minutes, status, no_show, is_backfill,
       backfill_reason, entered_at, entered_by, decided_by, decided_at, decision_reason
FROM servicerecord WHERE station_id = :source"""
HOURS_BY_MONTH = text("""
SELECT s.code, strftime('%Y-%m', r.started_at, '+8 hours') AS month, sum(r.minutes), count(*),
       count(DISTINCT r.volunteer_id)
FROM servicerecord r JOIN station s ON s.id = r.station_id
WHERE r.status = 'approved' GROUP BY s.code, month ORDER BY s.code, month""")
HOURS_BY_TASK = text("""
SELECT s.code, a.category, sum(r.minutes) AS minutes, count(*), count(DISTINCT r.volunteer_id)
FROM servicerecord r JOIN station s ON s.id = r.station_id JOIN activity a ON a.id = r.activity_id
WHERE r.status = 'approved' GROUP BY s.code, a.category ORDER BY s.code, minutes DESC""")
RETENTION = text("""
WITH served AS (
    SELECT r.station_id, r.volunteer_id, strftime('%Y-%m', r.started_at, '+8 hours') AS month
    FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id
    WHERE r.status = 'approved' AND NOT r.no_show AND r.minutes > 0 AND v.active
    GROUP BY r.station_id, r.volunteer_id, month)
SELECT s.station_id, strftime('%Y-%m', v.registered_at, '+8 hours') AS cohort, s.month, count(*)
FROM served s JOIN volunteer v ON v.id = s.volunteer_id
WHERE s.month >= strftime('%Y-%m', v.registered_at, '+8 hours')
GROUP BY s.station_id, cohort, s.month""")


def add_copies(url: str, copies: int = COPIES) -> int:
    """Add ``copies`` stations holding copies of the first station's records; how many records now.
    The stations are made by the service, so a column a migration adds never breaks this again."""
    engine = get_engine(url)
    with write_session(engine) as session:
        source = session.exec(select(func.min(Station.id))).one()
        for number in range(copies):
            station = create_station(scope=Scope(session, DEMO), code=f"COPY{number}", name=f"副本{number}")
            session.execute(text(COPY_RECORDS), {"station": station.id, "source": source})
        return session.exec(select(func.count()).select_from(ServiceRecord)).one()


def run(url: str, *, repeat: int, copies: int = COPIES) -> list[Result]:
    records = add_copies(url, copies)
    engine = get_engine(url)
    scale = f"{records // 1000}k records"

    def floor(statement):
        def run():
            with engine.connect() as connection:
                connection.execute(statement).all()
        return run

    return [
        Result(f"hours by month, every station ({scale})", median_seconds(
            lambda: analytics.hours_by("month", engine), repeat), "hand-written SQL GROUP BY",
            median_seconds(floor(HOURS_BY_MONTH), repeat)),
        Result(f"hours by work task, every station ({scale})", median_seconds(
            lambda: analytics.hours_by("category", engine), repeat), "hand-written SQL GROUP BY",
            median_seconds(floor(HOURS_BY_TASK), repeat)),
        Result(f"retention cohorts, every station ({scale})", median_seconds(
            lambda: analytics.retention(engine), repeat), "hand-written SQL GROUP BY",
            median_seconds(floor(RETENTION), repeat)),
    ]


if __name__ == "__main__":
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Roll-ups on an existing demo database (it gets copies).")
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    for result in run(arguments.url, repeat=arguments.repeat):
        print(f"{result.name}: {result.seconds * 1000:.0f} ms vs {result.floor_seconds * 1000:.0f} ms "
              f"({result.floor_name}), {result.ratio:.1f}x")
