"""Read-only figures and DataFrames, computed with SQL aggregation from raw rows (never stored totals)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func
from sqlmodel import Session, select

# The analysts' DataFrames and roll-ups (columns and dtypes pinned in COLUMNS), one import away.
from station_kit.frames import (  # noqa: F401
    COLUMNS,
    ROLLUP_COLUMNS,
    activities,
    activities_by,
    chinese_headers,
    configured_station,
    hours_by,
    lecture_sessions,
    monthly_figures,
    partner_units,
    projects,
    retention,
    service_records,
    squads,
    star_changes,
    teams,
    volunteers,
)
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
from station_kit.models.work import ActivityStatus, RecordStatus
from station_kit.rules.hours import hours
from station_kit.rules.stars import star_thresholds_minutes

# The order in which headline figures are shown on 首页 and printed by `station-kit tally`.
HEADLINE_KEYS = ("volunteers", "party_members", "teams", "squads", "service_points", "service_bases",
                 "associations", "partner_units", "posts", "projects", "brand_projects", "grids")
WORK_KEYS = ("approved_hours", "activities", "beneficiaries", "pending_records")


def _count(session: Session, model, station_id: int, *conditions) -> int:
    statement = select(func.count()).select_from(model).where(model.station_id == station_id, *conditions)
    return session.exec(statement).one()


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
        **work_figures(session, station_id),
    }


def work_figures(session: Session, station_id: int) -> dict:
    """Approved hours (one decimal), pending records, activities held or planned (not cancelled),
    people served, and how many volunteers hold each star level. Only approved minutes count."""
    approved = (ServiceRecord.station_id == station_id) & (ServiceRecord.status == RecordStatus.approved)
    minutes = session.exec(select(func.coalesce(func.sum(ServiceRecord.minutes), 0)).where(approved)).one()
    not_cancelled = (Activity.station_id == station_id) & (Activity.status != ActivityStatus.cancelled)
    return {
        "approved_hours": hours(minutes),
        "pending_records": _count(session, ServiceRecord, station_id,
                                  ServiceRecord.status == RecordStatus.pending),
        "activities": session.exec(select(func.count()).select_from(Activity).where(not_cancelled)).one(),
        "beneficiaries": session.exec(select(func.coalesce(func.sum(Activity.beneficiaries), 0))
                                      .where(not_cancelled)).one(),
        "star_levels": star_level_counts(session, station_id),
    }


def star_level_counts(session: Session, station_id: int) -> dict[str, int]:
    """Active volunteers at each star level ("1" … "5"), bucketed in SQL from approved minutes."""
    per_volunteer = (
        select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes).label("minutes"))
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(ServiceRecord.station_id == station_id, ServiceRecord.status == RecordStatus.approved,
               Volunteer.active)
        .group_by(ServiceRecord.volunteer_id).subquery()
    )
    thresholds = star_thresholds_minutes()
    level = case(*[(per_volunteer.c.minutes >= minutes, level) for level, minutes in reversed(thresholds)],
                 else_=0)
    rows = dict(session.exec(select(level, func.count()).group_by(level)).all())
    return {str(level): int(rows.get(level, 0)) for level, _ in thresholds}


def connect():
    """The engine of the configured database (STATION_KIT_DB_URL), for notebooks."""
    from station_kit.config import get_settings
    from station_kit.db import get_engine

    return get_engine(get_settings().database_url)


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


def reference_comparison(engine, station_code: str = "XSL") -> pd.DataFrame:
    """The article's figures for the reference station beside the ones counted in the database."""
    from station_kit.rules import load_rules

    expected = load_rules("reference_station")["figures"]
    with Session(engine) as session:
        station = session.exec(select(Station).where(Station.code == station_code)).one()
        counted = headline_figures(session, station.id)
    rows = [(key, expected[key], counted[key]) for key in expected]
    frame = pd.DataFrame(rows, columns=["figure", "article", "counted"])
    frame["matches"] = frame["article"].astype(str) == frame["counted"].astype(str)
    return frame


def _local_month(session: Session, column):
    """'YYYY-MM' of a stored UTC timestamp, in China time, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def _approved(station_id: int):
    return (ServiceRecord.station_id == station_id) & (ServiceRecord.status == RecordStatus.approved)


def hours_by_month(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per month (China time), oldest first: columns month, hours."""
    month = _local_month(session, ServiceRecord.started_at).label("month")
    rows = session.exec(select(month, func.sum(ServiceRecord.minutes)).where(_approved(station_id))
                        .group_by(month).order_by(month)).all()
    return pd.DataFrame([(m, hours(v)) for m, v in rows], columns=["month", "hours"])


def hours_by_post(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per volunteer post (岗位), largest first; activities with no post are left out."""
    rows = session.exec(
        select(Post.name, func.sum(ServiceRecord.minutes))
        .join(Activity, Activity.id == ServiceRecord.activity_id).join(Post, Post.id == Activity.post_id)
        .where(_approved(station_id)).group_by(Post.name).order_by(func.sum(ServiceRecord.minutes).desc())
    ).all()
    return pd.DataFrame([(name, hours(v)) for name, v in rows], columns=["post", "hours"])


def hours_by_category(session: Session, station_id: int) -> pd.DataFrame:
    """Approved hours per work task (六大任务): columns category (the enum value), hours."""
    rows = session.exec(
        select(Activity.category, func.sum(ServiceRecord.minutes))
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(_approved(station_id)).group_by(Activity.category).order_by(Activity.category)
    ).all()
    return pd.DataFrame([(category, hours(v)) for category, v in rows], columns=["category", "hours"])


def latest_month_with_hours(session: Session, station_id: int) -> str | None:
    month = _local_month(session, ServiceRecord.started_at)
    return session.exec(select(func.max(month)).where(_approved(station_id))).one()


def top_volunteers(session: Session, station_id: int, month: str, limit: int = 10) -> pd.DataFrame:
    """The volunteers with the most approved hours in ``month`` ('YYYY-MM', China time)."""
    total = func.sum(ServiceRecord.minutes)
    rows = session.exec(
        select(Volunteer.number, Volunteer.name, total)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(_approved(station_id), _local_month(session, ServiceRecord.started_at) == month)
        .group_by(Volunteer.id, Volunteer.number, Volunteer.name)
        .order_by(total.desc(), Volunteer.number).limit(limit)
    ).all()
    return pd.DataFrame([(n, name, hours(v)) for n, name, v in rows], columns=["number", "name", "hours"])
