"""A station's old ledgers of residents, wishes and orders and grid cases, brought in at once
(``import_residents``, ``import_requests``, ``import_cases``), as a city's stations are built: each row
ends exactly as the same steps taken one by one through the use cases would have left it, the batch is
one line of the operation log, and a wrong row anywhere leaves nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.db import new_row_values, read_session, write_session
from station_kit.demo.community import play_cases, play_requests
from station_kit.errors import DomainError
from station_kit.models import AuditEvent, GridCase, Request, RequestClaim, Resident, ResidentCareGroup
from station_kit.models.community import (
    CareGroup,
    CaseChannel,
    CaseKind,
    ClaimerKind,
    GridCaseCreate,
    RequestCreate,
    RequestKind,
    ResidentCreate,
)
from station_kit.services import cases, requests
from station_kit.services.actor import Actor, Role
from station_kit.services.requests import Claimer
from station_kit.services.residents import import_residents, list_residents
from station_kit.services.scope import Scope
from station_kit.services.workflow import PastStep
from tests.factories import make_community, make_station

ADMIN = Actor("王站长", Role.admin)
DAY = dt.datetime(2022, 3, 1, 9, 0, tzinfo=CHINA)


def at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


@pytest.fixture
def places(engine):
    with write_session(engine) as session:
        return [make_community(session, make_station(session, code=code, name=f"{code}社区")) for code in "AB"]


def case_stories(place) -> list:
    grid, steward, department = place["grids"][0], place["steward"], place["department"]

    def case(title, **fields):
        return GridCaseCreate(grid_id=grid, kind=CaseKind.request, channel=CaseChannel.phone, title=title, **fields)

    return [
        (case("下水道堵塞", resident_id=place["resident"]), at(0), [
            PastStep("accept", at(2), steward_id=steward),
            PastStep("whistle", at(3), department_id=department, reason="请派员疏通"),
            PastStep("report", at(3.5), reason="已到场"),
            PastStep("resolve", at(30), reason="已疏通"),
            PastStep("rate", at(60), rating=4)]),
        (case("楼道堆放杂物", is_complex=True), at(1), [
            PastStep("accept", at(40), steward_id=steward),  # a day late
            PastStep("resolve", at(400), reason="已清理")]),
        (case("路灯不亮"), at(5), []),
        (case("外墙瓷砖松动"), at(6), [
            PastStep("accept", at(7), steward_id=steward),
            PastStep("whistle", at(8), department_id=department, reason="请来查看"),
            PastStep("report", at(9), reason="已到场，需另请施工"),
            PastStep("whistle", at(10), department_id=department, reason="请施工队来"),
            PastStep("report", at(12), reason="已加固")]),
    ]


def request_stories(place) -> list:
    volunteers, squad, resident = place["volunteers"], place["squad"], place["resident"]

    def request(kind, title):
        return RequestCreate(kind=kind, resident_id=resident, title=title)

    return [
        (request(RequestKind.wish, "想要一台收音机"), at(0), [
            PastStep("claim", at(2), claimers=(Claimer(ClaimerKind.volunteer, volunteers[0]),
                                               Claimer(ClaimerKind.volunteer, volunteers[1]))),
            PastStep("fulfil", at(50), reason="已送到居民家中"),
            PastStep("rate", at(74), rating=5)]),
        (request(RequestKind.order, "上门理发"), at(1), [
            PastStep("dispatch", at(2), claimers=(Claimer(ClaimerKind.squad, squad),)),
            PastStep("refuse", at(3), reason="本周人手不足"),
            PastStep("dispatch", at(4), claimers=(Claimer(ClaimerKind.volunteer, volunteers[0]),)),
            PastStep("take", at(5)),
            PastStep("fulfil", at(30), reason="已按约定完成")]),
        (request(RequestKind.wish, "希望帮忙换个灯泡"), at(2), [PastStep("cancel", at(3), reason="居民自行解决")]),
        (request(RequestKind.wish, "想要一副老花镜"), at(3), []),
        (request(RequestKind.wish, "想学用智能手机"), at(4), [
            PastStep("claim", at(5), claimers=(Claimer(ClaimerKind.volunteer, volunteers[0]),)),
            PastStep("claim", at(6), claimers=(Claimer(ClaimerKind.squad, squad),))]),
    ]


def _rows(session, station_id):
    """Every case, request and claim of the station as stored, in the order they were made, without ids."""
    def plain(row, *left_out):
        return {name: value for name, value in new_row_values(row).items() if name not in left_out}
    found = session.exec(select(Request).where(Request.station_id == station_id).order_by(Request.id)).all()
    place = {request.id: number for number, request in enumerate(found)}
    claims = session.exec(select(RequestClaim).where(RequestClaim.request_id.in_(place)).order_by(RequestClaim.id))
    return ([plain(case) for case in session.exec(select(GridCase).where(GridCase.station_id == station_id)
                                                  .order_by(GridCase.id))],
            [plain(request) for request in found],
            [plain(claim, "request_id") | {"request": place[claim.request_id]} for claim in claims])


def test_a_ledger_brought_in_ends_as_the_same_steps_taken_one_by_one(engine, places):
    place = places[0]
    with write_session(engine) as session:
        scope = Scope(session, ADMIN)
        play_cases(scope=scope, station_id=place["station"], stories=case_stories(place))
        play_requests(scope=scope, station_id=place["station"], stories=request_stories(place))
        session.flush()
        one_by_one = _rows(session, place["station"])
        session.rollback()
    with write_session(engine) as session:
        scope = Scope(session, ADMIN)
        assert len(cases.import_cases(scope=scope, station_id=place["station"], cases=case_stories(place))) == 4
        assert len(requests.import_requests(scope=scope, station_id=place["station"],
                                            requests=request_stories(place))) == 5
    with read_session(engine) as session:
        brought_in = _rows(session, place["station"])
        logged = session.exec(select(AuditEvent.action, AuditEvent.detail)
                              .where(AuditEvent.station_id == place["station"], AuditEvent.action.like("history.%"))
                              .order_by(AuditEvent.id)).all()
    for made, imported in zip(one_by_one, brought_in, strict=True):
        assert imported == made
    statuses = [case["status"] for case in brought_in[0]] + [request["status"] for request in brought_in[1]]
    assert statuses == ["rated", "resolved", "received", "reported", "rated", "fulfilled", "cancelled", "posted",
                        "claimed"]
    assert [action for action, _ in logged] == ["history.cases", "history.requests"]


def test_a_register_of_residents_comes_in_with_its_care_groups_and_phones_masked(engine, places):
    place = places[0]
    forms = [(ResidentCreate(name="刘奶奶", building="5号楼", unit="1单元", grid_id=place["grids"][1],
                             phone="13800138000", care_groups=[CareGroup.elderly, CareGroup.hardship], consent=True,
                             consent_date=dt.date(2021, 9, 1)), at(0)),
             (ResidentCreate(name="陈大爷", grid_id=place["grids"][0], consent=True), at(1))]
    with write_session(engine) as session:
        ids = import_residents(scope=Scope(session, ADMIN), station_id=place["station"], residents=forms)
    with read_session(engine) as session:
        shown = {row.id: row for row in list_residents(scope=Scope(session, ADMIN), station_id=place["station"])}
        registered = session.exec(select(Resident.registered_at).where(Resident.id.in_(ids)).order_by(Resident.id))
        assert [clock.local(moment) for moment in registered] == [at(0), at(1)]
    assert (shown[ids[0]].name, shown[ids[0]].grid, shown[ids[0]].phone) == ("刘奶奶", "第2网格", "138****8000")
    assert sorted(shown[ids[0]].care_groups) == [CareGroup.elderly, CareGroup.hardship]
    assert shown[ids[1]].care_groups == [] and shown[ids[1]].phone == ""


def _wrong_cases(place, other):
    right = case_stories(place)
    data, moment, steps = right[0]
    grid_two = data.model_copy(update={"grid_id": place["grids"][1]})  # its steward works in grid 1
    return {
        "rated before it is resolved": [right[2], (data, moment, [steps[0], steps[4]])],
        "steps out of time order": [right[2], (data, moment, [steps[1], steps[0]])],
        "a step still to come": [right[2], (data, moment, [PastStep("accept", clock.now() + dt.timedelta(days=1),
                                                                     steward_id=place["steward"])])],
        "a steward of another grid": [right[2], (grid_two, moment, steps[:1])],
        "another station's department": [right[2], (data, moment, [steps[0], PastStep(
            "whistle", at(3), department_id=other["department"], reason="请来")])],
        "resolved without a note": [right[2], (data, moment, [steps[0], PastStep("resolve", at(4))])],
        "a rating of six": [right[2], (data, moment, [*steps[:4], PastStep("rate", at(60), rating=6)])],
        "another station's grid": [right[2], (data.model_copy(update={"grid_id": other["grids"][0]}), moment, [])],
    }


def _wrong_requests(place, other):
    right = request_stories(place)
    data, moment, steps = right[0]
    volunteer = Claimer(ClaimerKind.volunteer, place["volunteers"][0])
    return {
        "taken before it is dispatched": [right[3], (data, moment, [PastStep("take", at(2))])],
        "claimed by no one": [right[3], (data, moment, [PastStep("claim", at(2))])],
        "claimed twice by one volunteer": [right[3], (data, moment, [PastStep("claim", at(2), claimers=(volunteer,)),
                                                                     PastStep("claim", at(3), claimers=(volunteer,))])],
        "fulfilled without a note": [right[3], (data, moment, [steps[0], PastStep("fulfil", at(9))])],
        "another station's volunteer": [right[3], (data, moment, [PastStep("claim", at(2), claimers=(
            Claimer(ClaimerKind.volunteer, other["volunteers"][0]),))])],
        "another station's resident": [right[3], (data.model_copy(update={"resident_id": other["resident"]}),
                                                  moment, [])],
    }


def _counts(engine) -> tuple:
    with read_session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (GridCase, Request, RequestClaim, Resident, ResidentCareGroup, AuditEvent))


WRONG_LEDGERS = [("cases", wrong) for wrong in (
    "rated before it is resolved", "steps out of time order", "a step still to come", "a steward of another grid",
    "another station's department", "resolved without a note", "a rating of six", "another station's grid")] + [
    ("requests", wrong) for wrong in (
        "taken before it is dispatched", "claimed by no one", "claimed twice by one volunteer",
        "fulfilled without a note", "another station's volunteer", "another station's resident")]


@pytest.mark.parametrize(("ledger", "wrong"), WRONG_LEDGERS)
def test_a_ledger_with_one_wrong_row_writes_nothing_and_names_the_row(engine, places, ledger, wrong):
    bring_in, stories, refused_with = {
        "cases": (lambda scope, station_id, batch: cases.import_cases(scope=scope, station_id=station_id, cases=batch),
                  _wrong_cases, "history.bad_case"),
        "requests": (lambda scope, station_id, batch: requests.import_requests(
            scope=scope, station_id=station_id, requests=batch), _wrong_requests, "history.bad_request")}[ledger]
    before = _counts(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        bring_in(Scope(session, ADMIN), places[0]["station"], stories(*places)[wrong])
    assert refused.value.errors[0].key == refused_with and refused.value.errors[0].params == {"row": 2}
    assert _counts(engine) == before


@pytest.mark.parametrize("wrong", [{"consent": False}, {"phone": "12345"}, {"grid_id": "other"}, {"future": True}])
def test_a_register_of_residents_with_one_wrong_row_writes_nothing(engine, places, wrong):
    place, other = places
    fields = {"name": "陈大爷", "grid_id": place["grids"][0], "consent": True} | wrong
    if fields.pop("grid_id") == "other":
        fields["grid_id"] = other["grids"][0]
    else:
        fields["grid_id"] = place["grids"][0]
    moment = clock.now() + dt.timedelta(days=1) if fields.pop("future", False) else at(0)
    before = _counts(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        import_residents(scope=Scope(session, ADMIN), station_id=place["station"], residents=[
            (ResidentCreate(name="刘奶奶", grid_id=place["grids"][0], consent=True), at(0)),
            (ResidentCreate(**fields), moment)])
    assert refused.value.errors[0].key == "history.bad_resident" and refused.value.errors[0].params == {"row": 2}
    assert _counts(engine) == before


def test_only_an_admin_brings_in_a_ledger(engine, places):
    place = places[0]
    before = _counts(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        cases.import_cases(scope=Scope(session, Actor("李干事")), station_id=place["station"],
                           cases=case_stories(place))
    assert refused.value.keys() == ["actor.needs_admin"]
    assert _counts(engine) == before
