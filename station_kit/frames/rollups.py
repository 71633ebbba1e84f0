"""Roll-ups for analysts: hours, activities, new volunteers, star levels and retention per station
and month (or post, project, team…), grouped by the database (GROUP BY), never by loading records.

Months are calendar months in China time, as 'YYYY-MM' text; ``first_month``/``last_month`` keep
the months between them, both included. Only approved records count (DESIGN.md §4).

**Active volunteer** (retention): a volunteer is active in a month when at least one of their
approved service records, not a no-show and of more than zero minutes, starts in that month. Being
registered, signed up for an activity, or having records still pending does not make one active.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func
from sqlmodel import select

from station_kit.frames.tables import TEXT, _category, _engine, _read, _shape, _star_level
from station_kit.models import Activity, Post, Project, ServiceRecord, Squad, Station, Team, Volunteer
from station_kit.models.work import ActivityStatus, approved_sql, served_sql
from station_kit.rules.calendar import china_month_sql
from station_kit.rules.hours import hours

# hours are rounded per group; minutes add up exactly when groups are summed again.
COUNTS = {"hours": "float64", "minutes": "int64", "records": "int64", "volunteers": "int64"}
ROLLUP_COLUMNS: dict[str, dict[str, object]] = {
    "activities_by": {"activities": "int64", "beneficiaries": "int64"},
    "monthly_figures": {"station": TEXT, "month": TEXT, "hours": "float64", "minutes": "int64", "records": "int64",
                        "volunteers": "int64", "activities": "int64", "beneficiaries": "int64",
                        "new_volunteers": "int64"},
    "star_changes": {"station": TEXT, "month": TEXT, "star_level": "int64", "volunteers": "int64"},
    "retention": {"station": TEXT, "cohort": TEXT, "cohort_size": "int64", "month": TEXT,
                  "months_after": "int64", "active": "int64"},
}
KEY_DTYPES = {"month": TEXT, "post": TEXT, "project": TEXT, "team": TEXT, "squad": TEXT,
              "category": _category("category"), "hall": _category("hall")}


def _within(statement, month, first_month, last_month):
    if first_month:
        statement = statement.where(month >= first_month)
    if last_month:
        statement = statement.where(month <= last_month)
    return statement


def _grouping(engine, by: str, table):
    """The column ``by`` names and the joins it needs, for records (``table`` ServiceRecord) or
    activities (``table`` Activity)."""
    if by == "month":
        return china_month_sql(engine, table.started_at if table is ServiceRecord else table.starts_at), []
    if by in ("category", "hall"):
        return getattr(Activity, by), []
    if by == "post":
        return Post.name, [(Post, Post.id == Activity.post_id)]
    if by == "project":
        return Project.name, [(Project, Project.id == Activity.project_id)]
    if by in ("team", "squad") and table is ServiceRecord:
        unit = Team if by == "team" else Squad
        owner = Volunteer.team_id if by == "team" else Volunteer.squad_id
        return unit.name, [(Volunteer, Volunteer.id == ServiceRecord.volunteer_id), (unit, unit.id == owner)]
    raise ValueError(f"cannot group by {by!r}")


def hours_by(by: str, engine=None, station_id: int | None = None, *, first_month: str | None = None,
             last_month: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Approved hours (and minutes), records and distinct volunteers per station and ``by``: one of month, post,
    project, team, squad (the volunteer's own), category (六大任务) or hall (讲堂). Records of an
    activity without that attribute are left out. Largest first within a station; months in order."""
    engine = _engine(engine)
    key, joins = _grouping(engine, by, ServiceRecord)
    minutes = func.sum(ServiceRecord.minutes)
    statement = (select(Station.code.label("station"), key.label(by), minutes.label("minutes"),
                        func.count().label("records"),
                        func.count(distinct(ServiceRecord.volunteer_id)).label("volunteers"))
                 .join(Station, Station.id == ServiceRecord.station_id))
    if by in ("category", "hall", "post", "project"):  # what the activity says, not the record
        statement = statement.join(Activity, Activity.id == ServiceRecord.activity_id)
    for model, condition in joins:
        statement = statement.join(model, condition)
    statement = statement.where(approved_sql())
    if by != "month":
        statement = statement.where(key.is_not(None))
    if station_id is not None:
        statement = statement.where(ServiceRecord.station_id == station_id)
    statement = _within(statement, china_month_sql(engine, ServiceRecord.started_at), first_month, last_month)
    order = key if by == "month" else minutes.desc()
    statement = statement.group_by(Station.code, key).order_by(Station.code, order, key)
    frame = _read(statement, engine)
    frame["hours"] = frame["minutes"].astype("int64").map(hours).astype("float64")
    return _shape(frame, {"station": TEXT, by: KEY_DTYPES[by], **COUNTS}, headers)


def activities_by(by: str, engine=None, station_id: int | None = None, *, first_month: str | None = None,
                  last_month: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Activities held or planned (not cancelled) and the people they served, per station and
    ``by``: month, post, project, category or hall. Most activities first; months in order."""
    engine = _engine(engine)
    key, joins = _grouping(engine, by, Activity)
    count = func.count()
    statement = (select(Station.code.label("station"), key.label(by), count.label("activities"),
                        func.sum(Activity.beneficiaries).label("beneficiaries"))
                 .join(Station, Station.id == Activity.station_id))
    for model, condition in joins:
        statement = statement.join(model, condition)
    statement = statement.where(Activity.status != ActivityStatus.cancelled, key.is_not(None))
    if station_id is not None:
        statement = statement.where(Activity.station_id == station_id)
    statement = _within(statement, china_month_sql(engine, Activity.starts_at), first_month, last_month)
    order = key if by == "month" else count.desc()
    statement = statement.group_by(Station.code, key).order_by(Station.code, order, key)
    columns = {"station": TEXT, by: KEY_DTYPES[by], **ROLLUP_COLUMNS["activities_by"]}
    return _shape(_read(statement, engine), columns, headers)


def monthly_figures(engine=None, station_id: int | None = None, *, first_month: str | None = None,
                    last_month: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """One row per station and month: approved hours (and minutes), records and volunteers who served; activities
    and people served; volunteers who registered that month (active ones)."""
    engine = _engine(engine)
    months = dict(first_month=first_month, last_month=last_month)
    served = hours_by("month", engine, station_id, **months)
    held = activities_by("month", engine, station_id, **months)
    registered = china_month_sql(engine, Volunteer.registered_at)
    statement = (select(Station.code.label("station"), registered.label("month"),
                        func.count().label("new_volunteers"))
                 .join(Station, Station.id == Volunteer.station_id).where(Volunteer.active))
    if station_id is not None:
        statement = statement.where(Volunteer.station_id == station_id)
    statement = _within(statement, registered, first_month, last_month).group_by(Station.code, registered)
    joined = (served.merge(held, on=["station", "month"], how="outer")
              .merge(_read(statement, engine), on=["station", "month"], how="outer")
              .sort_values(["station", "month"], ignore_index=True))
    return _shape(joined, ROLLUP_COLUMNS["monthly_figures"], headers)


def _volunteer_months(engine, station_id):
    """Approved minutes per station, volunteer (active ones) and month in which they served."""
    month = china_month_sql(engine, ServiceRecord.started_at)
    statement = (select(Station.code.label("station"), ServiceRecord.volunteer_id, month.label("month"),
                        func.sum(ServiceRecord.minutes).label("minutes"))
                 .join(Station, Station.id == ServiceRecord.station_id)
                 .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
                 .where(served_sql(), Volunteer.active))
    if station_id is not None:
        statement = statement.where(ServiceRecord.station_id == station_id)
    return statement.group_by(Station.code, ServiceRecord.volunteer_id, month).subquery()


def star_changes(engine=None, station_id: int | None = None, *, headers: str | None = None) -> pd.DataFrame:
    """How many volunteers (active ones) reached each star level in each month: a volunteer whose
    approved hours passed two thresholds in one month counts once, at the higher level."""
    engine = _engine(engine)
    per_month = _volunteer_months(engine, station_id)
    running = (select(per_month.c.station, per_month.c.month, per_month.c.minutes,
                      func.sum(per_month.c.minutes).over(partition_by=per_month.c.volunteer_id,
                                                         order_by=per_month.c.month).label("after"))
               .subquery())
    level = _star_level(running.c.after)
    statement = (select(running.c.station, running.c.month, level.label("star_level"),
                        func.count().label("volunteers"))
                 .where(level > _star_level(running.c.after - running.c.minutes))
                 .group_by(running.c.station, running.c.month, level)
                 .order_by(running.c.station, running.c.month, level))
    return _shape(_read(statement, engine), ROLLUP_COLUMNS["star_changes"], headers)


def retention(engine=None, station_id: int | None = None, *, headers: str | None = None) -> pd.DataFrame:
    """Cohorts by registration month: for each cohort (active registrations) its size and, for each
    later month in which some of them served, how many were active (see the module's definition).
    ``months_after`` is 0 for the registration month itself."""
    engine = _engine(engine)
    per_month = _volunteer_months(engine, station_id)
    cohort = china_month_sql(engine, Volunteer.registered_at)
    active = (select(per_month.c.station, cohort.label("cohort"), per_month.c.month,
                     func.count().label("active"))
              .join(Volunteer, Volunteer.id == per_month.c.volunteer_id)
              .where(per_month.c.month >= cohort)
              .group_by(per_month.c.station, cohort, per_month.c.month))
    sizes = (select(Station.code.label("station"), cohort.label("cohort"), func.count().label("cohort_size"))
             .join(Station, Station.id == Volunteer.station_id).where(Volunteer.active)
             .group_by(Station.code, cohort))
    if station_id is not None:
        sizes = sizes.where(Volunteer.station_id == station_id)
    frame = _read(active, engine).merge(_read(sizes, engine), on=["station", "cohort"], how="left")

    def index(months: pd.Series) -> pd.Series:
        return months.str[:4].astype("int64") * 12 + months.str[5:7].astype("int64")

    frame["months_after"] = index(frame["month"]) - index(frame["cohort"])
    frame = frame.sort_values(["station", "cohort", "month"], ignore_index=True)
    return _shape(frame, ROLLUP_COLUMNS["retention"], headers)
