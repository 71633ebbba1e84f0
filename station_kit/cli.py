"""The ``station-kit`` command (DESIGN.md §8). Every subcommand takes ``--db URL``."""

from __future__ import annotations

import argparse
import json
import secrets
import sys

from station_kit.config import get_settings
from station_kit.errors import DomainError
from station_kit.i18n import t


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


def cmd_init(args: argparse.Namespace) -> int:
    from station_kit.db import write_session
    from station_kit.services.actor import actor_from_environment
    from station_kit.services.org import create_station

    engine = _prepare(args)
    if args.name:
        with write_session(engine) as session:
            station = create_station(session=session, code=args.code, name=args.name, city=args.city,
                                     street=args.street, actor=actor_from_environment())
        print(t("cli.station_created", code=station.code, name=station.name))
    print(t("cli.database_ready", url=_database_url(args)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from station_kit.db import read_session, write_session
    from station_kit.demo import build_demo
    from station_kit.services.org import current_station

    engine = _prepare(args)
    with read_session(engine) as session:
        existing = current_station(session)
    if existing:
        if args.if_new:
            print(t("cli.demo_kept", name=existing.name))
            return 0
        _error(t("cli.demo_refused", name=existing.name))
        return 1
    with write_session(engine) as session:
        build_demo(session=session, seed=args.seed)
    print(t("cli.demo_built", url=_database_url(args)))
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    from station_kit.analytics import HEADLINE_KEYS, WORK_KEYS, headline_figures
    from station_kit.db import read_session
    from station_kit.services.org import current_station

    engine = _prepare(args)
    with read_session(engine) as session:
        station = current_station(session)
        if station is None:
            _error(t("station.none"))
            return 1
        figures = headline_figures(session, station.id)
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
    return 0


def _station_id(engine) -> int | None:
    from station_kit.db import read_session
    from station_kit.services.org import current_station

    with read_session(engine) as session:
        station = current_station(session)
    if station is None:
        _error(t("station.none"))
        return None
    return station.id


def cmd_import(args: argparse.Namespace) -> int:
    """Import all rows or none; when any row is refused, print every row's errors as the app shows them."""
    from pathlib import Path

    from station_kit.db import read_session, write_session
    from station_kit.services.actor import actor_from_environment
    from station_kit.services.imports import REFUSE, error_lines, import_file, preview_import

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    path = Path(args.file)
    content = path.read_bytes()
    if not args.check:
        try:
            with write_session(engine) as session:
                result = import_file(session=session, station_id=station_id, kind=args.kind, content=content,
                                     filename=path.name, actor=actor_from_environment(),
                                     consent_on_file=args.consent_on_file)
            print(t("imports.done", added=result.added, skipped=result.skipped))
            return 0
        except DomainError as error:
            if not any(item.key == "imports.row_refused" for item in error.errors):
                raise
    with read_session(engine) as session:
        preview = preview_import(session=session, station_id=station_id, kind=args.kind, content=content,
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

    from station_kit.db import read_session
    from station_kit.services import exports

    engine = _prepare(args)
    station_id = _station_id(engine)
    if station_id is None:
        return 1
    out = Path(args.out)
    file_format = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    with read_session(engine) as session:
        if args.kind == "volunteers":
            sheet = exports.volunteers_sheet(session=session, station_id=station_id)
        elif args.kind == "hours":
            sheet = exports.hours_sheet(session=session, station_id=station_id, month=args.month)
        else:
            if not args.month:
                raise DomainError.on("month", "exports.month_invalid")
            sheet = exports.month_sheet(session=session, station_id=station_id, month=args.month)
    out.write_bytes(sheet.to_bytes(file_format))
    print(t("exports.written", rows=len(sheet.rows), path=out))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from station_kit.services.backup import backup, default_backup_path

    url = _database_url(args)
    out = backup(url, Path(args.out) if args.out else default_backup_path(url))
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

    _prepare(args)
    return serve(db_url=_database_url(args), host=args.host, port=args.port, token=args.token,
                 max_kernels=args.max_kernels)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default: STATION_KIT_DB_URL, else data/station.db)")
    parser = argparse.ArgumentParser(
        prog="station-kit", parents=[common],
        description="Run a New Era Civilization Practice Station (新时代文明实践站).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", parents=[common], help="create or upgrade the database",
                               description="Create or upgrade the database and the ID-number key; "
                                           "optionally create the station.")
    init.add_argument("--code", default="ST", help="short station code used in volunteer numbers")
    init.add_argument("--name", help="station name, e.g. 兴神路社区")
    init.add_argument("--city", default="", help="city or county, e.g. 神木市")
    init.add_argument("--street", default="", help="street office, e.g. 麟州街道")
    init.set_defaults(handler=cmd_init)

    demo = commands.add_parser("demo", parents=[common], help="build the reference demo station",
                               description="Build the reference station 兴神路社区 from a fixed seed.")
    demo.add_argument("--if-new", action="store_true",
                      help="do nothing (and succeed) when the database already holds a station")
    demo.add_argument("--seed", type=int, default=20220831, help="random seed (default: 20220831)")
    demo.set_defaults(handler=cmd_demo)

    tally = commands.add_parser("tally", parents=[common], help="print the headline figures",
                                description="Print the station's headline figures, counted from rows.")
    tally.add_argument("--json", action="store_true", help="print a JSON object")
    tally.set_defaults(handler=cmd_tally)

    serve = commands.add_parser("serve", parents=[common], help="serve the staff apps with Voilà",
                                description="Serve the staff apps (workbooks/apps) with Voilà.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    serve.add_argument("--token", nargs="?", const=secrets.token_urlsafe(16), default=None,
                       metavar="SECRET",
                       help="require a token; without SECRET a random one is made and printed")
    serve.add_argument("--max-kernels", type=int, default=12, metavar="N",
                       help="most kernels (about 240 MiB each) at once, one preheated per app included; "
                            "past it a page gets 服务器繁忙 (default 12, for an 8 GB PC)")
    serve.set_defaults(handler=cmd_serve)
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
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except DomainError as error:
        for item in error.errors:
            _error(t(item.key, **item.params))
        return 2


if __name__ == "__main__":
    sys.exit(main())
