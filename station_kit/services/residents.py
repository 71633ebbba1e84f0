"""Residents (居民) with their care groups, the departments cases are whistled to, and the works
ledger (微改造台账).

A resident's phone is checked like a volunteer's and masked wherever shown; the name shows in full
to staff and shortened (王**) on the public wish wall (DESIGN.md §9, issue "residents are personal
data too"). Consent to record is required and kept with its date, as for volunteers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, select

from station_kit.db import insert_many, new_row_values
from station_kit.errors import DomainError, FieldError
from station_kit.models import Department, Grid, Resident, ResidentCareGroup, Steward, WorksItem
from station_kit.models.community import ResidentCreate, ResidentPublic, WorksItemCreate, WorksItemPublic
from station_kit.models.org import UnitPublic
from station_kit.privacy import mask_phone
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.org import add_unit
from station_kit.services.scope import Scope
from station_kit.services.workflow import replay_ledger
from station_kit.validation import check_phone, clean_texts

_RESIDENT_TEXT = ("name", "building", "unit")


def register_resident(*, scope: Scope, station_id: int, data: ResidentCreate) -> ResidentPublic:
    """Register a resident, or raise DomainError naming every wrong field; nothing is written then.
    The phone may be left empty (many elderly residents are reached at their door)."""
    session = scope.session
    scope.require(station_id=station_id)
    errors: list[FieldError] = []
    resident = check_resident(errors, scope, station_id, data)
    if errors:
        raise DomainError(errors)
    session.add(resident)
    session.flush()
    for group in dict.fromkeys(data.care_groups):
        session.add(ResidentCareGroup(resident_id=resident.id, care_group=group))
    log_event(scope, action="resident.register", entity="resident", entity_id=resident.id,
              station_id=station_id, grid_id=resident.grid_id, care_groups=sorted(data.care_groups))
    session.flush()
    return _shown(session, _SHOWN.where(Resident.id == resident.id))[0]


def import_residents(*, scope: Scope, station_id: int, residents: list[tuple[ResidentCreate, dt.datetime]]) -> list[int]:
    """A station's old register of residents, each as the form took them and when, all or none, with
    one line in the operation log; their ids in order. Each passes the registration form's checks."""
    scope.require(Role.admin, station_id=station_id)
    session = scope.session
    registered = replay_ledger(scope=scope, stories=[(data, at, ()) for data, at in residents], field="residents",
                               refused="history.bad_resident",
                               checked=lambda errors, data, at: check_resident(errors, scope, station_id, data),
                               step=None)
    ids = insert_many(session, Resident, [new_row_values(resident) | {"registered_at": at}
                                          for resident, (_, at) in zip(registered, residents)], with_ids=True)
    insert_many(session, ResidentCareGroup, ({"resident_id": resident_id, "care_group": group}
                                             for resident_id, (data, _) in zip(ids, residents)
                                             for group in dict.fromkeys(data.care_groups)))
    log_event(scope, action="history.residents", entity="station", entity_id=station_id, station_id=station_id,
              residents=len(ids))
    return ids


def check_resident(errors: list[FieldError], scope: Scope, station_id: int, data: ResidentCreate) -> Resident:
    """The registration form's checks (every wrong field appended to ``errors``) and the row they
    give, not yet added; a station's old register (``import_residents``) passes the same."""
    texts = clean_texts(errors, data.model_dump(include=set(_RESIDENT_TEXT)), Resident,
                        required={"name": "name.required"})
    phone = ""
    if (data.phone or "").strip():
        try:
            phone = check_phone(data.phone)
        except DomainError as error:
            errors.extend(error.errors)
    grid = scope.find(Grid, data.grid_id)
    if grid is None or grid.station_id != station_id:
        errors.append(FieldError("grid_id", "grid.unknown"))
    if not data.consent:
        errors.append(FieldError("consent", "resident.consent_required"))
    if data.consent_date and data.consent_date > scope.today():
        errors.append(FieldError("consent_date", "resident.consent_in_future"))
    return Resident(**texts, grid_id=data.grid_id, phone=phone, station_id=station_id,
                    consent_at=data.consent_date or scope.today())


def get_resident(scope: Scope, resident_id: int, station_id: int | None = None) -> Resident:
    resident = scope.find(Resident, resident_id)
    if resident is None or (station_id is not None and resident.station_id != station_id):
        raise DomainError.on("resident_id", "resident.not_found")
    return resident


def list_residents(*, scope: Scope, station_id: int, grid_id: int | None = None,
                   limit: int = 500) -> list[ResidentPublic]:
    """Residents with their phones masked, by grid and name."""
    scope.require_station(station_id)
    statement = _SHOWN.where(Resident.station_id == station_id)
    if grid_id is not None:
        statement = statement.where(Resident.grid_id == grid_id)
    return _shown(scope.session, statement.order_by(Grid.number, Resident.id).limit(limit))


_SHOWN = select(Resident, Grid.name).join(Grid, Grid.id == Resident.grid_id)


def _shown(session: Session, statement) -> list[ResidentPublic]:
    rows = session.exec(statement).all()
    groups: dict[int, list] = {}
    ids = [resident.id for resident, _ in rows]
    if ids:
        for resident_id, group in session.exec(select(ResidentCareGroup.resident_id, ResidentCareGroup.care_group)
                                               .where(ResidentCareGroup.resident_id.in_(ids))).all():
            groups.setdefault(resident_id, []).append(group)
    return [ResidentPublic(id=resident.id, name=resident.name, building=resident.building, unit=resident.unit,
                           grid=grid, phone=mask_phone(resident.phone), care_groups=sorted(groups.get(resident.id, [])))
            for resident, grid in rows]


def care_group_counts(*, session: Session, station_id: int) -> dict[str, int]:
    """How many residents each care group holds (one resident may be in several)."""
    rows = session.exec(select(ResidentCareGroup.care_group, func.count())
                        .join(Resident, Resident.id == ResidentCareGroup.resident_id)
                        .where(Resident.station_id == station_id).group_by(ResidentCareGroup.care_group)).all()
    return {str(group): count for group, count in rows}


def add_department(*, scope: Scope, station_id: int, name: str) -> UnitPublic:
    """A 职能部门 the grids can whistle to."""
    return add_unit(scope=scope, model=Department, station_id=station_id, name=name)


def list_departments(*, scope: Scope, station_id: int) -> list[tuple[str, int]]:
    scope.require_station(station_id)
    rows = scope.session.exec(select(Department).where(Department.station_id == station_id)
                              .order_by(Department.id)).all()
    return [(row.name, row.id) for row in rows]


def record_works_item(*, scope: Scope, station_id: int, data: WorksItemCreate) -> WorksItemPublic:
    """Add one line to the 微改造 ledger: an item, its quantity and unit, and the yuan it took."""
    scope.require(station_id=station_id)
    errors: list[FieldError] = []
    texts = clean_texts(errors, data.model_dump(include={"item", "unit", "note"}), WorksItem,
                        required={"item": "works.item_required"})
    if errors:
        raise DomainError(errors)
    row = WorksItem(**(data.model_dump() | texts), station_id=station_id)
    scope.session.add(row)
    scope.session.flush()
    log_event(scope, action="works.record", entity="worksitem", entity_id=row.id,
              station_id=station_id, item=row.item, quantity=row.quantity, unit=row.unit,
              investment_yuan=row.investment_yuan)
    return WorksItemPublic.model_validate(row, from_attributes=True)


def resident_choices(*, scope: Scope, station_id: int) -> list[tuple[str, int]]:
    """Residents for a staff form, as (grid · name · building unit, id), by grid then name."""
    scope.require_station(station_id)
    rows = scope.session.exec(select(Resident, Grid.name).join(Grid, Grid.id == Resident.grid_id)
                        .where(Resident.station_id == station_id).order_by(Grid.number, Resident.id)).all()
    return [(" · ".join(part for part in (grid, resident.name, resident.building + resident.unit) if part), resident.id)
            for resident, grid in rows]


def grid_choices(*, scope: Scope, station_id: int) -> list[tuple[str, int]]:
    """The station's grids, as (name, id); a steward's own grids only."""
    scope.require_station(station_id)
    return [(grid.name, grid.id) for grid in scope.session.exec(
        select(Grid).where(Grid.station_id == station_id).order_by(Grid.number)).all()
        if scope.actor.in_grid(grid.id)]


def steward_choices(*, scope: Scope, station_id: int) -> dict[int, list[tuple[str, int]]]:
    """Each grid's stewards (小管家), as (name, id), by grid id."""
    scope.require_station(station_id)
    stewards: dict[int, list[tuple[str, int]]] = {}
    query = select(Steward).where(Steward.station_id == station_id).order_by(Steward.id)
    for steward in scope.session.exec(query).all():
        if scope.actor.in_grid(steward.grid_id):
            stewards.setdefault(steward.grid_id, []).append((steward.name, steward.id))
    return stewards


def works_items(*, scope: Scope, station_id: int) -> list[WorksItemPublic]:
    """The ledger's lines in the order they were recorded."""
    scope.require_station(station_id)
    rows = scope.session.exec(select(WorksItem).where(WorksItem.station_id == station_id).order_by(WorksItem.id)).all()
    return [WorksItemPublic.model_validate(row, from_attributes=True) for row in rows]
