"""One person's actions (services/audit.person_actions), on SQLite and PostgreSQL: an admin of the
station lists what a named person did there, in a period, oldest first; staff may not ask, and
another station's lines never show."""

from __future__ import annotations

import datetime as dt

import pytest

from station_kit import clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.services.actor import Actor, Role
from station_kit.services.audit import person_actions
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import make_station, volunteer_data

ADMIN = Actor("高站长", Role.admin)


def _register(engine, station_id: int, person: str, day: dt.date, name: str) -> None:
    with clock.at(dt.datetime.combine(day, dt.time(10), tzinfo=clock.CHINA)), write_session(engine) as session:
        register_volunteer(scope=Scope(session, Actor(person)), station_id=station_id, data=volunteer_data(name=name))


def test_an_admin_lists_one_person_s_actions_in_a_period(engine):
    with write_session(engine) as session:
        station, other = make_station(session), make_station(session, code="HX", name="和谐社区")
    _register(engine, station.id, "lijingban", dt.date(2022, 7, 30), "张伟")
    _register(engine, station.id, "lijingban", dt.date(2022, 8, 2), "李娜")
    _register(engine, station.id, "wangjingban", dt.date(2022, 8, 3), "王芳")
    _register(engine, other.id, "lijingban", dt.date(2022, 8, 4), "赵敏")  # another station's line
    with read_session(engine) as session:
        scope = Scope(session, ADMIN.within(station.id))
        everything = person_actions(scope=scope, station_id=station.id, person="lijingban")
        august = person_actions(scope=scope, station_id=station.id, person="lijingban", period="2022-08")
    assert [line.action for line in everything] == ["volunteer.register"] * 2
    assert [line.at.date() for line in everything] == [dt.date(2022, 7, 30), dt.date(2022, 8, 2)]
    assert [line.at.date() for line in august] == [dt.date(2022, 8, 2)]


def test_staff_may_not_ask_who_did_what(engine):
    with write_session(engine) as session:
        station = make_station(session)
    with read_session(engine) as session, pytest.raises(DomainError) as refused:
        person_actions(scope=Scope(session, Actor("lijingban").within(station.id)), station_id=station.id,
                       person="wangjingban")
    assert refused.value.keys() == ["actor.needs_admin"]
