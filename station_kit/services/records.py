"""Service records: attendance, check-in and check-out, batch hours, and the approval queue.

Minutes are whole minutes of actual service within the activity's time. Two records of one volunteer
never overlap. An entry made more than the configured working days after its activity is a back-fill
(补录): allowed, flagged, and needs a reason when entered and when approved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import lock_rows
from station_kit.errors import DomainError, FieldError
from station_kit.models import Activity, ServiceRecord, Volunteer
from station_kit.models.work import ActivityStatus, RecordRole, RecordStatus, ServiceRecordPublic, activity_of
from station_kit.rules.calendar import is_backfill
from station_kit.services.activities import get_activity
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope
from station_kit.services.volunteers import get_active_volunteer
from station_kit.services.workflow import Stamp, Workflow, transition_many
from station_kit.validation import clean_text, column_length

# A record is decided once: approved (its minutes count) or rejected with a reason the volunteer is told.
RECORD_FLOW = Workflow("record", {
    (RecordStatus.pending, "approve"): RecordStatus.approved,
    (RecordStatus.pending, "reject"): RecordStatus.rejected,
}, needs_reason=frozenset({"reject"}), stamps={
    "approve": Stamp("decided_at", by="decided_by", reason="decision_reason"),
    "reject": Stamp("decided_at", by="decided_by", reason="decision_reason")})


@dataclass(frozen=True)
class Attendance:
    """One line of a roster: who served, for how long (None: the whole activity), in what role."""

    volunteer_id: int
    minutes: int | None = None
    role: RecordRole = RecordRole.participant
    no_show: bool = False


def record_attendance(*, scope: Scope, activity_id: int, entries: list[Attendance],
                      backfill_reason: str = "", entered_at: dt.datetime | None = None) -> list[ServiceRecordPublic]:
    """Staff mark attendance or enter a roster's hours: every line is checked, then all are written
    or none. Records start pending."""
    session = scope.session
    scope.require()
    activity = _open_activity(scope, activity_id)
    entered_at = entered_at or scope.now()
    errors: list[FieldError] = []
    backfill = is_backfill(clock.local(activity.starts_at).date(), clock.local(entered_at).date())
    try:
        backfill_reason = _reason(backfill_reason, field="backfill_reason", column="backfill_reason",
                                  required="record.backfill_reason_required" if backfill else None)
    except DomainError as error:
        errors.extend(error.errors)
    duration = activity_minutes(activity)
    # Each volunteer's records are checked for overlaps under a lock on the volunteer's row.
    lock_rows(session, Volunteer, [entry.volunteer_id for entry in entries])
    records = []
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        field_name = f"entries.{index}"
        if entry.volunteer_id in seen:
            errors.append(FieldError(field_name, "record.listed_twice"))
            continue
        seen.add(entry.volunteer_id)
        minutes = 0 if entry.no_show else (duration if entry.minutes is None else entry.minutes)
        if not entry.no_show and not 0 < minutes <= duration:
            errors.append(FieldError(field_name, "record.minutes_out_of_range", {"most": duration}))
            continue
        try:
            volunteer = get_active_volunteer(scope, entry.volunteer_id,
                                             station_id=activity.station_id)
        except DomainError as error:
            errors.extend(FieldError(field_name, e.key, e.params) for e in error.errors)
            continue
        started_at = activity.starts_at
        ended_at = started_at + dt.timedelta(minutes=minutes)
        if not entry.no_show:
            clash = overlapping_record(session, volunteer.id, started_at, ended_at)
            if clash is not None:
                errors.append(_overlap_error(session, field_name, volunteer, clash))
                continue
        records.append(ServiceRecord(
            station_id=activity.station_id, volunteer_id=volunteer.id, activity_id=activity.id,
            role=entry.role, started_at=started_at, ended_at=ended_at, minutes=minutes,
            no_show=entry.no_show, is_backfill=backfill, backfill_reason=backfill_reason,
            entered_at=entered_at, entered_by=scope.actor.name))
    if not entries:
        errors.append(FieldError("entries", "record.no_entries"))
    if errors:
        raise DomainError(errors)
    session.add_all(records)
    session.flush()
    log_event(scope, action="record.enter", entity="activity", entity_id=activity.id,
              station_id=activity.station_id, records=len(records), backfill=backfill)
    return [_public(record) for record in records]


def check_in(*, scope: Scope, activity_id: int, volunteer_id: int,
             at: dt.datetime | None = None, role: RecordRole = RecordRole.participant) -> ServiceRecordPublic:
    """A volunteer arrives. The record stays open (no minutes) until check-out."""
    scope.require()
    return _public(_check_in(scope, activity_id, volunteer_id, at, role))


def _check_in(scope: Scope, activity_id: int, volunteer_id: int, at: dt.datetime | None,
              role: RecordRole = RecordRole.participant) -> ServiceRecord:
    session = scope.session
    activity = _open_activity(scope, activity_id)
    volunteer = get_active_volunteer(scope, volunteer_id, lock=True, station_id=activity.station_id)
    at = at or scope.now()
    if not activity.starts_at - dt.timedelta(hours=1) <= at < activity.ends_at:
        raise DomainError.on("volunteer_id", "record.check_in_outside_activity")
    already = session.exec(select(ServiceRecord).where(
        ServiceRecord.activity_id == activity.id, ServiceRecord.volunteer_id == volunteer.id,
        ServiceRecord.status != RecordStatus.rejected)).first()
    if already is not None:
        raise DomainError.on("volunteer_id", "record.already_checked_in", name=volunteer.name)
    started_at = max(at, activity.starts_at)
    clash = overlapping_record(session, volunteer.id, started_at, activity.ends_at)
    if clash is not None:
        raise DomainError([_overlap_error(session, "volunteer_id", volunteer, clash)])
    record = ServiceRecord(station_id=activity.station_id, volunteer_id=volunteer.id, activity_id=activity.id,
                           role=role, started_at=started_at, entered_by=scope.actor.name, entered_at=at)
    session.add(record)
    session.flush()
    log_event(scope, action="record.check_in", entity="servicerecord",
              entity_id=record.id, station_id=activity.station_id, volunteer_id=volunteer.id)
    return record


def check_in_many(*, scope: Scope, activity_id: int, volunteer_ids: list[int],
                  at: dt.datetime | None = None) -> list[ServiceRecordPublic]:
    """Several volunteers arrive together (a roster ticked at once): all are checked in, or — when
    any one cannot be — none, with a message for each who cannot."""
    scope.require()
    if not volunteer_ids:
        raise DomainError.on("volunteer_id", "record.no_entries")
    records, errors = [], []
    for volunteer_id in dict.fromkeys(volunteer_ids):
        try:
            records.append(_check_in(scope, activity_id, volunteer_id, at))
        except DomainError as refused:
            errors.extend(refused.errors)
    if errors:
        raise DomainError(errors)
    return [_public(record) for record in records]


def check_out(*, scope: Scope, record_id: int,
              at: dt.datetime | None = None) -> ServiceRecordPublic:
    """A volunteer leaves: minutes are the whole minutes between check-in and check-out, counted
    within the activity's time (travel before or after does not count)."""
    scope.require()
    record = scope.get(ServiceRecord, record_id, field="record", missing="record.not_found",
                  lock=True)
    if record.ended_at is not None:
        raise DomainError.on("record", "record.already_checked_out")
    activity = scope.session.get(Activity, record.activity_id)
    at = min(at or scope.now(), activity.ends_at)
    if at <= record.started_at:
        raise DomainError.on("record", "record.check_out_before_check_in")
    record.ended_at = at
    record.minutes = int((at - record.started_at).total_seconds() // 60)
    scope.session.add(record)
    log_event(scope, action="record.check_out", entity="servicerecord",
              entity_id=record.id, station_id=record.station_id, minutes=record.minutes)
    return _public(record)


def _public(record: ServiceRecord) -> ServiceRecordPublic:
    return ServiceRecordPublic.model_validate(record, from_attributes=True)


def approve_records(*, scope: Scope, record_ids: list[int], reason: str = "") -> int:
    """Approve pending records; a back-fill needs the approver's reason. All or none."""
    return _decide(scope, record_ids, "approve", reason)


def reject_records(*, scope: Scope, record_ids: list[int], reason: str) -> int:
    """Reject pending records with a reason the volunteer can be told. All or none."""
    return _decide(scope, record_ids, "reject", reason)


def _decide(scope: Scope, record_ids: list[int], action: str, reason: str) -> int:
    # What was ticked first: a worker who ticked nothing is told so before being asked for a reason.
    scope.require()
    if not record_ids:
        raise DomainError.on("records", "record.none_selected")
    reason = _reason(reason, field="reason", column="decision_reason",
                     required="reason.required" if action in RECORD_FLOW.needs_reason else None)
    records = scope.get_many(ServiceRecord, record_ids, field="records", missing="record.not_found",
                        lock=True)
    if any(record.status != RecordStatus.pending for record in records):
        raise DomainError.on("records", "record.already_decided")
    if any(record.ended_at is None for record in records):
        raise DomainError.on("records", "record.still_checked_in")
    if action == "approve" and any(r.is_backfill for r in records) and not reason:
        raise DomainError.on("reason", "record.backfill_approval_reason_required")
    transition_many(scope=scope, workflow=RECORD_FLOW, rows=records, action=action, reason=reason)
    return len(records)


def _reason(raw: str, *, field: str, column: str, required: str | None) -> str:
    """A back-fill or decision reason, checked like any typed text and no longer than its column."""
    return clean_text(raw, field=field, max_length=column_length(ServiceRecord, column), required=required)


def overlapping_record(session: Session, volunteer_id: int, starts_at: dt.datetime,
                       ends_at: dt.datetime) -> ServiceRecord | None:
    """A record of this volunteer (not rejected, not a no-show) at any moment of [starts_at, ends_at).
    An open check-in is taken to last until its activity ends."""
    statement = (
        select(ServiceRecord)
        .join(Activity, activity_of())
        .where(ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status != RecordStatus.rejected,
               ~ServiceRecord.no_show, ServiceRecord.started_at < ends_at,
               ((ServiceRecord.ended_at.is_not(None) & (ServiceRecord.ended_at > starts_at))
                | (ServiceRecord.ended_at.is_(None) & (Activity.ends_at > starts_at))))
    )
    return session.exec(statement).first()


def activity_minutes(activity: Activity) -> int:
    return int((activity.ends_at - activity.starts_at).total_seconds() // 60)


def _overlap_error(session: Session, field_name: str, volunteer: Volunteer, clash: ServiceRecord) -> FieldError:
    other = session.get(Activity, clash.activity_id)
    return FieldError(field_name, "record.overlaps", {
        "name": volunteer.name, "title": other.title,
        "start": f"{clock.local(clash.started_at):%m-%d %H:%M}"})


def _open_activity(scope: Scope, activity_id: int) -> Activity:
    activity = get_activity(scope, activity_id)
    if activity.status == ActivityStatus.cancelled:
        raise DomainError.on("activity", "activity.cancelled")
    return activity

