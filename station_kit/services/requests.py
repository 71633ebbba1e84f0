"""Wishes (微心愿) and service orders (点单 → 派单 → 接单 → 评单): one workflow serves both.

A resident's request is posted; a volunteer, squad or partner unit claims it (one or several), or
staff dispatch it to one, who takes it (接单) or refuses with a reason — then it is posted again and
dispatched anew. It is fulfilled with a closing note and rated 1–5 by the resident. It may be
cancelled with a reason until fulfilled. Every move goes through ``transition()``, audited.

The wall (``wish_wall``) shows residents shortened (王**), never a phone or an address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import insert_many, new_row_values
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.models import (
    Activity,
    ActivityCreate,
    Grid,
    PartnerUnit,
    Project,
    Request,
    RequestClaim,
    Resident,
    Squad,
    Volunteer,
)
from station_kit.models.community import (
    ClaimerKind,
    ClaimStatus,
    RequestCreate,
    RequestKind,
    RequestPublic,
    RequestStatus,
)
from station_kit.models.work import WorkTask
from station_kit.privacy import short_name
from station_kit.rules.calendar import is_backfill
from station_kit.services.activities import plan_activity
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.records import Attendance, record_attendance
from station_kit.services.residents import get_resident
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
    transition_along,
)
from station_kit.validation import clean_text, clean_texts, column_length

S = RequestStatus
REQUEST_FLOW = Workflow("request", {
    (S.posted, "claim"): S.claimed,
    (S.posted, "dispatch"): S.dispatched,
    (S.posted, "cancel"): S.cancelled,
    (S.dispatched, "dispatch"): S.dispatched,  # to one more claimer
    (S.dispatched, "take"): S.claimed,  # 接单
    (S.dispatched, "refuse"): S.posted,  # back on the wall, to be dispatched again
    (S.dispatched, "cancel"): S.cancelled,
    (S.claimed, "claim"): S.claimed,  # several claimers share one wish
    (S.claimed, "fulfil"): S.fulfilled,
    (S.claimed, "cancel"): S.cancelled,
    (S.fulfilled, "rate"): S.rated,
}, needs_reason=frozenset({"refuse", "cancel", "fulfil"}),
    stamps={"claim": Stamp("claimed_at", first_only=True), "take": Stamp("claimed_at"),
            "fulfil": Stamp("fulfilled_at", reason="closing_note"), "rate": Stamp("rated_at"),
            "cancel": Stamp("cancelled_at", reason="cancel_reason")})
OPEN = (S.posted, S.dispatched, S.claimed)
# A claim stays active until its claimers turn a dispatched order down; the order's line says why.
CLAIM_FLOW = Workflow(
    "claim", {(ClaimStatus.active, "refuse"): ClaimStatus.refused}, needs_reason=frozenset({"refuse"}),
    stamps={"refuse": Stamp("refused_at", reason="refuse_reason")})


@dataclass(frozen=True)
class Claimer:
    """Who claims or is dispatched: exactly one of a volunteer, a squad or a partner unit."""

    kind: ClaimerKind
    id: int


def post_request(*, scope: Scope, station_id: int, data: RequestCreate) -> RequestPublic:
    """A resident's wish or order, posted by staff on the resident's behalf."""
    session = scope.session
    scope.require(station_id=station_id)
    errors: list[FieldError] = []
    request = _checked(errors, scope, station_id, data, scope.now())
    if errors:
        raise DomainError(errors)
    session.add(request)
    session.flush()
    log_event(scope, action="request.post", entity="request", entity_id=request.id,
              station_id=station_id, kind=request.kind, title=request.title)
    return _public(session, request)


def _checked(errors: list[FieldError], scope: Scope, station_id: int, data: RequestCreate,
             at: dt.datetime) -> Request | None:
    """The form's checks (every wrong field appended to ``errors``) and the request they give, posted at
    ``at`` in its resident's grid; not yet added."""
    texts = clean_texts(errors, {"title": data.title, "content": data.content}, Request,
                        required={"title": "request.title_required"})
    try:
        resident = get_resident(scope, data.resident_id, station_id)
    except DomainError as error:
        errors.extend(error.errors)
        return None
    return Request(kind=data.kind, resident_id=resident.id, grid_id=resident.grid_id, station_id=station_id,
                   posted_at=at, updated_at=at, **texts)


def import_requests(*, scope: Scope, station_id: int,
                    requests: list[tuple[RequestCreate, dt.datetime, list[PastStep]]]) -> list[int]:
    """A station's old wishes and orders, all or none, with one line in the operation log; their ids.
    Each is a request as the form took it, when it was posted, and its steps since in time order: each
    checked and stamped as the use case would have done then, its claimers written as they claimed."""
    scope.require(Role.admin, station_id=station_id)
    session = scope.session
    claims: dict[int, list[RequestClaim]] = {}  # each request's claims so far, by the request in memory
    replayed = replay_ledger(
        scope=scope, stories=requests, field="requests", refused="history.bad_request",
        checked=lambda errors, data, at: _checked(errors, scope, station_id, data, at),
        step=lambda request, step: _replay(scope, request, claims.setdefault(id(request), []), step))
    ids = insert_many(session, Request, [new_row_values(request) for request in replayed], with_ids=True)
    insert_many(session, RequestClaim, (new_row_values(claim) | {"request_id": request_id}
                                        for request_id, request in zip(ids, replayed)
                                        for claim in claims.get(id(request), [])))
    log_event(scope, action="history.requests", entity="station", entity_id=station_id, station_id=station_id,
              requests=len(ids))
    return ids


def _replay(scope: Scope, request: Request, claims: list[RequestClaim], step: PastStep) -> None:
    """One past step of ``request`` (``claims``: its claims so far), as the step's use case below makes
    it, without its line in the log."""
    action, at = step.action, step.at
    active = [claim for claim in claims if claim.status == ClaimStatus.active]
    reason = ""
    if action in ("claim", "dispatch"):
        claims += _new_claims(scope, request, step.claimers, active, action=action, at=at)
    elif action == "refuse":
        reason = _reason(step.reason, "refuse_reason", RequestClaim)
        for claim in active:
            replay(workflow=CLAIM_FLOW, row=claim, action=action, at=at, reason=reason)
    elif action == "fulfil":
        reason = _reason(step.reason, "closing_note", Request, required="request.note_required")
    elif action == "cancel":
        reason = _reason(step.reason, "cancel_reason", Request)
    elif action == "rate":
        request.rating = check_rating(step.rating)
    replay(workflow=REQUEST_FLOW, row=request, action=action, at=at, reason=reason)


def claim_request(*, scope: Scope, request_id: int, claimers: list[Claimer]) -> RequestPublic:
    """Claimers take the request themselves (认领): one or several at once, more may join later."""
    return _public(scope.session, _add_claimers(scope, request_id, claimers, action="claim"))


def dispatch_request(*, scope: Scope, request_id: int, claimers: list[Claimer]) -> RequestPublic:
    """Staff dispatch the request (派单) to claimers, who then take it or refuse it."""
    return _public(scope.session, _add_claimers(scope, request_id, claimers, action="dispatch"))


def take_request(*, scope: Scope, request_id: int) -> RequestPublic:
    """The dispatched claimers take the order (接单)."""
    request = _get(scope, request_id)
    transition(scope=scope, workflow=REQUEST_FLOW, row=request, action="take")
    return _public(scope.session, request)


def refuse_request(*, scope: Scope, request_id: int, reason: str) -> RequestPublic:
    """The dispatched claimers turn the order down, saying why; it goes back to be dispatched again."""
    session = scope.session
    request = _get(scope, request_id)
    reason = _reason(reason, "refuse_reason", RequestClaim)
    transition(scope=scope, workflow=REQUEST_FLOW, row=request, action="refuse", reason=reason)
    claims = _active_claims(session, request.id)
    transition_along(scope=scope, workflow=CLAIM_FLOW, rows=claims, action="refuse", reason=reason)
    session.add_all(claims)
    return _public(session, request)


def fulfil_request(*, scope: Scope, request_id: int, note: str) -> RequestPublic:
    """Done, with a closing note saying what was done."""
    request = _get(scope, request_id)
    note = _reason(note, "closing_note", Request, required="request.note_required")
    transition(scope=scope, workflow=REQUEST_FLOW, row=request, action="fulfil", reason=note)
    return _public(scope.session, request)


def rate_request(*, scope: Scope, request_id: int, rating: int) -> RequestPublic:
    """The resident's rating, 1 to 5, given once."""
    request = _get(scope, request_id)
    rate(scope=scope, workflow=REQUEST_FLOW, row=request, rating=rating)
    return _public(scope.session, request)


def cancel_request(*, scope: Scope, request_id: int, reason: str) -> RequestPublic:
    request = _get(scope, request_id)
    reason = _reason(reason, "cancel_reason", Request)
    transition(scope=scope, workflow=REQUEST_FLOW, row=request, action="cancel", reason=reason)
    return _public(scope.session, request)


def record_wish_hours(*, scope: Scope, request_id: int, minutes_by_volunteer: dict[int, int]) -> list:
    """Volunteers' time on a fulfilled wish becomes service records (pending approval, like any)
    through the hours service, under one activity of the 居民微心愿 project made for the wish."""
    request = _get(scope, request_id)
    if request.status not in (S.fulfilled, S.rated):
        raise DomainError.on("request", "request.hours_before_fulfilled")
    if request.activity_id is not None:
        raise DomainError.on("request", "request.hours_already_recorded")
    if not minutes_by_volunteer or any(minutes <= 0 for minutes in minutes_by_volunteer.values()):
        raise DomainError.on("minutes", "request.hours_need_minutes")
    longest = max(minutes_by_volunteer.values())
    project = scope.session.exec(select(Project.id).where(Project.station_id == request.station_id,
                                                    Project.name == "居民微心愿")).first()
    ends_at = request.fulfilled_at
    activity = plan_activity(scope=scope, station_id=request.station_id, data=ActivityCreate(
        title=f"微心愿：{request.title}"[:column_length(Activity, "title")],
        category=WorkTask.customs, project_id=project, starts_at=ends_at - dt.timedelta(minutes=longest),
        ends_at=ends_at, content=request.closing_note, beneficiaries=1))
    request.activity_id = activity.id
    scope.session.add(request)
    late = is_backfill(clock.local(ends_at).date(), scope.today())
    return record_attendance(scope=scope, activity_id=activity.id,
                             backfill_reason=t("request.hours_backfill_reason") if late else "",
                             entries=[Attendance(volunteer_id=volunteer_id, minutes=minutes)
                                      for volunteer_id, minutes in minutes_by_volunteer.items()])


def record_claimers_hours(*, scope: Scope, request_id: int, minutes: int) -> list:
    """The same minutes for every volunteer among the wish's claimers (squads and units keep their
    own records), as record_wish_hours does them."""
    request = _get(scope, request_id)
    volunteer_ids = [claim.volunteer_id for claim in _active_claims(scope.session, request.id)
                     if claim.claimer_kind == ClaimerKind.volunteer]
    if not volunteer_ids:
        raise DomainError.on("minutes", "request.hours_need_volunteers")
    return record_wish_hours(scope=scope, request_id=request_id,
                             minutes_by_volunteer=dict.fromkeys(volunteer_ids, minutes))


def _add_claimers(scope, request_id, claimers, *, action) -> Request:
    session = scope.session
    request = _get(scope, request_id)
    claims = _new_claims(scope, request, claimers, _active_claims(session, request.id), action=action,
                         at=scope.now())
    transition(scope=scope, workflow=REQUEST_FLOW, row=request, action=action,
               claimers=[f"{claim.claimer_kind}:{_claimer_id(claim)}" for claim in claims])
    session.add_all(claims)
    return request


def _new_claims(scope, request: Request, claimers, active: list[RequestClaim], *, action: str,
                at) -> list[RequestClaim]:
    """The claims ``action`` (claim or dispatch) would add to ``request`` at ``at``, not yet added: refused
    when the request's state does not allow it, when no one is named, when a claimer is not the station's
    own, or when one holds an active claim (``active``) already."""
    REQUEST_FLOW.target(request.status, action)  # a wrong state is told before anything about claimers
    if not claimers:
        raise DomainError.on("claimers", "request.no_claimer")
    checked = [_check_claimer(scope, request.station_id, claimer) for claimer in dict.fromkeys(claimers)]
    holding = {(claim.claimer_kind, _claimer_id(claim)) for claim in active}
    if any((claimer.kind, claimer.id) in holding for claimer in checked):
        raise DomainError.on("claimers", "request.already_claimer")
    return [RequestClaim(request_id=request.id, claimer_kind=claimer.kind, dispatched=action == "dispatch",
                         claimed_at=at, **{_COLUMN[claimer.kind]: claimer.id}) for claimer in checked]


_COLUMN = {ClaimerKind.volunteer: "volunteer_id", ClaimerKind.squad: "squad_id",
           ClaimerKind.partner_unit: "partner_unit_id"}
_MODEL = {ClaimerKind.volunteer: Volunteer, ClaimerKind.squad: Squad, ClaimerKind.partner_unit: PartnerUnit}


def _check_claimer(scope: Scope, station_id: int, claimer: Claimer) -> Claimer:
    row = scope.find(_MODEL[claimer.kind], claimer.id)
    if row is None or row.station_id != station_id or not getattr(row, "active", True):
        raise DomainError.on("claimers", f"request.unknown_{claimer.kind}")
    return claimer


def _claimer_id(claim: RequestClaim) -> int:
    return getattr(claim, _COLUMN[claim.claimer_kind])


def _active_claims(session, request_id: int) -> list[RequestClaim]:
    return list(session.exec(select(RequestClaim).where(
        RequestClaim.request_id == request_id, RequestClaim.status == ClaimStatus.active)
        .order_by(RequestClaim.id)).all())


def _get(scope: Scope, request_id: int) -> Request:
    # Two workers claiming one wish at once queue here on PostgreSQL, so both see the other's claim.
    return scope.get(Request, request_id, field="request", missing="request.not_found", lock=True)


def _reason(raw: str, column: str, table, *, required: str = "reason.required") -> str:
    return clean_text(raw, field="reason", max_length=column_length(table, column), required=required)


def wish_wall(*, scope: Scope, station_id: int, kind: RequestKind | None = RequestKind.wish,
              statuses: tuple[RequestStatus, ...] | None = None, limit: int = 200) -> list[RequestPublic]:
    """Cards for the wall, newest first: open ones first when no statuses are asked for. Residents are
    shortened (王**) and claimers named; no phone, no address."""
    scope.require_station(station_id)
    statement = _SHOWN.where(Request.station_id == station_id)
    if kind is not None:
        statement = statement.where(Request.kind == kind)
    if statuses:
        statement = statement.where(Request.status.in_(statuses))
    return _shown(scope.session, statement.order_by(Request.posted_at.desc(), Request.id.desc()).limit(limit))


_SHOWN = (select(Request, Resident.name, Grid.name).join(Resident, Resident.id == Request.resident_id)
          .join(Grid, Grid.id == Request.grid_id))


def _shown(session: Session, statement) -> list[RequestPublic]:
    rows = session.exec(statement).all()
    names = claimer_names(session, [request.id for request, _, _ in rows])
    return [RequestPublic(id=request.id, kind=request.kind, title=request.title, content=request.content,
                          resident=short_name(resident), grid=grid, status=request.status,
                          claimers=names.get(request.id, []), posted_at=request.posted_at,
                          fulfilled_at=request.fulfilled_at, closing_note=request.closing_note,
                          rating=request.rating, hours_recorded=request.activity_id is not None)
            for request, resident, grid in rows]


def _public(session: Session, request: Request) -> RequestPublic:
    """The card as the wall shows it, after the use case's change."""
    session.flush()
    return _shown(session, _SHOWN.where(Request.id == request.id))[0]


def claimer_names(session: Session, request_ids: list[int]) -> dict[int, list[str]]:
    """The names of each request's active claimers, in the order they claimed."""
    if not request_ids:
        return {}
    rows = session.exec(select(RequestClaim, Volunteer.name, Squad.name, PartnerUnit.name)
                        .outerjoin(Volunteer, Volunteer.id == RequestClaim.volunteer_id)
                        .outerjoin(Squad, Squad.id == RequestClaim.squad_id)
                        .outerjoin(PartnerUnit, PartnerUnit.id == RequestClaim.partner_unit_id)
                        .where(RequestClaim.request_id.in_(request_ids), RequestClaim.status == ClaimStatus.active)
                        .order_by(RequestClaim.id)).all()
    names: dict[int, list[str]] = {}
    for claim, volunteer, squad, partner in rows:
        names.setdefault(claim.request_id, []).append(volunteer or squad or partner or "")
    return names


def claimer_choices(*, scope: Scope, station_id: int) -> dict[ClaimerKind, list[tuple[str, int]]]:
    """Who may claim or be dispatched, by kind, as (name, id) for a form: active volunteers (with their
    number, to tell namesakes apart), squads and partner units."""
    scope.require_station(station_id)
    session = scope.session
    volunteers = session.exec(select(Volunteer.name, Volunteer.number, Volunteer.id).where(
        Volunteer.station_id == station_id, Volunteer.active).order_by(Volunteer.name_pinyin, Volunteer.id)).all()
    squads = session.exec(select(Squad.name, Squad.id).where(Squad.station_id == station_id).order_by(Squad.id)).all()
    partners = session.exec(select(PartnerUnit.name, PartnerUnit.id).where(PartnerUnit.station_id == station_id)
                            .order_by(PartnerUnit.id)).all()
    return {ClaimerKind.volunteer: [(f"{name}（{number}）", vid) for name, number, vid in volunteers],
            ClaimerKind.squad: [tuple(row) for row in squads],
            ClaimerKind.partner_unit: [tuple(row) for row in partners]}
