"""One workflow mechanism (DESIGN.md §5): whatever moves through states — an activity, an award
round, a wish or service order, a grid case — declares its transition table once, and moves only
through ``transition()``, which refuses an illegal move with a message and records who moved it,
when and why in the operation log, in the caller's transaction.

A table reads ``{(from_state, action): to_state}``, as in django-fsm or python-statemachine, but
kept a plain dict so that a reader sees every legal move at once. Beside it a workflow declares what each
action stamps on the row (when, and who) and which deadlines entering a state sets, so no use case
stamps its own ``*_at`` after a move; the time is the station clock's (``clock.now``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from station_kit.errors import DomainError, Key
from station_kit.models.community import RATING_SCALE
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope


@dataclass(frozen=True)
class Stamp:
    """What an action writes on the row it moves: the moment in ``at`` (unless ``first_only`` and the
    row has one already), the actor's name in ``by``, and the reason given in ``reason``."""

    at: str
    by: str | None = None
    first_only: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class Workflow:
    """A named transition table. ``needs_reason`` lists the actions that must say why; ``roles`` the
    actions only some roles may take (finalising an award round: an admin); the rest are staff's.
    ``stamps`` says what each action stamps; ``deadlines`` which ``*_due_at`` columns entering a state
    sets, each from the moment of entering."""

    name: str
    transitions: Mapping[tuple[str, str], str]
    needs_reason: frozenset[str] = frozenset()
    roles: Mapping[str, Role] = field(default_factory=dict)
    stamps: Mapping[str, Stamp] = field(default_factory=dict)
    deadlines: Mapping[str, Mapping[str, Callable[[dt.datetime], dt.datetime]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # States may be given as enum members; they are compared as the plain strings stored in rows.
        plain = {(str(source), action): str(target) for (source, action), target in self.transitions.items()}
        object.__setattr__(self, "transitions", plain)
        object.__setattr__(self, "deadlines", {str(state): due for state, due in self.deadlines.items()})
        actions = {action for _, action in plain}
        unknown = (set(self.stamps) | set(self.needs_reason) | set(self.roles)) - actions
        if unknown or set(self.deadlines) - set(plain.values()):
            raise ValueError(f"{self.name}: stamps, reasons, roles or deadlines name no action or state of the table")

    def actions_from(self, state: str) -> list[str]:
        """The actions allowed from ``state``, in the order the table lists them."""
        return [action for (source, action) in self.transitions if source == str(state)]

    def target(self, state: str, action: str) -> str:
        """Where ``action`` leads from ``state``, or a DomainError when it may not be taken there."""
        if not any(action == known for _, known in self.transitions):
            raise DomainError.on("status", "workflow.unknown_action", action=action)
        try:
            return self.transitions[(str(state), action)]
        except KeyError:
            raise DomainError.on("status", "workflow.not_allowed", state=self.state_label(state),
                                 action=Key(f"workflow.action.{action}")) from None

    def action_to(self, state: str, wanted: str) -> str:
        """The action that leads from ``state`` to ``wanted``, for forms that offer target states."""
        for (source, action), target in self.transitions.items():
            if source == str(state) and target == str(wanted):
                return action
        raise DomainError.on("status", "workflow.status_not_allowed", state=self.state_label(state),
                             wanted=self.state_label(wanted))

    def state_label(self, state: str) -> Key:
        return Key(f"enum.{self.name}_status.{state}")


def transition(*, scope: Scope, workflow: Workflow, row, action: str,
               reason: str = "", **detail) -> str:
    """Move ``row`` (anything with ``status``, ``id`` and ``station_id``) by ``action``, stamped and
    given its deadlines as the workflow declares; returns the new state. Refused, with nothing written,
    when the move is not in the table, the actor's role may not take it, or it lacks a reason."""
    source = str(row.status)
    target = _move(scope, workflow, [row], action, reason)
    scope.session.add(row)
    log_event(scope, action=f"{workflow.name}.{action}", entity=workflow.name,
              entity_id=row.id, station_id=row.station_id, **{"from": source, "to": target},
              reason=reason.strip(), **detail)
    return target


def transition_many(*, scope: Scope, workflow: Workflow, rows: list, action: str,
                    reason: str = "", **detail) -> str:
    """Move every row of one station by ``action`` as ``transition`` moves one — all of them or, when
    any may not move, none — with one line in the operation log naming them all (a batch approval)."""
    source = {str(row.status) for row in rows}
    target = _move(scope, workflow, rows, action, reason)
    scope.session.add_all(rows)
    log_event(scope, action=f"{workflow.name}.{action}", entity=workflow.name,
              station_id=rows[0].station_id, ids=sorted(row.id for row in rows),
              **{"from": sorted(source), "to": target}, reason=reason.strip(), **detail)
    return target


def transition_along(*, scope: Scope, workflow: Workflow, rows: list, action: str, reason: str = "") -> None:
    """Move ``rows`` by ``action`` as part of another row's move, which the caller has logged: a wish's
    claims refused with the order (the order's line names the reason). Checked and stamped as
    ``transition_many`` does; no line of their own."""
    if rows:
        _move(scope, workflow, rows, action, reason)


@dataclass(frozen=True)
class PastStep:
    """One move of a wish, an order or a grid case as it happened, for a station bringing in its old
    ledger: the workflow's ``action`` at ``at``, with the reason or note it needs, and what the move
    names (claimers of a wish or order; the steward who accepted a case, the department whistled; the
    resident's rating)."""

    action: str
    at: dt.datetime
    reason: str = ""
    claimers: tuple = ()
    steward_id: int | None = None
    department_id: int | None = None
    rating: int | None = None


def _in_order(start: dt.datetime, steps: list[PastStep], now: dt.datetime) -> bool:
    """Whether past steps follow ``start`` and one another in time, none of them later than ``now``."""
    moments = [start, *(step.at for step in steps)]
    return all(earlier <= later for earlier, later in zip(moments, moments[1:])) and moments[-1] <= now


def replay_ledger(*, scope: Scope, stories: list, checked: Callable, step: Callable | None, field: str,
                  refused: str) -> list:
    """A station's old ledger (services' ``import_*``): each story — a form as it was filled in, the
    moment, the steps since (none for a register) — becomes its row, by the form's own checks
    (``checked(errors, data, at)``) and each step replayed in time order (``step(row, past_step)``), none
    later than now. The first wrong story refuses the whole batch with ``refused``, naming its place in it."""
    rows = []
    for number, (data, at, steps) in enumerate(stories, start=1):
        errors: list = []
        row = checked(errors, data, at)
        try:
            if errors or not _in_order(at, steps, scope.now()):
                raise DomainError(errors)
            for past in steps:
                step(row, past)
        except DomainError:
            raise DomainError.on(field, refused, row=number) from None
        rows.append(row)
    return rows


def replay(*, workflow: Workflow, row, action: str, at: dt.datetime, reason: str = "", by: str = "") -> str:
    """Move a row being brought in from a station's past (``replay_ledger``) by ``action`` as
    it happened at ``at``: refused, stamped and given its deadlines as ``transition`` would have done
    then. No line of its own in the operation log: the import writes one for its batch."""
    return _apply(workflow, [row], action, reason, at, by)


def _move(scope: Scope, workflow: Workflow, rows: list, action: str, reason: str) -> str:
    """Check every row may move by ``action``, then move, stamp and give deadlines to each."""
    for row in rows:  # a wrong state is told before a wrong role
        workflow.target(str(row.status), action)
    scope.actor.require(workflow.roles.get(action, Role.staff))
    return _apply(workflow, rows, action, reason, scope.now(), scope.actor.name)


def _apply(workflow: Workflow, rows: list, action: str, reason: str, now: dt.datetime, by: str) -> str:
    targets = {workflow.target(str(row.status), action) for row in rows}
    if action in workflow.needs_reason and not reason.strip():
        raise DomainError.on("reason", "reason.required")
    if len(targets) != 1:  # a batch whose rows would end in different states is not one move
        raise DomainError.on("status", "workflow.mixed_states", action=Key(f"workflow.action.{action}"))
    (target,) = targets
    stamp = workflow.stamps.get(action)
    for row in rows:
        row.status = target
        if hasattr(row, "updated_at"):
            row.updated_at = now
        if stamp is not None:
            if not (stamp.first_only and getattr(row, stamp.at) is not None):
                setattr(row, stamp.at, now)
            if stamp.by is not None:
                setattr(row, stamp.by, by)
            if stamp.reason is not None:
                setattr(row, stamp.reason, reason.strip())
        for column, due in workflow.deadlines.get(target, {}).items():
            setattr(row, column, due(now))
    return target


def check_rating(rating) -> int:
    """A whole number of points from 1 (very dissatisfied) to 5 (very satisfied), or a DomainError."""
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATING_SCALE:
        raise DomainError.on("rating", "rating.out_of_range")
    return rating


def rate(*, scope: Scope, workflow: Workflow, row, rating: int) -> None:
    """The resident's rating of a wish, an order or a grid case: checked, given once (the workflow's
    ``rate`` move, which stamps ``rated_at``), and kept on the row's ``rating``."""
    rating = check_rating(rating)
    transition(scope=scope, workflow=workflow, row=row, action="rate", rating=rating)
    row.rating = rating
