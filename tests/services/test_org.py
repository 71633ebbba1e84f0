"""The station and its units: names are checked like any text a person types, on SQLite and PostgreSQL."""

import json

import pytest
from sqlmodel import select

from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import AuditEvent, Grid, PartnerUnit, Station, Steward, Team
from station_kit.models.org import PartnerKind, StationDetailsUpdate, StewardRole
from station_kit.services import org
from station_kit.services.actor import Actor, Role
from station_kit.services.scope import Scope

BAD_NAMES = [("单" * 101, "form.too_long"), ("爱心\x00企业", "text.control_characters"),
             ("\u200b", "text.control_characters")]


@pytest.fixture
def grid_id(engine, station):
    with write_session(engine) as session:
        return org.add_unit(scope=Scope(session, Actor("t")), model=Grid, station_id=station.id, name="第1网格",
                            number=1).id


def refusal(engine, act, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        act(scope=Scope(session, Actor("t")), **kwargs)
    return [(e.field, e.key) for e in caught.value.errors]


def rows(engine, model, **where) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(model).filter_by(**where)).all())


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


ADMIN = Actor("高站长", Role.admin)
FIXED = StationDetailsUpdate(name="兴神路社区", person_in_charge="高文明", contact="兴神路社区办公室 0912-1234567 转 8001")


def update(engine, station_id, data, actor=ADMIN):
    with write_session(engine) as session:
        return org.update_station_details(scope=Scope(session, actor), station_id=station_id, data=data)


def station_row(engine, station_id) -> Station:
    with read_session(engine) as session:
        return session.get(Station, station_id)


def test_an_admin_corrects_the_issuer_details_and_the_log_keeps_old_and_new(engine, station):
    shown = update(engine, station.id, FIXED)
    assert (shown.name, shown.person_in_charge, shown.contact) == (
        "兴神路社区", "高文明", "兴神路社区办公室 0912-1234567 转 8001")
    row = station_row(engine, station.id)
    assert (row.name, row.person_in_charge, row.code) == ("兴神路社区", "高文明", "TST")
    with read_session(engine) as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "station.update")).all()
    assert event.operator == "高站长" and event.entity_id == station.id
    assert json.loads(event.detail)["changes"]["name"] == ["测试社区", "兴神路社区"]
    update(engine, station.id, StationDetailsUpdate(name=" 兴神路社区 ", person_in_charge="高文明",
                                                    contact=FIXED.contact))
    assert rows(engine, AuditEvent, action="station.update") == 1  # nothing changed, nothing logged


def test_staff_may_not_change_the_station_details(engine, station):
    with pytest.raises(DomainError) as refused:
        update(engine, station.id, FIXED, actor=Actor("李经办"))
    assert refused.value.keys() == ["actor.needs_admin"]
    assert station_row(engine, station.id).name == "测试社区"


# A contact must hold a number someone elsewhere can dial; around it, anything a station writes.
GOOD_CONTACTS = ["13800138000", "0912-1234567", "（0912）1234567", "０９１２－１２３４５６７", "办公室电话：0912 1234567 分机 12",
                 ""]
BAD_CONTACTS = ["请打电话", "123", "1234567", "0912-12", "微信 xsl2022"]


def test_bad_details_are_refused_beside_their_field_and_nothing_is_written(engine, station):
    for contact in GOOD_CONTACTS:
        assert update(engine, station.id, FIXED.model_copy(update={"contact": contact})).contact == contact
    for contact in BAD_CONTACTS:
        with pytest.raises(DomainError) as refused:
            update(engine, station.id, FIXED.model_copy(update={"contact": contact, "name": "错字社区"}))
        assert [(e.field, e.key) for e in refused.value.errors] == [("contact", "station_details.contact_invalid")]
    with pytest.raises(DomainError) as refused:
        # model_construct: the service checks lengths itself, whoever skipped the form's shape.
        update(engine, station.id, StationDetailsUpdate.model_construct(
            name="\u3000", person_in_charge="高\u200b文明", contact="0912-1234567" + "转" * 100))
    assert [(e.field, e.key) for e in refused.value.errors] == [
        ("name", "unit.name_required"), ("person_in_charge", "text.control_characters"),
        ("contact", "form.too_long")]
    assert station_row(engine, station.id).name == "兴神路社区"


@pytest.mark.parametrize("population", [0, -5, 10_000_001, 1.5, "12000", True])
def test_a_population_no_community_has_is_refused_and_nothing_is_written(engine, station, population):
    with pytest.raises(DomainError) as refused:  # model_construct: whoever skipped the form's shape
        update(engine, station.id, StationDetailsUpdate.model_construct(**{**FIXED.model_dump(),
                                                                           "population": population}))
    assert [(e.field, e.key) for e in refused.value.errors] == [("population", "station_details.population_invalid")]
    assert station_row(engine, station.id).population is None
    assert update(engine, station.id, FIXED.model_copy(update={"population": 12_000})).population == 12_000


def test_each_person_is_served_their_own_station(engine, monkeypatch):
    """On a street's server the pages serve the configured station (STATION_KIT_STATION, else the first)
    to whoever works for it, and a 社区's own staff their own station."""
    with write_session(engine) as session:
        first = org.create_station(scope=Scope(session, Actor("test")), code="XSL", name="兴神路社区")
        second = org.create_station(scope=Scope(session, Actor("test")), code="DXJ", name="东兴街社区")
    monkeypatch.delenv("STATION_KIT_STATION", raising=False)

    def served(stations):
        with read_session(engine) as session:
            return org.current_station(Scope(session, Actor("某人", stations=stations))).code

    assert served(None) == "XSL"  # one PC: the install's station
    assert served(frozenset({second.id})) == "DXJ"  # 东兴街's staff
    assert served(frozenset({first.id, second.id})) == "XSL"  # the street's admin: the configured one
    assert served(frozenset()) == "XSL"  # nobody's: the configured one, which then refuses them
    monkeypatch.setenv("STATION_KIT_STATION", "DXJ")
    assert served(None) == "DXJ" and served(frozenset({first.id})) == "XSL"
