"""An analyst's own PostgreSQL role (services/analysts.py, models/read_schema.py), used the way their
JupyterLab uses it: station_kit.analytics and the 月度报告 through it, and raw SQL a curious analyst
might try. Two stations of one street on one real PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from station_kit import analytics, clock
from station_kit.db import alembic_config, get_engine, get_read_only_engine, migrate, write_session
from station_kit.errors import DomainError
from station_kit.reports import build_report
from station_kit.services.actor import Actor, Role
from station_kit.services.analysts import grant_analyst
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.conftest import _postgres_url
from tests.factories import id_number, make_community, make_station, unique_phone, volunteer_data

pytestmark = pytest.mark.postgres
ADMIN = Actor("高站长", Role.admin)


@pytest.fixture
def street(postgres_server):
    """兴神路 (XSL) with 赵敏, whose full ID number and phone were typed, and 东兴街 (DXJ), on one database."""
    url = _postgres_url(postgres_server)
    migrate(url)
    with write_session(get_engine(url)) as session:
        first = make_station(session, code="XSL", name="兴神路社区")
        make_community(session, first)
        second = make_station(session, code="DXJ", name="东兴街社区")
        make_community(session, second)
        number, phone = id_number(), unique_phone()
        register_volunteer(scope=Scope(session, ADMIN), station_id=first.id, data=volunteer_data(
            name="赵敏", id_number=number, phone=phone, guardian_name="赵大"))
    yield url, first.id, second.id, number, phone
    get_engine.cache_clear()


def _grant(url, name, station_ids, actor=ADMIN):
    with write_session(get_engine(url)) as session:
        return grant_analyst(scope=Scope(session, actor), name=name, station_ids=station_ids)


def _refused(url, statement) -> str:
    """What PostgreSQL says to ``statement`` from the analyst's own connection (not the read-only engine,
    which would stop a write before the role is asked)."""
    with pytest.raises(DBAPIError) as error, get_engine(url).begin() as connection:
        connection.execute(text(statement))
    return str(error.value.orig)


def test_an_analyst_reads_their_station_through_analytics_and_nothing_more(street):
    url, first, _, number, phone = street
    access = _grant(url, "lifenxi", [first])
    engine = get_read_only_engine(access.url)
    volunteers = analytics.volunteers(engine, station="XSL")
    assert set(volunteers["name"]) == {"张伟", "李娜", "赵敏"} and set(volunteers["phone"]) == {""}
    with pytest.raises(DomainError) as error:
        analytics.volunteers(engine, station="DXJ")  # another station of the street: not there for them
    assert error.value.keys() == ["station.unknown_code"]
    report = build_report(engine, kind="month", period=clock.today().strftime("%Y-%m"), station="XSL")
    assert report.title and "兴神路社区" in report.subtitle + report.title

    with engine.connect() as connection:
        rows = pd.read_sql("SELECT * FROM volunteer", connection)
        for hidden in ("id_number_cipher", "id_number_hash", "birth_date_cipher", "phone", "guardian_name"):
            assert set(rows[hidden]) == {""}, hidden
        assert set(rows["station_id"]) == {first}
        every_view = pd.read_sql("SELECT * FROM analyst_volunteers", connection).astype(str).to_string()
    for secret in (number, number[-8:], phone, phone[-8:], "赵大", "1985-06-15"):
        assert secret not in rows.astype(str).to_string() + every_view
    for statement in ("SELECT id_number_cipher FROM public.volunteer", "SELECT * FROM public.auditevent",
                      "SELECT * FROM station_kit_private.analyst_access"):
        assert "permission denied" in _refused(access.url, statement), statement
    assert "read-only transaction" in _refused(access.url, "DELETE FROM servicerecord")
    # asking for a writing transaction changes nothing: the role may write nowhere, views included
    for statement in ("UPDATE public.volunteer SET name = '改过'", "DELETE FROM servicerecord",
                      "INSERT INTO station (code, name, city, street) VALUES ('X', 'X', 'X', 'X')"):
        assert "permission denied" in _refused(access.url, f"SET TRANSACTION READ WRITE; {statement}"), statement


def test_a_street_analyst_sees_the_street_and_a_second_grant_replaces_the_first(street):
    url, first, second, _, _ = street
    access = _grant(url, "jiedao", [first, second])
    engine = get_read_only_engine(access.url)
    assert set(analytics.volunteers(engine, street="麟州街道")["station"]) == {"XSL", "DXJ"}
    again = _grant(url, "jiedao", [second])
    assert again.password != access.password
    assert set(analytics.volunteers(get_read_only_engine(again.url), street="麟州街道")["station"]) == {"DXJ"}


def test_only_an_admin_grants_for_their_own_stations_and_only_on_postgresql(street, sqlite_url):
    url, first, second, _, _ = street
    refusals = {
        "actor.needs_admin": lambda: _grant(url, "lifenxi", [first], Actor("李经办")),
        "scope.other_station": lambda: _grant(url, "lifenxi", [second], ADMIN.within(first)),
        "analyst.bad_name": lambda: _grant(url, "Robert'); DROP TABLE volunteer;--", [first]),
        "analyst.no_station": lambda: _grant(url, "lifenxi", []),
        "analyst.needs_postgresql": lambda: (migrate(sqlite_url), _grant(sqlite_url, "lifenxi", [1])),
    }
    for key, call in refusals.items():
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.keys() == [key]


def test_a_migration_rebuilds_the_analysts_views(street):
    url, first, _, _, _ = street
    access = _grant(url, "lifenxi", [first])
    command.downgrade(alembic_config(url), "-1")
    migrate(url)
    assert set(analytics.volunteers(get_read_only_engine(access.url), station="XSL")["name"]) == {"张伟", "李娜", "赵敏"}
