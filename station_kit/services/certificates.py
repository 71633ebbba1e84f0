"""志愿服务记录证明 (DESIGN.md §4, 民发〔2015〕149号): issued free, from approved records only.

``issue_service_certificate`` fills the document that station_kit.io.pdf lays out, gives it the
station's next certificate number and keeps the number with what it certified, so that a paper
certificate shown later can be checked (``check_certificate``). The ID number on it is the stored
mask (last 4 only); the service is summed per activity title in SQL, so a volunteer with years of
weekly activities gets one line per activity, not one per week.
"""

from __future__ import annotations

import datetime as dt
import string

from sqlalchemy import func
from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import insert_unique, lock_rows
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.io.documents import ServiceCertificate
from station_kit.models import Activity, IssuedCertificate, ServiceRecord, Station, Volunteer
from station_kit.models.certificates import IssuedCertificatePublic
from station_kit.models.work import activity_of, served_sql
from station_kit.privacy import short_name
from station_kit.rules.hours import hours_text
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope
from station_kit.validation import search_text, typed_number

NUMBER_KIND = "ZM"  # 证明: tells these numbers from award certificates' in one station's sequence space


def issue_service_certificate(*, scope: Scope, volunteer_id: int,
                              period_from: dt.date | None = None,
                              period_until: dt.date | None = None) -> ServiceCertificate:
    """A 志愿服务记录证明 of the volunteer's approved service (within the period, when given), with
    a new certificate number kept for checking, and the issue in the operation log.

    A deactivated volunteer still gets one (people ask for it when they move away); a registration
    merged into another refers to that one, which holds the records now."""
    session = scope.session
    scope.require()
    volunteer = scope.get(Volunteer, volunteer_id, field="volunteer", missing="volunteer.not_found")
    if volunteer.merged_into_id is not None:
        merged_into = session.get(Volunteer, volunteer.merged_into_id)
        raise DomainError.on("volunteer", "certificate.merged", number=volunteer.number, into=merged_into.number)
    if period_from and period_until and period_from > period_until:
        raise DomainError.on("period_until", "certificate.period_order")
    lines = _service_lines(session, volunteer.id, period_from, period_until)
    if not lines and (period_from or period_until):
        raise DomainError.on("volunteer", "certificate.no_approved_hours_in_period", name=volunteer.name,
                             number=volunteer.number, period=_period_text(period_from, period_until))
    if not lines:
        raise DomainError.on("volunteer", "certificate.no_approved_hours", name=volunteer.name,
                             number=volunteer.number)
    minutes = sum(line.minutes for line in lines)
    first = min(line.first for line in lines)
    last = max(line.last for line in lines)
    # Hold the station's row: two staff issuing at once on PostgreSQL must not take one number.
    lock_rows(session, Station, [volunteer.station_id])
    station = session.get(Station, volunteer.station_id)
    today = scope.today()
    number = _next_number(session, station, today)
    issued = IssuedCertificate(
        station_id=station.id, number=number, volunteer_id=volunteer.id, approved_minutes=minutes,
        record_count=sum(line.count for line in lines), period_from=first, period_until=last, issued_on=today,
        handler=scope.actor.signature, person_in_charge=station.person_in_charge, contact=station.contact)
    insert_unique(session, issued, lambda: DomainError.on("form", "write.conflict"))
    log_event(scope, action="certificate.issue", entity="volunteer", entity_id=volunteer.id,
              station_id=station.id, number=number, approved_minutes=minutes,
              period_from=first, period_until=last)
    return ServiceCertificate(
        certificate_number=number, name=volunteer.name, id_type=t(f"enum.id_type.{volunteer.id_type}"),
        masked_id_number=volunteer.id_number_masked, volunteer_number=volunteer.number,
        approved_minutes=minutes, service_content=tuple(line.text() for line in lines),
        period_from=first, period_until=last, station_name=station.name,
        person_in_charge=station.person_in_charge, handler=scope.actor.signature, contact=station.contact,
        issued_on=today)


class _Line:
    """The approved service under one activity title: when, how often, how long."""

    def __init__(self, title: str, first: dt.datetime, last: dt.datetime, count: int, minutes: int):
        self.title, self.count, self.minutes = title, count, minutes
        self.first, self.last = clock.local(first).date(), clock.local(last).date()

    def text(self) -> str:
        hours = hours_text(self.minutes)
        if self.first == self.last:
            return t("certificate.line_one_day", day=self.first.isoformat(), title=self.title,
                     count=self.count, hours=hours)
        return t("certificate.line", start=self.first.isoformat(), end=self.last.isoformat(),
                 title=self.title, count=self.count, hours=hours)


def _service_lines(session: Session, volunteer_id: int, period_from: dt.date | None,
                   period_until: dt.date | None) -> list[_Line]:
    query = (select(Activity.title, func.min(ServiceRecord.started_at), func.max(ServiceRecord.started_at),
                    func.count(), func.sum(ServiceRecord.minutes))
             .join(Activity, activity_of())
             .where(ServiceRecord.volunteer_id == volunteer_id, served_sql())
             .group_by(Activity.title)
             .order_by(func.min(ServiceRecord.started_at), Activity.title))
    if period_from:
        query = query.where(ServiceRecord.started_at >= _station_midnight(period_from))
    if period_until:
        query = query.where(ServiceRecord.started_at < _station_midnight(period_until + dt.timedelta(days=1)))
    return [_Line(*row) for row in session.exec(query).all()]


def _period_text(period_from: dt.date | None, period_until: dt.date | None) -> str:
    if period_from and period_until:
        return t("certificate.period_between", first=period_from.isoformat(), last=period_until.isoformat())
    if period_from:
        return t("certificate.period_from", first=period_from.isoformat())
    return t("certificate.period_until", last=period_until.isoformat())


def _station_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.CHINA)


def _next_number(session: Session, station: Station, today: dt.date) -> str:
    """证明编号: station code, kind, year and a running number (rows are never deleted, and the caller
    holds the station's row, so it never repeats)."""
    count = session.exec(select(func.count()).select_from(IssuedCertificate)
                         .where(IssuedCertificate.station_id == station.id)).one()
    return f"{station.code}-{NUMBER_KIND}-{today.year}-{count + 1:05d}"


def check_certificate(*, scope: Scope, station_id: int, number: str) -> IssuedCertificatePublic | None:
    """证明查验: what the certificate with ``number`` certified when it was issued, or None when the
    station never issued it (a forged or mistyped number).

    The number may be typed in lower case, with spaces or full-width characters; anything but letters,
    digits and dashes is refused as no certificate number. Nothing is logged: what it shows is masked
    as any search result is, and only revealing the full ID number is audited (reveal_personal_data)."""
    scope.require_station(station_id)
    typed = typed_number(number, field="number", key="certificate_check.number_format",
                         allowed=" -" + string.ascii_letters)
    wanted = typed.replace(" ", "").upper()
    if not wanted:
        raise DomainError.on("number", "certificate_check.number_required")
    issued = scope.session.exec(select(IssuedCertificate).where(
        IssuedCertificate.station_id == station_id, IssuedCertificate.number == wanted)).first()
    if issued is None:
        return None
    volunteer = scope.session.get(Volunteer, issued.volunteer_id)
    return IssuedCertificatePublic(
        number=issued.number, volunteer_number=volunteer.number, masked_name=short_name(volunteer.name),
        masked_id_number=volunteer.id_number_masked, approved_minutes=issued.approved_minutes,
        period_from=issued.period_from, period_until=issued.period_until, issued_on=issued.issued_on,
        handler=issued.handler, person_in_charge=issued.person_in_charge)


def find_volunteer(*, scope: Scope, station_id: int, who: str) -> int:
    """The volunteer a person means by ``who``: a volunteer number, or a name that one registration
    alone carries (two people may share a name; then the number is asked for)."""
    scope.require_station(station_id)
    text = search_text(who)
    by_number = scope.session.exec(select(Volunteer.id).where(
        Volunteer.station_id == station_id, Volunteer.number == text.upper())).first()
    if by_number is not None:
        return by_number
    named = scope.session.exec(select(Volunteer.id, Volunteer.number).where(
        Volunteer.station_id == station_id, Volunteer.name == text, Volunteer.merged_into_id.is_(None))).all()
    if len(named) == 1:
        return named[0][0]
    if named:
        raise DomainError.on("volunteer", "certificate.name_ambiguous", name=text,
                             numbers=t("list.separator").join(number for _, number in named))
    raise DomainError.on("volunteer", "certificate.volunteer_unknown", who=text)
