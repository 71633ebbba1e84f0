"""Roll-ups for analysts: hours, activities, new volunteers, star levels and retention per station
and month (or post, project, team…), grouped by the database (GROUP BY), never by loading records.

Months are calendar months in China time, as 'YYYY-MM' text. Every roll-up takes ``station`` or
``street`` and, where time applies, ``period`` by keyword (frames.selection). Only approved records
count (DESIGN.md §4).

**Active volunteer** (retention): a volunteer is active in a month when at least one of their
approved service records, not a no-show and of more than zero minutes, starts in that month. Being
registered, signed up for an activity, or having records still pending does not make one active.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func
from sqlmodel import select

from station_kit.frames.selection import Selection, selection
from station_kit.frames.tables import TEXT, _category, _engine, _read, _shape, _star_level
from station_kit.models import Activity, Post, Project, ServiceRecord, Squad, Station, Team, Volunteer
from station_kit.models.work import ActivityStatus, activity_of, approved_sql, served_sql
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


def hours_by(by: str, engine=None, *, station=None, street: str | None = None, period=None,
             headers: str | None = None) -> pd.DataFrame:
    """Approved hours (and minutes), records and distinct volunteers per station and ``by``: one of month, post,
    project, team, squad (the volunteer's own), category (六大任务) or hall (讲堂). Records of an
    activity without that attribute are left out. Largest first within a station; months in order."""
    engine = _engine(engine)
    chosen = selection(engine, station=station, street=street, period=period)
    key, joins = _grouping(engine, by, ServiceRecord)
    minutes = func.sum(ServiceRecord.minutes)
    statement = (select(Station.code.label("station"), key.label(by), minutes.label("minutes"),
                        func.count().label("records"),
                        func.count(distinct(ServiceRecord.volunteer_id)).label("volunteers"))
                 .join(Station, Station.id == ServiceRecord.station_id))
    if by in ("category", "hall", "post", "project"):  # what the activity says, not the record
        statement = statement.join(Activity, activity_of())
    for model, condition in joins:
        statement = statement.join(model, condition)
    statement = statement.where(approved_sql())
    if by != "month":
        statement = statement.where(key.is_not(None))
    statement = chosen.months(chosen.stations(statement, ServiceRecord),
                              china_month_sql(engine, ServiceRecord.started_at))
    order = key if by == "month" else minutes.desc()
    statement = statement.group_by(Station.code, key).order_by(Station.code, order, key)
    frame = _read(statement, engine)
    frame["hours"] = frame["minutes"].astype("int64").map(hours).astype("float64")
    return _shape(frame, {"station": TEXT, by: KEY_DTYPES[by], **COUNTS}, headers)


def activities_by(by: str, engine=None, *, station=None, street: str | None = None, period=None,
                  headers: str | None = None) -> pd.DataFrame:
    """Activities held or planned (not cancelled) and the people they served, per station and
    ``by``: month, post, project, category or hall. Most activities first; months in order."""
    engine = _engine(engine)
    chosen = selection(engine, station=station, street=street, period=period)
    key, joins = _grouping(engine, by, Activity)
    count = func.count()
    statement = (select(Station.code.label("station"), key.label(by), count.label("activities"),
                        func.sum(Activity.beneficiaries).label("beneficiaries"))
                 .join(Station, Station.id == Activity.station_id))
    for model, condition in joins:
        statement = statement.join(model, condition)
    statement = statement.where(Activity.status != ActivityStatus.cancelled, key.is_not(None))
    statement = chosen.months(chosen.stations(statement, Activity), china_month_sql(engine, Activity.starts_at))
    order = key if by == "month" else count.desc()
    statement = statement.group_by(Station.code, key).order_by(Station.code, order, key)
    columns = {"station": TEXT, by: KEY_DTYPES[by], **ROLLUP_COLUMNS["activities_by"]}
    return _shape(_read(statement, engine), columns, headers)


def monthly_figures(engine=None, *, station=None, street: str | None = None, period=None,
                    headers: str | None = None) -> pd.DataFrame:
    """One row per station and month: approved hours (and minutes), records and volunteers who served; activities
    and people served; volunteers who registered that month (active ones)."""
    engine = _engine(engine)
    chosen = dict(station=station, street=street, period=period)
    served = hours_by("month", engine, **chosen)
    held = activities_by("month", engine, **chosen)
    registered = china_month_sql(engine, Volunteer.registered_at)
    statement = (select(Station.code.label("station"), registered.label("month"),
                        func.count().label("new_volunteers"))
                 .join(Station, Station.id == Volunteer.station_id).where(Volunteer.active))
    within = selection(engine, **chosen)
    statement = within.months(within.stations(statement, Volunteer), registered).group_by(Station.code, registered)
    joined = (served.merge(held, on=["station", "month"], how="outer")
              .merge(_read(statement, engine), on=["station", "month"], how="outer")
              .sort_values(["station", "month"], ignore_index=True))
    return _shape(joined, ROLLUP_COLUMNS["monthly_figures"], headers)


def _volunteer_months(engine, chosen: Selection):
    """Approved minutes per station, volunteer (active ones) and month in which they served."""
    month = china_month_sql(engine, ServiceRecord.started_at)
    statement = (select(Station.code.label("station"), ServiceRecord.volunteer_id, month.label("month"),
                        func.sum(ServiceRecord.minutes).label("minutes"))
                 .join(Station, Station.id == ServiceRecord.station_id)
                 .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
                 .where(served_sql(), Volunteer.active))
    return chosen.stations(statement, ServiceRecord).group_by(Station.code, ServiceRecord.volunteer_id,
                                                              month).subquery()


def star_changes(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """How many volunteers (active ones) reached each star level in each month: a volunteer whose
    approved hours passed two thresholds in one month counts once, at the higher level."""
    engine = _engine(engine)
    per_month = _volunteer_months(engine, selection(engine, station=station, street=street))
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


def _month_number(months: pd.Series) -> pd.Series:
    """'YYYY-MM' as a count of months, so that months subtract."""
    return months.str[:4].astype("int64") * 12 + months.str[5:7].astype("int64")


def _cohort_sizes(engine, chosen: Selection, *, per_station: bool = True):
    """Active registrations per registration month (China time), and per station unless told not to."""
    cohort = china_month_sql(engine, Volunteer.registered_at).label("cohort")
    keys = [Station.code.label("station"), cohort] if per_station else [cohort]
    sizes = (select(*keys, func.count().label("cohort_size")).join(Station, Station.id == Volunteer.station_id)
             .where(Volunteer.active).group_by(*keys))
    return chosen.stations(sizes, Volunteer)


def retention(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Cohorts by registration month: for each cohort (active registrations) its size and, for each
    later month in which some of them served, how many were active (see the module's definition).
    ``months_after`` is 0 for the registration month itself."""
    engine = _engine(engine)
    chosen = selection(engine, station=station, street=street)
    per_month = _volunteer_months(engine, chosen)
    cohort = china_month_sql(engine, Volunteer.registered_at)
    active = (select(per_month.c.station, cohort.label("cohort"), per_month.c.month,
                     func.count().label("active"))
              .join(Volunteer, Volunteer.id == per_month.c.volunteer_id)
              .where(per_month.c.month >= cohort)
              .group_by(per_month.c.station, cohort, per_month.c.month))
    sizes = _read(_cohort_sizes(engine, chosen), engine)
    frame = _read(active, engine).merge(sizes, on=["station", "cohort"], how="left")
    frame["months_after"] = _month_number(frame["month"]) - _month_number(frame["cohort"])
    frame = frame.sort_values(["station", "cohort", "month"], ignore_index=True)
    return _shape(frame, ROLLUP_COLUMNS["retention"], headers)


def retention_rates(engine=None, *, station=None, street: str | None = None, months: int = 24) -> pd.DataFrame:
    """Of the volunteers registered in each year (active registrations), the share active ``k`` months
    after the month they registered in, for k = 0…``months``, with censoring explicit: a cohort counts in
    month k's denominator (``reached``) only once month k has come by the latest month with approved
    service, so 2022's registrations have no month 12 yet; a cell that no cohort reached has rate NaN,
    never 0. Cohorts of whom nobody ever served count in the denominator too.

    One row per year and k: year ('YYYY'), months_after, reached, active, rate. ``attrs`` holds the
    first and last month with approved service (first_month, last_month; None when there is none)."""
    engine = _engine(engine)
    cohorts = retention(engine, station=station, street=street)
    chosen = selection(engine, station=station, street=street)
    sizes = _read(_cohort_sizes(engine, chosen, per_station=False), engine).set_index("cohort")["cohort_size"]
    columns = {"year": TEXT, "months_after": "int64", "reached": "int64", "active": "int64", "rate": "float64"}
    if cohorts.empty or sizes.empty:
        frame = _shape(pd.DataFrame(), columns, None)
        frame.attrs.update(first_month=None, last_month=None)
        return frame
    last = cohorts["month"].max()
    span = pd.Series(_month_number(pd.Series([last] * len(sizes))).to_numpy()
                     - _month_number(pd.Series(sizes.index)).to_numpy(), index=sizes.index)
    reached = pd.DataFrame({k: sizes.where(span >= k, 0) for k in range(months + 1)})
    reached = reached.groupby(reached.index.str[:4]).sum()
    active = (cohorts.assign(year=cohorts["cohort"].str[:4]).groupby(["year", "months_after"])["active"].sum()
              .unstack(fill_value=0).reindex(index=reached.index, columns=range(months + 1), fill_value=0))
    axes = {"index": "year", "columns": "months_after"}
    frame = pd.DataFrame({"reached": reached.rename_axis(**axes).stack(),
                          "active": active.rename_axis(**axes).stack()}).reset_index()
    frame = _shape(frame, columns, None)  # counts to int64 (a missing count is 0), then the rates
    frame["rate"] = frame["active"] / frame["reached"].where(frame["reached"] > 0)  # NaN: nobody reached k
    frame.attrs.update(first_month=str(cohorts["month"].min()), last_month=str(last))
    return frame


MONTH_REPORT_ROWS = {"hours": "服务时长（小时）", "activities": "活动场次", "beneficiaries": "受益人次",
                     "volunteers": "参与服务的志愿者", "new_volunteers": "新注册志愿者",
                     "star_changes": "新晋星级志愿者"}


def month_report(engine=None, *, station=None, street: str | None = None, period=None) -> pd.DataFrame:
    """A month's figures beside the month before and the same month a year earlier: one row per figure
    (MONTH_REPORT_ROWS' Chinese labels), columns 本月, 上月, 去年同月 (0 where a month had nothing).
    ``period`` is one month, '2022-08' (anything else is refused with a message); None takes the latest
    month with approved hours, or this month (China time) when there is none. ``attrs["months"]`` names
    the three months."""
    from station_kit import clock
    from station_kit.errors import DomainError
    from station_kit.rules.calendar import period_months

    engine = _engine(engine)
    month = None
    if period is not None:
        month, last = period_months(period)
        if month != last:
            raise DomainError.on("period", "period.not_a_month", period=str(period))
    monthly = monthly_figures(engine, station=station, street=street).groupby("month").sum(numeric_only=True)
    if month is None:
        served = monthly.index[monthly["hours"] > 0]
        month = served.max() if len(served) else clock.today().strftime("%Y-%m")
    span = pd.Period(month, freq="M")
    months = {"本月": month, "上月": str(span - 1), "去年同月": str(span - 12)}
    stars = star_changes(engine, station=station, street=street).groupby("month")["volunteers"].sum()
    figures = monthly.reindex(list(months.values())).fillna(0)
    figures["star_changes"] = stars.reindex(figures.index).fillna(0)
    figures["hours"] = figures["minutes"].astype("int64").map(hours)  # summed minutes, rounded once
    report = figures[list(MONTH_REPORT_ROWS)].rename(columns=MONTH_REPORT_ROWS).T.astype("float64")
    report.columns = list(months)
    report.attrs["months"] = months
    return report


def hours_per_volunteer(engine=None, *, station=None, street: str | None = None) -> pd.DataFrame:
    """Approved hours per registered (active) volunteer, per month and station, over the months that
    every station chosen has approved service in — so that no station's average is taken over more months
    than another's. Index: month ('YYYY-MM', every month of the window, a month with nothing is 0); one
    column per station code. Empty when the stations share no month."""
    engine = _engine(engine)
    chosen = dict(station=station, street=street)
    monthly = monthly_figures(engine, **chosen)
    sizes = _read(_cohort_sizes(engine, selection(engine, **chosen)), engine).groupby("station")["cohort_size"].sum()
    served = monthly[monthly["hours"] > 0].groupby("station")["month"].agg(["min", "max"])
    codes = list(sizes.index)
    if served.empty or set(served.index) != set(codes) or served["min"].max() > served["max"].min():
        return pd.DataFrame(columns=codes, dtype="float64").rename_axis("month")
    window = pd.period_range(served["min"].max(), served["max"].min(), freq="M").astype(str)
    hours_ = monthly.pivot(index="month", columns="station", values="hours").reindex(index=window, columns=codes)
    return (hours_.fillna(0) / sizes).rename_axis(index="month", columns=None)


PERIOD_FIGURES = {"name": TEXT, "population": "Int64", "registered": "int64", "new_volunteers": "int64",
                  "hours": "float64", "minutes": "int64", "records": "int64", "served": "int64",
                  "activities": "int64", "beneficiaries": "int64", "received": "int64", "responded_in_time": "int64",
                  "resolved": "int64", "rated": "int64", "satisfied": "int64"}


def period_figures(engine=None, *, station=None, street: str | None = None, period) -> pd.DataFrame:
    """Each chosen station's figures over ``period`` (China time), one row per station (index: its code),
    0 where a station had nothing: its ``population`` (常住人口, <NA> where not recorded); ``registered`` —
    active volunteers registered by the end of the period; ``new_volunteers``; approved ``minutes`` /
    ``hours`` and ``records``; ``served`` — distinct volunteers active in the period (served at least once,
    as retention counts them); ``activities`` held and the ``beneficiaries`` they served; and the counts
    behind 三率 of the cases received in the period (frames.community.case_counts_sql). Every figure is
    one GROUP BY in the database."""
    from station_kit.frames.community import case_counts_sql
    from station_kit.models import GridCase

    engine = _engine(engine)
    chosen = selection(engine, station=station, street=street, period=period)
    names = chosen.station_rows(select(Station.code.label("station"), Station.name, Station.population))
    names = _read(names.order_by(Station.id), engine).set_index("station")
    monthly = monthly_figures(engine, station=station, street=street, period=period)
    summed = monthly.groupby("station")[["minutes", "records", "activities", "beneficiaries", "new_volunteers"]].sum()
    # each aggregate reads only the chosen stations' rows (through their station_id index)
    served = chosen.months(chosen.stations(select(Station.code.label("station"),
                                                  func.count(distinct(ServiceRecord.volunteer_id)).label("served"))
                                           .select_from(ServiceRecord)
                                           .join(Station, Station.id == ServiceRecord.station_id)
                                           .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
                                           .where(served_sql(), Volunteer.active), ServiceRecord),
                           china_month_sql(engine, ServiceRecord.started_at)).group_by(Station.code)
    registered = china_month_sql(engine, Volunteer.registered_at)
    people = chosen.stations(select(Station.code.label("station"), func.count().label("registered"))
                             .select_from(Volunteer).join(Station, Station.id == Volunteer.station_id)
                             .where(Volunteer.active, registered <= chosen.last_month), Volunteer).group_by(Station.code)
    counts = {name: value for name, value in case_counts_sql().items() if not name.endswith("_rate")}
    cases = chosen.months(chosen.stations(select(Station.code.label("station"),
                                                 *(value.label(name) for name, value in counts.items()))
                                          .select_from(GridCase).join(Station, Station.id == GridCase.station_id),
                                          GridCase),
                          china_month_sql(engine, GridCase.received_at)).group_by(Station.code)
    frame = names.join([summed, *(_read(each, engine).set_index("station") for each in (served, people, cases))],
                       how="left")
    frame["hours"] = frame["minutes"].fillna(0).astype("int64").map(hours)  # summed minutes, rounded once
    return _shape(frame, PERIOD_FIGURES, None).rename_axis("station")

