"""Headline figures of the demo station vs one hand-written SQL statement counting the same rows
(organisation counts, approved minutes, pending records, activities, people served, star volunteers —
active ones, as the tally counts them — and final awards)."""

from __future__ import annotations

from sqlalchemy import text

from benchmarks.timing import Result, median_seconds
from station_kit.analytics import headline_figures, station_figures
from station_kit.db import get_engine, migrate, write_session
from station_kit.demo import build_demo
from station_kit.services.actor import Actor
from station_kit.services.org import current_station
from station_kit.services.scope import Scope


def copy_sqlite(source_url: str, target_url: str) -> None:
    """A consistent copy of one SQLite database into another file (the online backup API)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(source_url.removeprefix("sqlite:///"))) as source, \
            closing(sqlite3.connect(target_url.removeprefix("sqlite:///"))) as target:
        source.backup(target)

ORGANISATION = """
SELECT (SELECT count(*) FROM volunteer WHERE station_id = :s AND active),
       (SELECT count(*) FROM volunteer WHERE station_id = :s AND active AND is_party_member),
       (SELECT count(*) FROM team WHERE station_id = :s),
       (SELECT count(*) FROM squad WHERE station_id = :s),
       (SELECT count(*) FROM servicepoint WHERE station_id = :s),
       (SELECT count(*) FROM servicebase WHERE station_id = :s),
       (SELECT count(*) FROM association WHERE station_id = :s),
       (SELECT count(*) FROM partnerunit WHERE station_id = :s AND kind = 'co_building'),
       (SELECT count(*) FROM post WHERE station_id = :s),
       (SELECT count(*) FROM project WHERE station_id = :s),
       (SELECT count(*) FROM project WHERE station_id = :s AND is_brand),
       (SELECT count(*) FROM grid WHERE station_id = :s)"""
HAND_WRITTEN_ORGANISATION = text(ORGANISATION)
HAND_WRITTEN = text(ORGANISATION + """,
       (SELECT sum(minutes) FROM servicerecord WHERE station_id = :s AND status = 'approved'),
       (SELECT count(*) FROM servicerecord WHERE station_id = :s AND status = 'pending'),
       (SELECT count(*) FROM activity WHERE station_id = :s AND status != 'cancelled'),
       (SELECT sum(beneficiaries) FROM activity WHERE station_id = :s AND status != 'cancelled'),
       (SELECT count(*) FROM (SELECT r.volunteer_id FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id
                              WHERE r.station_id = :s AND r.status = 'approved' AND v.active
                              GROUP BY r.volunteer_id HAVING sum(r.minutes) >= 6000) AS stars),
       (SELECT count(*) FROM awardentry e JOIN awardround r ON r.id = e.round_id
        WHERE r.station_id = :s AND r.status = 'final' AND e.winner)
""")


def run(url: str, *, repeat: int, demo: str | None = None) -> list[Result]:
    """Builds the demo station at ``url`` (the other benchmarks use it), or copies ``demo`` there."""
    if demo:
        copy_sqlite(demo, url)
    migrate(url)
    engine = get_engine(url)
    with write_session(engine) as session:
        station_id = current_station(Scope(session, Actor("bench"))).id if demo else build_demo(session=session)

    def ours():
        headline_figures(engine, station=station_id)

    def floor(statement):
        def run():
            with engine.connect() as connection:
                connection.execute(statement, {"s": station_id}).one()
        return run

    return [
        Result("tally (demo station)", median_seconds(ours, repeat), "hand-written SQL",
               median_seconds(floor(HAND_WRITTEN), repeat)),
        Result("station roll-up DataFrame (demo)", median_seconds(lambda: station_figures(engine), repeat),
               "hand-written SQL, organisation counts", median_seconds(floor(HAND_WRITTEN_ORGANISATION), repeat)),
    ]
