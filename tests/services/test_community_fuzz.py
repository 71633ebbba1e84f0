"""Property tests for the community services, on SQLite and PostgreSQL: whatever a form hands over
(residents, wishes, cases, notes, ratings, works lines) ends in a value or a DomainError, never a
database error, and nothing clearly bad is stored. Few examples each: the forms are small."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from station_kit.db import write_session
from station_kit.models import AuditEvent, GridCase, Request, RequestClaim, Resident, WorksItem
from station_kit.models.community import (
    CareGroup,
    CaseChannel,
    CaseKind,
    ClaimerKind,
    GridCaseCreate,
    RequestCreate,
    RequestKind,
    ResidentCreate,
    WorksItemCreate,
)
from station_kit.services import cases, requests, residents
from station_kit.services.actor import Actor
from station_kit.services.requests import Claimer
from station_kit.services.scope import Scope
from tests.factories import make_community
from tests.fuzz import FUZZ, Refused, attempt, forms, ids, phones, stored_badly, typed_text, whole_numbers

FEW = settings(FUZZ, max_examples=max(FUZZ.max_examples // 4, 10))
STAFF = Actor("staff")


@pytest.fixture
def place(engine, station):
    with write_session(engine) as session:
        place = make_community(session, station)
        wish = requests.post_request(scope=Scope(session, STAFF), station_id=station.id, data=RequestCreate(
            kind=RequestKind.wish, resident_id=place["resident"], title="想要一副老花镜"))
        case = cases.receive_case(scope=Scope(session, STAFF), station_id=station.id, data=GridCaseCreate(
            grid_id=place["grids"][0], kind=CaseKind.request, channel=CaseChannel.phone, title="路灯不亮"))
        return place | {"wish": wish.id, "case": case.id}


@contextmanager
def rolled_back(engine):
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def run(engine, name, call, written):
    with rolled_back(engine) as session:
        result = attempt(engine.dialect.name, name, lambda: call(session))
        if not isinstance(result, Refused):
            session.flush()
            assert stored_badly(session, (*written, AuditEvent)) == []
    return result


@FEW
@given(data=st.data())
def test_register_resident(engine, place, data):
    fields = data.draw(forms(
        {"name": st.sampled_from(["王小明", "阿依古丽·买买提"]), "grid_id": st.just(place["grids"][0]),
         "consent": st.just(True), "phone": st.sampled_from(["", "13912345678"])},
        {"name": typed_text(60), "building": typed_text(40), "unit": typed_text(30), "phone": phones(),
         "grid_id": ids(*place["grids"]), "consent": st.booleans(), "consent_date": st.none() | st.dates(),
         "care_groups": st.lists(st.sampled_from(CareGroup), max_size=6)}))
    run(engine, "register_resident", lambda session: residents.register_resident(
        scope=Scope(session, STAFF), station_id=place["station"], data=ResidentCreate(**fields)), (Resident,))


@FEW
@given(data=st.data())
def test_post_request_and_receive_case(engine, place, data):
    title, content = data.draw(typed_text(110)), data.draw(typed_text(520))
    resident_id = data.draw(ids(place["resident"]))
    run(engine, "post_request", lambda session: requests.post_request(
        scope=Scope(session, STAFF), station_id=place["station"], data=RequestCreate(
            kind=data.draw(st.sampled_from(RequestKind)), resident_id=resident_id, title=title, content=content)),
        (Request,))
    run(engine, "receive_case", lambda session: cases.receive_case(
        scope=Scope(session, STAFF), station_id=place["station"], data=GridCaseCreate(
            grid_id=data.draw(ids(*place["grids"])), kind=CaseKind.dispute, channel=CaseChannel.visit,
            title=title, content=content, resident_id=data.draw(st.none() | ids(place["resident"])))),
        (GridCase,))


@FEW
@given(data=st.data())
def test_moving_a_wish_or_a_case_with_any_note_rating_or_claimer(engine, place, data):
    note = data.draw(typed_text(220))
    rating = data.draw(st.one_of(st.integers(-3, 8), whole_numbers(5)))
    claimer = Claimer(data.draw(st.sampled_from(ClaimerKind)), data.draw(ids(*place["volunteers"], place["squad"])))
    moves = {
        "claim": lambda s: requests.claim_request(scope=Scope(s, STAFF), request_id=place["wish"], claimers=[claimer]),
        "cancel": lambda s: requests.cancel_request(scope=Scope(s, STAFF), request_id=place["wish"], reason=note),
        "rate_wish": lambda s: requests.rate_request(scope=Scope(s, STAFF), request_id=place["wish"], rating=rating),
        "accept": lambda s: cases.accept_case(scope=Scope(s, STAFF), case_id=place["case"],
                                              steward_id=data.draw(ids(place["steward"]))),
        "resolve": lambda s: cases.resolve_case(scope=Scope(s, STAFF), case_id=place["case"], note=note),
    }
    name = data.draw(st.sampled_from(sorted(moves)))
    run(engine, f"request_or_case.{name}", moves[name], (Request, RequestClaim, GridCase))


@FEW
@given(item=typed_text(110), unit=typed_text(12), quantity=st.floats(allow_nan=True, allow_infinity=True),
       yuan=whole_numbers(1_000_000))
def test_record_works_item(engine, place, item, unit, quantity, yuan):
    run(engine, "record_works_item", lambda session: residents.record_works_item(
        scope=Scope(session, STAFF), station_id=place["station"],
        data=WorksItemCreate(item=item, quantity=quantity, unit=unit, investment_yuan=yuan)), (WorksItem,))
