"""Planning activities: one-off or weekly, in a room that is never double-booked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlmodel import Session, select

from station_kit import clock
from station_kit.errors import DomainError, FieldError
from station_kit.models import (
    Activity,
    ActivityCreate,
    ActivityPartner,
    ActivitySeries,
    ActivityUpdate,
    PartnerUnit,
    Post,
    Project,
    Room,
)
from station_kit.models.work import ActivityBase, ActivityPublic, ActivitySeriesPublic, ActivityStatus
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope
from station_kit.services.workflow import Workflow, transition
from station_kit.validation import clean_texts

# An activity's life: a cancelled or finished activity stays so.
ACTIVITY_FLOW = Workflow("activity", {
    (ActivityStatus.planned, "start"): ActivityStatus.running,
    (ActivityStatus.planned, "finish"): ActivityStatus.done,
    (ActivityStatus.planned, "cancel"): ActivityStatus.cancelled,
    (ActivityStatus.running, "finish"): ActivityStatus.done,
    (ActivityStatus.running, "cancel"): ActivityStatus.cancelled,
})
_TEXT_FIELDS = ("title", "organiser", "person_in_charge", "place", "content", "speaker")
_REQUIRED_TEXT = {"title": "activity.title_required"}


def plan_activity(*, scope: Scope, station_id: int, data: ActivityCreate) -> ActivityPublic:
    """Plan one activity, or raise DomainError naming every wrong field; nothing is written then."""
    scope.require(station_id=station_id)
    data = _check(scope.session, station_id, data)
    activity = _add(scope.session, station_id, data, series_id=None)
    log_event(scope, action="activity.plan", entity="activity",
              entity_id=activity.id, station_id=station_id, title=activity.title)
    return _public(activity)


def plan_weekly_series(*, scope: Scope, station_id: int, data: ActivityCreate, until: dt.date) -> ActivitySeriesPublic:
    """Plan an activity every week on the weekday of ``data.starts_at`` up to ``until``.

    Occurrences are created once, as ordinary activities, so each keeps its own records; if any
    occurrence's room is taken, none is created."""
    session = scope.session
    scope.require(station_id=station_id)
    first = clock.local(data.starts_at).date()
    if until < first:
        raise DomainError.on("until", "series.until_before_start")
    occurrences = []
    week = 0
    while (first + dt.timedelta(weeks=week)) <= until:
        shift = dt.timedelta(weeks=week)
        occurrences.append(data.model_copy(update={"starts_at": data.starts_at + shift,
                                                   "ends_at": data.ends_at + shift}))
        week += 1
    occurrences = [_check(session, station_id, occurrence) for occurrence in occurrences]
    series = ActivitySeries(station_id=station_id, title=occurrences[0].title, weekday=first.weekday(),
                            first_date=first, last_date=clock.local(occurrences[-1].starts_at).date())
    session.add(series)
    session.flush()
    for occurrence in occurrences:
        _add(session, station_id, occurrence, series_id=series.id)
    log_event(scope, action="activity.plan_series", entity="activityseries",
              entity_id=series.id, station_id=station_id, title=series.title, occurrences=len(occurrences))
    return ActivitySeriesPublic(id=series.id, title=series.title, weekday=series.weekday,
                                first_date=series.first_date, last_date=series.last_date,
                                occurrences=len(occurrences))


def update_series(*, scope: Scope, series_id: int, data: ActivityUpdate) -> int:
    """Change the occurrences still to come (planned, starting after now); past ones and their
    records are never rewritten. Returns how many occurrences changed."""
    session = scope.session
    scope.require()
    series = scope.get(ActivitySeries, series_id, field="series", missing="series.not_found",
                  lock=True)
    upcoming = session.exec(select(Activity).where(
        Activity.series_id == series_id, Activity.status == ActivityStatus.planned,
        Activity.starts_at > scope.now()).order_by(Activity.starts_at)).all()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    errors: list[FieldError] = []
    texts = {name: value for name, value in changes.items() if name in _TEXT_FIELDS}
    changes.update(clean_texts(errors, texts, Activity, required=_REQUIRED_TEXT))
    if errors:
        raise DomainError(errors)
    start_time, end_time = changes.pop("start_time", None), changes.pop("end_time", None)
    for activity in upcoming:
        current = {name: getattr(activity, name) for name in ActivityBase.model_fields}
        candidate = ActivityCreate.model_validate({**current, **changes})
        day = clock.local(activity.starts_at).date()
        if start_time:
            candidate.starts_at = dt.datetime.combine(day, start_time, tzinfo=clock.CHINA)
        if end_time:
            candidate.ends_at = dt.datetime.combine(day, end_time, tzinfo=clock.CHINA)
        candidate = _check(session, activity.station_id, candidate, ignore_id=activity.id)
        for field_name in (*changes, "starts_at", "ends_at"):
            setattr(activity, field_name, getattr(candidate, field_name))
        activity.updated_at = scope.now()
        session.add(activity)
    if "title" in changes:
        series.title = changes["title"]
        session.add(series)
    log_event(scope, action="activity.update_series", entity="activityseries",
              entity_id=series_id, station_id=series.station_id, fields=sorted(data.model_dump(exclude_unset=True)),
              occurrences=len(upcoming))
    return len(upcoming)


def set_activity_status(*, scope: Scope, activity_id: int, status: ActivityStatus) -> ActivityPublic:
    """Move an activity to ``status`` by the one action of ACTIVITY_FLOW that leads there (transition()
    checks the actor's role)."""
    activity = get_activity(scope, activity_id, lock=True)
    transition(scope=scope, workflow=ACTIVITY_FLOW, row=activity,
               action=ACTIVITY_FLOW.action_to(activity.status, status))
    return _public(activity)


def get_activity(scope: Scope, activity_id: int, *, lock: bool = False) -> Activity:
    """The activity, of a station the actor works for, or a DomainError."""
    return scope.get(Activity, activity_id, field="activity", missing="activity.not_found",
                lock=lock)


def activity_public(*, scope: Scope, activity_id: int) -> ActivityPublic:
    return _public(get_activity(scope, activity_id))


def list_activities(*, scope: Scope, station_id: int, start: dt.datetime | None = None,
                    end: dt.datetime | None = None, hall=None, limit: int = 200) -> list[ActivityPublic]:
    """Activities in time order, optionally within [start, end) and of one lecture hall."""
    scope.require_station(station_id)
    statement = select(Activity).where(Activity.station_id == station_id)
    if start is not None:
        statement = statement.where(Activity.ends_at > start)
    if end is not None:
        statement = statement.where(Activity.starts_at < end)
    if hall is not None:
        statement = statement.where(Activity.hall == hall)
    rows = scope.session.exec(statement.order_by(Activity.starts_at.desc()).limit(limit)).all()
    return [_public(row) for row in rows]


def _public(activity: Activity) -> ActivityPublic:
    return ActivityPublic.model_validate(activity, from_attributes=True)


def activity_partners(*, session: Session, activity_id: int) -> list[str]:
    return list(session.exec(select(PartnerUnit.name).join(
        ActivityPartner, ActivityPartner.partner_unit_id == PartnerUnit.id).where(
        ActivityPartner.activity_id == activity_id).order_by(PartnerUnit.id)).all())


def _add(session: Session, station_id: int, data: ActivityCreate, *, series_id: int | None) -> Activity:
    activity = Activity(**data.model_dump(exclude={"partner_ids"}), station_id=station_id,
                        series_id=series_id)
    session.add(activity)
    session.flush()
    session.execute(delete(ActivityPartner).where(ActivityPartner.activity_id == activity.id))
    for partner_id in dict.fromkeys(data.partner_ids):
        session.add(ActivityPartner(activity_id=activity.id, partner_unit_id=partner_id))
    return activity


def _check(session: Session, station_id: int, data: ActivityCreate, *,
           ignore_id: int | None = None) -> ActivityCreate:
    """The activity with its texts cleaned, or a DomainError naming every wrong field."""
    errors: list[FieldError] = []
    texts = clean_texts(errors, {name: getattr(data, name) for name in _TEXT_FIELDS}, Activity,
                        required=_REQUIRED_TEXT)
    if data.ends_at <= data.starts_at:
        errors.append(FieldError("ends_at", "activity.ends_before_start"))
    for field_name, model, value in (("project_id", Project, data.project_id), ("post_id", Post, data.post_id),
                                     ("room_id", Room, data.room_id)):
        if value is not None:
            row = session.get(model, value)
            if row is None or row.station_id != station_id:
                errors.append(FieldError(field_name, f"{field_name.removesuffix('_id')}.unknown"))
    for partner_id in data.partner_ids:
        partner = session.get(PartnerUnit, partner_id)
        if partner is None or partner.station_id != station_id:
            errors.append(FieldError("partner_ids", "partner.unknown"))
            break
    if data.room_id is not None and not errors:
        clash = room_clash(session, data.room_id, data.starts_at, data.ends_at, ignore_id=ignore_id)
        if clash is not None:
            errors.append(FieldError("room_id", "room.double_booked", {
                "title": clash.title, "start": f"{clock.local(clash.starts_at):%m-%d %H:%M}",
                "end": f"{clock.local(clash.ends_at):%H:%M}"}))
    if errors:
        raise DomainError(errors)
    return data.model_copy(update=texts)


def room_clash(session: Session, room_id: int, starts_at: dt.datetime, ends_at: dt.datetime, *,
               ignore_id: int | None = None) -> Activity | None:
    """The activity already holding the room at any moment of [starts_at, ends_at), if any.

    On PostgreSQL the room's row is locked first, so two planners cannot both see it free."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Room.id).where(Room.id == room_id).with_for_update()).first()
    statement = select(Activity).where(
        Activity.room_id == room_id, Activity.status != ActivityStatus.cancelled,
        Activity.starts_at < ends_at, Activity.ends_at > starts_at)
    if ignore_id is not None:
        statement = statement.where(Activity.id != ignore_id)
    return session.exec(statement.order_by(Activity.starts_at)).first()
