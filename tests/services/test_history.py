"""A station's past brought in at once (services/history.py): an admin's batch of activities and
records, or of its old register of volunteers, counts like any service and is one line of the
operation log; a wrong row, a person who is not an admin, or another station's volunteer leaves
nothing written."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import func, select

from station_kit.analytics import headline_figures
from station_kit.clock import CHINA
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import Activity, AuditEvent, ServiceRecord, Volunteer
from station_kit.models.work import RecordStatus, WorkTask
from station_kit.services.actor import Actor, Role
from station_kit.services.context import vault_for
from station_kit.services.history import PastActivity, PastRecord, PastVolunteer, import_history, import_volunteers
from station_kit.services.scope import Scope
from tests.factories import make_community, make_station, volunteer_data

ADMIN = Actor("王站长", Role.admin)
MORNING = dt.datetime(2021, 5, 8, 9, 0, tzinfo=CHINA)


@pytest.fixture
def places(engine):
    with write_session(engine) as session:
        return [make_community(session, make_station(session, code=code, name=f"{code}社区")) for code in "AB"]


def past(place, *, minutes=(120, 90), records_of=None) -> dict:
    volunteers = records_of or place["volunteers"]
    activities = [PastActivity(title="清扫楼道", category=WorkTask.customs, starts_at=MORNING + dt.timedelta(days=n),
                               ends_at=MORNING + dt.timedelta(days=n, hours=2), beneficiaries=30) for n in (0, 7)]
    records = [PastRecord(activity=n, volunteer_id=volunteer, started_at=a.starts_at, minutes=minutes[n],
                          ended_at=a.starts_at + dt.timedelta(minutes=minutes[n]), status=RecordStatus.approved,
                          entered_at=a.ends_at, entered_by="社区工作人员", decided_by="站长", decided_at=a.ends_at)
               for n, a in enumerate(activities) for volunteer in volunteers]
    return dict(station_id=place["station"], activities=activities, records=records)


def _counts(engine) -> tuple[int, int, int]:
    with read_session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (Activity, ServiceRecord, AuditEvent))


def test_an_admin_brings_in_the_past_and_it_counts_like_any_service(engine, places):
    a = places[0]
    with write_session(engine) as session:
        result = import_history(scope=Scope(session, ADMIN), **past(a))
    assert (result.activities, result.records, result.approved_minutes) == (2, 4, 2 * (120 + 90))
    assert headline_figures(engine, station=a["station"])["approved_hours"] == 7.0
    with read_session(engine) as session:
        [line] = session.exec(select(AuditEvent).where(AuditEvent.action == "history.import")).all()
    assert (line.operator, line.station_id) == ("王站长", a["station"])


@pytest.mark.parametrize("case, key", [
    ("staff", "actor.needs_admin"),
    ("other_station_volunteer", "scope.other_station"),
    ("minutes_beyond_times", "history.bad_record"),
])
def test_a_wrong_batch_writes_nothing(engine, places, case, key):
    a, b = places
    batch, actor = past(a), ADMIN
    if case == "staff":
        actor = Actor("李干事")
    elif case == "other_station_volunteer":
        batch = past(a, records_of=[a["volunteers"][0], b["volunteers"][0]])
    else:
        batch["records"][-1] = dataclasses.replace(batch["records"][-1], minutes=121)  # ended after 90
    before = _counts(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        import_history(scope=Scope(session, actor), **batch)
    assert key in refused.value.keys()
    assert _counts(engine) == before


def test_a_batch_reads_back_as_the_service_wrote_it_and_later_rows_follow_on(engine, places):
    """On PostgreSQL the batch goes in by COPY: each record must still name its own activity, keep its
    times, defaults and statuses, and the activities written one at a time afterwards take new ids."""
    a = places[0]
    batch = past(a, minutes=(120, 45))
    batch["records"][-1] = dataclasses.replace(batch["records"][-1], status=RecordStatus.rejected, decided_at=None,
                                               decision_reason="重复申报", is_backfill=True, backfill_reason="补")
    with write_session(engine) as session:
        import_history(scope=Scope(session, ADMIN), **batch)
        later = Activity(station_id=a["station"], title="写春联送温暖", category=WorkTask.culture,
                         starts_at=MORNING + dt.timedelta(days=30), ends_at=MORNING + dt.timedelta(days=30, hours=1))
        session.add(later)
        session.flush()
        later_id = later.id
    with read_session(engine) as session:
        activities = session.exec(select(Activity).where(Activity.title == "清扫楼道").order_by(Activity.starts_at)).all()
        records = session.exec(select(ServiceRecord).order_by(ServiceRecord.id)).all()
    assert [(x.starts_at, x.status, x.attendance_mode, x.beneficiaries) for x in activities] == [
        (MORNING + dt.timedelta(days=n), "done", "marked", 30) for n in (0, 7)]
    assert later_id > max(x.id for x in activities)
    by_id = {x.id: x for x in activities}
    assert [(by_id[r.activity_id].starts_at, r.started_at, r.minutes, r.role, r.status, r.station_id)
            for r in records] == [(p.started_at, p.started_at, p.minutes, "participant", p.status, a["station"])
                                  for p in batch["records"]]
    assert (records[-1].decided_at, records[-1].decision_reason, records[-1].is_backfill) == (None, "重复申报", True)
    assert records[0].decided_at == batch["records"][0].decided_at


def test_an_old_register_comes_in_numbered_masked_and_dated_as_it_was(engine, places):
    a = places[0]
    registered = [MORNING - dt.timedelta(days=400), MORNING - dt.timedelta(days=30)]
    people = [PastVolunteer(volunteer_data(name=name, post_ids=[]), moment) for name, moment in
              zip(("曾晓燕", "单文博"), registered)]
    with write_session(engine) as session:
        ids = import_volunteers(scope=Scope(session, ADMIN), station_id=a["station"], volunteers=people)
    with read_session(engine) as session:
        rows = [session.get(Volunteer, volunteer_id) for volunteer_id in ids]
        [line] = session.exec(select(AuditEvent).where(AuditEvent.action == "history.volunteers")).all()
    assert [(row.name, row.name_pinyin, row.registered_at) for row in rows] == [
        ("曾晓燕", "zengxiaoyan", registered[0]), ("单文博", "shanwenbo", registered[1])]
    assert [row.number for row in rows] == ["A000003", "A000004"]  # after the station's two volunteers
    assert all("*" in row.id_number_masked and row.id_number_cipher for row in rows)
    assert (line.operator, line.station_id) == ("王站长", a["station"])


@pytest.mark.parametrize("case", ["twice_in_batch", "already_registered", "no_consent", "staff"])
def test_a_wrong_register_writes_nothing(engine, places, case):
    a = places[0]
    people = [PastVolunteer(volunteer_data(name="刘洋"), MORNING), PastVolunteer(volunteer_data(name="陈静"), MORNING)]
    actor, key = ADMIN, "history.bad_volunteer"
    if case == "twice_in_batch":
        people[1] = PastVolunteer(volunteer_data(name="刘洋", id_number=people[0].data.id_number), MORNING)
    elif case == "already_registered":
        with read_session(engine) as session:
            taken = vault_for(session).decrypt(session.get(Volunteer, a["volunteers"][0]).id_number_cipher)
        people[1] = PastVolunteer(volunteer_data(name="张伟", id_number=taken), MORNING)
    elif case == "no_consent":
        people[1] = PastVolunteer(volunteer_data(name="陈静", consent=False), MORNING)
    else:
        actor, key = Actor("李干事"), "actor.needs_admin"
    before = _counts(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        import_volunteers(scope=Scope(session, actor), station_id=a["station"], volunteers=people)
    assert key in refused.value.keys()
    assert _counts(engine) == before
