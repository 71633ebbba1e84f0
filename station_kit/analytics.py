"""Read-only figures and DataFrames, computed with SQL aggregation from raw rows (never stored totals)."""

from __future__ import annotations

import functools
import inspect
import sys

import pandas as pd
from sqlalchemy import case, func
from sqlmodel import Session, select

from station_kit.db import read_session
from station_kit.errors import DomainError

# The analysts' DataFrames and roll-ups (columns and dtypes pinned in COLUMNS), one import away.
from station_kit.frames import (
    COLUMNS,
    ROLLUP_COLUMNS,
    activities,
    activities_by,
    award_spread,
    award_winners,
    awards,
    back_to_back_wins,
    birth_decade,
    chinese_headers,
    configured_station,
    grid_cases,
    hours_by,
    hours_per_volunteer,
    lecture_sessions,
    month_report,
    monthly_figures,
    partner_units,
    period_figures,
    projects,
    requests,
    retention,
    retention_rates,
    service_records,
    squads,
    star_changes,
    teams,
    volunteers,
)
from station_kit.frames.selection import station_id as one_station
from station_kit.frames.tables import _engine
from station_kit.models import (
    Activity,
    Association,
    Grid,
    PartnerUnit,
    Post,
    Project,
    ServiceBase,
    ServicePoint,
    ServiceRecord,
    Squad,
    Station,
    Team,
    Volunteer,
)
from station_kit.models.org import PartnerKind
from station_kit.models.work import ActivityStatus, RecordStatus, activity_of, approved_sql
from station_kit.rules.calendar import china_month_sql, month_bounds, period_months
from station_kit.rules.hours import hours
from station_kit.rules.sla import case_late_sql
from station_kit.rules.stars import star_thresholds_minutes

# What an analyst may use: the figures and frames, and connect(); the tables and helpers this module
# imports to compute them are not part of it.
__all__ = [
    "COLUMNS",
    "HEADLINE_KEYS",
    "ROLLUP_COLUMNS",
    "WORK_KEYS",
    "activities",
    "activities_by",
    "award_counts",
    "award_spread",
    "award_winners",
    "awards",
    "back_to_back_wins",
    "birth_decade",
    "case_figures",
    "case_rates",
    "chinese_headers",
    "community_figures",
    "configured_station",
    "connect",
    "grid_cases",
    "headline_figures",
    "hours_by",
    "hours_by_category",
    "hours_by_month",
    "hours_by_post",
    "hours_per_volunteer",
    "latest_month_with_hours",
    "lecture_sessions",
    "month_report",
    "monthly_figures",
    "partner_units",
    "period_figures",
    "projects",
    "reference_comparison",
    "requests",
    "retention",
    "retention_rates",
    "service_records",
    "squads",
    "star_changes",
    "star_level_counts",
    "station_figures",
    "teams",
    "top_volunteers",
    "volunteers",
    "wish_figures",
    "work_figures",
    "works_ledger",
]

# The order in which headline figures are shown on 首页 and printed by `station-kit tally`.
HEADLINE_KEYS = ("volunteers", "party_members", "teams", "squads", "service_points", "service_bases",
                 "associations", "partner_units", "posts", "projects", "brand_projects", "grids")
WORK_KEYS = ("approved_hours", "activities", "beneficiaries", "pending_records")



def _over_engine(figure):
    """A figure of one station computed in a session, offered to callers in the one calling style
    (frames.selection): ``figure(engine, *, station=…, …)``, ``station`` a code or an id (None: the
    configured station, as apps and the tally choose it), every other option by keyword. Each call reads
    in one transaction of its own. ``figure.in_session(session, station_id, …)`` is the same computation
    inside a session already open, for figures made of several (the tally) and for the apps."""
    @functools.wraps(figure)
    def over_engine(engine=None, *, station=None, **options):
        if isinstance(engine, Session):  # some calls took a session once; now every one takes an engine
            raise TypeError(f"analytics.{figure.__name__} takes an engine (analytics.connect()), not a session")
        engine = _engine(engine)
        station_id = configured_station(engine)["id"] if station is None else one_station(engine, station)
        with read_session(engine) as session:
            return figure(session, station_id, **options)

    parameters = list(inspect.signature(figure).parameters.values())
    keyword = inspect.Parameter.KEYWORD_ONLY
    over_engine.__signature__ = inspect.signature(figure).replace(parameters=[
        parameters[0].replace(name="engine", annotation="Engine | None", default=None),
        inspect.Parameter("station", keyword, default=None, annotation="str | int | None"),
        *(parameter.replace(kind=keyword) for parameter in parameters[2:])])
    over_engine.in_session = figure
    return over_engine


def _count(session: Session, model, station_id: int, *conditions) -> int:
    statement = select(func.count()).select_from(model).where(model.station_id == station_id, *conditions)
    return session.exec(statement).one()


@_over_engine
def headline_figures(session: Session, station_id: int) -> dict:
    """The station's headline figures; ``partner_units`` counts co-building units (服务共建单位),
    ``all_partner_units`` every partner, dual-report, civilised unit and caring enterprise included."""
    station = session.get(Station, station_id)
    active = Volunteer.active
    return {
        "station": station.name,
        "volunteers": _count(session, Volunteer, station_id, active),
        "party_members": _count(session, Volunteer, station_id, active, Volunteer.is_party_member),
        "teams": _count(session, Team, station_id),
        "squads": _count(session, Squad, station_id),
        "service_points": _count(session, ServicePoint, station_id),
        "service_bases": _count(session, ServiceBase, station_id),
        "associations": _count(session, Association, station_id),
        "partner_units": _count(session, PartnerUnit, station_id,
                                PartnerUnit.kind == PartnerKind.co_building),
        "all_partner_units": _count(session, PartnerUnit, station_id),
        "posts": _count(session, Post, station_id),
        "projects": _count(session, Project, station_id),
        "brand_projects": _count(session, Project, station_id, Project.is_brand),
        "grids": _count(session, Grid, station_id),
        "awards": award_counts.in_session(session, station_id),
        **work_figures.in_session(session, station_id),
        **community_figures.in_session(session, station_id),
    }


@_over_engine
def work_figures(session: Session, station_id: int) -> dict:
    """Approved hours (one decimal), pending records, activities held or planned (not cancelled),
    people served, and how many volunteers hold each star level. Only approved minutes count."""
    approved = (ServiceRecord.station_id == station_id) & approved_sql()
    minutes = session.exec(select(func.coalesce(func.sum(ServiceRecord.minutes), 0)).where(approved)).one()
    not_cancelled = (Activity.station_id == station_id) & (Activity.status != ActivityStatus.cancelled)
    return {
        "approved_hours": hours(minutes),
        "pending_records": _count(session, ServiceRecord, station_id,
                                  ServiceRecord.status == RecordStatus.pending),
        "activities": session.exec(select(func.count()).select_from(Activity).where(not_cancelled)).one(),
        "beneficiaries": session.exec(select(func.coalesce(func.sum(Activity.beneficiaries), 0))
                                      .where(not_cancelled)).one(),
        "star_levels": star_level_counts.in_session(session, station_id),
    }


@_over_engine
def star_level_counts(session: Session, station_id: int) -> dict[str, int]:
    """Active volunteers at each star level ("1" … "5"), bucketed in SQL from approved minutes: summed per
    volunteer first, then kept to active volunteers: a join per volunteer, not per record (at a city's largest
    station, 296,000 records, this query went from 72 to 55 ms, `make bench-city`)."""
    sums = (select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes).label("minutes"))
            .where(ServiceRecord.station_id == station_id, approved_sql())
            .group_by(ServiceRecord.volunteer_id).subquery())
    per_volunteer = (select(sums.c.minutes).join(Volunteer, Volunteer.id == sums.c.volunteer_id)
                     .where(Volunteer.active).subquery())
    thresholds = star_thresholds_minutes()
    level = case(*[(per_volunteer.c.minutes >= minutes, level) for level, minutes in reversed(thresholds)],
                 else_=0)
    rows = dict(session.exec(select(level, func.count()).group_by(level)).all())
    return {str(level): int(rows.get(level, 0)) for level, _ in thresholds}


def connect():
    """A read-only engine of the configured database (STATION_KIT_DB_URL), for notebooks: every
    figure reads through it, and an UPDATE, an ORM commit or ``DataFrame.to_sql`` sent through it by
    mistake is refused by the database instead of changing a station's records unaudited."""
    from station_kit.config import get_settings
    from station_kit.db import get_read_only_engine

    _show_refusals_as_messages()
    return get_read_only_engine(get_settings().database_url)


def _show_refusals_as_messages() -> None:
    """In a notebook, a refused call (a station code no station has, a month written wrong) shows its
    Chinese message instead of a traceback ending in a message key (IPython's set_custom_exc)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from station_kit.i18n import refusals

    def show(shell, kind, error, trace, tb_offset=None):
        print("\n".join(refusals(error)), file=sys.stderr)

    shell.set_custom_exc((DomainError,), show)


def station_figures(engine) -> pd.DataFrame:
    """One row per station with its headline figures, counted by SQL GROUP BY (never row by row),
    so the same call rolls up a city's database."""
    frame = pd.read_sql(select(Station.id.label("station_id"), Station.code, Station.name,
                               Station.city, Station.street).order_by(Station.id), engine)
    counts = {
        "volunteers": select(Volunteer.station_id, func.count()).where(Volunteer.active),
        "party_members": select(Volunteer.station_id, func.count()).where(
            Volunteer.active, Volunteer.is_party_member),
        "teams": select(Team.station_id, func.count()),
        "squads": select(Squad.station_id, func.count()),
        "service_points": select(ServicePoint.station_id, func.count()),
        "service_bases": select(ServiceBase.station_id, func.count()),
        "associations": select(Association.station_id, func.count()),
        "partner_units": select(PartnerUnit.station_id, func.count()).where(
            PartnerUnit.kind == PartnerKind.co_building),
        "posts": select(Post.station_id, func.count()),
        "projects": select(Project.station_id, func.count()),
        "brand_projects": select(Project.station_id, func.count()).where(Project.is_brand),
        "grids": select(Grid.station_id, func.count()),
    }
    with engine.connect() as connection:
        for key, statement in counts.items():
            model_station = statement.selected_columns[0]
            rows = dict(connection.execute(statement.group_by(model_station)).all())
            frame[key] = frame["station_id"].map(rows).fillna(0).astype(int)
    return frame


def reference_comparison(engine=None, *, station="XSL") -> pd.DataFrame:
    """The article's figures for the reference station (its code or id) beside the ones counted in the
    database."""
    from station_kit.rules import load_rules

    expected = load_rules("reference_station")["figures"]
    counted = headline_figures(engine, station=station)
    rows = []
    for key, value in expected.items():  # a table of figures (awards per level) gives a row each
        pairs = value.items() if isinstance(value, dict) else [(None, value)]
        rows += [(f"{key}.{sub}" if sub else key, figure, counted[key][sub] if sub else counted[key])
                 for sub, figure in pairs]
    frame = pd.DataFrame(rows, columns=["figure", "article", "counted"])
    frame["matches"] = frame["article"].astype(str) == frame["counted"].astype(str)
    return frame


def _approved(station_id: int):
    return (ServiceRecord.station_id == station_id) & approved_sql()


@_over_engine
def hours_by_month(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per month (China time), oldest first: columns month, hours."""
    month = china_month_sql(session.get_bind(), ServiceRecord.started_at).label("month")
    rows = session.exec(select(month, func.sum(ServiceRecord.minutes)).where(_approved(station_id))
                        .group_by(month).order_by(month)).all()
    return pd.DataFrame([(m, hours(v)) for m, v in rows], columns=["month", "hours"])


@_over_engine
def hours_by_post(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per volunteer post (岗位), largest first; activities with no post are left out."""
    rows = session.exec(
        select(Post.name, func.sum(ServiceRecord.minutes))
        .join(Activity, activity_of()).join(Post, Post.id == Activity.post_id)
        .where(_approved(station_id)).group_by(Post.name).order_by(func.sum(ServiceRecord.minutes).desc())
    ).all()
    return pd.DataFrame([(name, hours(v)) for name, v in rows], columns=["post", "hours"])


@_over_engine
def hours_by_category(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per work task (六大任务): columns category (the enum value), hours."""
    rows = session.exec(
        select(Activity.category, func.sum(ServiceRecord.minutes))
        .join(Activity, activity_of())
        .where(_approved(station_id)).group_by(Activity.category).order_by(Activity.category)
    ).all()
    return pd.DataFrame([(category, hours(v)) for category, v in rows], columns=["category", "hours"])


@_over_engine
def latest_month_with_hours(session: Session, station_id: int) -> str | None:
    month = china_month_sql(session.get_bind(), ServiceRecord.started_at)
    return session.exec(select(func.max(month)).where(_approved(station_id))).one()


@_over_engine
def top_volunteers(session: Session, station_id: int, period: str, limit: int = 10) -> pd.DataFrame:
    """The volunteers with the most approved hours in ``period``, a month ('2022-08', China time); a
    period that is not a month (a year, a day) is refused with a message rather than answered with no
    rows."""
    first_month, last_month = period_months(period)
    if first_month != last_month:
        raise DomainError.on("period", "period.not_a_month", period=str(period))
    first, following = month_bounds(first_month)
    total = func.sum(ServiceRecord.minutes)
    rows = session.exec(
        select(Volunteer.number, Volunteer.name, total)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(_approved(station_id), ServiceRecord.started_at >= first, ServiceRecord.started_at < following)
        .group_by(Volunteer.id, Volunteer.number, Volunteer.name)
        .order_by(total.desc(), Volunteer.number).limit(limit)
    ).all()
    return pd.DataFrame([(n, name, hours(v)) for n, name, v in rows], columns=["number", "name", "hours"])


@_over_engine
def award_counts(session: Session, station_id: int) -> dict[str, int]:
    """Awards (winning entries of final rounds) per level: week, month, quarter, year, collective."""
    from station_kit.models import AwardEntry, AwardRound
    from station_kit.models.awards import AwardLevel, RoundStatus

    rows = dict(session.exec(
        select(AwardRound.level, func.count(AwardEntry.id))
        .join(AwardEntry, AwardEntry.round_id == AwardRound.id)
        .where(AwardRound.station_id == station_id, AwardRound.status == RoundStatus.final, AwardEntry.winner)
        .group_by(AwardRound.level)).all())
    return {level.value: int(rows.get(level, 0)) for level in AwardLevel}
# --- Residents' wishes and grid cases (issue 10) ---------------------------------------------------

@_over_engine
def community_figures(session: Session, station_id: int) -> dict:
    """Wishes, grid cases (rates over every case on record) and the works ledger, for the tally."""
    return {"wishes": wish_figures.in_session(session, station_id),
            "cases": case_figures.in_session(session, station_id),
            "works": works_ledger.in_session(session, station_id)}


@_over_engine
def wish_figures(session: Session, station_id: int) -> dict:
    """Wishes posted (every one, cancelled too), claimed (taken by someone at some point) and fulfilled."""
    from station_kit.models import Request
    from station_kit.models.community import RequestKind

    row = session.exec(select(func.count(), func.count(Request.claimed_at), func.count(Request.fulfilled_at))
                       .where(Request.station_id == station_id, Request.kind == RequestKind.wish)).one()
    return dict(zip(("posted", "claimed", "fulfilled"), (int(value) for value in row)))


@_over_engine
def case_figures(session: Session, station_id: int, now=None) -> dict:
    """Open cases, open cases past any deadline at ``now``, and the three rates over every case."""
    from station_kit import clock
    from station_kit.models import GridCase
    from station_kit.models.community import OPEN_CASES

    now = now or clock.now()
    open_ = GridCase.status.in_(OPEN_CASES)
    late = case_late_sql(GridCase, now)
    counts = session.exec(select(func.count(case((open_, 1))), func.count(case((open_ & late, 1))))
                          .where(GridCase.station_id == station_id)).one()
    rates = case_rates.in_session(session, station_id, by_grid=False, by_month=False)
    first = rates.iloc[0] if len(rates) else None
    return {"open": int(counts[0]), "overdue": int(counts[1]),
            **{name: (None if first is None or pd.isna(first[name]) else round(float(first[name]), 3))
               for name in ("response_rate", "resolution_rate", "satisfaction_rate")}}


@_over_engine
def case_rates(session: Session, station_id: int, *, period=None, by_grid: bool = True,
               by_month: bool = True) -> pd.DataFrame:
    """响应率, 解决率 and 满意率 of grid cases, per grid and month of receipt (China time), by SQL GROUP BY,
    as frames.community.case_counts_sql defines them; with ``period``, of the cases received in it.
    Columns: grid, month (when asked for), received, responded_in_time, resolved, rated, satisfied, and
    the three rates (0–1; NaN when nothing was received or rated)."""
    from station_kit.frames.community import case_counts_sql
    from station_kit.models import GridCase

    keys = []
    if by_grid:
        keys.append(Grid.name.label("grid"))
    if by_month:
        keys.append(china_month_sql(session.get_bind(), GridCase.received_at).label("month"))
    counts = case_counts_sql()
    statement = (select(*keys, *(value.label(name) for name, value in counts.items()))
                 .join(Grid, Grid.id == GridCase.grid_id).where(GridCase.station_id == station_id))
    if period is not None:
        first_month, last_month = period_months(period)
        received = china_month_sql(session.get_bind(), GridCase.received_at)
        statement = statement.where(received >= first_month, received <= last_month)
    if keys:
        group = [Grid.number, Grid.name] if by_grid else []
        group += [keys[-1]] if by_month else []
        statement = statement.group_by(*group).order_by(*group)
    columns = [key.name for key in keys] + list(counts)
    rows = [row for row in session.exec(statement).all() if row[len(keys)]]
    return pd.DataFrame([tuple(row) for row in rows], columns=columns).astype(
        {"response_rate": float, "resolution_rate": float, "satisfaction_rate": float})


@_over_engine
def works_ledger(session: Session, station_id: int) -> dict:
    """The 微改造 ledger: each item's quantity and unit (summed per item and unit) and the total yuan."""
    from station_kit.models import WorksItem

    rows = session.exec(select(WorksItem.item, WorksItem.unit, func.sum(WorksItem.quantity),
                               func.min(WorksItem.id))
                        .where(WorksItem.station_id == station_id)
                        .group_by(WorksItem.item, WorksItem.unit).order_by(func.min(WorksItem.id))).all()
    total = session.exec(select(func.coalesce(func.sum(WorksItem.investment_yuan), 0))
                         .where(WorksItem.station_id == station_id)).one()
    return {"items": {item: {"quantity": float(quantity), "unit": unit} for item, unit, quantity, _ in rows},
            "investment_yuan": int(total)}
