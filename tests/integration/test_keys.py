"""The ID-number key and the database stay a pair (DESIGN.md §9): a deleted, replaced or emptied key
file is refused with a message saying how to restore it, and nothing is written with the wrong key.
The database file is readable by its owner only."""

import stat

import pytest
from sqlalchemy import func
from sqlmodel import select

from station_kit.cli import main
from station_kit.config import get_settings
from station_kit.db import get_engine, read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import Volunteer
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import id_number, make_station, volunteer_data


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    """The key comes from a file, as on a station PC (the test suite otherwise sets it in the environment)."""
    path = tmp_path / "keys" / "secret.key"
    monkeypatch.delenv("STATION_KIT_SECRET_KEY", raising=False)
    monkeypatch.setenv("STATION_KIT_KEY_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def station_with_one_volunteer(db_url, key_file):
    """A database initialised by the command (which makes the key file) holding one volunteer."""
    assert main(["init", "--db", db_url]) == 0
    number = id_number()
    with write_session(get_engine(db_url)) as session:
        station = make_station(session)
        register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                           data=volunteer_data(id_number=number))
    return station, number


def _volunteers(db_url) -> int:
    with read_session(get_engine(db_url)) as session:
        return session.exec(select(func.count()).select_from(Volunteer)).one()


def _register_again(db_url, station, number) -> DomainError:
    with pytest.raises(DomainError) as refused, write_session(get_engine(db_url)) as session:
        register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                           data=volunteer_data(id_number=number))
    return refused.value


def test_a_deleted_key_file_is_refused_and_never_made_anew(db_url, station_with_one_volunteer, key_file,
                                                           capsys):
    station, number = station_with_one_volunteer
    original = key_file.read_bytes()
    key_file.unlink()
    assert main(["tally", "--db", db_url]) == 2
    error = capsys.readouterr().err
    assert str(key_file) in error and "备份" in error
    assert not key_file.exists()
    assert _register_again(db_url, station, number).keys() == ["key.missing"]
    key_file.write_bytes(original)
    assert main(["tally", "--db", db_url]) == 0
    assert _register_again(db_url, station, number).keys() == ["id_number.duplicate"]
    assert _volunteers(db_url) == 1


def test_a_replaced_key_is_refused_and_the_same_person_cannot_register_twice(
        db_url, station_with_one_volunteer, key_file, capsys):
    station, number = station_with_one_volunteer
    key_file.write_text("c29tZW9uZSBlbHNlJ3Mga2V5IGZyb20gYW5vdGhlciBQQw==\n")
    assert main(["tally", "--db", db_url]) == 2
    assert "不符" in capsys.readouterr().err
    assert _register_again(db_url, station, number).keys() == ["key.mismatch"]
    assert _volunteers(db_url) == 1


def test_an_empty_key_file_is_refused(db_url, station_with_one_volunteer, key_file, capsys):
    key_file.write_text("")
    assert main(["tally", "--db", db_url]) == 2
    assert "是空的" in capsys.readouterr().err


def test_a_new_database_gets_a_private_key_file_and_a_private_database_file(tmp_path, key_file):
    database = tmp_path / "station.db"
    assert main(["init", "--db", f"sqlite:///{database}", "--name", "兴神路社区", "--code", "XSL"]) == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for path in [database, *tmp_path.glob("station.db-*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
