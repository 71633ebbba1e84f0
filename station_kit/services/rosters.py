"""Read-only lists the activity and lecture apps show: choices for their forms, an activity's roster,
the approval queue, lecture sessions per hall. Names come with masked phones, never raw ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from station_kit.models import Activity, ActivityPartner, PartnerUnit, Post, Project, Room, ServiceRecord, Volunteer
from station_kit.models.work import LectureHall, RecordStatus, activity_of
from station_kit.privacy import mask_phone
from station_kit.services.scope import Scope


@dataclass(frozen=True)
class ActivityChoices:
    rooms: list[tuple[str, int]]
    projects: list[tuple[str, int]]
    posts: list[tuple[str, int]]
    partners: list[tuple[str, int]]


def activity_choices(*, scope: Scope, station_id: int) -> ActivityChoices:
    scope.require_station(station_id)
    def named(model):
        return [(row.name, row.id) for row in
                scope.session.exec(select(model).where(model.station_id == station_id).order_by(model.id)).all()]

    return ActivityChoices(named(Room), named(Project), named(Post), named(PartnerUnit))


@dataclass(frozen=True)
class RosterLine:
    record_id: int
    volunteer_id: int
    name: str
    phone: str  # masked
    role: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    minutes: int
    status: str
    no_show: bool
    is_backfill: bool


def roster(*, scope: Scope, activity_id: int) -> list[RosterLine]:
    scope.get(Activity, activity_id, field="activity", missing="activity.not_found")
    rows = scope.session.exec(
        select(ServiceRecord, Volunteer.name, Volunteer.phone)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(ServiceRecord.activity_id == activity_id).order_by(ServiceRecord.id)).all()
    return [RosterLine(r.id, r.volunteer_id, name, mask_phone(phone), r.role, r.started_at, r.ended_at, r.minutes,
                       r.status, r.no_show, r.is_backfill) for r, name, phone in rows]


@dataclass(frozen=True)
class QueueLine:
    record_id: int
    name: str
    activity: str
    activity_starts_at: dt.datetime
    minutes: int
    no_show: bool
    is_backfill: bool
    backfill_reason: str
    checked_in_only: bool


def pending_queue(*, scope: Scope, station_id: int, limit: int = 200) -> tuple[list[QueueLine], int]:
    """The newest pending records first (what staff have just entered), at most ``limit``, and how
    many are pending in all."""
    scope.require_station(station_id)
    pending = (ServiceRecord.station_id == station_id) & (ServiceRecord.status == RecordStatus.pending)
    rows = scope.session.exec(
        select(ServiceRecord, Volunteer.name, Activity.title, Activity.starts_at)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .join(Activity, activity_of())
        .where(pending).order_by(Activity.starts_at.desc(), ServiceRecord.id).limit(limit)).all()
    total = scope.session.exec(select(func.count()).select_from(ServiceRecord).where(pending)).one()
    lines = [QueueLine(r.id, name, title, starts_at, r.minutes, r.no_show, r.is_backfill, r.backfill_reason,
                       r.ended_at is None) for r, name, title, starts_at in rows]
    return lines, total


@dataclass(frozen=True)
class LectureLine:
    activity_id: int
    starts_at: dt.datetime
    title: str
    speaker: str
    partners: list[str]
    audience: int


def lecture_sessions(*, scope: Scope, station_id: int, hall: LectureHall, limit: int = 100) -> list[LectureLine]:
    """A lecture hall's sessions, newest first."""
    scope.require_station(station_id)
    activities = scope.session.exec(select(Activity).where(Activity.station_id == station_id, Activity.hall == hall)
                              .order_by(Activity.starts_at.desc()).limit(limit)).all()
    partners: dict[int, list[str]] = {}
    if activities:
        links = scope.session.exec(select(ActivityPartner.activity_id, PartnerUnit.name)
                             .join(PartnerUnit, PartnerUnit.id == ActivityPartner.partner_unit_id)
                             .where(ActivityPartner.activity_id.in_([a.id for a in activities]))).all()
        for activity_id, name in links:
            partners.setdefault(activity_id, []).append(name)
    return [LectureLine(a.id, a.starts_at, a.title, a.speaker, partners.get(a.id, []), a.beneficiaries)
            for a in activities]
