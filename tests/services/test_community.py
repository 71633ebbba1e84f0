"""Residents, wishes and orders, grid cases (DESIGN.md §4): on SQLite and PostgreSQL.

Every illegal move of both workflows is tried, from every state, table-driven from the workflows'
own tables; each is refused with a message and leaves no trace in the operation log."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pandas as pd
import pytest
from sqlmodel import select

from station_kit import analytics, clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models import AuditEvent, GridCase, Request, RequestClaim, ServiceRecord
from station_kit.models.community import (
    CareGroup,
    CaseChannel,
    CaseKind,
    CaseStatus,
    ClaimerKind,
    ClaimStatus,
    GridCaseCreate,
    RequestCreate,
    RequestKind,
    RequestStatus,
)
from station_kit.models.org import StewardRole
from station_kit.models.work import RecordStatus
from station_kit.services import cases, requests
from station_kit.services.actor import Actor, Role
from station_kit.services.cases import CASE_FLOW
from station_kit.services.org import add_steward
from station_kit.services.requests import REQUEST_FLOW, Claimer
from station_kit.services.residents import grid_choices, list_residents
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import READER, make_community, unique_phone, volunteer_data

STAFF = Actor("王站长")
ANALYST = Actor("李分析", Role.analyst)


@pytest.fixture
def place(engine, station):
    with write_session(engine) as session:
        return make_community(session, station)


def _post(session, place, kind=RequestKind.wish):
    return requests.post_request(scope=Scope(session, STAFF), station_id=place["station"], data=RequestCreate(
        kind=kind, resident_id=place["resident"], title="想有人陪我去医院复查", content="每月一次"))


def _receive(session, place, at=None, **fields):
    """A case received now, or at ``at`` (the station clock set there)."""
    data = GridCaseCreate(grid_id=place["grids"][0], kind=CaseKind.dispute, channel=CaseChannel.visit,
                          title="楼上漏水", content="", resident_id=place["resident"], **fields)
    with clock.at(at) if at else contextlib.nullcontext():
        return cases.receive_case(scope=Scope(session, STAFF), station_id=place["station"], data=data)


# What each action needs to be tried on a row of any state.
def _request_move(session, place, request_id, action):
    claimers = [Claimer(ClaimerKind.volunteer, place["volunteers"][1])]
    call = {
        "claim": lambda: requests.claim_request(scope=Scope(session, STAFF), request_id=request_id, claimers=claimers),
        "dispatch": lambda: requests.dispatch_request(scope=Scope(session, STAFF), request_id=request_id,
                                                      claimers=claimers),
        "take": lambda: requests.take_request(scope=Scope(session, STAFF), request_id=request_id),
        "refuse": lambda: requests.refuse_request(scope=Scope(session, STAFF), request_id=request_id, reason="人手不够"),
        "fulfil": lambda: requests.fulfil_request(scope=Scope(session, STAFF), request_id=request_id, note="已陪同"),
        "rate": lambda: requests.rate_request(scope=Scope(session, STAFF), request_id=request_id, rating=5),
        "cancel": lambda: requests.cancel_request(scope=Scope(session, STAFF), request_id=request_id, reason="居民已搬走"),
    }
    return call[action]()


def _case_move(session, place, case_id, action):
    call = {
        "accept": lambda: cases.accept_case(scope=Scope(session, STAFF), case_id=case_id, steward_id=place["steward"]),
        "whistle": lambda: cases.whistle_case(scope=Scope(session, STAFF), case_id=case_id,
                                              department_id=place["department"],
                                              note="请派人查看管道"),
        "report": lambda: cases.report_case(scope=Scope(session, STAFF), case_id=case_id, note="已到场"),
        "resolve": lambda: cases.resolve_case(scope=Scope(session, STAFF), case_id=case_id, note="已修好"),
        "rate": lambda: cases.rate_case(scope=Scope(session, STAFF), case_id=case_id, rating=4),
    }
    return call[action]()


# A path from the first state to each state, taken from the table itself.
def _paths(flow, first):
    paths, frontier = {first: []}, [first]
    while frontier:
        state = frontier.pop(0)
        for (source, action), target in flow.transitions.items():
            if source == state and target not in paths:
                paths[target] = paths[state] + [action]
                frontier.append(target)
    return paths


REQUEST_PATHS = _paths(REQUEST_FLOW, "posted")
CASE_PATHS = _paths(CASE_FLOW, "received")
ILLEGAL_REQUEST_MOVES = [(state, action) for state in REQUEST_PATHS
                         for action in sorted({a for _, a in REQUEST_FLOW.transitions})
                         if (state, action) not in REQUEST_FLOW.transitions]
ILLEGAL_CASE_MOVES = [(state, action) for state in CASE_PATHS
                      for action in sorted({a for _, a in CASE_FLOW.transitions})
                      if (state, action) not in CASE_FLOW.transitions]


def test_every_state_of_both_workflows_is_reachable():
    assert set(REQUEST_PATHS) == set(RequestStatus)
    assert set(CASE_PATHS) == set(CaseStatus)


def test_every_illegal_move_is_refused_with_a_message_and_logs_nothing(engine, place):
    """Rows are walked to every state once; then every action the table does not allow there is tried."""
    with write_session(engine) as session:
        request_ids = {}
        for state, path in REQUEST_PATHS.items():
            request_ids[state] = _post(session, place).id
            for action in path:
                _request_move(session, place, request_ids[state], action)
        case_ids = {}
        for state, path in CASE_PATHS.items():
            case_ids[state] = _receive(session, place).id
            for action in path:
                _case_move(session, place, case_ids[state], action)
    with read_session(engine) as session:
        events_before = len(session.exec(select(AuditEvent)).all())
    refused = []
    moves = ([(_request_move, request_ids[state], state, action) for state, action in ILLEGAL_REQUEST_MOVES]
             + [(_case_move, case_ids[state], state, action) for state, action in ILLEGAL_CASE_MOVES])
    for move, row_id, state, action in moves:
        with pytest.raises(DomainError) as error:
            with write_session(engine) as session:
                move(session, place, row_id, action)
        message = t(error.value.errors[0].key, **error.value.errors[0].params)
        refused.append((state, action, message))
    assert all(message and "{" not in message for _, _, message in refused)
    assert any("处于“已完成”时不能认领" in message for _, _, message in refused)
    with read_session(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == events_before
        assert {session.get(Request, rid).status for rid in request_ids.values()} == set(RequestStatus)
        assert {session.get(GridCase, cid).status for cid in case_ids.values()} == set(CaseStatus)


def test_a_dispatched_order_refused_is_dispatched_again_taken_fulfilled_and_rated(engine, place):
    with write_session(engine) as session:
        order = _post(session, place, RequestKind.order)
        requests.dispatch_request(scope=Scope(session, STAFF), request_id=order.id,
                                  claimers=[Claimer(ClaimerKind.squad, place["squad"])])
        requests.refuse_request(scope=Scope(session, STAFF), request_id=order.id, reason="本周人手不够")
        assert order.status == RequestStatus.posted
        requests.dispatch_request(scope=Scope(session, STAFF), request_id=order.id, claimers=[
            Claimer(ClaimerKind.volunteer, place["volunteers"][0]),
            Claimer(ClaimerKind.volunteer, place["volunteers"][1])])
        requests.take_request(scope=Scope(session, STAFF), request_id=order.id)
        requests.fulfil_request(scope=Scope(session, STAFF), request_id=order.id, note="已陪同复查")
        requests.rate_request(scope=Scope(session, STAFF), request_id=order.id, rating=5)
    with read_session(engine) as session:
        card = requests.wish_wall(scope=Scope(session, READER), station_id=place["station"], kind=RequestKind.order)[0]
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity == "request")
                                                  .order_by(AuditEvent.id))]
        refusal = json.loads(session.exec(select(AuditEvent.detail).where(
            AuditEvent.action == "request.refuse")).one())
        refused_claim = session.exec(select(RequestClaim).where(RequestClaim.squad_id == place["squad"])).one()
    assert (card.status, card.rating, card.closing_note) == (RequestStatus.rated, 5, "已陪同复查")
    assert card.claimers == ["张伟", "李娜"]  # the squad that refused is no longer shown
    assert actions == ["request.post", "request.dispatch", "request.refuse", "request.dispatch", "request.take",
                       "request.fulfil", "request.rate"]
    assert refusal["reason"] == "本周人手不够" and refusal["from"] == "dispatched" and refusal["to"] == "posted"
    # The squad's claim went with the order: refused, when and why (the claim workflow's stamp).
    assert (refused_claim.status, refused_claim.refuse_reason) == (ClaimStatus.refused, "本周人手不够")
    assert refused_claim.refused_at is not None


def test_the_public_wall_shows_a_shortened_name_and_no_phone_or_address(engine, place):
    with write_session(engine) as session:
        wish = _post(session, place)
        requests.claim_request(scope=Scope(session, STAFF), request_id=wish.id,
                               claimers=[Claimer(ClaimerKind.volunteer, place["volunteers"][0])])
    with read_session(engine) as session:
        card = requests.wish_wall(scope=Scope(session, READER), station_id=place["station"])[0]
        staff_view = list_residents(scope=Scope(session, READER), station_id=place["station"])[0]
    shown = card.model_dump_json()
    assert card.resident == "王**" and "王小明" not in shown
    assert "13912345678" not in shown and "5678" not in shown and "3号楼" not in shown
    assert card.claimers == ["张伟"] and card.status == RequestStatus.claimed
    assert staff_view.phone == "139****5678"
    assert staff_view.care_groups == [CareGroup.elderly, CareGroup.hardship]


def test_several_claimers_share_a_wish_but_one_cannot_claim_twice(engine, place):
    volunteer = Claimer(ClaimerKind.volunteer, place["volunteers"][0])
    with write_session(engine) as session:
        wish = _post(session, place)
        requests.claim_request(scope=Scope(session, STAFF), request_id=wish.id, claimers=[volunteer])
        requests.claim_request(scope=Scope(session, STAFF), request_id=wish.id,
                               claimers=[Claimer(ClaimerKind.squad, place["squad"])])
    with pytest.raises(DomainError) as error, write_session(engine) as session:
        requests.claim_request(scope=Scope(session, STAFF), request_id=wish.id, claimers=[volunteer])
    assert error.value.keys() == ["request.already_claimer"]


def test_refusing_and_cancelling_need_a_reason_and_an_analyst_moves_nothing(engine, place):
    with write_session(engine) as session:
        wish_id = _post(session, place).id
    for call, key in (
        (lambda s: requests.cancel_request(scope=Scope(s, STAFF), request_id=wish_id, reason="  "), "reason.required"),
        (lambda s: requests.claim_request(scope=Scope(s, ANALYST), request_id=wish_id, claimers=[
            Claimer(ClaimerKind.volunteer, place["volunteers"][0])]), "actor.needs_staff"),
    ):
        with pytest.raises(DomainError) as error, write_session(engine) as session:
            call(session)
        assert error.value.keys() == [key]


def test_hours_of_a_fulfilled_wish_go_through_the_hours_service_pending_approval(engine, place):
    fulfilled_at = dt.datetime(2026, 3, 10, 16, 0, tzinfo=clock.CHINA)
    with write_session(engine) as session:
        wish = _post(session, place)
        requests.claim_request(scope=Scope(session, STAFF), request_id=wish.id,
                               claimers=[Claimer(ClaimerKind.volunteer, v) for v in place["volunteers"]])
        with clock.at(fulfilled_at):
            requests.fulfil_request(scope=Scope(session, STAFF), request_id=wish.id, note="已陪同")
        records = requests.record_wish_hours(scope=Scope(session, STAFF), request_id=wish.id,
                                             minutes_by_volunteer={place["volunteers"][0]: 90,
                                                                   place["volunteers"][1]: 60})
    assert sorted(r.minutes for r in records) == [60, 90]
    with read_session(engine) as session:
        stored = session.exec(select(ServiceRecord)).all()
        assert {r.status for r in stored} == {RecordStatus.pending}
        assert all(r.is_backfill == (r.backfill_reason != "") for r in stored)
    with pytest.raises(DomainError) as error, write_session(engine) as session:
        requests.record_wish_hours(scope=Scope(session, STAFF), request_id=wish.id,
                                   minutes_by_volunteer={place["volunteers"][0]: 30})
    assert error.value.keys() == ["request.hours_already_recorded"]


def test_a_case_stamps_its_deadlines_and_flags_the_steps_done_late(engine, place):
    received = dt.datetime(2022, 9, 29, 10, 0, tzinfo=clock.CHINA)  # the Thursday before National Day
    with write_session(engine) as session:
        case = _receive(session, place, at=received)
        with clock.at(received + dt.timedelta(hours=30)):
            cases.accept_case(scope=Scope(session, STAFF), case_id=case.id, steward_id=place["steward"])
        with clock.at(received + dt.timedelta(hours=31)):
            cases.whistle_case(scope=Scope(session, STAFF), case_id=case.id, department_id=place["department"],
                               note="管道")
        with clock.at(received + dt.timedelta(hours=31, minutes=20)):
            cases.report_case(scope=Scope(session, STAFF), case_id=case.id, note="已到场")
        with clock.at(dt.datetime(2022, 10, 14, 9, 0, tzinfo=clock.CHINA)):
            cases.resolve_case(scope=Scope(session, STAFF), case_id=case.id, note="已修好")
    with read_session(engine) as session:
        shown = cases.list_cases(scope=Scope(session, READER), station_id=place["station"])[0]
    # 9-30, then 10-1…10-7 off, 10-8 and 10-9 (weekend days worked), 10-10 … 10-13: the 7th working
    # day is 10-13, and the case was resolved the morning after it ended.
    assert clock.local(shown.resolve_due_at) == dt.datetime(2022, 10, 14, 0, 0, tzinfo=clock.CHINA)
    assert shown.overdue == ["accept", "resolve"]  # accepted after 30 h; the department was on time
    assert shown.department == "神木市住房和城乡建设局" and shown.steward == "赵管家" and shown.resident == "王**"


def test_a_steward_of_another_grid_cannot_accept_a_case(engine, place):
    with write_session(engine) as session:
        case = _receive(session, place)
        other = add_steward(scope=Scope(session, STAFF), station_id=place["station"], grid_id=place["grids"][1],
                            name="钱管家",
                            role=StewardRole.police, phone=unique_phone())
    with pytest.raises(DomainError) as error, write_session(engine) as session:
        cases.accept_case(scope=Scope(session, STAFF), case_id=case.id, steward_id=other.id)
    assert error.value.keys() == ["case.steward_not_in_grid"]


def test_a_grid_steward_handles_their_own_grid_and_nothing_else(engine, place):
    """A 小管家 signed in for grid 1 logs and follows grid 1's cases; grid 2's are not theirs to see or
    move, and the station's other work (registering volunteers, posting wishes) is staff's."""
    first, second = place["grids"]
    steward = Actor("赵管家", Role.steward, stations=frozenset({place["station"]}), grids=frozenset({first}))
    with write_session(engine) as session:
        theirs = cases.receive_case(scope=Scope(session, steward), station_id=place["station"], data=GridCaseCreate(
            grid_id=first, kind=CaseKind.request, channel=CaseChannel.visit, title="路灯不亮"))
        other = cases.receive_case(scope=Scope(session, STAFF), station_id=place["station"], data=GridCaseCreate(
            grid_id=second, kind=CaseKind.dispute, channel=CaseChannel.phone, title="车位纠纷"))
    with read_session(engine) as session:
        logged = session.exec(select(AuditEvent)).all()
        assert [case.title for case in cases.list_cases(scope=Scope(session, steward),
                                                        station_id=place["station"])] == ["路灯不亮"]
        assert [grid_id for _, grid_id in grid_choices(scope=Scope(session, steward),
                                                        station_id=place["station"])] == [first]
        assert len(cases.list_cases(scope=Scope(session, STAFF), station_id=place["station"])) == 2
    refusals = {
        "receive": lambda scope: cases.receive_case(scope=scope, station_id=place["station"], data=GridCaseCreate(
            grid_id=second, kind=CaseKind.request, channel=CaseChannel.visit, title="不是我的网格")),
        "accept": lambda scope: cases.accept_case(scope=scope, case_id=other.id, steward_id=place["steward"]),
        "resolve": lambda scope: cases.resolve_case(scope=scope, case_id=other.id, note="越界办结"),
        "register": lambda scope: register_volunteer(scope=scope, data=volunteer_data(), station_id=place["station"]),
        "wish": lambda scope: requests.post_request(scope=scope, station_id=place["station"], data=RequestCreate(
            kind=RequestKind.wish, resident_id=place["resident"], title="想要一副老花镜")),
    }
    for name, call in refusals.items():
        with pytest.raises(DomainError) as error, write_session(engine) as session:
            call(Scope(session, steward))
        expected = {"receive": "scope.other_grid", "accept": "scope.other_grid", "resolve": "scope.other_grid",
                    "register": "actor.needs_staff", "wish": "actor.needs_staff"}[name]
        assert error.value.keys() == [expected], name
    with read_session(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == len(logged)  # nothing written by any refusal
    with write_session(engine) as session:
        scope = Scope(session, steward)
        cases.accept_case(scope=scope, case_id=theirs.id, steward_id=place["steward"])
        cases.whistle_case(scope=scope, case_id=theirs.id, department_id=place["department"], note="请供电所检修")
        cases.report_case(scope=scope, case_id=theirs.id, note="已更换灯泡")
        cases.resolve_case(scope=scope, case_id=theirs.id, note="路灯已亮")
        done = cases.rate_case(scope=scope, case_id=theirs.id, rating=5)
    assert done.status == CaseStatus.rated
    with read_session(engine) as session:
        moves = session.exec(select(AuditEvent.operator).where(AuditEvent.entity == "case",
                                                               AuditEvent.entity_id == theirs.id)).all()
    assert set(moves) == {"赵管家"} and len(moves) == 6  # logged and each step, by name


def test_the_three_rates_per_grid_and_month_count_as_a_ledger_would(engine, place):
    """May (China time) in grid 1: four cases; one accepted after 30 h, three resolved, ratings 5, 4, 3.
    June: one case not yet accepted. 响应率 3/4, 解决率 3/4, 满意率 2/3 in May; 0, 0, none in June."""
    may = dt.datetime(2022, 5, 10, 9, 0, tzinfo=clock.CHINA)
    last_evening = dt.datetime(2022, 5, 31, 23, 30, tzinfo=clock.CHINA)  # still May in China, June in UTC+0
    with write_session(engine) as session:
        for received, accept_after_hours, rating in ((may, 1, 5), (may, 30, 4), (last_evening, 2, 3),
                                                     (may, 3, None)):
            case = _receive(session, place, at=received)
            accepted = received + dt.timedelta(hours=accept_after_hours)
            with clock.at(accepted):
                cases.accept_case(scope=Scope(session, STAFF), case_id=case.id, steward_id=place["steward"])
            if rating is not None:
                with clock.at(accepted + dt.timedelta(days=1)):
                    cases.resolve_case(scope=Scope(session, STAFF), case_id=case.id, note="已办结")
                cases.rate_case(scope=Scope(session, STAFF), case_id=case.id, rating=rating)
        _receive(session, place, at=dt.datetime(2022, 6, 2, 9, 0, tzinfo=clock.CHINA))
    with read_session(engine) as session:
        frame = analytics.case_rates(engine, station=place["station"]).set_index("month")
        overall = analytics.case_figures(engine, station=place["station"], now=dt.datetime(2022, 6, 2, 12, tzinfo=clock.CHINA))
    assert list(frame.index) == ["2022-05", "2022-06"] and set(frame["grid"]) == {"第1网格"}
    may_row = frame.loc["2022-05"]
    assert (may_row.received, may_row.responded_in_time, may_row.resolved, may_row.rated, may_row.satisfied) == (
        4, 3, 3, 3, 2)
    assert (may_row.response_rate, may_row.resolution_rate) == (0.75, 0.75)
    assert may_row.satisfaction_rate == pytest.approx(2 / 3)
    assert (frame.loc["2022-06"].response_rate, frame.loc["2022-06"].resolution_rate) == (0, 0)
    assert pd.isna(frame.loc["2022-06"].satisfaction_rate)
    # Open: the May case never resolved and the June one; overdue at noon on 2 June: only the May one.
    assert overall == {"open": 2, "overdue": 1, "response_rate": 0.6, "resolution_rate": 0.6,
                       "satisfaction_rate": 0.667}


def test_an_empty_station_has_no_rates_rather_than_zero(engine, place):
    figures = analytics.headline_figures(engine, station=place["station"])
    assert figures["cases"] == {"open": 0, "overdue": 0, "response_rate": None, "resolution_rate": None,
                                "satisfaction_rate": None}
    assert figures["wishes"] == {"posted": 0, "claimed": 0, "fulfilled": 0}
    assert figures["works"] == {"items": {}, "investment_yuan": 0}


def test_analysts_get_one_row_per_case_with_its_deadlines_met_or_missed(engine, place):
    received = dt.datetime(2022, 5, 10, 9, 0, tzinfo=clock.CHINA)
    with write_session(engine) as session:
        case = _receive(session, place, at=received)
        with clock.at(received + dt.timedelta(hours=30)):
            cases.accept_case(scope=Scope(session, STAFF), case_id=case.id, steward_id=place["steward"])
        _receive(session, place)
    frame = analytics.grid_cases(engine)
    assert {column: frame[column].dtype for column in frame.columns} == analytics.COLUMNS["grid_cases"]
    late, fresh = frame.iloc[0], frame.iloc[1]
    assert (late.grid, late.case_kind, late.case_status) == ("第1网格", "dispute", "accepted")
    # Accepted after 30 h; never whistled; long past its resolve deadline and still open.
    assert [late.accept_on_time, late.report_on_time, late.resolve_on_time] == [False, pd.NA, False]
    # Received just now: nothing is late yet, so nothing is decided.
    assert [fresh.accept_on_time, fresh.resolve_on_time] == [pd.NA, pd.NA]
    assert str(late.received_at.tz) == "Asia/Shanghai" and pd.isna(late.rating)
    assert "resident" not in " ".join(frame.columns) and "title" not in frame.columns
    shown = analytics.grid_cases(engine, headers="zh")
    assert list(shown.columns[:6]) == ["实践站", "事项ID", "网格", "事项类型", "来源渠道", "办理状态"]
    assert shown["按时受理"].tolist() == [False, pd.NA]


def test_analysts_see_the_wishes_funnel_with_who_holds_each_and_no_resident(engine, place):
    with write_session(engine) as session:
        order = _post(session, place, kind=RequestKind.order)
        for action in ("dispatch", "take", "fulfil", "rate"):
            _request_move(session, place, order.id, action)
        _post(session, place)
    frame = analytics.requests(engine)
    assert {column: frame[column].dtype for column in frame.columns} == analytics.COLUMNS["requests"]
    assert frame[["request_kind", "request_status", "claimers", "dispatched", "rating"]].astype(object).to_dict(
        "records") == [
        {"request_kind": "order", "request_status": "rated", "claimers": 1, "dispatched": True, "rating": 5},
        {"request_kind": "wish", "request_status": "posted", "claimers": 0, "dispatched": False, "rating": None}]
    assert frame["fulfilled_at"].iloc[0] >= frame["posted_at"].iloc[0]
    assert not {"resident", "title", "content"} & set(frame.columns)
