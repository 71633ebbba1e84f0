"""A city for `make bench-city` (station_kit/demo/city.py): stations of 神木市's streets and towns whose
records, activities and people belong together, built on PostgreSQL by COPY with a progress line, and
refused on SQLite with a message (a city needs PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from station_kit import cli
from station_kit.analytics import headline_figures
from station_kit.db import get_engine, migrate, read_session
from station_kit.demo.city import STREETS, CityProgress, build_city_stations, plan_city
from station_kit.models import AuditEvent, Station, Volunteer
from tests.conftest import _postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def city(postgres_server):
    """Two city stations at ten records a volunteer-year, and the progress they reported."""
    url = _postgres_url(postgres_server)
    migrate(url)
    engine = get_engine(url)
    reported: list[CityProgress] = []
    planned = plan_city(15)[:2]
    ids = build_city_stations(engine=engine, planned=planned, rate=10, on_progress=reported.append)
    return engine, planned, ids, reported


def _one(engine, statement: str):
    with engine.connect() as connection:
        return connection.execute(text(statement)).scalar_one()


def test_every_record_belongs_with_its_activity_and_its_volunteer(city):
    engine, _planned, _ids, _reported = city
    assert _one(engine, "SELECT count(*) FROM servicerecord") > 1000
    assert _one(engine, """SELECT count(*) FROM servicerecord r JOIN activity a ON a.id = r.activity_id
                           JOIN volunteer v ON v.id = r.volunteer_id
                           WHERE a.station_id != r.station_id OR v.station_id != r.station_id""") == 0
    assert _one(engine, """SELECT count(*) FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id
                           WHERE r.started_at < v.registered_at""") == 0
    assert _one(engine, """SELECT count(*) FROM (SELECT volunteer_id, started_at FROM servicerecord
                           GROUP BY volunteer_id, started_at HAVING count(*) > 1) AS twice""") == 0
    assert _one(engine, """SELECT count(*) FROM servicerecord
                           WHERE (status = 'pending') != (started_at >= '2022-08-17 00:00+08')""") == 0


def test_each_station_is_a_station_of_shenmu_with_its_own_people_and_history(city):
    engine, planned, ids, _reported = city
    with read_session(engine) as session:
        stations = session.exec(select(Station).where(Station.id.in_(ids)).order_by(Station.id)).all()
        numbers = session.exec(select(Volunteer.station_id, Volunteer.number)).all()
        logged = session.exec(select(AuditEvent.station_id, AuditEvent.action, func.count())
                              .where(AuditEvent.action.like("history.%"))
                              .group_by(AuditEvent.station_id, AuditEvent.action)).all()
    assert [(station.code, station.name, station.street) for station in stations] == [
        (plan.code, plan.name, plan.street) for plan in planned]
    assert all(station.street in STREETS and station.city == "神木市" for station in stations)
    codes = {station.id: station.code for station in stations}
    assert all(number.startswith(codes[station_id]) for station_id, number in numbers)
    for station, plan in zip(stations, planned):
        assert headline_figures(engine, station=station.id)["volunteers"] == plan.volunteers
        years = 2022 - plan.first_year + 1
        assert dict(((action, count) for station_id, action, count in logged if station_id == station.id)) == {
            "history.volunteers": 1, "history.import": years}


def test_the_progress_line_follows_the_build_to_its_end(city):
    engine, planned, _ids, reported = city
    assert [progress.stations for progress in reported] == [0, 1, 2]
    assert reported[-1].records == _one(engine, "SELECT count(*) FROM servicerecord")
    assert reported[-1].of_records == reported[-1].records and reported[0].of_records > 0
    stream = io.StringIO()
    line = cli.ProgressLine(stream)
    for progress in reported:
        line(progress)
    shown = stream.getvalue().splitlines()
    assert shown[0].startswith("░") and "0/2 个站" in shown[0] and "正在估算剩余时间" in shown[0]
    assert "2/2 个站" in shown[-1] and f"{reported[-1].records:,} 条服务记录" in shown[-1] and "约剩" in shown[-1]


def test_five_hundred_stations_have_names_and_codes_of_their_own():
    planned = plan_city(500)
    assert len({plan.name for plan in planned}) == len({plan.code for plan in planned}) == len(planned) == 488
    assert all(30 <= plan.volunteers <= 1000 and 2014 <= plan.first_year <= 2020 for plan in planned)
    assert plan_city(500) == planned  # a fixed seed: the same city every time


def test_a_city_on_sqlite_is_refused_before_anything_is_written(tmp_path, capsys):
    database = tmp_path / "station.db"
    assert cli.main(["demo", "--stations", "13", "--db", f"sqlite:///{database}"]) == 1
    assert "PostgreSQL" in capsys.readouterr().err
    assert not database.exists()
