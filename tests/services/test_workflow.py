"""The one workflow mechanism: any sequence of actions on any table ends in a legal state or a
clear refusal; every move is in the operation log with who, from, to and why."""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from station_kit import clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models import AuditEvent
from station_kit.models.work import ActivityStatus
from station_kit.services import activities
from station_kit.services.activities import ACTIVITY_FLOW
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.workflow import Workflow, transition, transition_many
from tests.factories import activity_data

ACTIONS = sorted({action for _, action in ACTIVITY_FLOW.transitions} | {"reopen", ""})


@dataclass
class Row:
    status: str
    id: int = 1
    station_id: int = 1


class Log:
    """Stands in for a session: what transition() adds."""

    def __init__(self):
        self.added = []

    def add(self, item):
        self.added.append(item)


@given(st.lists(st.sampled_from(ACTIONS), max_size=8))
def test_any_sequence_of_actions_ends_in_a_state_of_the_table_or_a_refusal(actions):
    row, log = Row(ActivityStatus.planned), Log()
    states = {ActivityStatus.planned, *ACTIVITY_FLOW.transitions.values()}
    for action in actions:
        before = row.status
        allowed = action in ACTIVITY_FLOW.actions_from(before)
        try:
            transition(scope=Scope(log, Actor("staff")), workflow=ACTIVITY_FLOW, row=row, action=action)
        except DomainError as refused:
            assert not allowed and row.status == before
            assert "{" not in t(refused.errors[0].key, **refused.errors[0].params)
        else:
            assert allowed and row.status == ACTIVITY_FLOW.transitions[(before, action)]
        assert row.status in states
    assert [json.loads(e.detail)["to"] for e in log.added if isinstance(e, AuditEvent)] == \
        [e for e in _replay(actions)]


def _replay(actions):
    state = ActivityStatus.planned
    for action in actions:
        if (state, action) in ACTIVITY_FLOW.transitions:
            state = ACTIVITY_FLOW.transitions[(state, action)]
            yield state


def test_a_finished_or_cancelled_activity_offers_no_action():
    assert ACTIVITY_FLOW.actions_from(ActivityStatus.done) == []
    assert ACTIVITY_FLOW.actions_from(ActivityStatus.cancelled) == []
    assert ACTIVITY_FLOW.actions_from(ActivityStatus.planned) == ["start", "finish", "cancel"]


def test_an_action_that_needs_a_reason_is_refused_without_one():
    flow = Workflow("activity", {("planned", "cancel"): "cancelled"}, needs_reason=frozenset({"cancel"}))
    row, log = Row("planned"), Log()
    with pytest.raises(DomainError) as refused:
        transition(scope=Scope(log, Actor("staff")), workflow=flow, row=row, action="cancel", reason="  ")
    assert refused.value.keys() == ["reason.required"] and row.status == "planned" and log.added == []
    transition(scope=Scope(log, Actor("王站长")), workflow=flow, row=row, action="cancel", reason="暴雨")
    event = log.added[-1]
    assert (event.operator, event.action, json.loads(event.detail)) == (
        "王站长", "activity.cancel", {"role": "staff", "from": "planned", "to": "cancelled", "reason": "暴雨"})


def test_a_batch_whose_rows_would_end_in_different_states_is_refused_with_a_message():
    """One action from two states that lead to two places is not one batch move: the rows stay as
    they were and the person is told to handle them apart."""
    flow = Workflow("request", {("posted", "cancel"): "cancelled", ("claimed", "cancel"): "withdrawn"})
    rows, log = [Row("posted", id=1), Row("claimed", id=2)], Log()
    with pytest.raises(DomainError) as refused:
        transition_many(scope=Scope(log, Actor("staff")), workflow=flow, rows=rows, action="cancel")
    assert refused.value.keys() == ["workflow.mixed_states"]
    assert "分开" in t(refused.value.errors[0].key, **refused.value.errors[0].params)
    assert [row.status for row in rows] == ["posted", "claimed"] and log.added == []


def test_a_move_is_logged_in_the_same_transaction(engine, station):
    with write_session(engine) as session:
        activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                            data=activity_data(starts_at=clock.now() + dt.timedelta(days=1)))
    with write_session(engine) as session:
        activities.set_activity_status(scope=Scope(session, Actor("李干事")), activity_id=activity.id,
                                       status=ActivityStatus.running)
    with read_session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "activity.start")).one()
    assert (event.operator, event.entity_id, json.loads(event.detail)["to"]) == ("李干事", activity.id, "running")
