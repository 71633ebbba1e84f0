"""Read-only figures and DataFrames, computed with SQL aggregation from raw rows (never stored totals)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from station_kit.models import (
    Association,
    Grid,
    PartnerUnit,
    Post,
    Project,
    ServiceBase,
    ServicePoint,
    Squad,
    Station,
    Team,
    Volunteer,
)
from station_kit.clock import CHINA
from station_kit.models.org import PartnerKind
from station_kit.privacy import mask_phone

# The order in which headline figures are shown on 首页 and printed by `station-kit tally`.
HEADLINE_KEYS = ("volunteers", "party_members", "teams", "squads", "service_points", "service_bases",
                 "associations", "partner_units", "posts", "projects", "brand_projects", "grids")


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
    }


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


def volunteers(engine, station_id: int | None = None) -> pd.DataFrame:
    """Volunteers with ID numbers and phones masked, as every export shows them."""
    statement = (
        select(Station.code.label("station"), Volunteer.number, Volunteer.name, Volunteer.gender,
               Volunteer.birth_date, Volunteer.id_number_masked.label("id_number"), Volunteer.phone,
               Volunteer.is_party_member, Team.name.label("team"), Squad.name.label("squad"),
               Volunteer.registered_at, Volunteer.active)
        .join(Station, Station.id == Volunteer.station_id)
        .outerjoin(Team, Team.id == Volunteer.team_id)
        .outerjoin(Squad, Squad.id == Volunteer.squad_id)
        .order_by(Volunteer.station_id, Volunteer.id)
    )
    if station_id is not None:
        statement = statement.where(Volunteer.station_id == station_id)
    frame = pd.read_sql(statement, engine)
    frame["phone"] = frame["phone"].map(mask_phone)
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    frame["registered_at"] = pd.to_datetime(frame["registered_at"], utc=True).dt.tz_convert(CHINA)
    return frame


def reference_comparison(engine, station_code: str = "XSL") -> pd.DataFrame:
    """The article's figures for the reference station beside the ones counted in the database."""
    from station_kit.rules import load_rules

    expected = load_rules("reference_station")["figures"]
    counted = station_figures(engine).set_index("code").loc[station_code]
    rows = [(key, expected[key], counted[key if key != "station" else "name"]) for key in expected]
    frame = pd.DataFrame(rows, columns=["figure", "article", "counted"])
    frame["matches"] = frame["article"].astype(str) == frame["counted"].astype(str)
    return frame
