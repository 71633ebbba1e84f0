"""The hours half of a spreadsheet import (services.imports): rows of who served which activity on
which day for how long.

A file gives a day but no times. Each (activity name, day) becomes one activity in batch mode (an
earlier import's activity of that name and day is reused), and one volunteer's records of a day are
laid end to end from the configured hour, around any record already stored, so that two records of
one volunteer never overlap (the rule services.records holds for every entry).

认定时数 are hours the national system (志愿中国) already certified: they arrive approved, decided by
the worker who imports them, with a reason saying so. 服务时长 are a station's own entries: they
arrive pending, for the approval queue, as hours typed in the activities app do. Rows more than
the back-fill window old are flagged as back-fills, as any late entry is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, select

from station_kit import clock
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.io.cells import cell_text, date_value, id_like, minutes_value
from station_kit.io.sheets import Table
from station_kit.models import Activity, ServiceRecord, Volunteer
from station_kit.models.work import ActivityStatus, AttendanceMode, RecordStatus, WorkTask, activity_of
from station_kit.rules.calendar import is_backfill
from station_kit.rules.hours import hours_text
from station_kit.services.context import vault_for
from station_kit.services.imports import ADD, REFUSE, SKIP, Plan, PreviewRow, cell
from station_kit.services.scope import Scope
from station_kit.validation import check_resident_id, clean_text, column_length


def plan_hours(session: Session, station_id: int, table: Table, rules: dict, filename: str) -> Plan:
    vault = vault_for(session)
    people = session.exec(select(Volunteer.id, Volunteer.number, Volunteer.name, Volunteer.id_number_hash,
                                 Volunteer.id_number_masked)
                          .where(Volunteer.station_id == station_id, Volunteer.active)).all()
    by_hash = {person.id_number_hash: person for person in people}
    by_number = {person.number: person for person in people}
    parsed = []
    for row in table.rows:
        errors: list[FieldError] = []
        person = _person(errors, row.values, vault, by_hash, by_number)
        title = cell(errors, lambda: clean_text(cell_text(row.values.get("activity")), field="activity",
                                                max_length=column_length(Activity, "title"),
                                                required="imports.cell.required"))
        day = _day(errors, row.values)
        minutes, certified = _minutes(errors, row.values)
        parsed.append((row, errors, person, title, day, minutes, certified))

    days = [day for *_, day, _m, _c in parsed if day]
    stored = _stored(session, station_id, min(days), max(days)) if days else _Stored()
    day_starts_at = dt.time.fromisoformat(rules["hours_import"]["day_starts_at"])
    first_row_of: dict[tuple, int] = {}
    plan, accepted = Plan(), []
    for row, errors, person, title, day, minutes, certified in parsed:
        key = (person.id, title, day, minutes) if person and not errors else None
        note, starts_at = None, None
        if key in first_row_of:
            errors.append(FieldError("activity", "imports.duplicate_in_file", {"row": first_row_of[key]}))
        elif key in stored.keys:
            note = FieldError("activity", "imports.hours_already_recorded")
        elif key:
            activity_start = stored.activities[title, day].starts_at if (title, day) in stored.activities \
                else _at(day, day_starts_at)
            starts_at = _free_start(stored.busy[person.id, day], max(activity_start, _at(day, day_starts_at)),
                                    minutes)
            if starts_at + dt.timedelta(minutes=minutes) > _at(day + dt.timedelta(days=1), dt.time()):
                errors.append(FieldError("hours", "imports.day_full", {"start": f"{day_starts_at:%H:%M}"}))
            else:
                stored.busy[person.id, day].append((starts_at, starts_at + dt.timedelta(minutes=minutes)))
        if key:
            first_row_of.setdefault(key, row.number)
        outcome = REFUSE if errors else SKIP if note else ADD
        shown = (cell_text(row.values.get("name")) or (person.name if person else ""),
                 person.id_number_masked if person else "", title or "", day.isoformat() if day else "",
                 hours_text(minutes) if minutes else "",
                 t(f"enum.record_status.{RecordStatus.approved if certified else RecordStatus.pending}"))
        plan.preview_rows.append(PreviewRow(row.number, shown, outcome, tuple(errors), note))
        if outcome == ADD:
            accepted.append((person.id, title, day, minutes, certified, starts_at))

    def write_rows(scope: Scope) -> None:
        _write(scope, station_id, accepted, stored.activities, rules, filename)

    plan.write = write_rows
    return plan


def _person(errors, values, vault, by_hash, by_number):
    """The active volunteer a row names, by ID number or else by 志愿者编号; a name given must match."""
    person = None
    try:
        raw_number = id_like(values.get("id_number"), field="id_number")
        if raw_number:
            person = by_hash.get(vault.lookup_hash(_id_number(raw_number)))
        elif cell_text(values.get("number")):
            person = by_number.get(cell_text(values.get("number")).upper())
        else:
            raise DomainError.on("id_number", "imports.volunteer_missing")
    except DomainError as error:
        errors.extend(error.errors)
        return None
    if person is None:
        errors.append(FieldError("volunteer", "imports.volunteer_unknown"))
        return None
    name = cell_text(values.get("name"))
    if name and name != person.name:
        errors.append(FieldError("name", "imports.name_mismatch", {"name": person.name, "number": person.number}))
    return person


def _id_number(raw: str) -> str:
    """The number as registered: a resident ID checked and upper-cased, any other ID as typed."""
    try:
        return check_resident_id(raw).number
    except DomainError:
        return raw.replace(" ", "").upper()


def _day(errors, values) -> dt.date | None:
    day = cell(errors, lambda: date_value(values.get("date"), field="date"))
    if day is None:
        if not any(error.field == "date" for error in errors):
            errors.append(FieldError("date", "imports.cell.required"))
        return None
    if day > clock.today() or day.year < 2000:
        errors.append(FieldError("date", "imports.cell.date_out_of_range"))
        return None
    return day


def _minutes(errors, values) -> tuple[int | None, bool]:
    """Minutes and whether they are certified (认定时数), from the first time column that has a value."""
    for field_name, unit, certified in (("certified_hours", "hours", True), ("hours", "hours", False),
                                        ("minutes", "minutes", False)):
        if cell_text(values.get(field_name)):
            return cell(errors, lambda: minutes_value(values.get(field_name), field=field_name, unit=unit)), certified
    errors.append(FieldError("hours", "imports.cell.required"))
    return None, False


class _Stored:
    """What the database already holds in the file's days: records as keys and busy times, and the
    activities earlier imports made."""

    def __init__(self):
        self.keys: set[tuple] = set()
        # Busy times by (volunteer, China day): an entry is placed within its day, so only that day's
        # times are looked at (looking at all of a person's times made a long file slow quadratically).
        self.busy: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.activities: dict[tuple[str, dt.date], Activity] = {}


def _stored(session: Session, station_id: int, first: dt.date, last: dt.date) -> _Stored:
    stored = _Stored()
    since, until = _at(first, dt.time()), _at(last + dt.timedelta(days=1), dt.time())
    rows = session.exec(
        select(ServiceRecord.volunteer_id, ServiceRecord.started_at, ServiceRecord.ended_at, ServiceRecord.minutes,
               ServiceRecord.no_show, Activity.title, Activity.starts_at, Activity.ends_at)
        .join(Activity, activity_of())
        .where(ServiceRecord.station_id == station_id, ServiceRecord.status != RecordStatus.rejected,
               Activity.starts_at >= since, Activity.starts_at < until)).all()
    for volunteer_id, started_at, ended_at, minutes, no_show, title, activity_start, activity_end in rows:
        stored.keys.add((volunteer_id, title, clock.local(activity_start).date(), minutes))
        if not no_show:
            ends_at = ended_at or activity_end
            for day in {clock.local(started_at).date(), clock.local(ends_at).date()}:
                stored.busy[volunteer_id, day].append((started_at, ends_at))
    for activity in session.exec(select(Activity).where(
            Activity.station_id == station_id, Activity.attendance_mode == AttendanceMode.batch,
            Activity.starts_at >= since, Activity.starts_at < until)).all():
        stored.activities.setdefault((activity.title, clock.local(activity.starts_at).date()), activity)
    return stored


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=clock.CHINA)


def _free_start(busy: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, minutes: int) -> dt.datetime:
    """The earliest start from ``start`` on at which ``minutes`` overlap none of ``busy``: one sweep
    over the times in order of their beginning (the start only moves later, so none looked at before
    can overlap again)."""
    length = dt.timedelta(minutes=minutes)
    for begin, end in sorted(busy):
        if begin < start + length and end > start:
            start = end
    return start


def _write(scope, station_id, accepted, activities, rules, filename) -> None:
    session = scope.session
    now, today = scope.now(), scope.today()
    category = WorkTask(rules["hours_import"]["category"])
    for _person_id, title, day, minutes, _certified, starts_at in accepted:
        ends_at = starts_at + dt.timedelta(minutes=minutes)
        activity = activities.get((title, day))
        if activity is None:
            activity = Activity(station_id=station_id, title=title, category=category, starts_at=starts_at,
                                ends_at=ends_at, attendance_mode=AttendanceMode.batch, status=ActivityStatus.done)
            activities[title, day] = activity
        activity.starts_at = min(activity.starts_at, starts_at)
        activity.ends_at = max(activity.ends_at, ends_at)
        session.add(activity)
    session.flush()
    reason = t("imports.backfill_reason", file=filename)[:column_length(ServiceRecord, "backfill_reason")]
    certified_reason = t("imports.certified_reason")[:column_length(ServiceRecord, "decision_reason")]
    records = []
    for person_id, title, day, minutes, certified, starts_at in accepted:
        backfill = is_backfill(day, today)
        records.append(ServiceRecord(
            station_id=station_id, volunteer_id=person_id, activity_id=activities[title, day].id,
            started_at=starts_at, ended_at=starts_at + dt.timedelta(minutes=minutes), minutes=minutes,
            status=RecordStatus.approved if certified else RecordStatus.pending,
            is_backfill=backfill, backfill_reason=reason if backfill else "",
            entered_at=now, entered_by=scope.actor.name,
            decided_by=scope.actor.name if certified else "", decided_at=now if certified else None,
            decision_reason=certified_reason if certified else ""))
    session.add_all(records)
