"""Exports a worker hands on: the volunteer roll (masked, as every screen shows it), service records
and the monthly report for the street, each as a sheet of Chinese headers and plain values that
station_kit.io writes as .xlsx or CSV.

Nothing here unmasks: an export holds the same last-4 ID numbers and 138****8000 phones as the
screens (DESIGN.md §9), so a file that travels by WeChat or USB stick gives no ID number away.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlmodel import select

from station_kit import clock
from station_kit.frames import monthly_figures
from station_kit.i18n import t
from station_kit.io.sheets import Column, csv_bytes, xlsx_bytes
from station_kit.models import Activity, ServiceRecord, Volunteer
from station_kit.models.work import RecordStatus, activity_of
from station_kit.rules.calendar import month_bounds
from station_kit.rules.hours import hours
from station_kit.services.scope import Scope
from station_kit.services.volunteers import to_public

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]

    def to_bytes(self, file_format: str) -> bytes:
        if file_format == "csv":
            return csv_bytes(self.columns, self.rows)
        return xlsx_bytes(self.title, self.columns, self.rows)


def _columns(prefix: str, names: tuple[str, ...], text: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    return tuple(Column(t(f"{prefix}.{name}"), text=name in text) for name in names)


_VOLUNTEER_FIELDS = ("number", "name", "gender", "age", "id_type", "id_number", "phone", "residence_area",
                     "is_party_member", "team", "squad", "posts", "approved_hours", "star_level", "active",
                     "registered_at")


def volunteers_sheet(*, scope: Scope, station_id: int) -> Sheet:
    """Every volunteer of the station, active or not, masked, in number order."""
    scope.require_station(station_id)
    rows = scope.session.exec(select(Volunteer).where(Volunteer.station_id == station_id)
                        .order_by(Volunteer.number)).all()
    shown = to_public(scope, rows)
    yes, no = t("enum.yes_no.yes"), t("enum.yes_no.no")
    return Sheet(t("exports.volunteers_title"),
                 _columns("exports.volunteers", _VOLUNTEER_FIELDS, frozenset({"number", "id_number", "phone"})),
                 [(v.number, v.name, t(f"enum.gender.{v.gender}"), v.age, t(f"enum.id_type.{v.id_type}"),
                   v.id_number, v.phone, v.residence_area, yes if v.is_party_member else no, v.team, v.squad,
                   t("list.separator").join(v.posts), v.approved_hours, v.star_level, yes if v.active else no,
                   clock.local(v.registered_at).date()) for v in shown])


_RECORD_FIELDS = ("number", "name", "activity", "date", "started", "ended", "hours", "status", "backfill",
                  "entered_by")


def hours_sheet(*, scope: Scope, station_id: int, month: str | None = None) -> Sheet:
    """Service records (no-shows left out), of one month ('YYYY-MM', China time) or all, oldest first."""
    scope.require_station(station_id)
    statement = (select(Volunteer.number, Volunteer.name, Activity.title, ServiceRecord.started_at,
                        ServiceRecord.ended_at, ServiceRecord.minutes, ServiceRecord.status,
                        ServiceRecord.is_backfill, ServiceRecord.entered_by)
                 .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
                 .join(Activity, activity_of())
                 .where(ServiceRecord.station_id == station_id, ~ServiceRecord.no_show))
    if month:
        since, until = month_bounds(month)
        statement = statement.where(ServiceRecord.started_at >= since, ServiceRecord.started_at < until)
    yes, no = t("enum.yes_no.yes"), t("enum.yes_no.no")
    statuses = {status: t(f"enum.record_status.{status}") for status in RecordStatus}
    shown_hours = functools.lru_cache(maxsize=None)(hours)  # a month's records take a few dozen lengths
    rows = []
    # Core rows, not ORM ones: a large station's month is thousands of records.
    for number, name, title, started, ended, minutes, status, backfill, entered_by in scope.session.connection(
            ).execute(statement.order_by(ServiceRecord.started_at, ServiceRecord.id)).all():
        start = clock.local(started)
        rows.append((number, name, title, start.date(), f"{start:%H:%M}",
                     f"{clock.local(ended):%H:%M}" if ended else "", shown_hours(minutes),
                     statuses[status], yes if backfill else no, entered_by))
    title = t("exports.hours_title", month=month) if month else t("exports.hours_title_all")
    return Sheet(title, _columns("exports.hours", _RECORD_FIELDS, frozenset({"number"})), rows)


def _shift(month: str, months: int) -> str:
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + months, 12)
    return f"{year:04d}-{number + 1:02d}"


# Each figure of the report, and the column of analytics.monthly_figures it is.
_MONTH_FIGURES = {"approved_hours": "hours", "activities": "activities", "records": "records",
                  "volunteers_served": "volunteers", "beneficiaries": "beneficiaries",
                  "new_volunteers": "new_volunteers"}


def month_sheet(*, scope: Scope, station_id: int, month: str) -> Sheet:
    """The monthly report for the street: each figure this month, the month before, and the same
    month a year earlier, as analytics.monthly_figures counts them (so the 月度报告 notebook and this
    file agree): approved hours only, activities held or planned (not cancelled), and new volunteers
    not merged away as duplicates."""
    scope.require_station(station_id)
    month = month_bounds(month)[0].strftime("%Y-%m")  # refuses what is not a month; 2024-3 is 2024-03
    months = (month, _shift(month, -1), _shift(month, -12))
    frame = monthly_figures(scope.session.get_bind(), station=station_id, period=(months[2], month))
    found = frame.set_index("month")
    figures = [{key: found.at[each, column] if each in found.index else 0 for key, column in _MONTH_FIGURES.items()}
               for each in months]
    columns = (Column(t("exports.month.figure")),
               *(Column(t(f"exports.month.{key}", month=each)) for key, each in
                 zip(("this_month", "month_before", "year_before"), months)))
    rows = [(t(f"exports.month.figures.{key}"), *(_plain(figure[key]) for figure in figures))
            for key in _MONTH_FIGURES]
    return Sheet(t("exports.month_title", month=month), columns, rows)


def _plain(value):
    """A pandas number as the plain int or float a sheet cell takes."""
    return value.item() if hasattr(value, "item") else value
