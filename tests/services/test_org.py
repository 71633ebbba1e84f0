"""The station and its units: names are checked like any text a person types, on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import Grid, PartnerUnit, Station, Steward, Team
from station_kit.models.org import PartnerKind, StewardRole
from station_kit.services import org
from station_kit.services.actor import Actor

BAD_NAMES = [("单" * 101, "form.too_long"), ("爱心\x00企业", "text.control_characters"),
             ("\u200b", "text.control_characters")]


@pytest.fixture
def grid_id(engine, station):
    with write_session(engine) as session:
        return org.add_unit(session=session, model=Grid, station_id=station.id, name="第1网格", number=1,
                            actor=Actor("t")).id


def refusal(engine, act, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        act(session=session, actor=Actor("t"), **kwargs)
    return [(e.field, e.key) for e in caught.value.errors]


def rows(engine, model) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(model)).all())


@pytest.mark.parametrize("name, key", BAD_NAMES)
def test_unit_names_are_checked(engine, station, grid_id, name, key):
    assert refusal(engine, org.add_unit, model=Team, station_id=station.id, name=name) == [("name", key)]
    assert refusal(engine, org.add_partner_unit, station_id=station.id, name=name,
                   kind=PartnerKind.caring_enterprise, credit_code=None) == [("name", key)]
    assert refusal(engine, org.add_steward, station_id=station.id, grid_id=grid_id, name=name,
                   role=StewardRole.volunteer, phone="13800138000") == [("name", key)]
    assert (rows(engine, Team), rows(engine, PartnerUnit), rows(engine, Steward)) == (1, 0, 0)


@pytest.mark.parametrize("name, key", BAD_NAMES)
def test_station_fields_are_checked(engine, name, key):
    assert refusal(engine, org.create_station, code="XS", name=name) == [("name", key)]
    assert refusal(engine, org.create_station, code="XS", name="兴神路", address=name * 2) == [("address", key)]
    assert refusal(engine, org.create_station, code=" ", name="兴神路") == [("code", "station.code_required")]
    assert rows(engine, Station) == 0


def test_a_steward_for_a_grid_that_does_not_exist_is_refused(engine, station):
    assert refusal(engine, org.add_steward, station_id=station.id, grid_id=999, name="王芳",
                   role=StewardRole.volunteer, phone="13800138000") == [("grid_id", "grid.unknown")]
