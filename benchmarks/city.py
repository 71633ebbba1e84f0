"""`make bench-city`: a city on PostgreSQL (DESIGN.md §10, §12) — 200 stations and about 20 million
service records — and every figure a station, a street or the city asks of it, each beside a
hand-written SQL floor doing the same work in the same run (benchmarks.city_floors).

Without ``--db`` it starts its own PostgreSQL (pgserver) in a temp folder and builds the city there
with ``station-kit demo --stations N`` (its time and peak memory are figures too); ``--db URL`` measures
a city built before. ``--quick`` builds three small city stations and runs every figure once (CI
does). ``--explain`` prints the EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each of the three
slowest figures, for benchmarks/README.md. Then the apps of the reference station in Chromium, on the
city and on a database of that station alone (benchmarks.city_apps; ``--no-apps`` leaves them out).

One station's figures are of the city's largest station (most service records): the worst case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import event, func, select
from sqlmodel import Session

from benchmarks import city_floors as floors
from benchmarks.rollups import HOURS_BY_TASK  # plain SQL: the same on PostgreSQL
from benchmarks.tally import HAND_WRITTEN as TALLY
from benchmarks.timing import Result, median_seconds, print_results
from station_kit import analytics
from station_kit.clock import CHINA
from station_kit.db import get_engine, migrate
from station_kit.io.cells import cell_text
from station_kit.io.sheets import display_width
from station_kit.models import AwardRound, ServiceRecord, Station
from station_kit.services.actor import Actor, Role
from station_kit.services.scope import Scope

STATIONS = 200
# The yearly round measured: 2022's (January to the data's end in August), which no calendar has run;
# the city's award calendar made 2019–2021 final at every station, and a final round is not computed again.
YEAR = "2022"
MONTH = "2022-07"
GOAL_MIB = 1024  # the "peak memory of the Python process ≤ 1 GB"
GOAL_BUILD_SECONDS = 30 * 60
QUICK_RATE = 5  # records a volunteer-year in quick mode: some thousands of records a station


def figures(url: str) -> list[tuple[str, object, object]]:
    """Each figure on the city at ``url``: its name, our call, and its floor's."""
    engine = get_engine(url)
    with engine.connect() as connection:
        station_id, code, street, records = connection.execute(
            select(Station.id, Station.code, Station.street, func.count(ServiceRecord.id))
            .join(ServiceRecord, ServiceRecord.station_id == Station.id)
            .group_by(Station.id).order_by(func.count(ServiceRecord.id).desc()).limit(1)).one()
        total = connection.execute(select(func.count()).select_from(ServiceRecord)).scalar_one()
        # Every station whose round can still be computed: one made final (the reference station's) stays.
        every_station = connection.execute(select(Station.id).where(~Station.id.in_(
            select(AwardRound.station_id).where(AwardRound.level == "year", AwardRound.period == YEAR,
                                                AwardRound.status != "draft"))).order_by(Station.id)).scalars().all()
        stations = connection.execute(select(func.count()).select_from(Station)).scalar_one()
        on_street = connection.execute(select(func.count()).where(Station.street == street)).scalar_one()
    one = f"{code}, {records // 1000}k records"
    city = f"{stations} stations, {total / 1e6:.1f}M records"
    admin = Actor("bench", Role.admin)
    year = {"start": dt.datetime(int(YEAR), 1, 1, tzinfo=CHINA), "end": dt.datetime(int(YEAR) + 1, 1, 1, tzinfo=CHINA),
            "period": YEAR, "first_day": dt.date(int(YEAR), 1, 1), "last_day": dt.date(int(YEAR), 12, 31)}
    month = {"start": dt.datetime(2022, 7, 1, tzinfo=CHINA), "end": dt.datetime(2022, 8, 1, tzinfo=CHINA)}
    now = dt.datetime.now(CHINA)

    def floor(*statements, **parameters):
        def run():
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(statement, parameters).all()
        return run

    def floor_written(statement, **parameters):
        def run():
            with engine.connect() as connection:  # written, then rolled back as the round is
                connection.execute(statement, parameters)
                connection.rollback()
        return run

    def award_round(station_ids):
        def run():
            from station_kit.services.awards import run_award_rounds

            with Session(engine) as session:  # computed and written, then rolled back: the next run redoes it
                run_award_rounds(scope=Scope(session, admin), station_ids=station_ids, level="year", period=YEAR)
                session.rollback()
        return run

    def month_export():
        from station_kit.services.exports import hours_sheet

        with Session(engine) as session:
            sheet = hours_sheet(scope=Scope(session, admin), station_id=station_id, month=MONTH)
        sheet.to_bytes("xlsx")

    def month_export_floor():
        """The same file the plainest way: the cells from SQL, openpyxl's write-only mode, a bold frozen
        header, the volunteer numbers as text, each column as wide as its widest cell."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        with engine.connect() as connection:
            rows = connection.execute(floors.MONTH_EXPORT, {"s": station_id, **month}).all()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(MONTH)
        for index, cells in enumerate(zip(floors.MONTH_EXPORT_HEADERS, *rows)):
            sheet.column_dimensions["ABCDEFGHIJ"[index]].width = min(max(display_width(cell_text(value)) for value in set(cells)) + 2, 50)
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = [WriteOnlyCell(sheet, value=name) for name in floors.MONTH_EXPORT_HEADERS]
        for cell in header:
            cell.font = bold
        sheet.append(header)
        for number, *rest in rows:
            cell = WriteOnlyCell(sheet, value=number)
            cell.number_format = "@"
            sheet.append([cell, *rest])
        book.save(io.BytesIO())

    return [
        (f"tally, one station ({one})", lambda: analytics.headline_figures(engine, station=station_id),
         floor(TALLY, *floors.TALLY_COMMUNITY, s=station_id, now=now)),
        (f"实时数据 redraw, one station ({one})", _dashboard(engine, code),
         floor(TALLY, *floors.TALLY_COMMUNITY, *floors.DASHBOARD, s=station_id, now=now, **month)),
        (f"street roll-up, monthly ({street}, {on_street} stations)",
         lambda: analytics.monthly_figures(engine, street=street), floor(*floors.STREET_MONTHLY, street=street)),
        (f"city roll-up, monthly ({city})", lambda: analytics.monthly_figures(engine, street=""),
         floor(*floors.CITY_MONTHLY)),
        (f"city roll-up, station figures ({stations} stations)", lambda: analytics.station_figures(engine),
         floor(floors.STATION_FIGURES)),
        (f"yearly award round {YEAR}, one station ({one})", award_round([station_id]),
         floor_written(floors.AWARD_ONE, s=station_id, **year)),
        (f"yearly award round {YEAR}, every station ({len(every_station)})", award_round(every_station),
         floor_written(floors.AWARD_EVERY, stations=every_station, **year)),
        (f"monthly export {MONTH} (.xlsx), one station ({one})", month_export, month_export_floor),
        (f"hours by month, city ({city})", lambda: analytics.hours_by("month", engine), floor(floors.HOURS_BY_MONTH)),
        (f"hours by work task, city ({city})", lambda: analytics.hours_by("category", engine),
         floor(HOURS_BY_TASK)),
        (f"retention cohorts, city ({city})", lambda: analytics.retention(engine), floor(*floors.RETENTION)),
    ]


def run(url: str, *, repeat: int) -> list[Result]:
    """Every figure on the city at ``url``, beside its floor (each said on stderr as it is measured)."""
    results = []
    for name, ours, floor in figures(url):
        results.append(Result(name, median_seconds(ours, repeat), "hand-written SQL", median_seconds(floor, repeat)))
        print(f"{name}: {results[-1].seconds * 1000:.0f} ms, floor {results[-1].floor_seconds * 1000:.0f} ms",
              file=sys.stderr, flush=True)
    return results


def _dashboard(engine, code: str):
    """实时数据 of the station ``code``, built once; each run redraws it as after a change (figures and charts)."""
    from station_kit.ui.dashboard import Dashboard

    before = os.environ.get("STATION_KIT_STATION")
    os.environ["STATION_KIT_STATION"] = code  # the station 实时数据 shows, for this process only
    try:
        dashboard = Dashboard(engine)
    finally:
        os.environ.pop("STATION_KIT_STATION")
        if before is not None:
            os.environ["STATION_KIT_STATION"] = before
    return dashboard.refresh


@contextmanager
def _statements(engine):
    """The queries run on ``engine`` inside the block (not its writes), with their parameters and seconds each."""
    seen = []

    def before(connection, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(connection, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):  # EXPLAIN ANALYZE runs it
            seen.append((time.perf_counter() - context._bench_started, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(url: str, results: list[Result], how_many: int = 3) -> str:
    """The query plans of the slowest statement behind each of the ``how_many`` slowest figures."""
    engine = get_engine(url)
    calls = {name: ours for name, ours, _floor in figures(url)}
    lines = []
    for result in sorted((r for r in results if r.name in calls), key=lambda r: r.seconds, reverse=True)[:how_many]:
        with _statements(engine) as seen:
            calls[result.name]()
        seconds, statement, parameters = max(seen, key=lambda each: each[0])
        with engine.connect() as connection:
            with connection.connection.driver_connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
        lines += [f"### {result.name}: {seconds * 1000:.0f} ms", "", "```sql", statement.strip(), "```", "",
                  "```", plan, "```", ""]
    return "\n".join(lines)


def build(url: str, *, stations: int, quick: bool) -> Result:
    """The city at ``url``: `station-kit demo --stations N` in a process of its own (its time and peak
    memory), or in quick mode three small city stations."""
    migrate(url)
    started = time.perf_counter()
    if quick:
        from station_kit.demo.city import build_city_stations, plan_city

        build_city_stations(engine=get_engine(url), planned=plan_city(16)[:3], rate=QUICK_RATE)
        return Result("build 3 small city stations (quick)", time.perf_counter() - started, "30 min goal",
                      GOAL_BUILD_SECONDS)
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--stations", str(stations), "--db", url],
                   check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"built {stations} stations in {time.perf_counter() - started:.0f} s, peak memory {peak:.0f} MiB")
    return Result(f"build the city, {stations} stations (peak {peak:.0f} MiB)", time.perf_counter() - started,
                  "30 min goal", GOAL_BUILD_SECONDS)


@contextmanager
def postgres(folder: Path):
    import pgserver

    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        server.psql("CREATE DATABASE city;")
        yield server.get_uri("city").replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        get_engine.cache_clear()
        server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.city", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a city already built (PostgreSQL URL); default: build one")
    parser.add_argument("--stations", type=int, default=STATIONS, help=f"stations to build (default {STATIONS})")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (median is shown)")
    parser.add_argument("--quick", action="store_true", help="three small stations, every figure once")
    parser.add_argument("--explain", action="store_true", help="print the plans of the three slowest figures")
    parser.add_argument("--station-db", help="the reference station alone (PostgreSQL URL), for the apps' floor; "
                                             "default: built beside the city's database")
    parser.add_argument("--no-apps", action="store_true", help="leave out the apps in Chromium")
    args = parser.parse_args()
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="station-kit-city-") as folder, \
            (nullcontext(args.db) if args.db else postgres(Path(folder))) as url:
        results = [] if args.db else [build(url, stations=args.stations, quick=args.quick)]
        results += run(url, repeat=repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print_results([*results, Result("peak memory of this process", peak, "1 GiB goal", GOAL_MIB, unit="MiB")])
        if args.explain:
            print("\n" + explain(url, results), flush=True)
        if not args.no_apps:
            from benchmarks import city_apps

            alone = None if args.quick else args.station_db or _station_alone(url)
            print()
            print_results(city_apps.run(url, alone))


def _station_alone(city_url: str) -> str:
    """A database beside the city's (its name and ``_station``) holding the reference station alone,
    built by `station-kit demo` unless it is there already."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    city = make_url(city_url)
    alone = city.set(database=f"{city.database}_station")
    with get_engine(city_url).execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": alone.database}).first():
            connection.execute(text(f'CREATE DATABASE "{alone.database}"'))
    url = alone.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--if-new", "--db", url], check=True)
    return url

if __name__ == "__main__":
    main()
