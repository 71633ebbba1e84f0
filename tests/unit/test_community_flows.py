"""The wish/order and grid case workflows: any sequence of actions, legal or not, leaves a row in a
state of its table, moved exactly as the table says or refused with nothing changed."""

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from station_kit.errors import DomainError
from station_kit.services.actor import Actor
from station_kit.services.cases import CASE_FLOW
from station_kit.services.requests import REQUEST_FLOW
from station_kit.services.scope import Scope
from station_kit.services.workflow import transition


@dataclass
class Row:
    status: str
    id: int = 1
    station_id: int = 1

    def __getattr__(self, name: str):
        """A ``*_at`` column not stamped yet is empty, as on a fresh row."""
        if name.endswith("_at"):
            return None
        raise AttributeError(name)


class Log:
    def __init__(self):
        self.added = []

    def add(self, item):
        self.added.append(item)


def _actions(flow):
    return sorted({action for _, action in flow.transitions} | {"reopen"})


@settings(max_examples=60)
@given(st.data())
def test_any_sequence_of_actions_follows_the_table_or_is_refused(data):
    for flow, first in ((REQUEST_FLOW, "posted"), (CASE_FLOW, "received")):
        row, log = Row(first), Log()
        for action in data.draw(st.lists(st.sampled_from(_actions(flow)), max_size=12)):
            before, logged = row.status, len(log.added)
            expected = flow.transitions.get((before, action))
            try:
                transition(scope=Scope(log, Actor("t")), workflow=flow, row=row, action=action, reason="因为")
            except DomainError:
                assert expected is None and row.status == before and len(log.added) == logged
            else:
                assert row.status == expected and len(log.added) == logged + 2  # the row and its audit event
                stamp = flow.stamps.get(action)
                assert stamp is None or getattr(row, stamp.at) is not None  # the move is dated as declared
                assert all(getattr(row, column) is not None for column in flow.deadlines.get(expected, {}))
