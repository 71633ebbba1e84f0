"""The analysts' DataFrames (DESIGN.md §7): one row per thing, with stable columns and dtypes.

Every frame takes an engine (``None``: the configured database, as ``connect()`` finds it) and an
optional ``station_id``; every frame names each row's station by its code. ``COLUMNS`` pins each
frame's columns and dtypes, and a test holds them, so notebooks can rely on them:

- enumerations are pandas categoricals whose categories are the stored values (``headers="zh"``
  shows them, and the column names, in Chinese, ready for export);
- times are tz-aware datetimes in Asia/Shanghai; text is pandas' ``string``; hours are floats with
  one decimal, rounded half up from the stored integer minutes.

Personal data is masked (DESIGN.md §9): ID number and phone keep their last 4, and of the birth date
only the year is here, so nothing in a frame, alone or with the others, rebuilds an ID number.

The roll-ups (``hours_by``, ``activities_by``, ``monthly_figures``, ``star_changes``,
``retention``) aggregate with GROUP BY in the database: what comes back is one row per group, never
one per record, so the same call serves a city.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, distinct, func, type_coerce
from sqlalchemy.types import NullType
from sqlmodel import select

from station_kit.i18n import t
from station_kit.models import (
    Activity,
    ActivityPartner,
    PartnerUnit,
    Post,
    Project,
    Room,
    ServiceRecord,
    Squad,
    Station,
    Team,
    Volunteer,
)
from station_kit.models.awards import AwardLevel, RoundStatus, SubjectKind
from station_kit.models.community import CaseChannel, CaseKind, CaseStatus, RequestKind, RequestStatus
from station_kit.models.org import PartnerKind
from station_kit.models.people import Gender, IdType
from station_kit.models.work import (
    ActivityStatus,
    LectureHall,
    RecordRole,
    RecordStatus,
    WorkTask,
    activity_of,
    approved_sql,
    served_sql,
)
from station_kit.privacy import mask_phone
from station_kit.rules.hours import hours
from station_kit.rules.stars import star_thresholds_minutes

TIME = "datetime64[ns, Asia/Shanghai]"
TEXT = "string"
ENUMS = {  # a categorical column's enum and the catalog table of its Chinese labels
    "gender": (Gender, "enum.gender"), "id_type": (IdType, "enum.id_type"),
    "category": (WorkTask, "enum.work_task"), "hall": (LectureHall, "enum.hall"),
    "activity_status": (ActivityStatus, "enum.activity_status"), "status": (RecordStatus, "enum.record_status"),
    "role": (RecordRole, "enum.record_role"), "kind": (PartnerKind, "enum.partner_kind"),
    "level": (AwardLevel, "enum.award_level"), "round_status": (RoundStatus, "enum.award_round_status"),
    "subject_kind": (SubjectKind, "enum.award_subject"),
    "case_kind": (CaseKind, "enum.case_kind"), "channel": (CaseChannel, "enum.case_channel"),
    "case_status": (CaseStatus, "enum.case_status"), "request_kind": (RequestKind, "enum.request_kind"),
    "request_status": (RequestStatus, "enum.request_status"),
}


def _category(column: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([member.value for member in ENUMS[column][0]])


# Each frame's columns, in order, with their dtypes.
COLUMNS: dict[str, dict[str, object]] = {
    "volunteers": {
        "station": TEXT, "volunteer_id": "int64", "number": TEXT, "name": TEXT, "gender": _category("gender"),
        "birth_year": "int64", "id_type": _category("id_type"), "id_number": TEXT, "phone": TEXT,
        "residence_area": TEXT, "is_party_member": "bool", "team": TEXT, "squad": TEXT, "registered_at": TIME,
        "active": "bool", "approved_hours": "float64", "star_level": "int64",
    },
    "service_records": {
        "station": TEXT, "record_id": "int64", "volunteer_id": "int64", "activity_id": "int64",
        "activity": TEXT, "category": _category("category"), "hall": _category("hall"), "post": TEXT,
        "project": TEXT, "role": _category("role"), "status": _category("status"), "started_at": TIME,
        "ended_at": TIME, "minutes": "int64", "hours": "float64", "no_show": "bool", "is_backfill": "bool",
        "entered_at": TIME, "decided_at": TIME,
    },
    "activities": {
        "station": TEXT, "activity_id": "int64", "title": TEXT, "category": _category("category"),
        "hall": _category("hall"), "activity_status": _category("activity_status"), "post": TEXT,
        "project": TEXT, "room": TEXT, "place": TEXT, "organiser": TEXT, "speaker": TEXT,
        "starts_at": TIME, "ends_at": TIME, "beneficiaries": "int64", "volunteers": "int64",
        "approved_hours": "float64",
    },
    "projects": {
        "station": TEXT, "project_id": "int64", "project": TEXT, "is_brand": "bool", "post": TEXT,
        "activities": "int64", "beneficiaries": "int64", "approved_hours": "float64",
    },
    "teams": {
        "station": TEXT, "team_id": "int64", "team": TEXT, "squads": "int64", "volunteers": "int64",
        "party_members": "int64",
    },
    "squads": {
        "station": TEXT, "squad_id": "int64", "squad": TEXT, "team_id": "int64", "team": TEXT,
        "volunteers": "int64", "party_members": "int64",
    },
    "lecture_sessions": {
        "station": TEXT, "activity_id": "int64", "hall": _category("hall"), "title": TEXT, "speaker": TEXT,
        "partners": TEXT, "starts_at": TIME, "activity_status": _category("activity_status"),
        "audience": "int64",
    },
    "partner_units": {
        "station": TEXT, "partner_id": "int64", "partner": TEXT, "kind": _category("kind"),
        "credit_code": TEXT, "activities": "int64", "lecture_sessions": "int64", "beneficiaries": "int64",
    },
    "awards": {
        "station": TEXT, "round_id": "int64", "level": _category("level"), "period": TEXT,
        "round_status": _category("round_status"), "rank": "int64", "subject_kind": _category("subject_kind"),
        "subject_id": "int64", "name": TEXT, "unit": TEXT, "points": "float64", "eligible": "bool",
        "winner": "bool", "promoted": "bool", "removed": "bool", "finalised_at": TIME,
    },
    "grid_cases": {
        "station": TEXT, "case_id": "int64", "grid": TEXT, "case_kind": _category("case_kind"),
        "channel": _category("channel"), "case_status": _category("case_status"), "is_complex": "bool",
        "rating": "Int64", "received_at": TIME, "accepted_at": TIME, "whistled_at": TIME, "reported_at": TIME,
        "resolved_at": TIME, "rated_at": TIME, "accept_due_at": TIME, "report_due_at": TIME,
        "resolve_due_at": TIME, "accept_on_time": "boolean", "report_on_time": "boolean",
        "resolve_on_time": "boolean",
    },
    "requests": {
        "station": TEXT, "request_id": "int64", "request_kind": _category("request_kind"), "grid": TEXT,
        "request_status": _category("request_status"), "claimers": "int64", "dispatched": "bool",
        "posted_at": TIME, "claimed_at": TIME, "fulfilled_at": TIME, "rated_at": TIME, "cancelled_at": TIME,
        "rating": "Int64", "hours_recorded": "bool",
    },
}


def _engine(engine):
    if engine is not None:
        return engine
    from station_kit.config import get_settings
    from station_kit.db import get_engine

    return get_engine(get_settings().database_url)


def configured_station(engine=None, code: str | None = None) -> dict:
    """The station a notebook reports on: the one whose ``code`` is given (a notebook's ``station``
    parameter), else the one STATION_KIT_STATION names, as apps and ``station-kit tally`` choose it, else
    the first. Its id, code and name; a code no station has is a DomainError naming the codes there are."""
    import os

    from station_kit.errors import DomainError

    code = code or os.environ.get("STATION_KIT_STATION")
    with _engine(engine).connect() as connection:
        stations = connection.execute(select(Station.id, Station.code, Station.name).order_by(Station.id)).all()
    if not stations:
        raise DomainError.on("station", "station.none")
    chosen = [row for row in stations if row.code == code] if code else stations[:1]
    if not chosen:
        raise DomainError.on("station", "station.unknown_code", code=code,
                             codes="、".join(row.code for row in stations))
    return dict(chosen[0]._mapping)


def _read(statement, engine) -> pd.DataFrame:
    with _engine(engine).connect() as connection:
        return pd.read_sql(statement, connection)


def _shape(frame: pd.DataFrame, columns: dict[str, object], headers: str | None) -> pd.DataFrame:
    """Give ``frame`` exactly ``columns`` with their dtypes; ``headers="zh"`` relabels in Chinese."""
    frame = frame.reindex(columns=list(columns))
    for column, dtype in columns.items():
        if dtype == TIME:
            moments = pd.to_datetime(frame[column], utc=True, format="ISO8601")
            frame[column] = moments.dt.tz_convert("Asia/Shanghai").astype(TIME)
        elif dtype in ("int64", "float64", "bool"):
            frame[column] = frame[column].fillna(0).astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    if headers is None:
        return frame
    if headers != "zh":
        raise ValueError(f"headers must be None or 'zh', not {headers!r}")
    return chinese_headers(frame)


def chinese_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with Chinese column names and Chinese labels for its categories, for export."""
    frame = frame.copy()
    for column in frame.columns:
        if column in ENUMS and isinstance(frame[column].dtype, pd.CategoricalDtype):
            table = ENUMS[column][1]
            frame[column] = frame[column].cat.rename_categories(
                {value: t(f"{table}.{value}", lang="zh_CN") for value in frame[column].cat.categories})
    return frame.rename(columns={column: t(f"analytics.columns.{column}", lang="zh_CN")
                                 for column in frame.columns})


def _time(column):
    """A timestamp column read as the driver gives it (SQLite: ISO text; PostgreSQL: an aware
    datetime), for pandas to convert all at once: converting row by row took most of the time."""
    return type_coerce(column, NullType()).label(column.key)


def _minutes_to_hours(frame: pd.DataFrame, column: str = "minutes") -> pd.Series:
    return frame[column].fillna(0).astype("int64").map(hours).astype("float64")


def _select(engine, statement, model, station, street, period=None, moment=None):
    """``statement`` kept to the rows of ``model`` that ``station`` or ``street`` names and, when a
    ``period`` is given, whose ``moment`` falls in it (frames.selection: the one calling style)."""
    from station_kit.frames.selection import selection
    from station_kit.rules.calendar import china_month_sql

    chosen = selection(_engine(engine), station=station, street=street, period=period)
    statement = chosen.stations(statement, model)
    return statement if moment is None else chosen.months(statement, china_month_sql(_engine(engine), moment))


def _star_level(minutes):
    return case(*[(minutes >= needed, level) for level, needed in reversed(star_thresholds_minutes())], else_=0)


def volunteers(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """One row per registered volunteer (merged-away duplicates included, ``active`` False), with
    approved hours and star level. ID number and phone masked; birth year only, never the date."""
    minutes = (select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes).label("minutes"))
               .where(approved_sql())
               .group_by(ServiceRecord.volunteer_id).subquery())
    total = func.coalesce(minutes.c.minutes, 0)
    statement = (
        select(Station.code.label("station"), Volunteer.id.label("volunteer_id"), Volunteer.number,
               Volunteer.name, Volunteer.gender, Volunteer.birth_year, Volunteer.id_type,
               Volunteer.id_number_masked.label("id_number"), Volunteer.phone, Volunteer.residence_area,
               Volunteer.is_party_member, Team.name.label("team"), Squad.name.label("squad"),
               _time(Volunteer.registered_at), Volunteer.active, total.label("minutes"),
               _star_level(total).label("star_level"))
        .join(Station, Station.id == Volunteer.station_id)
        .outerjoin(Team, Team.id == Volunteer.team_id).outerjoin(Squad, Squad.id == Volunteer.squad_id)
        .outerjoin(minutes, minutes.c.volunteer_id == Volunteer.id)
        .order_by(Volunteer.station_id, Volunteer.id)
    )
    frame = _read(_select(engine, statement, Volunteer, station, street), engine)
    frame["phone"] = frame["phone"].map(mask_phone)
    frame["approved_hours"] = _minutes_to_hours(frame)
    return _shape(frame, COLUMNS["volunteers"], headers)


def service_records(engine=None, *, station=None, street: str | None = None, period=None,
                    headers: str | None = None) -> pd.DataFrame:
    """Every service record, whatever its status (only ``status == "approved"`` counts in a tally),
    with its activity's title, work task, hall, post and project."""
    statement = (
        select(Station.code.label("station"), ServiceRecord.id.label("record_id"), ServiceRecord.volunteer_id,
               ServiceRecord.activity_id, Activity.title.label("activity"), Activity.category, Activity.hall,
               Post.name.label("post"), Project.name.label("project"), ServiceRecord.role, ServiceRecord.status,
               _time(ServiceRecord.started_at), _time(ServiceRecord.ended_at), ServiceRecord.minutes,
               ServiceRecord.no_show, ServiceRecord.is_backfill, _time(ServiceRecord.entered_at),
               _time(ServiceRecord.decided_at))
        .join(Station, Station.id == ServiceRecord.station_id)
        .join(Activity, activity_of())
        .outerjoin(Post, Post.id == Activity.post_id).outerjoin(Project, Project.id == Activity.project_id)
        .order_by(ServiceRecord.station_id, ServiceRecord.id)
    )
    frame = _read(_select(engine, statement, ServiceRecord, station, street, period, ServiceRecord.started_at),
                  engine)
    frame["hours"] = _minutes_to_hours(frame)
    return _shape(frame, COLUMNS["service_records"], headers)


def _per_activity():
    """Approved minutes and how many volunteers served, per activity, grouped in the database."""
    return (select(ServiceRecord.activity_id, func.sum(ServiceRecord.minutes).label("minutes"),
                   func.count(distinct(ServiceRecord.volunteer_id)).label("volunteers"))
            .where(served_sql()).group_by(ServiceRecord.activity_id).subquery())


def activities(engine=None, *, station=None, street: str | None = None, period=None,
               headers: str | None = None) -> pd.DataFrame:
    """Every activity, cancelled ones included (``activity_status``), with the volunteers who served
    and their approved hours."""
    served = _per_activity()
    statement = (
        select(Station.code.label("station"), Activity.id.label("activity_id"), Activity.title, Activity.category,
               Activity.hall, Activity.status.label("activity_status"), Post.name.label("post"),
               Project.name.label("project"), Room.name.label("room"), Activity.place, Activity.organiser,
               Activity.speaker, _time(Activity.starts_at), _time(Activity.ends_at), Activity.beneficiaries,
               served.c.volunteers, served.c.minutes)
        .join(Station, Station.id == Activity.station_id)
        .outerjoin(Post, Post.id == Activity.post_id).outerjoin(Project, Project.id == Activity.project_id)
        .outerjoin(Room, Room.id == Activity.room_id).outerjoin(served, served.c.activity_id == Activity.id)
        .order_by(Activity.station_id, Activity.starts_at, Activity.id)
    )
    frame = _read(_select(engine, statement, Activity, station, street, period, Activity.starts_at), engine)
    frame["approved_hours"] = _minutes_to_hours(frame)
    return _shape(frame, COLUMNS["activities"], headers)


def projects(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Every service project with its post, and what its activities (not cancelled) gave."""
    served = _per_activity()
    held = (select(Activity.project_id, func.count().label("activities"),
                   func.sum(Activity.beneficiaries).label("beneficiaries"),
                   func.sum(served.c.minutes).label("minutes"))
            .outerjoin(served, served.c.activity_id == Activity.id)
            .where(Activity.status != ActivityStatus.cancelled).group_by(Activity.project_id).subquery())
    statement = (
        select(Station.code.label("station"), Project.id.label("project_id"), Project.name.label("project"),
               Project.is_brand, Post.name.label("post"), held.c.activities, held.c.beneficiaries, held.c.minutes)
        .join(Station, Station.id == Project.station_id).outerjoin(Post, Post.id == Project.post_id)
        .outerjoin(held, held.c.project_id == Project.id).order_by(Project.station_id, Project.id)
    )
    frame = _read(_select(engine, statement, Project, station, street), engine)
    frame["approved_hours"] = _minutes_to_hours(frame)
    return _shape(frame, COLUMNS["projects"], headers)


def _members(column):
    """Active volunteers and party members per team or squad."""
    return (select(column.label("unit_id"), func.count().label("volunteers"),
                   func.sum(case((Volunteer.is_party_member, 1), else_=0)).label("party_members"))
            .where(Volunteer.active, column.is_not(None)).group_by(column).subquery())


def teams(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Every service team (服务队) with its number of squads and active members."""
    members = _members(Volunteer.team_id)
    squads_of = select(Squad.team_id, func.count().label("squads")).group_by(Squad.team_id).subquery()
    statement = (
        select(Station.code.label("station"), Team.id.label("team_id"), Team.name.label("team"),
               squads_of.c.squads, members.c.volunteers, members.c.party_members)
        .join(Station, Station.id == Team.station_id).outerjoin(squads_of, squads_of.c.team_id == Team.id)
        .outerjoin(members, members.c.unit_id == Team.id).order_by(Team.station_id, Team.id)
    )
    return _shape(_read(_select(engine, statement, Team, station, street), engine), COLUMNS["teams"], headers)


def squads(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Every squad (服务分队) with its team and active members."""
    members = _members(Volunteer.squad_id)
    statement = (
        select(Station.code.label("station"), Squad.id.label("squad_id"), Squad.name.label("squad"),
               Squad.team_id, Team.name.label("team"), members.c.volunteers, members.c.party_members)
        .join(Station, Station.id == Squad.station_id).join(Team, Team.id == Squad.team_id)
        .outerjoin(members, members.c.unit_id == Squad.id).order_by(Squad.station_id, Squad.id)
    )
    return _shape(_read(_select(engine, statement, Squad, station, street), engine), COLUMNS["squads"], headers)


def lecture_sessions(engine=None, *, station=None, street: str | None = None, period=None,
                     headers: str | None = None) -> pd.DataFrame:
    """Every lecture-hall session (an activity with a hall): speaker, partner units, audience."""
    partners = (select(ActivityPartner.activity_id,
                       func.aggregate_strings(PartnerUnit.name, "、").label("partners"))
                .join(PartnerUnit, PartnerUnit.id == ActivityPartner.partner_unit_id)
                .group_by(ActivityPartner.activity_id).subquery())
    statement = (
        select(Station.code.label("station"), Activity.id.label("activity_id"), Activity.hall, Activity.title,
               Activity.speaker, partners.c.partners, _time(Activity.starts_at),
               Activity.status.label("activity_status"), Activity.beneficiaries.label("audience"))
        .join(Station, Station.id == Activity.station_id)
        .outerjoin(partners, partners.c.activity_id == Activity.id)
        .where(Activity.hall.is_not(None)).order_by(Activity.station_id, Activity.starts_at, Activity.id)
    )
    frame = _read(_select(engine, statement, Activity, station, street, period, Activity.starts_at), engine)
    frame["partners"] = frame["partners"].fillna("")
    return _shape(frame, COLUMNS["lecture_sessions"], headers)


def partner_units(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """Every partner unit (共建, 双报到, 文明单位, 爱心企业) and the activities it co-held (not
    cancelled): how many, how many of them lecture sessions, and the people they served."""
    held = (select(ActivityPartner.partner_unit_id, func.count().label("activities"),
                   func.sum(case((Activity.hall.is_not(None), 1), else_=0)).label("lecture_sessions"),
                   func.sum(Activity.beneficiaries).label("beneficiaries"))
            .join(Activity, Activity.id == ActivityPartner.activity_id)
            .where(Activity.status != ActivityStatus.cancelled)
            .group_by(ActivityPartner.partner_unit_id).subquery())
    statement = (
        select(Station.code.label("station"), PartnerUnit.id.label("partner_id"),
               PartnerUnit.name.label("partner"), PartnerUnit.kind, PartnerUnit.credit_code,
               held.c.activities, held.c.lecture_sessions, held.c.beneficiaries)
        .join(Station, Station.id == PartnerUnit.station_id)
        .outerjoin(held, held.c.partner_unit_id == PartnerUnit.id).order_by(PartnerUnit.station_id, PartnerUnit.id)
    )
    return _shape(_read(_select(engine, statement, PartnerUnit, station, street), engine),
                  COLUMNS["partner_units"], headers)

