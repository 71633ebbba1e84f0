"""Grid cases (民呼我应, 街社吹哨、部门报到): a dispute, request or situation enters a grid, a steward
accepts it, the grid may whistle a department, which reports; the case is resolved and the resident
rates it. Every move goes through ``transition()``, audited. A grid steward (小管家) logs and moves
the cases of their own grid(s) only; staff and admins work in every grid of their station.

Deadlines (data/sla.toml) are stamped on the case when it enters a step: accept and resolve when it
is received (resolve again if it is marked complex), report when it is whistled.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import insert_many, new_row_values
from station_kit.errors import DomainError, FieldError
from station_kit.models import Department, Grid, GridCase, Resident, Steward
from station_kit.models.community import CaseStatus, GridCaseCreate, GridCasePublic
from station_kit.privacy import short_name
from station_kit.rules.sla import accept_due, late_steps, report_due, resolve_due
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope
from station_kit.services.workflow import (
    PastStep,
    Stamp,
    Workflow,
    check_rating,
    rate,
    replay,
    replay_ledger,
    transition,
)
from station_kit.validation import clean_text, clean_texts, column_length

C = CaseStatus
CASE_FLOW = Workflow("case", {
    (C.received, "accept"): C.accepted,
    (C.accepted, "whistle"): C.whistled,
    (C.accepted, "resolve"): C.resolved,
    (C.whistled, "report"): C.reported,
    (C.reported, "whistle"): C.whistled,  # a second department is called in
    (C.reported, "resolve"): C.resolved,
    (C.resolved, "rate"): C.rated,
}, needs_reason=frozenset({"whistle", "report", "resolve"}),
    stamps={"accept": Stamp("accepted_at"), "whistle": Stamp("whistled_at", reason="whistle_note"),
            "report": Stamp("reported_at", reason="report_note"),
            "resolve": Stamp("resolved_at", reason="resolution_note"), "rate": Stamp("rated_at")},
    deadlines={C.whistled: {"report_due_at": report_due}},
    roles=dict.fromkeys(("accept", "whistle", "report", "resolve", "rate"), Role.steward))


def receive_case(*, scope: Scope, station_id: int, data: GridCaseCreate) -> GridCasePublic:
    """Log a case in its grid (登记); its accept and resolve deadlines are stamped now."""
    session = scope.session
    scope.require(Role.steward, station_id=station_id)
    errors: list[FieldError] = []
    case = _checked(errors, scope, station_id, data, scope.now())
    if errors:
        raise DomainError(errors)
    session.add(case)
    session.flush()
    log_event(scope, action="case.receive", entity="case", entity_id=case.id,
              station_id=station_id, grid_id=case.grid_id, kind=case.kind, channel=case.channel)
    return _public(session, case)


def _checked(errors: list[FieldError], scope: Scope, station_id: int, data: GridCaseCreate,
             at: dt.datetime) -> GridCase:
    """The form's checks (every wrong field appended to ``errors``) and the case they give, received at
    ``at`` with its accept and resolve deadlines; not yet added."""
    texts = clean_texts(errors, {"title": data.title, "content": data.content}, GridCase,
                        required={"title": "case.title_required"})
    grid = scope.find(Grid, data.grid_id)
    if grid is None or grid.station_id != station_id:
        errors.append(FieldError("grid_id", "grid.unknown"))
    elif not scope.actor.in_grid(grid.id):
        errors.append(FieldError("grid_id", "scope.other_grid"))
    if data.resident_id is not None:
        resident = scope.find(Resident, data.resident_id)
        if resident is None or resident.station_id != station_id:
            errors.append(FieldError("resident_id", "resident.not_found"))
    return GridCase(**(data.model_dump() | texts), station_id=station_id, received_at=at, updated_at=at,
                    accept_due_at=accept_due(at), resolve_due_at=resolve_due(at, is_complex=data.is_complex))


def import_cases(*, scope: Scope, station_id: int, cases: list[tuple[GridCaseCreate, dt.datetime, list[PastStep]]]
                 ) -> list[int]:
    """A station's old ledger of grid cases, all or none, with one line in the operation log; their ids.
    Each is a case as the form took it, when it was received, and its steps since in time order: each
    checked, stamped and given its deadlines as the use case would have done then."""
    scope.require(Role.admin, station_id=station_id)
    replayed = replay_ledger(scope=scope, stories=cases, field="cases", refused="history.bad_case",
                             checked=lambda errors, data, at: _checked(errors, scope, station_id, data, at),
                             step=lambda case, step: _replay(scope, case, step))
    ids = insert_many(scope.session, GridCase, [new_row_values(case) for case in replayed], with_ids=True)
    log_event(scope, action="history.cases", entity="station", entity_id=station_id, station_id=station_id,
              cases=len(ids))
    return ids


def _replay(scope: Scope, case: GridCase, step: PastStep) -> None:
    """One past step of ``case``, as the step's use case below makes it (without its line in the log)."""
    if step.action == "accept":
        case.steward_id = _steward(scope, case, step.steward_id).id
    elif step.action == "whistle":
        case.department_id, case.reported_at = _department(scope, case, step.department_id).id, None
    elif step.action == "rate":
        case.rating = check_rating(step.rating)
    note = _note(step.reason, _NOTES[step.action]) if step.action in _NOTES else ""
    replay(workflow=CASE_FLOW, row=case, action=step.action, at=step.at, reason=note)


_NOTES = {"whistle": "whistle_note", "report": "report_note", "resolve": "resolution_note"}


def accept_case(*, scope: Scope, case_id: int, steward_id: int,
                is_complex: bool | None = None) -> GridCasePublic:
    """A steward of the case's grid takes it on (受理); marking it complex gives it the longer limit."""
    case = _get(scope, case_id)
    steward = _steward(scope, case, steward_id)
    transition(scope=scope, workflow=CASE_FLOW, row=case, action="accept",
               steward_id=steward_id)
    case.steward_id = steward.id
    if is_complex is not None and is_complex != case.is_complex:
        case.is_complex = is_complex
        case.resolve_due_at = resolve_due(case.received_at, is_complex=is_complex)
    return _public(scope.session, case)


def whistle_case(*, scope: Scope, case_id: int, department_id: int, note: str) -> GridCasePublic:
    """吹哨: call a department in, saying what it is needed for; it must report within the limit."""
    case = _get(scope, case_id)
    department = _department(scope, case, department_id)
    note = _note(note, "whistle_note")
    transition(scope=scope, workflow=CASE_FLOW, row=case, action="whistle", reason=note,
               department=department.name)
    case.department_id, case.reported_at = department.id, None  # a new department, not yet reported
    return _public(scope.session, case)


def report_case(*, scope: Scope, case_id: int, note: str) -> GridCasePublic:
    """报到: the department whistled to reports, saying what it did."""
    case = _get(scope, case_id)
    note = _note(note, "report_note")
    transition(scope=scope, workflow=CASE_FLOW, row=case, action="report", reason=note)
    return _public(scope.session, case)


def resolve_case(*, scope: Scope, case_id: int, note: str) -> GridCasePublic:
    """办结, with a note of how it ended."""
    case = _get(scope, case_id)
    note = _note(note, "resolution_note")
    transition(scope=scope, workflow=CASE_FLOW, row=case, action="resolve", reason=note)
    return _public(scope.session, case)


def rate_case(*, scope: Scope, case_id: int, rating: int) -> GridCasePublic:
    """The resident's rating, 1 to 5, given once."""
    case = _get(scope, case_id)
    rate(scope=scope, workflow=CASE_FLOW, row=case, rating=rating)
    return _public(scope.session, case)


def list_cases(*, scope: Scope, station_id: int, grid_id: int | None = None,
               statuses: tuple[CaseStatus, ...] | None = None, limit: int = 200) -> list[GridCasePublic]:
    """Cases newest first, with names resolved, the resident shortened, and overdue steps flagged."""
    scope.require_station(station_id)
    statement = _SHOWN.where(GridCase.station_id == station_id)
    if grid_id is not None:
        statement = statement.where(GridCase.grid_id == grid_id)
    if scope.actor.grids is not None:  # a steward: their own grids' cases
        statement = statement.where(GridCase.grid_id.in_(scope.actor.grids))
    if statuses:
        statement = statement.where(GridCase.status.in_(statuses))
    return _shown(scope.session, statement.order_by(GridCase.received_at.desc(), GridCase.id.desc()).limit(limit))


_SHOWN = (select(GridCase, Grid.name, Steward.name, Department.name, Resident.name)
          .join(Grid, Grid.id == GridCase.grid_id)
          .outerjoin(Steward, Steward.id == GridCase.steward_id)
          .outerjoin(Department, Department.id == GridCase.department_id)
          .outerjoin(Resident, Resident.id == GridCase.resident_id))
_SHOWN_AS_STORED = set(GridCasePublic.model_fields) - {"grid", "resident", "steward", "department", "overdue",
                                                       "notes"}


def _shown(session: Session, statement) -> list[GridCasePublic]:
    now = clock.now()
    return [GridCasePublic(
        **{name: getattr(case, name) for name in _SHOWN_AS_STORED},
        grid=grid, steward=steward or "", department=department or "", resident=short_name(resident or ""),
        overdue=late_steps(case, now),
        notes={"whistle": case.whistle_note, "report": case.report_note, "resolve": case.resolution_note})
        for case, grid, steward, department, resident in session.exec(statement).all()]


def _public(session: Session, case: GridCase) -> GridCasePublic:
    """The case as a list shows it, after the use case's change."""
    session.flush()
    return _shown(session, _SHOWN.where(GridCase.id == case.id))[0]


def _get(scope: Scope, case_id: int) -> GridCase:
    case = scope.get(GridCase, case_id, field="case", missing="case.not_found", lock=True)
    scope.actor.require_grid(case.grid_id, field="case")
    return case


def _steward(scope: Scope, case: GridCase, steward_id) -> Steward:
    steward = scope.find(Steward, steward_id)
    if steward is None or steward.grid_id != case.grid_id:
        raise DomainError.on("steward_id", "case.steward_not_in_grid")
    return steward


def _department(scope: Scope, case: GridCase, department_id) -> Department:
    department = scope.find(Department, department_id)
    if department is None or department.station_id != case.station_id:
        raise DomainError.on("department_id", "case.unknown_department")
    return department


def _note(raw: str, column: str) -> str:
    return clean_text(raw, field="reason", max_length=column_length(GridCase, column), required="reason.required")
