"""Backup and restore (DESIGN.md §9).

A backup is a consistent copy taken while the apps keep writing: SQLite's online backup API copies
the database as one read transaction sees it (a snapshot, WAL included); PostgreSQL's pg_dump does
the same in one repeatable-read transaction. The key file is never put into a backup: a copy
that travels with its key is every ID number in plain text to whoever finds it.

A restore checks the copy before it touches anything: that it reads whole (SQLite's integrity
check; pg_restore into a scratch database), that its schema is one this version knows (older
copies are migrated up), and that the configured key decrypts its ID numbers. A database that
exists is replaced only when told to (``force``), and the old one is kept beside it: an SQLite
file ``<name>.before-restore-<time>.db``, a PostgreSQL database ``<name>_before_restore_<time>``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from station_kit import clock
from station_kit.config import get_settings
from station_kit.db import alembic_config, get_engine, migrate, normalise_url, read_session, write_session
from station_kit.errors import DomainError
from station_kit.services.actor import Actor, Role
from station_kit.services.audit import log_event
from station_kit.services.context import vault_for
from station_kit.services.scope import Scope


@dataclass(frozen=True)
class Restored:
    kept: str | None  # where the database that was replaced is kept (None: there was none)
    revision: str  # the schema version the copy had


def default_backup_path(url: str) -> Path:
    """data/backups/station-<time>.db (or .dump for PostgreSQL): beside the database, not the key."""
    suffix = ".db" if _is_sqlite(url) else ".dump"
    return get_settings().data_dir / "backups" / f"station-{clock.now():%Y%m%d-%H%M%S}{suffix}"


def backup(url: str, out: Path, *, actor: Actor) -> Path:
    """Write a consistent copy of the database at ``url`` to ``out`` (readable by its owner only).
    A copy holds everyone's personal data: an admin takes it, and the log says who, when and where
    (the line is in the copy too)."""
    actor.require(Role.admin)
    if _is_sqlite(url) and not _sqlite_path(url).is_file():
        raise DomainError.on("db", "backup.no_database", path=str(_sqlite_path(url)))
    with write_session(get_engine(url)) as session:
        log_event(Scope(session, actor), action="database.backup", entity="database", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        if _is_sqlite(url):
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run([_postgres_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", _plain_url(url)])
        os.chmod(partial, 0o600)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise DomainError.on("db", "backup.no_database", path=str(source))
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as live, \
            closing(sqlite3.connect(target)) as copy:
        # All pages in one step: one read transaction, so the copy is one moment of the database.
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it


def restore(url: str, copy: Path, *, force: bool, actor: Actor) -> Restored:
    """Replace the database at ``url`` with ``copy`` once the copy passes every check (an admin)."""
    actor.require(Role.admin)
    if not copy.is_file():
        raise DomainError.on("file", "backup.no_file", path=str(copy))
    if _is_sqlite(url):
        return _sqlite_restore(_sqlite_path(url), copy, force=force, actor=actor)
    return _postgres_restore(url, copy, force=force, actor=actor)


def _sqlite_restore(target: Path, copy: Path, *, force: bool, actor: Actor) -> Restored:
    exists = target.is_file() and target.stat().st_size > 0
    if exists and not force:
        raise DomainError.on("db", "backup.would_overwrite", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex[:8]}.db")
    try:
        try:
            _sqlite_backup(copy, staging)
            with closing(sqlite3.connect(staging)) as connection:
                result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            raise DomainError.on("file", "backup.not_a_database", path=str(copy)) from None
        if result != "ok":
            raise DomainError.on("file", "backup.damaged", path=str(copy))
        revision = _check_copy(f"sqlite:///{staging}", actor=actor, source=copy)
        kept = None
        if exists:
            kept = target.with_name(f"{target.stem}.before-restore-{clock.now():%Y%m%d-%H%M%S}{target.suffix}")
            _sqlite_backup(target, kept)
        # Written into the live file through the backup API, so a kernel that has it open sees the
        # restored database on its next transaction rather than a file replaced under it.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
        with closing(sqlite3.connect(staging)) as source, closing(sqlite3.connect(target, timeout=30)) as live:
            source.backup(live)
        return Restored(str(kept) if kept else None, revision)
    finally:
        for path in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            path.unlink(missing_ok=True)


def _check_copy(url: str, *, actor: Actor, source: Path) -> str:
    """The copy's schema version; it is migrated to this version's head and its key checked, and
    the restore is logged in it (so the restored database says where it came from)."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    engine = get_engine(url)
    try:
        with engine.connect() as connection:
            try:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:
                revision = None
        script = ScriptDirectory.from_config(alembic_config(url))
        known = {rev.revision for rev in script.walk_revisions()}
        if revision is None:  # an empty file, or another program's database: no schema of ours at all
            raise DomainError.on("file", "backup.not_a_database", path=str(source))
        if revision not in known:
            raise DomainError.on("file", "backup.unknown_schema", path=str(source), revision=str(revision))
        migrate(url)
        with read_session(engine) as session:
            vault_for(session)
        with write_session(engine) as session:
            log_event(Scope(session, actor), action="database.restore", entity="database",
                      file=source.name, revision=revision)
        return revision
    finally:
        engine.dispose()  # let go of the copy's file (or scratch database) before it is moved


def _postgres_restore(url: str, copy: Path, *, force: bool, actor: Actor) -> Restored:
    target = make_url(normalise_url(url))
    name = target.database
    admin = target.set(database="postgres")
    scratch = f"{name}_restore_{uuid.uuid4().hex[:8]}"
    exists = _postgres_has_tables(url)
    if exists and not force:
        raise DomainError.on("db", "backup.would_overwrite", path=name)
    _postgres_sql(admin, f'CREATE DATABASE "{scratch}"')
    scratch_url = target.set(database=scratch).render_as_string(hide_password=False)
    try:
        try:
            _run([_postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={_plain_url(scratch_url)}",
                  str(copy)])
        except DomainError:
            raise DomainError.on("file", "backup.damaged", path=str(copy)) from None
        revision = _check_copy(scratch_url, actor=actor, source=copy)
        kept = f"{name}_before_restore_{clock.now():%Y%m%d_%H%M%S}"
        _postgres_sql(admin, f'ALTER DATABASE "{name}" RENAME TO "{kept}"')
        _postgres_sql(admin, f'ALTER DATABASE "{scratch}" RENAME TO "{name}"')
        scratch = None
        return Restored(kept, revision)
    finally:
        if scratch:
            _postgres_sql(admin, f'DROP DATABASE IF EXISTS "{scratch}"')


def _postgres_has_tables(url: str) -> bool:
    from sqlalchemy import inspect

    engine = get_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()  # the rename that follows needs no session of ours on it


def _postgres_sql(admin_url, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if "RENAME" in statement:  # other sessions would block the rename; the apps reconnect
                database = re.search(r'DATABASE "([^"]+)"', statement)[1]
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database})
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _is_sqlite(url: str) -> bool:
    return normalise_url(url).startswith("sqlite")


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _plain_url(url: str) -> str:
    """A libpq URL (pg_dump does not know SQLAlchemy's +psycopg)."""
    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: the newest found on PATH or shipped by pgserver (a pg_dump older than
    the server refuses to dump it)."""
    candidates = [found for found in (shutil.which(name),) if found]
    try:
        import pgserver

        shipped = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if shipped.is_file():
            candidates.append(str(shipped))
    except ImportError:
        pass
    if not candidates:
        raise DomainError.on("db", "backup.no_pg_dump", tool=name)
    return max(candidates, key=_tool_version)


def _tool_version(path: str) -> tuple[int, ...]:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    return tuple(int(part) for part in match.groups() if part) if match else (0,)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DomainError.on("db", "backup.tool_failed", tool=Path(command[0]).name,
                             message=(done.stderr or done.stdout).strip()[-300:])
