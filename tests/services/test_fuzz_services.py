"""Property tests for every service that writes, on SQLite and PostgreSQL (DESIGN.md §11): whatever
a form or a caller hands over ends in a value or a DomainError, never a database error, and nothing
clearly bad is stored (control characters, text longer than its column).

Each example runs in its own transaction on the test's database and is rolled back, so every
example sees the same small station that the ``world`` fixture commits once.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from station_kit.clock import CHINA
from station_kit.db import write_session
from station_kit.demo.people import credit_code
from station_kit.models import (
    Activity,
    ActivityCreate,
    ActivitySeries,
    AuditEvent,
    Grid,
    PartnerUnit,
    Post,
    Project,
    Room,
    ServiceRecord,
    Station,
    Steward,
    Team,
    Volunteer,
    VolunteerCreate,
)
from station_kit.models.org import (
    Association,
    PartnerKind,
    ServiceBase,
    ServicePoint,
    StationDetailsUpdate,
    StewardRole,
)
from station_kit.models.people import Gender, IdType, VolunteerUpdate
from station_kit.models.work import AttendanceMode, LectureHall, RecordRole, WorkTask
from station_kit.services import activities, org, records, volunteers
from station_kit.services.actor import Actor, Role
from station_kit.services.records import Attendance
from station_kit.services.scope import Scope
from tests.factories import READER, activity_data, make_room, make_station, volunteer_data, with_check_digit
from tests.fuzz import (
    FUZZ,
    FUZZ_FORMS,
    Refused,
    attempt,
    credit_codes,
    forms,
    id_numbers,
    ids,
    moments,
    phones,
    stored_badly,
    typed_text,
    whole_numbers,
)

FUTURE_START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=CHINA)  # an activity still to come: check in to it
PAST_START = dt.datetime(2022, 8, 5, 9, 0, tzinfo=CHINA)  # one long past: entries for it are back-fills


@dataclass(frozen=True)
class World:
    station_id: int
    team_id: int
    squad_ids: tuple[int, ...]
    post_ids: tuple[int, ...]
    room_id: int
    project_id: int
    partner_id: int
    grid_id: int
    volunteer_ids: tuple[int, ...]
    future_activity: int
    past_activity: int
    record_ids: tuple[int, ...]  # one pending and ended, one still checked in


@pytest.fixture
def world(engine) -> World:
    with write_session(engine) as session:
        station = make_station(session)
        room_id = make_room(session, station.id)
        project = org.add_unit(scope=Scope(session, Actor("t")), model=Project, station_id=station.id, name="居民微心愿")
        partner = org.add_partner_unit(scope=Scope(session, Actor("t")), station_id=station.id, name="神木市第一中学",
                                       kind=PartnerKind.dual_report, credit_code=None)
        grid = org.add_unit(scope=Scope(session, Actor("t")), model=Grid, station_id=station.id, name="第1网格", number=1)
        people = [volunteers.register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                                data=volunteer_data(name=name)).id for name in ("张伟", "李娜", "王芳")]
        future, past = (activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                                 data=activity_data(starts_at=start, hours=3)).id
                        for start in (FUTURE_START, PAST_START))
        [done] = records.record_attendance(scope=Scope(session, Actor("t")), activity_id=past,
                                           entries=[Attendance(people[0], 60)], backfill_reason="纸质签到表补录")
        open_record = records.check_in(scope=Scope(session, Actor("t")), activity_id=future, volunteer_id=people[1],
                                       at=FUTURE_START)
        return World(station.id, station.team_id, station.squad_ids, station.post_ids, room_id, project.id,
                     partner.id, grid.id, tuple(people), future, past, (done.id, open_record.id))


@contextmanager
def rolled_back(engine):
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def run(engine, name: str, call, written: tuple[type, ...]):
    """One example: call the service in a transaction that is then rolled back. A value must leave
    only clean text behind in the tables it wrote; a crash fails the test (hypothesis shrinks it)."""
    with rolled_back(engine) as session:
        result = attempt(engine.dialect.name, name, lambda: call(session))
        if not isinstance(result, Refused):
            session.flush()
            assert stored_badly(session, (*written, AuditEvent)) == []
    return result


def mostly(good: st.SearchStrategy, anything: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a value a careful worker would type, otherwise anything: both paths get exercised."""
    return st.one_of(good, good, good, anything)


MOBILES = st.from_regex(r"1(3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}", fullmatch=True)  # prefixes in use


def resident_id_numbers() -> st.SearchStrategy[str]:
    born = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2008, 12, 31))
    return st.builds(lambda day, n: with_check_digit(f"610881{day:%Y%m%d}{n:03d}"), born, st.integers(0, 999))


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


# --- volunteers ---------------------------------------------------------------------------------

def volunteer_fields(world: World) -> st.SearchStrategy[dict]:
    careful = {
        "name": st.sampled_from(["张伟", "阿依古丽·买买提", "欧阳娜娜"]),
        "id_type": st.just(IdType.resident_id),
        "id_number": resident_id_numbers(),
        "phone": MOBILES,
        "consent": st.just(True),
        "residence_area": st.sampled_from(["兴神路社区", ""]),
        "is_party_member": st.booleans(),
        "team_id": st.sampled_from([None, world.team_id]),
        "post_ids": st.lists(st.sampled_from(world.post_ids), max_size=3),
    }
    anyhow = {
        "name": typed_text(60),
        "id_type": st.sampled_from(IdType),
        "id_number": id_numbers(),
        "phone": phones(),
        "consent": st.booleans(),
        "gender": optional(st.sampled_from(Gender)),
        "birth_date": optional(st.dates()),
        "consent_date": optional(st.dates()),
        "residence_area": typed_text(110),
        "skills": typed_text(210),
        "service_categories": typed_text(210),
        "guardian_name": typed_text(60),
        "guardian_consent": st.booleans(),
        "team_id": optional(ids(world.team_id)),
        "squad_id": optional(ids(*world.squad_ids)),
        "post_ids": st.lists(ids(*world.post_ids), max_size=4),
    }
    return forms(careful, anyhow)


@FUZZ_FORMS
@given(data=st.data())
def test_register_volunteer(engine, world, data):
    fields = data.draw(volunteer_fields(world))
    allow_similar = data.draw(st.booleans())
    run(engine, "register_volunteer",
        lambda session: volunteers.register_volunteer(scope=Scope(session, Actor("staff")), station_id=world.station_id,
                                                      data=VolunteerCreate(**fields),
                                                      allow_similar=allow_similar),
        (Volunteer,))


@FUZZ_FORMS
@given(data=st.data())
def test_update_volunteer(engine, world, data):
    fields = data.draw(volunteer_fields(world))
    changes = {key: value for key, value in fields.items() if key in VolunteerUpdate.model_fields}
    chosen = data.draw(st.lists(st.sampled_from(sorted(changes)), unique=True))
    volunteer_id = data.draw(ids(*world.volunteer_ids))
    run(engine, "update_volunteer",
        lambda session: volunteers.update_volunteer(
            scope=Scope(session, Actor("staff")), volunteer_id=volunteer_id,
            data=VolunteerUpdate(**{key: changes[key] for key in chosen})),
        (Volunteer,))


@FUZZ
@given(volunteer_id=ids(1, 2, 3), reason=mostly(st.just("迁出本社区"), typed_text(250)))
def test_deactivate_volunteer(engine, world, volunteer_id, reason):
    run(engine, "deactivate_volunteer",
        lambda session: volunteers.deactivate_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer_id,
                                                        reason=reason),
        (Volunteer,))


@FUZZ
@given(query=st.one_of(typed_text(80), st.sampled_from(["张_", "%", "_", "zs", "8000", "TST0", "\x00"])),
       include_inactive=st.booleans())
def test_search_volunteers(engine, world, query, include_inactive):
    found = run(engine, "search_volunteers",
                lambda session: volunteers.search_volunteers(scope=Scope(session, READER), station_id=world.station_id,
                                                             query=query, include_inactive=include_inactive),
                ())
    assert not isinstance(found, Refused), "a search never refuses"


# --- activities and records ---------------------------------------------------------------------

def activity_fields(world: World) -> st.SearchStrategy[dict]:
    careful = {
        "title": st.sampled_from(["周五爱国卫生大扫除", "剪纸培训"]),
        "category": st.sampled_from(WorkTask),
        "starts_at": moments(around=FUTURE_START + dt.timedelta(days=7), within_minutes=7 * 24 * 60)
        .filter(lambda moment: 2000 <= moment.year <= 2099),
        "minutes": st.integers(30, 240),
        "room_id": st.sampled_from([None, world.room_id]),
        "organiser": st.just("兴神路社区"),
        "beneficiaries": st.integers(0, 1000),
    }
    anyhow = {
        "starts_at": moments(),
        "minutes": st.integers(-600, 4 * 24 * 60),  # the plan form allows one day; a caller may send more
        "hall": optional(st.sampled_from(LectureHall)),
        "project_id": optional(ids(world.project_id)),
        "post_id": optional(ids(*world.post_ids)),
        "room_id": optional(ids(world.room_id)),
        "title": typed_text(110),
        "organiser": typed_text(110),
        "person_in_charge": typed_text(60),
        "place": typed_text(110),
        "content": typed_text(510),
        "speaker": typed_text(60),
        "beneficiaries": whole_numbers(10**6),
        "attendance_mode": st.sampled_from(AttendanceMode),
        "partner_ids": st.lists(ids(world.partner_id), max_size=3),
    }
    return forms(careful, anyhow)


def activity_create(fields: dict) -> ActivityCreate:
    fields = dict(fields)
    fields["ends_at"] = fields["starts_at"] + dt.timedelta(minutes=fields.pop("minutes"))
    return ActivityCreate(**fields)


@FUZZ_FORMS
@given(data=st.data())
def test_plan_activity(engine, world, data):
    fields = data.draw(activity_fields(world))
    run(engine, "plan_activity",
        lambda session: activities.plan_activity(scope=Scope(session, Actor("staff")), station_id=world.station_id,
                                                 data=activity_create(fields)),
        (Activity, ActivitySeries))


def entries(world: World) -> st.SearchStrategy[list[Attendance]]:
    """A roster: usually people free at both activities (王芳, or 张伟 and 李娜 where they are free)."""
    careful = st.builds(Attendance, volunteer_id=st.just(world.volunteer_ids[2]),
                        minutes=st.sampled_from([None, 30, 60]), role=st.sampled_from(RecordRole))
    anyhow = st.builds(Attendance, volunteer_id=ids(*world.volunteer_ids),
                       minutes=optional(whole_numbers(10**6)), role=st.sampled_from(RecordRole),
                       no_show=st.booleans())
    return st.one_of(st.lists(careful, min_size=1, max_size=1), st.lists(careful, min_size=1, max_size=1),
                     st.lists(anyhow, max_size=3))


@FUZZ
@given(data=st.data())
def test_record_attendance(engine, world, data):
    form = data.draw(forms(
        careful={"activity_id": st.sampled_from([world.future_activity, world.past_activity]),
                 "entries": entries(world), "backfill_reason": st.just("纸质签到表补录"),
                 "entered_at": st.just(None)},
        anyhow={"activity_id": ids(world.future_activity, world.past_activity), "entries": entries(world),
                "backfill_reason": typed_text(210),
                "entered_at": optional(moments(around=PAST_START + dt.timedelta(days=10),
                                               within_minutes=20 * 24 * 60)
                                       .filter(lambda moment: 2000 <= moment.year <= 2100))}))
    run(engine, "record_attendance",
        lambda session: records.record_attendance(scope=Scope(session, Actor("staff")), **form),
        (ServiceRecord,))


@FUZZ
@given(data=st.data())
def test_check_in(engine, world, data):
    window = st.integers(-60, 179).map(lambda minutes: FUTURE_START + dt.timedelta(minutes=minutes))
    form = data.draw(forms(
        careful={"activity_id": st.just(world.future_activity),
                 "volunteer_id": st.sampled_from([world.volunteer_ids[0], world.volunteer_ids[2]]),
                 "at": window, "role": st.sampled_from(RecordRole)},
        anyhow={"activity_id": ids(world.future_activity, world.past_activity),
                "volunteer_id": ids(*world.volunteer_ids), "at": optional(moments(around=FUTURE_START))}))
    run(engine, "check_in",
        lambda session: records.check_in(scope=Scope(session, Actor("staff")), **form),
        (ServiceRecord,))


@FUZZ
@given(data=st.data())
def test_approve_or_reject_records(engine, world, data):
    decide = data.draw(st.sampled_from([records.approve_records, records.reject_records]))
    ended, still_open = world.record_ids
    form = data.draw(forms(
        careful={"record_ids": st.just([ended]), "reason": st.just("核对签到表无误")},
        anyhow={"record_ids": st.lists(ids(ended, still_open), max_size=3), "reason": typed_text(210)}))
    run(engine, decide.__name__,
        lambda session: decide(scope=Scope(session, Actor("站长")), **form),
        (ServiceRecord,))


# --- the station and its units ------------------------------------------------------------------

UNIT_MODELS = (Team, Post, Room, ServicePoint, ServiceBase, Association, Project)


@FUZZ
@given(model=st.sampled_from(UNIT_MODELS), name=mostly(st.sampled_from(["第二服务队", "测试服务队"]),
                                                       typed_text(110)))
def test_add_unit(engine, world, model, name):
    run(engine, "add_unit",
        lambda session: org.add_unit(scope=Scope(session, Actor("staff")), model=model, station_id=world.station_id,
                                     name=name),
        (model,))


@FUZZ
@given(data=st.data())
def test_add_partner_unit(engine, world, data):
    good_code = st.integers(0, 2**32).map(lambda seed: credit_code(random.Random(seed)))
    form = data.draw(forms(
        careful={"name": st.sampled_from(["爱心企业", "神木市人民医院"]), "kind": st.sampled_from(PartnerKind),
                 "credit_code": optional(good_code)},
        anyhow={"name": typed_text(110), "credit_code": optional(credit_codes())}))
    run(engine, "add_partner_unit",
        lambda session: org.add_partner_unit(scope=Scope(session, Actor("staff")), station_id=world.station_id, **form),
        (PartnerUnit,))


@FUZZ
@given(data=st.data())
def test_add_steward(engine, world, data):
    form = data.draw(forms(
        careful={"grid_id": st.just(world.grid_id), "name": st.sampled_from(["王芳", "欧阳娜娜"]),
                 "role": st.sampled_from(StewardRole), "phone": MOBILES},
        anyhow={"grid_id": ids(world.grid_id), "name": typed_text(110), "phone": phones()}))
    run(engine, "add_steward",
        lambda session: org.add_steward(scope=Scope(session, Actor("staff")), station_id=world.station_id, **form),
        (Steward,))


@FUZZ
@given(data=st.data())
def test_create_station(engine, world, data):
    form = data.draw(forms(
        careful={"code": st.sampled_from(["XSL", "TST"]), "name": st.just("兴神路"),
                 "city": st.just("神木市"), "street": st.just("麟州街道")},
        anyhow={"code": typed_text(40), "name": typed_text(110), "city": typed_text(60),
                "street": typed_text(60), "address": typed_text(210)}))
    run(engine, "create_station",
        lambda session: org.create_station(scope=Scope(session, Actor("staff")), **form),
        (Station,))


@FUZZ
@given(data=st.data())
def test_update_station_details(engine, world, data):
    form = data.draw(forms(
        careful={"name": st.sampled_from(["兴神路社区", "测试社区"]), "person_in_charge": st.sampled_from(["高文明", ""]),
                 "contact": st.sampled_from(["兴神路社区办公室 0912-1234567 转 8001", "13800138000", ""])},
        anyhow={"name": typed_text(110), "person_in_charge": typed_text(60),
                "contact": st.one_of(phones(), typed_text(110))}))
    run(engine, "update_station_details",
        lambda session: org.update_station_details(scope=Scope(session, Actor("admin", Role.admin)),
                                                   station_id=world.station_id, data=StationDetailsUpdate(**form)),
        (Station,))
