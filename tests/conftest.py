"""Fixtures shared by every test: a fresh, migrated database per test, on SQLite and on PostgreSQL.

Tests that take ``engine`` run twice: on a SQLite file in a temp folder, and on a real PostgreSQL
server that pgserver starts once per session in a temp folder (no system install needed).
"""

from __future__ import annotations

import sys
import uuid

import pytest

from station_kit.db import get_engine, migrate


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    yield server
    server.cleanup()


def _postgres_url(server) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name).replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A URL to an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'station.db'}"
    return _postgres_url(request.getfixturevalue("postgres_server"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'station.db'}"


@pytest.fixture
def engine(db_url):
    """A fresh database, migrated to the newest schema."""
    migrate(db_url)
    engine = get_engine(db_url)
    yield engine
    engine.dispose()
    get_engine.cache_clear()


@pytest.fixture
def session(engine):
    """A session in one transaction, committed at the end of the test like a service call would be."""
    from station_kit.db import write_session

    with write_session(engine) as session:
        yield session


@pytest.fixture
def station(engine):
    """A small station: one team with two squads, three posts. Committed, so other sessions see it."""
    from station_kit.db import write_session
    from tests.factories import make_station

    with write_session(engine) as session:
        return make_station(session)


def pytest_sessionfinish(session) -> None:
    """In a pytest-xdist worker, hand this worker's fuzz tallies to the controller, which prints them."""
    fuzz = sys.modules.get("tests.fuzz")
    if fuzz is not None and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fuzz_tallies"] = [
            [backend, name, tally.calls, tally.refusals, tally.crashes]
            for (backend, name), tally in fuzz.TALLIES.items()]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """In the controller, add up the fuzz tallies each worker handed over when it finished."""
    tallies = getattr(node, "workeroutput", {}).get("fuzz_tallies")
    if not tallies:
        return
    from tests import fuzz

    for backend, name, calls, refusals, crashes in tallies:
        tally = fuzz.TALLIES[(backend, name)]
        tally.calls += calls
        tally.refusals += refusals
        tally.crashes += crashes


def pytest_terminal_summary(terminalreporter) -> None:
    """After a run that fuzzed (tests/fuzz.py), print its calls, refusals and crashes per backend."""
    fuzz = sys.modules.get("tests.fuzz")
    if fuzz is None or not fuzz.TALLIES:
        return
    terminalreporter.write_sep("-", "fuzz figures: calls, refusals, crashes")
    for line in fuzz.figures():
        terminalreporter.write_line(line)
