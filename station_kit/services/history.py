"""A station's past, brought in at once: its register of volunteers, activities already held and the
service records of them.

This is how the demo builds its years of history, and how a station moving from paper or another
system would bring its old ledger: tens of thousands of rows written in bulk (COPY on PostgreSQL), in
one transaction, by an admin, as one line of the operation log (as an import is), instead of a use case
per record.
Every row is checked before any is written: each room, post, project, partner unit and volunteer
named must be the station's own, and each record must name an activity of the batch and keep its
minutes within its own start and end; each volunteer passes the registration form's checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlmodel import select

from station_kit import clock
from station_kit.db import insert_many, lock_rows, new_row_values
from station_kit.errors import DomainError
from station_kit.models import (
    Activity,
    ActivityPartner,
    ActivitySeries,
    PartnerUnit,
    Post,
    Project,
    Room,
    ServiceRecord,
    Station,
    Volunteer,
    VolunteerCreate,
    VolunteerPost,
)
from station_kit.models.work import (
    ActivityStatus,
    ActivityTheme,
    LectureHall,
    RecordRole,
    RecordStatus,
    WorkTask,
    is_approved,
)
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.context import remember_key, vault_for
from station_kit.services.scope import Scope
from station_kit.services.volunteers import check_volunteer, next_numbers, volunteer_row


@dataclass(frozen=True)
class PastActivity:
    """An activity that was held (its records follow, by their place in the batch)."""

    title: str
    category: WorkTask
    starts_at: dt.datetime
    ends_at: dt.datetime
    post_id: int | None = None
    project_id: int | None = None
    hall: LectureHall | None = None
    room_id: int | None = None
    place: str = ""
    speaker: str = ""
    content: str = ""
    beneficiaries: int = 0
    theme: ActivityTheme | None = None
    organiser: str = ""
    person_in_charge: str = ""
    series: str | None = None  # the title of the weekly series it belongs to, if any
    partner_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PastRecord:
    """One volunteer's service at the batch's activity number ``activity``, as it was decided then."""

    activity: int
    volunteer_id: int
    started_at: dt.datetime
    ended_at: dt.datetime
    minutes: int
    status: RecordStatus
    entered_at: dt.datetime
    entered_by: str
    role: RecordRole = RecordRole.participant
    no_show: bool = False
    is_backfill: bool = False
    backfill_reason: str = ""
    decided_by: str = ""
    decision_reason: str = ""
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class PastVolunteer:
    """Someone on the station's old register, as the registration form would have taken them, and when."""

    data: VolunteerCreate
    registered_at: dt.datetime


@dataclass(frozen=True)
class HistoryImported:
    activities: int
    records: int
    approved_minutes: int


def import_history(*, scope: Scope, station_id: int, activities: list[PastActivity],
                   records: list[PastRecord]) -> HistoryImported:
    """Write the station's past activities and records, all or none, with one audit line."""
    scope.require(Role.admin, station_id=station_id)
    _check(scope, station_id, activities, records)
    session = scope.session
    series_ids = {}
    for title in dict.fromkeys(a.series for a in activities if a.series):
        days = [clock.local(a.starts_at).date() for a in activities if a.series == title]
        series = ActivitySeries(station_id=station_id, title=title, weekday=days[0].weekday(),
                                first_date=days[0], last_date=days[-1])
        session.add(series)
        session.flush()
        series_ids[title] = series.id
    # vars(), not asdict(): the fields are plain values, and asdict's deep copy of each took half the
    # demo's build (a station's history is some 100,000 records).
    rows = [{**{name: value for name, value in vars(a).items() if name not in ("series", "partner_ids")},
             "station_id": station_id, "series_id": series_ids.get(a.series), "status": ActivityStatus.done}
            for a in activities]
    activity_ids = insert_many(session, Activity, rows, with_ids=True)
    insert_many(session, ActivityPartner, (
        {"activity_id": activity_id, "partner_unit_id": partner}
        for activity_id, activity in zip(activity_ids, activities) for partner in dict.fromkeys(activity.partner_ids)))
    insert_many(session, ServiceRecord, (
        {**vars(record), "activity_id": activity_ids[record.activity], "station_id": station_id}
        for record in records))
    approved = sum(record.minutes for record in records if is_approved(record))
    result = HistoryImported(len(activities), len(records), approved)
    log_event(scope, action="history.import", entity="station", entity_id=station_id, station_id=station_id,
              **asdict(result))
    return result


def import_volunteers(*, scope: Scope, station_id: int, volunteers: list[PastVolunteer]) -> list[int]:
    """Register the station's past volunteers, all or none, with one audit line; their ids in order.
    Each passes the registration form's checks (services.volunteers.check_volunteer) and gets the next
    volunteer number; an ID number already registered at the station, or twice in the batch, refuses it."""
    scope.require(Role.admin, station_id=station_id)
    session = scope.session
    lock_rows(session, Station, [station_id])  # numbers and duplicate checks hold, as for registrations
    vault = vault_for(session)
    taken = set(session.exec(select(Volunteer.id_number_hash).where(Volunteer.station_id == station_id)).all())
    rows = []
    for number, (person, volunteer_number) in enumerate(
            zip(volunteers, next_numbers(session, station_id, len(volunteers))), start=1):
        errors = []
        checked = check_volunteer(errors, session, station_id, person.data, vault)
        if errors or checked.id_hash in taken:
            raise DomainError.on("volunteers", "history.bad_volunteer", row=number)
        taken.add(checked.id_hash)
        row = volunteer_row(person.data, checked, station_id=station_id, number=volunteer_number, vault=vault)
        rows.append(new_row_values(row) | {"registered_at": person.registered_at, "updated_at": person.registered_at})
    remember_key(session, vault)
    ids = insert_many(session, Volunteer, rows, with_ids=True)
    insert_many(session, VolunteerPost, ({"volunteer_id": volunteer_id, "post_id": post_id}
                                         for volunteer_id, person in zip(ids, volunteers)
                                         for post_id in dict.fromkeys(person.data.post_ids)))
    log_event(scope, action="history.volunteers", entity="station", entity_id=station_id, station_id=station_id,
              volunteers=len(ids))
    return ids


def _check(scope: Scope, station_id: int, activities: list[PastActivity], records: list[PastRecord]) -> None:
    """Refuse the whole batch at its first wrong row, saying which."""
    references = ((Room, "room_id"), (Post, "post_id"), (Project, "project_id"))
    for model, field in references:
        _require_own(scope, station_id, model, (getattr(a, field) for a in activities), field)
    _require_own(scope, station_id, PartnerUnit, (p for a in activities for p in a.partner_ids), "partner_ids")
    _require_own(scope, station_id, Volunteer, (r.volunteer_id for r in records), "volunteer_id")
    for number, activity in enumerate(activities, start=1):
        if not activity.starts_at < activity.ends_at:
            raise DomainError.on("activities", "history.bad_activity", row=number)
    for number, record in enumerate(records, start=1):
        if not (0 <= record.activity < len(activities) and record.started_at <= record.ended_at
                and 0 <= record.minutes <= (record.ended_at - record.started_at).total_seconds() // 60):
            raise DomainError.on("records", "history.bad_record", row=number)


def _require_own(scope: Scope, station_id: int, model, ids: Iterable[int | None], field: str) -> None:
    wanted = {value for value in ids if value is not None}
    if not wanted:
        return
    own = set(scope.session.exec(select(model.id).where(model.station_id == station_id,
                                                        model.id.in_(sorted(wanted)))).all())
    if wanted - own:
        raise DomainError.on(field, "scope.other_station")
