"""station-kit backup and restore: a copy taken while four kernels keep registering holds exactly
the registrations committed by then, none half-written; a restore checks the copy before it
touches anything and never replaces a database it was not told to."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time

import pytest
from sqlalchemy import text

from station_kit.cli import main
from station_kit.db import get_engine, write_session
from station_kit.services.scope import Scope
from tests.factories import id_number, volunteer_data
from tests.sheets import VOLUNTEER_HEADERS, xlsx

WRITERS = 4
AT_MOST = 500  # registrations per writer; they stop sooner, once the backup has returned


@pytest.fixture(autouse=True)
def as_admin(monkeypatch):
    """A copy holds everyone's data: backups and restores are an admin's (STATION_KIT_ROLE=admin)."""
    from station_kit.config import get_settings

    monkeypatch.setenv("STATION_KIT_ROLE", "admin")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _writer(url: str, station_id: int, writer: int, started, done, stop) -> None:
    """Register volunteers one transaction at a time, counting each commit begun and each ended, until
    told to stop: they write for as long as the backup takes, however slow a busy machine makes it."""
    from station_kit.services.actor import Actor
    from station_kit.services.volunteers import register_volunteer

    engine = get_engine(url)
    for n in range(AT_MOST):
        if stop.value:
            return
        data = volunteer_data(id_number=id_number(birth_date=dt.date(1950 + writer, 1, 1) + dt.timedelta(days=n)),
                              phone=f"139{writer:04d}{n:04d}", name=f"张{writer}{n}")
        with write_session(engine) as session:
            register_volunteer(scope=Scope(session, Actor(f"kernel-{writer}")), station_id=station_id, data=data)
            with started.get_lock():
                started.value += 1
        with done.get_lock():
            done.value += 1


def _tally(url: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["tally", "--json", "--db", url]) == 0
    return json.loads(capsys.readouterr().out)


def _station(url: str) -> int:
    from tests.factories import make_station

    assert main(["init", "--db", url]) == 0
    with write_session(get_engine(url)) as session:
        return make_station(session).id


def test_a_backup_taken_while_four_kernels_write_restores_what_was_committed(sqlite_url, tmp_path, capsys):
    """On the office PC's SQLite file; PostgreSQL's pg_dump is one snapshot by construction (and
    round-trips below)."""
    db_url = sqlite_url
    station_id = _station(db_url)
    context = multiprocessing.get_context("spawn")
    started, done, stop = context.Value("i", 0), context.Value("i", 0), context.Value("i", 0)
    writers = [context.Process(target=_writer, args=(db_url, station_id, w, started, done, stop))
               for w in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        deadline = time.monotonic() + 240
        while done.value < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        committed_before = done.value
        copy = tmp_path / "backup" / "station.db"
        assert main(["backup", "--db", db_url, "--out", str(copy)]) == 0
        begun_after = started.value
    finally:
        stop.value = 1
        for writer in writers:
            writer.join(timeout=300)
    assert all(writer.exitcode == 0 for writer in writers)
    assert 10 <= committed_before and begun_after < WRITERS * AT_MOST, "the backup did not run while they wrote"
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    restored_url = f"sqlite:///{tmp_path / 'restored' / 'station.db'}"
    assert main(["restore", str(copy), "--db", restored_url]) == 0
    restored = _tally(restored_url, capsys)
    assert committed_before <= restored["volunteers"] <= begun_after
    assert _tally(db_url, capsys)["volunteers"] == done.value
    # Each registration came with its audit event, or not at all: no transaction was cut in two.
    with get_engine(restored_url).connect() as connection:
        events = connection.execute(text("SELECT count(*) FROM auditevent WHERE action = 'volunteer.register'")).scalar()
        numbers = connection.execute(text("SELECT count(DISTINCT number) FROM volunteer")).scalar()
    assert events == numbers == restored["volunteers"]


def test_restore_refuses_to_overwrite_keeps_the_old_and_checks_the_key(demo_url, tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'station.db'}"
    _station(url)
    copy = tmp_path / "copy.db"
    assert main(["backup", "--db", url, "--out", str(copy)]) == 0
    target = tmp_path / "live" / "station.db"
    live = f"sqlite:///{target}"
    assert main(["backup", "--db", demo_url, "--out", str(target)]) == 0  # the demo, to work on
    capsys.readouterr()
    assert main(["restore", str(copy), "--db", live]) == 2
    assert "--force" in capsys.readouterr().err
    assert _tally(live, capsys)["volunteers"] == 755  # untouched

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(copy.read_bytes()[:5000])
    assert main(["restore", str(damaged), "--db", live, "--force"]) == 2
    from station_kit.config import get_settings

    with monkeypatch.context() as another_key:
        another_key.setenv("STATION_KIT_SECRET_KEY", "another-station's-key")
        get_settings.cache_clear()
        assert main(["backup", "--db", live, "--out", str(tmp_path / "demo-copy.db")]) == 0
        fresh = f"sqlite:///{tmp_path / 'other' / 'station.db'}"
        capsys.readouterr()
        assert main(["restore", str(tmp_path / "demo-copy.db"), "--db", fresh]) == 2
        assert "密钥与数据库不符" in capsys.readouterr().err
    get_settings.cache_clear()
    assert _tally(live, capsys)["volunteers"] == 755

    assert main(["restore", str(copy), "--db", live, "--force"]) == 0
    assert _tally(live, capsys)["volunteers"] == 0
    kept = [path for path in target.parent.iterdir() if ".before-restore-" in path.name]
    assert len(kept) == 1 and _tally(f"sqlite:///{kept[0]}", capsys)["volunteers"] == 755


@pytest.mark.postgres
def test_postgres_round_trips_through_pg_dump(postgres_server, tmp_path, capsys):
    from tests.conftest import _postgres_url

    source, target = _postgres_url(postgres_server), _postgres_url(postgres_server)
    _station(source)
    roll = tmp_path / "名册.xlsx"
    roll.write_bytes(xlsx([VOLUNTEER_HEADERS, *((f"志愿者{n}", "", "", id_number(), f"1380013{n:04d}", None)
                                                for n in range(5))], text_columns="D"))
    assert main(["import", "--db", source, "volunteers", str(roll), "--consent-on-file"]) == 0
    copy = tmp_path / "station.dump"
    assert main(["backup", "--db", source, "--out", str(copy)]) == 0
    assert main(["init", "--db", target, "--name", "别的站", "--code", "OTH"]) == 0
    assert main(["restore", str(copy), "--db", target]) == 2  # holds data: needs --force
    assert main(["restore", str(copy), "--db", target, "--force"]) == 0
    assert _tally(target, capsys) == _tally(source, capsys)
    assert _tally(target, capsys)["volunteers"] == 5
    assert os.path.getsize(copy) > 0


def test_only_an_admin_copies_or_replaces_the_database_and_the_log_says_who(sqlite_url, tmp_path, capsys,
                                                                            monkeypatch):
    from station_kit.config import get_settings
    from station_kit.i18n import t

    _station(sqlite_url)
    copy = tmp_path / "copy.db"
    with monkeypatch.context() as staff:
        staff.setenv("STATION_KIT_ROLE", "staff")
        staff.setenv("STATION_KIT_OPERATOR", "李经办")
        get_settings.cache_clear()
        capsys.readouterr()
        assert main(["backup", "--db", sqlite_url, "--out", str(copy)]) == 2
        assert t("actor.needs_admin", name="李经办") in capsys.readouterr().err and not copy.exists()
        get_settings.cache_clear()
    monkeypatch.setenv("STATION_KIT_OPERATOR", "高站长")
    get_settings.cache_clear()
    assert main(["backup", "--db", sqlite_url, "--out", str(copy)]) == 0
    with get_engine(sqlite_url).connect() as connection:
        who, detail = connection.execute(text(
            "SELECT operator, detail FROM auditevent WHERE action = 'database.backup'")).one()
    assert who == "高站长" and "copy.db" in detail
