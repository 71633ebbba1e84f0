"""A city for `make bench-city` (station_kit/demo/city.py): stations of 神木市's streets and towns whose
records, activities and people belong together, built on PostgreSQL by COPY with a progress line, and
refused on SQLite with a message (a city needs PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from station_kit import cli, clock
from station_kit.analytics import community_figures, headline_figures
from station_kit.db import get_engine, migrate, read_session
from station_kit.demo.awards import award_calendar
from station_kit.demo.city import STREETS, VOLUNTEERS_PER_GRID, CityProgress, award_city, build_city_stations, plan_city
from station_kit.demo.community import CASES_PER_GRID, ORDERS, RESIDENTS_PER_GRID, WISHES
from station_kit.demo.station import GRID_COUNT
from station_kit.models import (
    AuditEvent,
    AwardEntry,
    AwardRound,
    Department,
    Grid,
    GridCase,
    Request,
    Resident,
    ServiceRecord,
    Station,
    Steward,
    Volunteer,
)
from station_kit.models.awards import RoundStatus
from station_kit.models.community import RequestKind
from station_kit.models.org import StewardRole
from station_kit.rules.awards import parse_period
from tests.conftest import _postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def city(postgres_server):
    """Two city stations at forty records a volunteer-year with their award calendar, and the progress
    they reported (the last item: the rounds made final and the rounds reported)."""
    url = _postgres_url(postgres_server)
    migrate(url)
    engine = get_engine(url)
    reported: list[CityProgress] = []
    city = plan_city(27)
    planned = [city[2], city[14]]  # one serving since 2016, one since 2020
    ids = build_city_stations(engine=engine, planned=planned, rate=40, on_progress=reported.append)
    rounds: list[tuple[int, int]] = []
    finals = award_city(engine=engine, station_ids=ids, on_round=lambda done, of: rounds.append((done, of)))
    return engine, planned, ids, reported + [(finals, rounds)]


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
            "history.volunteers": 1, "history.import": years, "history.residents": 1, "history.requests": 1,
            "history.cases": 1}


def test_the_progress_line_follows_the_build_to_its_end(city):
    engine, planned, _ids, reported = city
    reported = reported[:-1]
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


def test_each_station_has_grids_stewards_residents_wishes_and_cases_in_proportion_to_its_size(city):
    """As many grids as the reference station has for its size (755 volunteers, 13 grids), a 小管家 of
    every role in each, and a year of residents, wishes, orders and cases a grid as it has; its tally
    shows them."""
    engine, planned, ids, _reported = city
    with read_session(engine) as session:
        for station_id, plan in zip(ids, planned):
            grids = max(1, round(plan.volunteers / VOLUNTEERS_PER_GRID))
            def count(model, *conditions):
                return session.exec(select(func.count()).select_from(model)
                                    .where(model.station_id == station_id, *conditions)).one()
            assert count(Grid) == grids and count(Steward) == grids * len(StewardRole)
            assert count(Resident) == grids * RESIDENTS_PER_GRID
            departments = set(session.exec(select(Department.name).where(Department.station_id == station_id)))
            assert {f"{plan.street}派出所", f"{plan.street}司法所"} <= departments  # its own street's
            assert not any("麟州街道" in name for name in departments)
            assert count(Request, Request.kind == RequestKind.wish) == round(WISHES * grids / GRID_COUNT)
            assert count(Request, Request.kind == RequestKind.order) == round(ORDERS * grids / GRID_COUNT)
            received = session.exec(select(GridCase.grid_id, func.count()).where(GridCase.station_id == station_id)
                                    .group_by(GridCase.grid_id)).all()
            assert len(received) == grids and all(CASES_PER_GRID[0] <= n <= CASES_PER_GRID[1] for _, n in received)
            figures = community_figures(engine, station=station_id)
            assert figures["wishes"]["fulfilled"] > 0
            assert 0.5 < figures["cases"]["response_rate"] <= 1 and 0.5 < figures["cases"]["satisfaction_rate"] <= 1


def test_the_award_calendar_runs_at_every_station_from_its_first_service_on(city):
    """Each round of the calendar at each station that had begun to serve by the end of its period:
    final where someone was eligible, with no more winners than the quota, else left a draft with none;
    none for a period before."""
    engine, planned, ids, reported = city
    finals, rounds = reported[-1]
    calendar = [(level, period) for level, periods in award_calendar().items() for period in sorted(periods)]
    assert rounds == [(done, len(calendar)) for done in range(1, len(calendar) + 1)]
    with read_session(engine) as session:
        made = session.exec(select(AwardRound).where(AwardRound.station_id.in_(ids))).all()
        first_served = dict(session.exec(select(ServiceRecord.station_id, func.min(ServiceRecord.started_at))
                                         .group_by(ServiceRecord.station_id)).all())
        winners = dict(session.exec(select(AwardEntry.round_id, func.count()).where(AwardEntry.winner)
                                    .group_by(AwardEntry.round_id)).all())
    assert sum(award_round.status == RoundStatus.final for award_round in made) == finals > 0
    for station_id in ids:
        began = clock.local(first_served[station_id]).date()
        expected = {(level, period) for level, period in calendar if parse_period(level, period).last_day >= began}
        assert (("year", "2019") in expected) == (began.year <= 2019)
        own = [award_round for award_round in made if award_round.station_id == station_id]
        assert {(award_round.level, award_round.period) for award_round in own} == expected
        for award_round in own:
            if award_round.status == RoundStatus.final:
                assert 1 <= winners[award_round.id] <= award_round.quota and award_round.publicity_ends_on
            else:
                assert award_round.status == RoundStatus.draft and award_round.id not in winners
