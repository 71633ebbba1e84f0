"""Duplicate registrations: finding them (same ID number, or same name and phone) and merging them
so that no record is lost."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData, delete, func, update
from sqlmodel import Session, SQLModel, select

from station_kit.db import lock_rows
from station_kit.errors import DomainError
from station_kit.models import Volunteer
from station_kit.models.people import VolunteerPublic
from station_kit.services.scope import Scope
from station_kit.services.volunteers import VOLUNTEER_FLOW, get_active_volunteer, to_public
from station_kit.services.workflow import transition


@dataclass(frozen=True)
class DuplicateGroup:
    reason: str  # "id_number" or "name_phone"
    volunteers: list[VolunteerPublic]


def find_duplicates(*, scope: Scope, station_id: int) -> list[DuplicateGroup]:
    """Active volunteers who share an ID number, or a name and a phone."""
    scope.require_station(station_id)
    session = scope.session
    active = (Volunteer.station_id == station_id) & Volunteer.active
    groups: list[DuplicateGroup] = []
    by_hash = select(Volunteer.id_number_hash).where(active).group_by(
        Volunteer.id_number_hash).having(func.count() > 1)
    seen: set[frozenset[int]] = set()
    for (id_hash,) in session.exec(by_hash).all():
        rows = session.exec(select(Volunteer).where(active, Volunteer.id_number_hash == id_hash)
                            .order_by(Volunteer.id)).all()
        seen.add(frozenset(row.id for row in rows))
        groups.append(DuplicateGroup("id_number", to_public(scope, rows)))
    by_name_phone = select(Volunteer.name, Volunteer.phone).where(active).group_by(
        Volunteer.name, Volunteer.phone).having(func.count() > 1)
    for name, phone in session.exec(by_name_phone).all():
        rows = session.exec(select(Volunteer).where(active, Volunteer.name == name,
                                                    Volunteer.phone == phone)
                            .order_by(Volunteer.id)).all()
        if frozenset(row.id for row in rows) not in seen:
            groups.append(DuplicateGroup("name_phone", to_public(scope, rows)))
    return groups


def merge_volunteers(*, scope: Scope, keep_id: int, drop_id: int) -> VolunteerPublic:
    """Fold ``drop`` into ``keep``: every row that points at ``drop`` is moved to ``keep``, empty
    fields of ``keep`` are filled from ``drop``, and ``drop`` stays on record as merged, inactive."""
    scope.require()
    return to_public(scope, [_merge(scope, keep_id, drop_id)])[0]


def merge_group(*, scope: Scope, keep_id: int, drop_ids: list[int]) -> VolunteerPublic:
    """Fold every volunteer of a duplicate group into ``keep``, in one transaction: a group of three
    is merged entirely or not at all."""
    scope.require()
    if not drop_ids:
        raise DomainError.on("volunteer", "merge.nothing_to_merge")
    keep = None
    for drop_id in drop_ids:
        keep = _merge(scope, keep_id, drop_id)
    return to_public(scope, [keep])[0]


def _merge(scope: Scope, keep_id: int, drop_id: int) -> Volunteer:
    session = scope.session
    if keep_id == drop_id:
        raise DomainError.on("volunteer", "merge.same_volunteer")
    lock_rows(session, Volunteer, [keep_id, drop_id])
    keep = get_active_volunteer(scope, keep_id)
    drop = get_active_volunteer(scope, drop_id)
    if keep.station_id != drop.station_id:
        raise DomainError.on("volunteer", "merge.other_station")
    moved = _repoint_references(session, drop.id, keep.id)
    for field_name in ("residence_area", "skills", "service_categories", "guardian_name"):
        if not getattr(keep, field_name) and getattr(drop, field_name):
            setattr(keep, field_name, getattr(drop, field_name))
    keep.is_party_member = keep.is_party_member or drop.is_party_member
    keep.team_id = keep.team_id or drop.team_id
    keep.squad_id = keep.squad_id or drop.squad_id
    keep.updated_at = scope.now()
    transition(scope=scope, workflow=VOLUNTEER_FLOW, row=drop, action="merge", reason=f"merged into {keep.number}",
               kept=keep.number, merged=drop.number, moved=moved)
    drop.merged_into_id = keep.id
    session.add_all([keep, drop])
    return keep


def _repoint_references(session: Session, from_id: int, to_id: int) -> dict[str, int]:
    """Move every foreign key to volunteer.id, in every table, so a merge keeps all records —
    including tables added after this function was written."""
    moved: dict[str, int] = {}
    for table, column in _volunteer_references(SQLModel.metadata):
        if column.primary_key:
            # A link row that would collide with one ``to`` already has is a duplicate: drop it.
            others = [c for c in table.primary_key.columns if c is not column]
            existing = select(*others).where(column == to_id)
            clash = [c.in_(existing) for c in others][0] if len(others) == 1 else None
            if clash is not None:
                session.execute(delete(table).where(column == from_id, clash))
        result = session.execute(update(table).where(column == from_id).values({column.name: to_id}))
        if result.rowcount:
            moved[f"{table.name}.{column.name}"] = result.rowcount
    return moved


def _volunteer_references(metadata: MetaData):
    for table in metadata.sorted_tables:
        for column in table.columns:
            for foreign_key in column.foreign_keys:
                if foreign_key.column.table.name == "volunteer" and not (
                        table.name == "volunteer" and column.name == "merged_into_id"):
                    yield table, column
