"""Volunteer registry: register, update, search, find and merge duplicates, deactivate.

ID numbers are checked (GB 11643) and stored encrypted with a keyed hash for look-up; everything this
module returns for display is a VolunteerPublic with the ID number and phone masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import insert_unique, lock_rows
from station_kit.errors import DomainError, FieldError
from station_kit.models import (
    Post,
    ServiceRecord,
    Squad,
    Station,
    Team,
    Volunteer,
    VolunteerPost,
)
from station_kit.models.people import (
    IdType,
    VolunteerCreate,
    VolunteerPublic,
    VolunteerStatus,
    VolunteerUpdate,
)
from station_kit.models.work import approved_sql
from station_kit.privacy import mask_id_number, mask_phone
from station_kit.rules.hours import hours
from station_kit.rules.people import needs_guardian
from station_kit.rules.stars import star_level
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.context import remember_key, vault_for
from station_kit.services.scope import Scope
from station_kit.services.workflow import Stamp, Workflow, transition
from station_kit.validation import (
    REASON_MOST,
    age_on,
    check_other_id,
    check_phone,
    check_resident_id,
    clean_text,
    clean_texts,
    column_length,
    name_pinyin,
    plausible_birth_date,
    search_text,
)

# A registration is active until it is deactivated (注销, with a reason) or merged into another
# registration of the same person (duplicates.merge_group); neither is undone.
VOLUNTEER_FLOW = Workflow("volunteer", {
    (VolunteerStatus.active, "deactivate"): VolunteerStatus.deactivated,
    (VolunteerStatus.active, "merge"): VolunteerStatus.merged,
}, needs_reason=frozenset({"deactivate", "merge"}),
    stamps={"deactivate": Stamp("deactivated_at", reason="deactivation_reason"),
            "merge": Stamp("deactivated_at", reason="deactivation_reason")})


def register_volunteer(
    *,
    scope: Scope,
    station_id: int,
    data: VolunteerCreate,
    allow_similar: bool = False,
) -> VolunteerPublic:
    """Register a volunteer, or raise DomainError listing every field that is wrong.

    The same ID number twice is refused. The same name and phone as someone already registered is
    refused as a possible duplicate unless ``allow_similar`` (the form asks the worker to confirm).
    Registrations at one station queue on the station's row, so the duplicate checks and the
    running number hold when several kernels register at once on PostgreSQL.
    """
    session = scope.session
    scope.require(station_id=station_id)
    vault = vault_for(session)
    lock_rows(session, Station, [station_id])
    errors: list[FieldError] = []
    checked = check_volunteer(errors, session, station_id, data, vault)
    if checked.id_hash and (existing := _active_by_hash(session, station_id, checked.id_hash)):
        errors.append(_duplicate_error(existing))
    if errors:
        raise DomainError(errors)
    if not allow_similar:
        similar = _active_by_name_phone(session, station_id, checked.texts["name"], checked.phone)
        if similar:
            raise DomainError.on("name", "volunteer.possible_duplicate", number=similar.number,
                                 name=similar.name)
    volunteer = volunteer_row(data, checked, station_id=station_id, number=next_numbers(session, station_id)[0],
                              vault=vault)
    remember_key(session, vault)
    insert_unique(session, volunteer, lambda: _lost_race(session, station_id, checked.id_hash))
    _set_posts(session, volunteer.id, data.post_ids)
    log_event(scope, action="volunteer.register", entity="volunteer",
              entity_id=volunteer.id, station_id=station_id, number=volunteer.number)
    return to_public(scope, [volunteer])[0]


@dataclass(frozen=True)
class CheckedVolunteer:
    """What the checks of one registration found: the cleaned texts, the identity the ID number
    gives and the phone (None where refused), and the ID number's keyed hash for look-up."""

    texts: dict[str, str]
    identity: _Identity | None
    phone: str | None
    id_hash: str | None


def check_volunteer(errors: list[FieldError], session: Session, station_id: int, data: VolunteerCreate,
                    vault) -> CheckedVolunteer:
    """Every check of a registration but the look-ups for duplicates, its refusals added to
    ``errors``: the form's registration and a spreadsheet import check a person the same way."""
    texts = clean_texts(errors, data.model_dump(include=set(_TEXT_FIELDS)), Volunteer, required=_REQUIRED_TEXT)
    identity = _collect(errors, lambda: _check_identity(data))
    phone = _collect(errors, lambda: check_phone(data.phone))
    if not data.consent:
        errors.append(FieldError("consent", "consent.required"))
    if data.consent_date and identity and not identity.birth_date <= data.consent_date <= clock.today():
        errors.append(FieldError("consent_date", "consent.date_out_of_range"))
    if identity and needs_guardian(identity.age):
        if texts.get("guardian_name") == "":
            errors.append(FieldError("guardian_name", "guardian.name_required"))
        if not data.guardian_consent:
            errors.append(FieldError("guardian_consent", "guardian.consent_required"))
    _check_memberships(session, errors, station_id, data.team_id, data.squad_id, data.post_ids)
    id_hash = vault.lookup_hash(identity.number) if identity else None
    return CheckedVolunteer(texts, identity, phone, id_hash)


def volunteer_row(data: VolunteerCreate, checked: CheckedVolunteer, *, station_id: int, number: str,
                  vault) -> Volunteer:
    """The row for a registration that passed every check."""
    identity = checked.identity
    full, initials = _pinyin(checked.texts["name"])
    consent_date = data.consent_date or clock.today()
    return Volunteer(
        **(data.model_dump(include=set(_BASE_FIELDS) - {"phone"}) | checked.texts),
        phone=checked.phone,
        station_id=station_id,
        number=number,
        gender=identity.gender,
        birth_year=identity.birth_date.year,
        birth_date_cipher=vault.encrypt_date(identity.birth_date),
        id_number_cipher=vault.encrypt(identity.number),
        id_number_hash=checked.id_hash,
        id_number_masked=mask_id_number(identity.number),
        id_number_note=identity.note,
        name_pinyin=full,
        name_initials=initials,
        consent_at=consent_date,
        guardian_consent_at=consent_date if data.guardian_consent else None,
    )


_CLEARABLE = {"team_id", "squad_id"}
_TEXT_FIELDS = ("name", "residence_area", "skills", "service_categories", "guardian_name")
_REQUIRED_TEXT = {"name": "name.required"}
_BASE_FIELDS = ("name", "id_type", "residence_area", "phone", "skills", "service_categories",
                "is_party_member", "team_id", "squad_id", "guardian_name")


@dataclass(frozen=True)
class _Identity:
    number: str
    gender: str
    birth_date: object
    note: str

    @property
    def age(self) -> int:
        return age_on(self.birth_date, clock.today())


def _check_identity(data: VolunteerCreate) -> _Identity:
    """A resident ID gives gender and birth date; an entry that contradicts it is refused."""
    if data.id_type == IdType.resident_id:
        resident = check_resident_id(data.id_number)
        errors = []
        if data.gender and data.gender != resident.gender:
            errors.append(FieldError("gender", "gender.conflicts_id_number"))
        if data.birth_date and data.birth_date != resident.birth_date:
            errors.append(FieldError("birth_date", "birth_date.conflicts_id_number"))
        if errors:
            raise DomainError(errors)
        return _Identity(resident.number, resident.gender, resident.birth_date, resident.note)
    number = check_other_id(data.id_number)
    errors = []
    if not data.gender:
        errors.append(FieldError("gender", "gender.required"))
    if not data.birth_date:
        errors.append(FieldError("birth_date", "birth_date.required"))
    elif not plausible_birth_date(data.birth_date):
        errors.append(FieldError("birth_date", "birth_date.out_of_range"))
    if errors:
        raise DomainError(errors)
    return _Identity(number, data.gender, data.birth_date, "")


def _collect(errors: list[FieldError], check):
    try:
        return check()
    except DomainError as error:
        errors.extend(error.errors)
        return None


def _check_memberships(session, errors, station_id, team_id, squad_id, post_ids) -> None:
    if team_id is not None:
        team = session.get(Team, team_id)
        if not team or team.station_id != station_id:
            errors.append(FieldError("team_id", "team.unknown"))
    if squad_id is not None:
        squad = session.get(Squad, squad_id)
        if not squad or squad.station_id != station_id:
            errors.append(FieldError("squad_id", "squad.unknown"))
        elif team_id is not None and squad.team_id != team_id:
            errors.append(FieldError("squad_id", "squad.not_in_team"))
    for post_id in post_ids or []:
        post = session.get(Post, post_id)
        if not post or post.station_id != station_id:
            errors.append(FieldError("post_ids", "post.unknown"))
            break


def _active_by_hash(session: Session, station_id: int, id_hash: str) -> Volunteer | None:
    return session.exec(select(Volunteer).where(
        Volunteer.station_id == station_id, Volunteer.id_number_hash == id_hash, Volunteer.active
    )).first()


def _duplicate_error(existing: Volunteer) -> FieldError:
    return FieldError("id_number", "id_number.duplicate", {"number": existing.number, "name": existing.name})


def _lost_race(session: Session, station_id: int, id_hash: str) -> DomainError:
    existing = _active_by_hash(session, station_id, id_hash)
    if existing is not None:
        return DomainError([_duplicate_error(existing)])
    return DomainError.on("form", "write.conflict")


def _active_by_name_phone(session, station_id, name, phone) -> Volunteer | None:
    return session.exec(select(Volunteer).where(
        Volunteer.station_id == station_id, Volunteer.name == name, Volunteer.phone == phone,
        Volunteer.active,
    )).first()


def next_numbers(session: Session, station_id: int, how_many: int = 1) -> list[str]:
    """志愿者编号 for the next ``how_many`` registrations: the station's code and a running number
    (rows are never deleted, so it never repeats; the caller holds the station's row, so no other
    writer counts at the same time)."""
    station = session.get(Station, station_id)
    count = session.exec(select(func.count()).select_from(Volunteer)
                         .where(Volunteer.station_id == station_id)).one()
    return [f"{station.code}{count + n:06d}" for n in range(1, how_many + 1)]


def _pinyin(name: str) -> tuple[str, str]:
    """Pinyin for search and sorting, cut to its columns: 50 characters of 双 read as 300 letters."""
    full, initials = name_pinyin(name)
    return (full[:column_length(Volunteer, "name_pinyin")],
            initials[:column_length(Volunteer, "name_initials")])


def _set_posts(session: Session, volunteer_id: int, post_ids: list[int]) -> None:
    session.execute(delete(VolunteerPost).where(VolunteerPost.volunteer_id == volunteer_id))
    for post_id in dict.fromkeys(post_ids):
        session.add(VolunteerPost(volunteer_id=volunteer_id, post_id=post_id))


def update_volunteer(*, scope: Scope, volunteer_id: int, data: VolunteerUpdate) -> VolunteerPublic:
    session = scope.session
    scope.require()
    volunteer = get_active_volunteer(scope, volunteer_id, lock=True)
    # None means "leave as is", except for team and squad, where it means "none any more".
    changes = {key: value for key, value in data.model_dump(exclude_unset=True).items()
               if value is not None or key in _CLEARABLE}
    errors: list[FieldError] = []
    texts = {key: value for key, value in changes.items() if key in _TEXT_FIELDS}
    changes.update(clean_texts(errors, texts, Volunteer, required=_REQUIRED_TEXT))
    if "phone" in changes:
        changes["phone"] = _collect(errors, lambda: check_phone(changes["phone"]))
    _check_memberships(session, errors, volunteer.station_id,
                       changes.get("team_id", volunteer.team_id),
                       changes.get("squad_id", volunteer.squad_id), changes.get("post_ids"))
    if errors:
        raise DomainError(errors)
    post_ids = changes.pop("post_ids", None)
    for field_name, value in changes.items():
        setattr(volunteer, field_name, value)
    if "name" in changes:
        volunteer.name_pinyin, volunteer.name_initials = _pinyin(volunteer.name)
    if post_ids is not None:
        _set_posts(session, volunteer.id, post_ids)
    volunteer.updated_at = scope.now()
    session.add(volunteer)
    log_event(scope, action="volunteer.update", entity="volunteer",
              entity_id=volunteer.id, station_id=volunteer.station_id,
              fields=sorted(changes) + (["post_ids"] if post_ids is not None else []))
    return to_public(scope, [volunteer])[0]


def get_active_volunteer(scope: Scope, volunteer_id: int, *, lock: bool = False,
                         station_id: int | None = None, field: str = "volunteer") -> Volunteer:
    """The volunteer (of a station the actor works for, and of ``station_id`` when given), or a
    DomainError when gone, deactivated or merged away."""
    volunteer = scope.get(Volunteer, volunteer_id, field=field, missing="volunteer.not_found",
                     lock=lock, station_id=station_id)
    if not volunteer.active:
        raise DomainError.on(field, "volunteer.inactive", number=volunteer.number)
    return volunteer


def deactivate_volunteer(*, scope: Scope, volunteer_id: int, reason: str) -> VolunteerPublic:
    scope.require()
    volunteer = get_active_volunteer(scope, volunteer_id, lock=True)
    reason = clean_text(reason, field="reason", max_length=column_length(Volunteer, "deactivation_reason"),
                        required="reason.required")
    transition(scope=scope, workflow=VOLUNTEER_FLOW, row=volunteer, action="deactivate", reason=reason)
    return to_public(scope, [volunteer])[0]


def search_volunteers(*, scope: Scope, station_id: int, query: str = "",
                      include_inactive: bool = False, limit: int = 50) -> list[VolunteerPublic]:
    """Find by name, pinyin or its initials (张三 ← "zs"), the phone's last digits, or the number."""
    scope.require_station(station_id)
    statement = select(Volunteer).where(Volunteer.station_id == station_id)
    if not include_inactive:
        statement = statement.where(Volunteer.active)
    text = search_text(query)
    # autoescape: a typed % or _ is a character to find, not a LIKE wildcard (张_ is not every 张 X).
    if text.isascii() and text.isdigit():
        statement = statement.where(or_(Volunteer.phone.endswith(text, autoescape=True),
                                        Volunteer.number.endswith(text, autoescape=True)))
    elif text.isascii() and text.isalnum() and not text.isalpha():
        statement = statement.where(Volunteer.number.startswith(text.upper(), autoescape=True))
    elif text.isascii() and text.isalpha():
        lowered = text.lower()
        statement = statement.where(or_(Volunteer.name_initials.startswith(lowered, autoescape=True),
                                        Volunteer.name_pinyin.startswith(lowered, autoescape=True),
                                        Volunteer.number.startswith(text.upper(), autoescape=True)))
    elif text:
        statement = statement.where(Volunteer.name.contains(text, autoescape=True))
    statement = statement.order_by(Volunteer.name_pinyin, Volunteer.id).limit(limit)
    return to_public(scope, scope.session.exec(statement).all())


def to_public(scope: Scope, volunteers: list[Volunteer], *, unmasked: bool = False) -> list[VolunteerPublic]:
    """Shape rows for display. ``unmasked`` is only for reveal_personal_data, which audits it.

    The age is the age reached this year (this year minus the birth year). An exact age would not
    do: beside the birth year it pins a birthday late in the year to a few days, and with the
    number's last 4 to a handful of candidates."""
    session = scope.session
    ids = [volunteer.id for volunteer in volunteers]
    teams = dict(session.exec(select(Team.id, Team.name)).all()) if ids else {}
    squads = dict(session.exec(select(Squad.id, Squad.name)).all()) if ids else {}
    posts: dict[int, list[str]] = {}
    if ids:
        rows = session.exec(select(VolunteerPost.volunteer_id, Post.name)
                            .join(Post, Post.id == VolunteerPost.post_id)
                            .where(VolunteerPost.volunteer_id.in_(ids)).order_by(Post.id)).all()
        for volunteer_id, post_name in rows:
            posts.setdefault(volunteer_id, []).append(post_name)
    approved = _approved_minutes(session, ids)
    today = scope.today()
    vault = vault_for(session) if unmasked else None
    return [
        VolunteerPublic(
            id=volunteer.id, number=volunteer.number, name=volunteer.name, gender=volunteer.gender,
            age=today.year - volunteer.birth_year, id_type=volunteer.id_type,
            id_number=(vault.decrypt(volunteer.id_number_cipher) if unmasked
                       else volunteer.id_number_masked),
            id_number_note=volunteer.id_number_note,
            phone=volunteer.phone if unmasked else mask_phone(volunteer.phone),
            residence_area=volunteer.residence_area, is_party_member=volunteer.is_party_member,
            team=teams.get(volunteer.team_id, ""), squad=squads.get(volunteer.squad_id, ""),
            posts=posts.get(volunteer.id, []), approved_hours=hours(approved.get(volunteer.id, 0)),
            star_level=star_level(approved.get(volunteer.id, 0)), active=volunteer.active,
            registered_at=volunteer.registered_at,
        )
        for volunteer in volunteers
    ]


def _approved_minutes(session: Session, volunteer_ids: list[int]) -> dict[int, int]:
    """Approved minutes per volunteer: the only minutes that count towards a star level."""
    if not volunteer_ids:
        return {}
    return dict(session.exec(
        select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes))
        .where(ServiceRecord.volunteer_id.in_(volunteer_ids), approved_sql())
        .group_by(ServiceRecord.volunteer_id)).all())


def reveal_personal_data(*, scope: Scope, volunteer_id: int,
                         reason: str) -> VolunteerPublic:
    """An admin sees one volunteer's full ID number and phone; the look is audited with its reason."""
    if scope.actor.role != Role.admin:
        raise DomainError.on("reason", "personal_data.admin_only")
    volunteer = scope.get(Volunteer, volunteer_id, field="volunteer",
                     missing="volunteer.not_found")
    reason = clean_text(reason, field="reason", max_length=REASON_MOST, required="reason.required")
    log_event(scope, action="volunteer.unmask", entity="volunteer",
              entity_id=volunteer.id, station_id=volunteer.station_id, reason=reason)
    return to_public(scope, [volunteer], unmasked=True)[0]


@dataclass(frozen=True)
class Editable:
    """What the edit form shows of one volunteer. The phone is not here: it stays masked."""

    id: int
    number: str
    name: str
    residence_area: str
    skills: str
    service_categories: str
    is_party_member: bool
    team_id: int | None
    squad_id: int | None
    post_ids: tuple[int, ...]


def editable_volunteer(*, scope: Scope, volunteer_id: int) -> Editable | None:
    """One active volunteer's editable fields, or None when gone, deactivated or merged."""
    volunteer = scope.find(Volunteer, volunteer_id)
    if volunteer is None or not volunteer.active:
        return None
    scope.check_station(volunteer, field="volunteer")
    post_ids = scope.session.exec(select(VolunteerPost.post_id)
                            .where(VolunteerPost.volunteer_id == volunteer_id)).all()
    return Editable(volunteer.id, volunteer.number, volunteer.name, volunteer.residence_area,
                    volunteer.skills, volunteer.service_categories, volunteer.is_party_member,
                    volunteer.team_id, volunteer.squad_id, tuple(post_ids))
