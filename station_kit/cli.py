"""The ``station-kit`` command (DESIGN.md §8). Every subcommand takes ``--db URL``."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from station_kit.config import get_settings
from station_kit.errors import DomainError
from station_kit.i18n import t

CITY_MOST = 500  # stations `demo` builds at most: 神木市's names in demo.city give this many and more

if TYPE_CHECKING:
    from station_kit.services.scope import Scope


def _error(text: str) -> None:
    print(t("cli.error", message=text), file=sys.stderr)


def _database_url(args: argparse.Namespace) -> str:
    return args.db or get_settings().database_url


def _prepare(args: argparse.Namespace):
    """Migrate the schema and check the ID-number key against the database: what every command
    needs first. A new database gets a new key file; one that holds encrypted data refuses any key
    but its own, and the command stops with a message saying how to restore it."""
    from station_kit.db import get_engine, migrate, write_session
    from station_kit.services.context import remember_key, vault_for

    url = _database_url(args)
    migrate(url)
    engine = get_engine(url)
    with write_session(engine) as session:
        remember_key(session, vault_for(session, create_key=True))
    return engine


@contextmanager
def _scope(engine, station_id: int | None = None, *, write: bool = False) -> Iterator[Scope]:
    """The one scope a command works in: one transaction (committed at the end of the block when
    ``write``), and the person running it — STATION_KIT_OPERATOR and STATION_KIT_ROLE, or the hub
    user — narrowed to ``station_id`` when the command works for one station."""
    from station_kit.db import read_session, write_session
    from station_kit.services.actor import actor_from_environment
    from station_kit.services.scope import Scope

    actor = actor_from_environment()
    if station_id is not None:
        actor = actor.within(station_id)
    with (write_session if write else read_session)(engine) as session:
        yield Scope(session, actor)


def cmd_init(args: argparse.Namespace) -> int:
    from station_kit.services.org import create_station

    engine = _prepare(args)
    if args.name:
        with _scope(engine, write=True) as scope:
            station = create_station(scope=scope, code=args.code, name=args.name, city=args.city,
                                     street=args.street, person_in_charge=args.person_in_charge,
                                     contact=args.contact)
        print(t("cli.station_created", code=station.code, name=station.name))
    print(t("cli.database_ready", url=_shown_url(_database_url(args))))
    return 0


def cmd_station(args: argparse.Namespace) -> int:
    """Print the station's details, or (an admin) change the ones given: what certificates print as
    their issuer. The 首页 app does the same for an admin in a browser."""
    from pydantic import ValidationError

    from station_kit.models.org import StationDetailsUpdate
    from station_kit.services.org import current_station, update_station_details

    engine = _prepare(args)
    from station_kit.ui.station_details import FIELDS, empty_text
    from station_kit.validation import population_value

    given = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    if "population" in given:
        given["population"] = population_value(given["population"])
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    with _scope(engine, station_id, write=True) as scope:
        station = details = current_station(scope)
        if given:
            try:
                data = StationDetailsUpdate(**{**{name: getattr(station, name) for name in FIELDS}, **given})
            except ValidationError as error:
                raise DomainError.from_validation(error) from None
            details = update_station_details(scope=scope, station_id=station.id, data=data)
        lines = [f"{t('station_details.' + name)}{t('documents.colon')}"
                 f"{getattr(details, name) or t(empty_text(name))}" for name in FIELDS]
    print("\n".join(lines))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from station_kit.db import write_session
    from station_kit.demo.city import STREET_STATIONS, build_city
    from station_kit.demo.station import DEMO_SEED
    from station_kit.demo.street import build_street
    from station_kit.services.org import current_station

    if args.stations > STREET_STATIONS and _database_url(args).startswith("sqlite"):
        _error(t("cli.city_needs_postgresql", most=STREET_STATIONS))
        return 1
    engine = _prepare(args)
    with _scope(engine) as scope:
        existing = current_station(scope)
    if existing:
        if args.if_new:
            print(t("cli.demo_kept", name=existing.name))
            return 0
        _error(t("cli.demo_refused", name=existing.name))
        return 1
    if args.stations > STREET_STATIONS:
        progress = ProgressLine(sys.stderr)
        build_city(engine=engine, stations=args.stations, seed=args.seed or DEMO_SEED, on_progress=progress,
                   on_award_round=progress.award_round)
    else:
        with write_session(engine) as session:
            build_street(session=session, stations=args.stations, seed=args.seed or DEMO_SEED)
    print(t("cli.demo_built", url=_shown_url(_database_url(args))))
    return 0


class ProgressLine:
    """The city build's progress on one line: a bar, stations, records, records a second, time left. On
    a terminal the line is redrawn in place; in a log, a line every tenth of the way."""

    WIDTH = 24

    def __init__(self, stream):
        self.stream = stream
        self.in_place = stream.isatty()
        self.tenths_shown = -1

    def __call__(self, progress) -> None:
        share = progress.records / progress.of_records if progress.of_records else 1.0
        per_second = progress.records / progress.seconds if progress.seconds else 0.0
        left = (progress.of_records - progress.records) / per_second if per_second else None
        filled = round(share * self.WIDTH)
        line = t("cli.city_progress", bar="█" * filled + "░" * (self.WIDTH - filled), percent=round(share * 100),
                 stations=progress.stations, of_stations=progress.of_stations, records=f"{progress.records:,}",
                 per_second=f"{per_second:,.0f}",
                 left=t("cli.city_left", minutes=int(left // 60), seconds=int(left % 60)) if left is not None
                 else t("cli.city_left_unknown"))
        done = progress.stations == progress.of_stations
        if self.in_place or int(share * 10) > self.tenths_shown or done:
            self.tenths_shown = int(share * 10)
            self._show(line, done)

    def award_round(self, done: int, of: int) -> None:
        """After the stations, the award calendar: a line a round (every station's at once)."""
        self._show(t("cli.city_awards", done=done, of=of), done == of)

    def _show(self, line: str, last: bool) -> None:
        self.stream.write("\r" + line + ("\n" if last else "") if self.in_place else line + "\n")
        self.stream.flush()


def cmd_tally(args: argparse.Namespace) -> int:
    from station_kit.analytics import HEADLINE_KEYS, WORK_KEYS, headline_figures

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    figures = headline_figures(engine, station=station_id)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(figures["station"])
        for key in HEADLINE_KEYS:
            print(f"  {t('tally.' + key)}: {figures[key]}")
        for key in WORK_KEYS:
            print(f"  {t('tally.more.' + key)}: {figures[key]}")
        stars = "  ".join(f"{level}★ {count}" for level, count in figures["star_levels"].items())
        print(f"  {t('tally.more.star_levels')}: {stars}")
        awards = "  ".join(f"{t('enum.award_level.' + level)} {count}" for level, count in figures["awards"].items())
        print(f"  {t('tally.more.awards')}: {awards}")
        _print_community_figures(figures)
    return 0


def cmd_awards(args: argparse.Namespace) -> int:
    """One award round, named by its level and period: run (the draft ranking), publish, finalize,
    or show (the ranking of a round in any state, a final one too)."""
    from station_kit.services import awards

    engine = _prepare(args)
    if args.street is not None:
        return _run_street_rounds(engine, args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    if args.step == "show":
        with _scope(engine, station_id) as scope:
            found = awards.find_round(scope=scope, station_id=station_id, level=args.level, period=args.period)
            if found is None:
                raise DomainError.on("period", "awards.round_not_found")
            _print_ranking(awards.ranking_document(scope=scope, round_id=found.id), as_json=args.json)
        return 0
    with _scope(engine, station_id, write=True) as scope:
        if args.step == "run":
            award_round = awards.run_award_round(scope=scope, station_id=station_id, level=args.level,
                                                 period=args.period)
            ranking = awards.ranking_document(scope=scope, round_id=award_round.id)
        else:
            found = awards.find_round(scope=scope, station_id=station_id, level=args.level, period=args.period)
            if found is None:
                raise DomainError.on("period", "awards.round_not_found")
            step = awards.publish_round if args.step == "publish" else awards.finalize_round
            award_round = step(scope=scope, round_id=found.id)
    if args.step == "run":
        _print_ranking(ranking, as_json=args.json)
    else:
        print(t(f"cli.awards_{args.step}", period=award_round.period, day=str(award_round.publicity_ends_on)))
    return 0


def _run_street_rounds(engine, args: argparse.Namespace) -> int:
    """`awards run --street`: the draft round of every station of a street (or of the city) at once, a line
    each; `awards show` prints a station's ranking."""
    from station_kit.frames.selection import selection
    from station_kit.services import awards
    from station_kit.services.org import stations_named

    if args.step != "run":
        raise DomainError.on("street", "cli.awards_street_run_only")
    station_ids = list(selection(engine, street=args.street).station_ids)
    with _scope(engine, write=True) as scope:
        rounds = awards.run_award_rounds(scope=scope, station_ids=station_ids, level=args.level, period=args.period)
        stations = stations_named(scope=scope, station_ids=station_ids)
    print("\n".join(t("cli.awards_station_round", code=station.code, name=station.name, period=award_round.period,
                      quota=award_round.quota) for station, award_round in zip(stations, rounds)))
    return 0


def _print_ranking(ranking: dict, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(ranking, ensure_ascii=False, indent=2, sort_keys=True))
        return
    print(t("cli.awards_ranking", period=ranking["period"], quota=ranking["quota"]))
    for entry in ranking["entries"]:
        mark = t("cli.awards_winner") if entry["winner"] else (
            "" if entry["eligible"] else t(entry["ineligible_reason"]))
        print(f"  {entry['rank']:>4}  {entry['name']}  {entry['points']:.1f}  {mark}")


def cmd_certificate(args: argparse.Namespace) -> int:
    """Issue a 志愿服务记录证明 as a PDF. The file is written before the transaction commits, so a
    path that cannot be written leaves no certificate number issued for a paper nobody got."""
    from station_kit.io.files import write_private
    from station_kit.io.pdf import service_certificate_pdf
    from station_kit.services.certificates import find_volunteer, issue_service_certificate

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    with _scope(engine, station_id, write=True) as scope:
        volunteer_id = find_volunteer(scope=scope, station_id=station_id, who=args.volunteer)
        certificate = issue_service_certificate(scope=scope, volunteer_id=volunteer_id,
                                                period_from=args.period_from, period_until=args.period_until)
        try:
            write_private(args.out, service_certificate_pdf(certificate))
        except OSError as error:
            scope.session.rollback()
            _error(t("cli.cannot_write", path=str(args.out), reason=error.strerror or str(error)))
            return 1
    print(t("cli.certificate_written", number=certificate.certificate_number, name=certificate.name,
            path=str(args.out)))
    return 0


def _station_id(engine) -> int | None:
    from station_kit.services.org import current_station

    with _scope(engine) as scope:
        station = current_station(scope)
    if station is None:
        _error(t("station.none"))
        return None
    return station.id


def cmd_import(args: argparse.Namespace) -> int:
    """Import all rows or none; when any row is refused, print every row's errors as the app shows them."""
    from pathlib import Path

    from station_kit.services.imports import REFUSE, error_lines, import_file, preview_import

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    path = Path(args.file)
    content = path.read_bytes()
    if not args.check:
        try:
            with _scope(engine, station_id, write=True) as scope:
                result = import_file(scope=scope, station_id=station_id, kind=args.kind, content=content,
                                     filename=path.name, consent_on_file=args.consent_on_file)
            print(t("imports.done", added=result.added, skipped=result.skipped))
            return 0
        except DomainError as error:
            if not any(item.key == "imports.row_refused" for item in error.errors):
                raise
    with _scope(engine, station_id) as scope:
        preview = preview_import(scope=scope, station_id=station_id, kind=args.kind, content=content,
                                 filename=path.name)
    for item in preview.file_errors:
        _error(t(item.key, **item.params))
    for row in preview.rows:
        if row.outcome == REFUSE:
            for line in error_lines(preview, row):
                print(f"{t('imports.row_label', row=row.row)}  {line}", file=sys.stderr)
    print(t("imports.summary", total=len(preview.rows), added=preview.count("add"),
            skipped=preview.count("skip"), refused=preview.count("refuse")))
    return 2 if preview.file_errors or preview.count("refuse") else 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from station_kit.io.files import write_private
    from station_kit.services import exports

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    out = Path(args.out)
    file_format = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    with _scope(engine, station_id) as scope:
        if args.kind == "volunteers":
            sheet = exports.volunteers_sheet(scope=scope, station_id=station_id)
        elif args.kind == "hours":
            sheet = exports.hours_sheet(scope=scope, station_id=station_id, month=args.month)
        else:
            if not args.month:
                raise DomainError.on("month", "exports.month_invalid")
            sheet = exports.month_sheet(scope=scope, station_id=station_id, month=args.month)
    write_private(out, sheet.to_bytes(file_format))
    print(t("exports.written", rows=len(sheet.rows), path=out))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from station_kit.services.actor import actor_from_environment
    from station_kit.services.backup import backup, default_backup_path

    url = _database_url(args)
    out = backup(url, Path(args.out) if args.out else default_backup_path(url), actor=actor_from_environment())
    print(t("backup.written", path=out))
    print(t("backup.key_apart", path=get_settings().key_path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """No _prepare here: restoring must not migrate, or make a key for, the database it replaces."""
    from pathlib import Path

    from station_kit.services.actor import actor_from_environment
    from station_kit.services.backup import restore

    restored = restore(_database_url(args), Path(args.file), force=args.force, actor=actor_from_environment())
    print(t("backup.restored", path=args.file, revision=restored.revision))
    if restored.kept:
        print(t("backup.kept", kept=restored.kept))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from station_kit.serve import serve
    from station_kit.serve_kernels import MAX_KERNELS

    _prepare(args)
    return serve(db_url=_database_url(args), host=args.host, port=args.port, token=args.token,
                 max_kernels=args.max_kernels or MAX_KERNELS, page_grace_seconds=args.page_grace, hub=args.hub,
                 warm=[name for name in args.warm.split(",") if name] if args.warm is not None else None)


def cmd_audit(args: argparse.Namespace) -> int:
    """One person's actions for the station, oldest first (an admin's question)."""
    from station_kit.services.audit import person_actions

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    with _scope(engine, station_id) as scope:
        lines = person_actions(scope=scope, station_id=station_id, person=args.person, period=args.period)
    for line in lines:
        print(f"{line.at:%Y-%m-%d %H:%M}  {line.action}  {line.entity} {line.entity_id or ''}".rstrip())
    print(t("audit.count", person=args.person, count=len(lines)))
    return 0


def cmd_analyst(args: argparse.Namespace) -> int:
    """Give an analyst their read-only PostgreSQL role and print the URL their JupyterLab connects with."""
    from station_kit.frames.selection import selection
    from station_kit.services.analysts import grant_analyst

    engine = _prepare(args)
    if args.station is None and args.street is None:
        station_id = _station_id(engine)
        if station_id is None:
            return 1
        station_ids = [station_id]
    else:
        station_ids = list(selection(engine, station=args.station, street=args.street).station_ids)
    with _scope(engine, write=True) as scope:
        access = grant_analyst(scope=scope, name=args.name, station_ids=station_ids)
    print(t("analyst.granted", name=args.name, role=access.role, count=len(access.station_ids)))
    print(t("analyst.url_line", url=access.url))
    return 0


def cmd_hub(args: argparse.Namespace) -> int:
    from station_kit.hub.run import run_hub

    settings = get_settings()
    own_database = None
    if not args.db and not settings.db_url:  # no database named: the street's own PostgreSQL, in data/
        from station_kit.hub.postgres import street_database

        own_database = settings.data_dir
        args.db = street_database(own_database)
        print(t("hub.own_database", folder=own_database / "postgres", url_file=own_database / "postgres.url"))
    engine = _prepare(args)
    if args.demo:
        _demo_if_new(engine)
    return run_hub(db_url=_database_url(args), folder=args.folder or settings.data_dir / "hub",
                   host=args.host, port=args.port, admin=args.admin, password=args.password,
                   own_database=own_database)


def _demo_if_new(engine) -> None:
    from station_kit.db import write_session
    from station_kit.demo.station import DEMO_SEED
    from station_kit.demo.street import build_street
    from station_kit.services.org import current_station

    with _scope(engine) as scope:
        if current_station(scope):
            return
    with write_session(engine) as session:
        build_street(session=session, stations=1, seed=DEMO_SEED)


def cmd_notebooks(args: argparse.Namespace) -> int:
    from station_kit.lab import copy_notebooks

    _show_copied(copy_notebooks(_analysis_folder(args)))
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from station_kit.lab import copy_notebooks, run_lab

    copied = copy_notebooks(_analysis_folder(args))
    _show_copied(copied)
    print(t("lab.starting", folder=copied.folder), flush=True)
    return run_lab(copied.folder, db_url=_database_url(args), host=args.host, port=args.port)


def cmd_report(args: argparse.Namespace) -> int:
    from station_kit.io.files import write_private
    from station_kit.reports import build_report, check_format, report_bytes

    check_format(args.out)  # before the work, not after it
    engine = _prepare(args)
    report = build_report(engine, kind=args.kind, period=args.period, station=args.station, street=args.street)
    write_private(args.out, report_bytes(report, args.out))
    print(t("report.written", path=args.out, title=report.title))
    return 0


def _analysis_folder(args: argparse.Namespace) -> Path:
    return args.folder if args.folder is not None else get_settings().data_dir / "analysis"


def _show_copied(copied) -> None:
    if copied.copied:
        print(t("lab.copied", folder=copied.folder, names="、".join(copied.copied)))
    if copied.kept:
        print(t("lab.kept", folder=copied.folder, names="、".join(copied.kept)))


def _whole_seconds(text: str) -> int:
    """A number of seconds for an option: a whole number, at least 1."""
    try:
        seconds = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.whole_seconds", value=text)) from None
    if seconds < 1:
        raise argparse.ArgumentTypeError(t("cli.whole_seconds", value=text))
    return seconds


def build_parser() -> argparse.ArgumentParser:
    # --db goes before or after the command. A subcommand's own default would overwrite a --db given
    # before it (argparse parses the command's options into the same namespace), so it has none.
    db_help = "database URL (default: STATION_KIT_DB_URL, else data/station.db)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    parser = argparse.ArgumentParser(
        prog="station-kit", description="Run a New Era Civilization Practice Station (新时代文明实践站).")
    parser.add_argument("--db", metavar="URL", default=None, help=db_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", parents=[common], help="create or upgrade the database",
                               description="Create or upgrade the database and the ID-number key; "
                                           "optionally create the station.")
    init.add_argument("--code", default="ST", help="short station code used in volunteer numbers")
    init.add_argument("--name", help="station name, e.g. 兴神路社区")
    init.add_argument("--city", default="", help="city or county, e.g. 神木市")
    init.add_argument("--street", default="", help="street office, e.g. 麟州街道")
    init.add_argument("--person-in-charge", default="", help="the station's person in charge (负责人), "
                                                              "named on certificates")
    init.add_argument("--contact", default="", help="how to reach the station, e.g. an office phone, "
                                                     "printed on certificates")
    init.set_defaults(handler=cmd_init)

    station = commands.add_parser(
        "station", parents=[common], help="show or correct the station's name, person in charge, contact and residents",
        description="Print the station's name, person in charge (负责人) and contact (联系方式), which "
                    "certificates print as their issuer; with options, change those given (admin only: "
                    "STATION_KIT_ROLE=admin). The change is logged.")
    station.add_argument("--name", help="the station's name, e.g. 兴神路社区")
    station.add_argument("--person-in-charge", help="the person in charge (负责人)")
    station.add_argument("--contact", help="a mobile or an area-coded landline, with any text around it, "
                                           "e.g. '社区办公室 0912-1234567'")
    station.add_argument("--population", help="residents (常住人口), e.g. 12000 or 1.2万: reports then give 注册率")
    station.set_defaults(handler=cmd_station)

    demo = commands.add_parser("demo", parents=[common], help="build the reference demo station",
                               description="Build the reference station 兴神路社区 from a fixed seed.")
    demo.add_argument("--if-new", action="store_true",
                      help="do nothing (and succeed) when the database already holds a station")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: 20220831)")
    demo.add_argument("--stations", type=int, default=1, choices=range(1, CITY_MOST + 1), metavar="N",
                      help="build N stations, the reference station first: apps and tally serve it unless "
                           "STATION_KIT_STATION names another's code (default 1). Up to 12 are 麟州街道's; "
                           f"more (up to {CITY_MOST}, PostgreSQL only) add 神木市's other streets and towns, about "
                           "100,000 service records a station, with a progress line")
    demo.set_defaults(handler=cmd_demo)

    tally = commands.add_parser("tally", parents=[common], help="print the headline figures",
                                description="Print the station's headline figures, counted from rows.")
    tally.add_argument("--json", action="store_true", help="print a JSON object")
    tally.set_defaults(handler=cmd_tally)

    award = commands.add_parser("awards", parents=[common], help="run, publish, finalize or show an award round",
                                description="An award round (时尚达人, 先进集体), named by level and period: "
                                            "run computes the draft ranking, publish starts 公示, "
                                            "finalize (an admin) makes it final, show prints a round's ranking.")
    award.add_argument("step", choices=("run", "publish", "finalize", "show"),
                       help="run: compute the draft ranking; publish: start 公示; finalize: make it final; "
                            "show: print the ranking of a round in any state")
    award.add_argument("--level", required=True, choices=("week", "month", "quarter", "year", "collective"),
                       help="award level")
    award.add_argument("--period", required=True,
                       help="2022-W31 (week), 2022-08 (month), 2022-Q3 (quarter), 2022 (year, collective)")
    award.add_argument("--json", action="store_true", help="with run or show: print the ranking as JSON")
    award.add_argument("--street", nargs="?", const="", metavar="NAME",
                       help="with run: every station of this street at once, a line each (no NAME: every station "
                            "in the database)")
    award.set_defaults(handler=cmd_awards)
    certificate = commands.add_parser(
        "certificate", parents=[common], help="issue a 志愿服务记录证明 as a PDF",
        description="Issue a volunteer service record certificate (志愿服务记录证明, 民发〔2015〕149号) "
                    "from approved records only, with a new certificate number kept for checking.")
    certificate.add_argument("volunteer", metavar="VOLUNTEER",
                             help="volunteer number (e.g. XSL000123), or a name only one volunteer has")
    certificate.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="where to write the PDF")
    certificate.add_argument("--from", dest="period_from", type=dt.date.fromisoformat, default=None,
                             metavar="YYYY-MM-DD", help="count service from this day on (default: the first)")
    certificate.add_argument("--until", dest="period_until", type=dt.date.fromisoformat, default=None,
                             metavar="YYYY-MM-DD", help="count service up to this day (default: the last)")
    certificate.set_defaults(handler=cmd_certificate)

    serve = commands.add_parser("serve", parents=[common], help="serve the staff apps with Voilà",
                                description="Serve the staff apps (workbooks/apps) with Voilà.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    serve.add_argument("--token", nargs="?", const=secrets.token_urlsafe(16), default=None,
                       metavar="SECRET",
                       help="require a token; without SECRET a random one is made and printed")
    serve.add_argument("--warm", metavar="APPS",
                       help="the apps to keep a warm kernel for besides home, comma-separated, e.g. volunteers,cases "
                            "(default: the seven used every day); fewer warm apps, less memory and a faster start")
    serve.add_argument("--max-kernels", type=int, default=None, metavar="N",
                       help="most kernels at once, one preheated per app included; past it a page gets "
                            "服务器繁忙 (default: 40%% of this PC's memory at 125 MiB a page, at least 14: "
                            "25 on an 8 GB PC)")
    serve.add_argument("--page-grace", type=_whole_seconds, default=90, metavar="SECONDS",
                       help="a page whose connection is gone (tab closed, browser or PC crashed or asleep, "
                            "network down) gives its kernel back after this many seconds unless it "
                            "reconnects (default 90)")
    serve.add_argument("--hub", action="store_true",
                       help="serve as the street hub's station service (station-kit hub starts it so)")
    serve.set_defaults(handler=cmd_serve)
    audit = commands.add_parser(
        "audit", parents=[common], help="list one person's actions (admin only)",
        description="Print what one person did for the station, oldest first, from the operation log: "
                    "when, what and on which row. An admin's question (STATION_KIT_ROLE=admin, or an admin "
                    "of the street's hub).")
    audit.add_argument("--person", required=True, metavar="NAME", help="the name the log records (the sign-in name)")
    audit.add_argument("--period", metavar="P", help="2022, 2022-Q3 or 2022-08 (default: all time)")
    audit.set_defaults(handler=cmd_audit)
    analyst = commands.add_parser(
        "analyst", parents=[common], help="give an analyst a read-only PostgreSQL role (admin only)",
        description="Make (or renew, with a fresh password) the analyst's own PostgreSQL role: it reads the "
                    "stations given, through views without ID numbers, phones, birth dates or residents, and "
                    "writes nothing. Prints the STATION_KIT_DB_URL their JupyterLab connects with. The "
                    "street's hub does this itself each time an analyst's server starts.")
    analyst.add_argument("name", help="the analyst's sign-in name (lower case)")
    analyst.add_argument("--station", metavar="CODE", help="the station they analyse (default: this station)")
    analyst.add_argument("--street", metavar="NAME", help="every station of this street instead")
    analyst.set_defaults(handler=cmd_analyst)
    hub = commands.add_parser(
        "hub", parents=[common], help="serve a street: each person signs in (JupyterHub)",
        description="Start JupyterHub with the station apps as its service: each person signs in with "
                    "their own name and password, and their hub groups give their role (admin, staff, "
                    "steward, analyst), stations (station-<code>) and a steward's grid (grid-<code>-<number>); "
                    "analysts get JupyterLab on their own read-only database role. Without --db (and "
                    "STATION_KIT_DB_URL) it runs the street's own PostgreSQL in data/postgres. Needs "
                    "configurable-http-proxy (npm).")
    hub.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    hub.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    hub.add_argument("--folder", type=Path, default=None,
                     help="where the hub keeps its own database and secrets (default data/hub)")
    hub.add_argument("--admin", metavar="NAME", help="the first admin's name, on the first run")
    hub.add_argument("--password", metavar="PASSWORD",
                     help="the first admin's password (default: asked for, or STATION_KIT_HUB_PASSWORD)")
    hub.add_argument("--demo", action="store_true",
                     help="build the demo station into a database that holds none yet (make hub does)")
    hub.set_defaults(handler=cmd_hub)
    notebooks = commands.add_parser(
        "notebooks", parents=[common], help="copy the analysis notebooks into a folder of your own",
        description="Copy the analysis notebooks (workbooks/analysis, the templates) into FOLDER, keeping "
                    "any already there, so that working on them never changes the templates.")
    notebooks.add_argument("folder", nargs="?", type=Path, default=None, metavar="FOLDER",
                           help="where to copy them (default: data/analysis)")
    notebooks.set_defaults(handler=cmd_notebooks)
    lab = commands.add_parser(
        "lab", parents=[common], help="JupyterLab in Chinese on your copies of the analysis notebooks",
        description="Copy the analysis notebooks into FOLDER (as `notebooks` does) and start JupyterLab "
                    "there, in Chinese, with the kernels reading the database --db names.")
    lab.add_argument("folder", nargs="?", type=Path, default=None, metavar="FOLDER",
                     help="the analyst's folder (default: data/analysis)")
    lab.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    lab.add_argument("--port", type=int, default=8888, help="port (default 8888)")
    lab.set_defaults(handler=cmd_lab)
    report = commands.add_parser(
        "report", parents=[common], help="write a month, quarter or year report for a leader (PDF, .xlsx, HTML)",
        description="Write one station's (or a street's) report for the period: its figures beside the period "
                    "before (环比) and a year earlier (同比), the hours of the last 12 months, the six tasks, and "
                    "for a street each station ranked by hours per volunteer, 活跃度 and 三率. The file's "
                    "ending (.pdf, .xlsx or .html) chooses the format.")
    # reports.KINDS, written out: importing station_kit.reports would load pandas for every command
    report.add_argument("kind", choices=["month", "quarter", "year"], help="the kind of period")
    report.add_argument("--period", required=True, metavar="P",
                        help="2022-08 (month), 2022-Q3 (quarter) or 2022 (year)")
    chosen = report.add_mutually_exclusive_group()
    chosen.add_argument("--station", metavar="CODE",
                        help="the station's code (default: STATION_KIT_STATION, else the first)")
    chosen.add_argument("--street", nargs="?", const="", metavar="NAME",
                        help="a street's stations together, ranked (no NAME: every station in the database)")
    report.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write (.pdf, .xlsx or .html)")
    report.set_defaults(handler=cmd_report)
    imports = commands.add_parser(
        "import", parents=[common], help="import volunteers or service hours from a spreadsheet",
        description="Import an .xlsx or .csv file: every row, or none when any row has an error (then "
                    "each row's errors are printed). Rows already in the database are skipped, so "
                    "importing a file again adds nothing. Accepted columns: see station_kit/rules/"
                    "defaults/imports.toml (a locality adds synonyms in data/imports.toml).")
    imports.add_argument("kind", choices=["volunteers", "hours"], help="what the file holds")
    imports.add_argument("file", help="the .xlsx or .csv file")
    imports.add_argument("--check", action="store_true", help="only check the file and print its errors")
    imports.add_argument("--consent-on-file", action="store_true",
                         help="confirm that everyone in a volunteers file agreed in writing to be recorded")
    imports.set_defaults(handler=cmd_import)

    export = commands.add_parser(
        "export", parents=[common], help="export volunteers, service hours or a monthly report",
        description="Write an .xlsx (or, when --out ends in .csv, a CSV with a UTF-8 byte-order mark) "
                    "with Chinese headers. ID numbers and phones are masked, as on every screen.")
    export.add_argument("kind", choices=["volunteers", "hours", "month"], help="what to export")
    export.add_argument("--month", metavar="YYYY-MM", help="the month (required for month; optional for hours)")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write (.xlsx or .csv)")
    export.set_defaults(handler=cmd_export)

    backup = commands.add_parser(
        "backup", parents=[common], help="copy the database while the apps keep working",
        description="Take a consistent copy of the database (SQLite's online backup; pg_dump for "
                    "PostgreSQL) while the apps keep writing. The key file is not copied: keep it apart.")
    backup.add_argument("--out", metavar="FILE", help="where to write it (default: data/backups/station-<time>.db)")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[common], help="restore the database from a backup",
        description="Check a backup (integrity, database version, that the key decrypts it) and restore "
                    "it. A database that holds data is replaced only with --force, and kept beside it.")
    restore.add_argument("file", help="the backup file")
    restore.add_argument("--force", action="store_true", help="replace a database that holds data (it is kept)")
    restore.set_defaults(handler=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A refusal, a file that cannot be used and a database that cannot be reached
    each end in a Chinese message on stderr and a non-zero exit, never a traceback."""
    from sqlalchemy.exc import OperationalError

    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # inside the try: output piped into `head` may be cut off here
        return code
    except DomainError as error:
        for item in error.errors:
            _error(t(item.key, **item.params))
        return 2
    except BrokenPipeError:
        # The reader went away (`station-kit awards run … | head`): what it wanted it has. Python's
        # own advice: point stdout at devnull so that the flush at exit stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:
        _error(t("cli.file_problem", path=error.filename or "", reason=_file_reason(error)))
        return 1
    except OperationalError:
        _error(t("cli.database_unreachable", url=_shown_url(_database_url(args))))
        return 1


def _file_reason(error: OSError) -> str:
    reasons = {errno.ENOENT: "cli.file_missing", errno.EISDIR: "cli.file_is_folder",
               errno.EACCES: "cli.file_no_permission", errno.EPERM: "cli.file_no_permission",
               errno.ENOSPC: "cli.file_disk_full"}
    return t(reasons[error.errno]) if error.errno in reasons else (error.strerror or str(error))


def _shown_url(url: str) -> str:
    """The database URL as it may be printed: never with its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _print_community_figures(figures: dict) -> None:
    """Wishes, grid cases (rates as percentages, — when there is nothing to rate) and the works ledger."""
    def rate(value):
        return "—" if value is None else f"{value:.1%}"

    wishes, cases, works = figures["wishes"], figures["cases"], figures["works"]
    print(f"  {t('tally.community.wishes')}: {wishes['posted']} / {wishes['claimed']} / {wishes['fulfilled']}")
    print(f"  {t('tally.community.cases')}: {cases['open']} / {cases['overdue']} / {rate(cases['response_rate'])}"
          f" / {rate(cases['resolution_rate'])} / {rate(cases['satisfaction_rate'])}")
    items = ", ".join(f"{item} {entry['quantity']:g} {entry['unit']}" for item, entry in works["items"].items())
    print(f"  {t('tally.community.works')}: {items or '—'}")
    print(f"  {t('tally.community.investment')}: {works['investment_yuan']:,}")


if __name__ == "__main__":
    sys.exit(main())
