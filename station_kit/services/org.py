"""The station and its organisation: creating units, and finding the station a session works on."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlmodel import select

from station_kit.db import insert_unique
from station_kit.errors import DomainError, FieldError
from station_kit.models import Grid, PartnerUnit, Post, Squad, Station, Steward, Team
from station_kit.models.org import (
    POPULATION_MOST,
    NamedUnit,
    PartnerKind,
    StationDetailsUpdate,
    StationPublic,
    StewardRole,
    UnitPublic,
)
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope
from station_kit.validation import (
    check_contact,
    check_credit_code,
    check_phone,
    clean_text,
    clean_texts,
    column_length,
)


def create_station(*, scope: Scope, code: str, name: str, **fields: str) -> StationPublic:
    """A new station; ``fields`` are its other text columns (city, street, address)."""
    scope.require()
    errors: list[FieldError] = []
    texts = clean_texts(errors, {"code": code, "name": name, **fields}, Station,
                        required={"code": "station.code_required", "name": "unit.name_required"})
    if errors:
        raise DomainError(errors)
    if scope.session.exec(select(Station).where(Station.code == texts["code"])).first():
        raise DomainError.on("code", "station.code_taken", code=texts["code"])
    station = Station(**texts)
    insert_unique(scope.session, station, lambda: DomainError.on("code", "station.code_taken", code=texts["code"]))
    log_event(scope, action="station.create", entity="station",
              entity_id=station.id, station_id=station.id, name=station.name)
    return _station_public(station)


def update_station_details(*, scope: Scope, station_id: int, data: StationDetailsUpdate) -> StationPublic:
    """An admin corrects the station's name, 负责人 or 联系方式 — what the next certificate prints as its
    issuer (certificates already issued keep what they printed) — or its 常住人口, for 注册率. The log
    keeps each changed field's old and new value; saving with nothing changed writes nothing."""
    scope.require(Role.admin, station_id=station_id)
    errors: list[FieldError] = []
    values = data.model_dump()
    population = values.pop("population")  # None: not known
    texts = clean_texts(errors, values, Station, required={"name": "unit.name_required"})
    if population is not None and (type(population) is not int or not 1 <= population <= POPULATION_MOST):
        errors.append(FieldError("population", "station_details.population_invalid"))
    if "contact" in texts:
        try:
            texts["contact"] = check_contact(texts["contact"])
        except DomainError as error:
            errors.extend(error.errors)
    if errors:
        raise DomainError(errors)
    station = scope.find(Station, station_id)
    if station is None:
        raise DomainError.on("form", "station_details.not_found")
    changes = {field: [getattr(station, field), value] for field, value in {**texts, "population": population}.items()
               if getattr(station, field) != value}
    if changes:
        for field, (_, value) in changes.items():
            setattr(station, field, value)
        scope.session.add(station)
        log_event(scope, action="station.update", entity="station", entity_id=station.id,
                  station_id=station.id, changes=changes)
    return _station_public(station)


def current_station(scope: Scope) -> StationPublic | None:
    """The station a page or a command serves: the one STATION_KIT_STATION names by its code, else the
    first one — unless the person works for other stations only (a 社区's staff signed in to the street's
    hub), who gets the first of theirs."""
    code = os.environ.get("STATION_KIT_STATION")
    query = select(Station).order_by(Station.id)
    station = scope.session.exec(query.where(Station.code == code) if code else query).first()
    mine = scope.actor.stations
    if station is not None and mine and station.id not in mine:
        station = scope.session.exec(query.where(Station.id.in_(mine))).first() or station
    return None if station is None else _station_public(station)


def street_stations(*, scope: Scope, station_id: int) -> list[StationPublic]:
    """The stations of this station's street (itself among them), in their order."""
    scope.require_station(station_id)
    street = scope.session.exec(select(Station.street).where(Station.id == station_id)).one()
    rows = scope.session.exec(select(Station).where(Station.street == street).order_by(Station.id)).all()
    return [_station_public(station) for station in rows]


def stations_named(*, scope: Scope, station_ids: list[int]) -> list[StationPublic]:
    """The stations of these ids, in this order: each one the person works for, or none."""
    for station_id in station_ids:
        scope.require_station(station_id)
    rows = {station.id: station for station in scope.session.exec(
        select(Station).where(Station.id.in_(station_ids))).all()}
    return [_station_public(rows[station_id]) for station_id in station_ids]


def _station_public(station: Station) -> StationPublic:
    return StationPublic.model_validate(station, from_attributes=True)


def add_unit(*, scope: Scope, model: type[NamedUnit], station_id: int, name: str,
             **fields) -> UnitPublic:
    """Add a named unit (room, team, squad, post, project, grid…) to a station."""
    scope.require(station_id=station_id)
    name = clean_text(name, field="name", max_length=column_length(model, "name"), required="unit.name_required")
    if scope.session.exec(select(model).where(model.station_id == station_id, model.name == name)).first():
        raise DomainError.on("name", "unit.name_taken", name=name)
    unit = model(station_id=station_id, name=name, **fields)
    insert_unique(scope.session, unit, lambda: DomainError.on("name", "unit.name_taken", name=name))
    log_event(scope, action=f"{model.__tablename__}.create",
              entity=model.__tablename__, entity_id=unit.id, station_id=station_id, name=name)
    return UnitPublic(id=unit.id, name=unit.name)


def add_partner_unit(*, scope: Scope, station_id: int, name: str, kind: PartnerKind,
                     credit_code: str | None) -> UnitPublic:
    code = check_credit_code(credit_code) if credit_code else None
    return add_unit(scope=scope, model=PartnerUnit, station_id=station_id, name=name,
                    kind=kind, credit_code=code)


def add_steward(*, scope: Scope, station_id: int, grid_id: int, name: str, role: StewardRole,
                phone: str) -> UnitPublic:
    scope.require(station_id=station_id)
    name = clean_text(name, field="name", max_length=column_length(Steward, "name"), required="name.required")
    phone = check_phone(phone)
    grid = scope.find(Grid, grid_id)
    if grid is None or grid.station_id != station_id:
        raise DomainError.on("grid_id", "grid.unknown")
    steward = Steward(station_id=station_id, grid_id=grid_id, name=name, role=role, phone=phone)
    scope.session.add(steward)
    scope.session.flush()
    log_event(scope, action="steward.create", entity="steward",
              entity_id=steward.id, station_id=station_id, grid_id=grid_id, role=role)
    return UnitPublic(id=steward.id, name=steward.name)


@dataclass(frozen=True)
class Choices:
    """A station's teams, squads and posts as (name, id) pairs in the order they were created,
    for a form's dropdowns; squads also know their team."""

    teams: list[tuple[str, int]]
    squads: list[tuple[str, int, int]]  # name, id, team id
    posts: list[tuple[str, int]]

    def squads_of(self, team_id: int | None) -> list[tuple[str, int]]:
        """The squads of one team, or every squad when no team is chosen."""
        return [(name, squad_id) for name, squad_id, owner in self.squads if not team_id or owner == team_id]

    def team_of(self, squad_id: int | None) -> int | None:
        return next((owner for _, found, owner in self.squads if found == squad_id), None)


def station_choices(*, scope: Scope, station_id: int) -> Choices:
    scope.require_station(station_id)
    def named(model):
        return scope.session.exec(select(model).where(model.station_id == station_id).order_by(model.id)).all()

    return Choices(
        teams=[(team.name, team.id) for team in named(Team)],
        squads=[(squad.name, squad.id, squad.team_id) for squad in named(Squad)],
        posts=[(post.name, post.id) for post in named(Post)],
    )
