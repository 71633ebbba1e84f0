"""Service records: check-in/out, rosters, approvals, overlaps, back-fills; only approved minutes count."""

import datetime as dt

import pytest
from sqlmodel import select

from station_kit.analytics import headline_figures
from station_kit.clock import CHINA
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import ServiceRecord
from station_kit.models.work import RecordRole, RecordStatus
from station_kit.services import activities, records
from station_kit.services.actor import Actor
from station_kit.services.records import Attendance
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer, search_volunteers
from tests.factories import READER, activity_data, volunteer_data

# A Friday in 2022; the Monday 17 days later is more than 10 working days on.
FRIDAY_9 = dt.datetime(2022, 8, 5, 9, 0, tzinfo=CHINA)


@pytest.fixture
def people(engine, station):
    with write_session(engine) as session:
        return [register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                   data=volunteer_data(name=name)).id for name in ("张伟", "李娜", "王芳")]


def plan(engine, station, starts_at=FRIDAY_9, hours=3, **fields):
    with write_session(engine) as session:
        return activities.plan_activity(scope=Scope(session, Actor("staff")), station_id=station.id,
                                        data=activity_data(starts_at=starts_at, hours=hours, **fields)).id


def enter(engine, activity_id, entries, *, at=FRIDAY_9 + dt.timedelta(hours=4), reason=""):
    with write_session(engine) as session:
        return [r.id for r in records.record_attendance(scope=Scope(session, Actor("staff")), activity_id=activity_id,
                                                        entries=entries, entered_at=at, backfill_reason=reason)]


def approved_hours(engine, station) -> float:
    return headline_figures(engine, station=station.id)["approved_hours"]


def all_records(engine):
    with read_session(engine) as session:
        return session.exec(select(ServiceRecord).order_by(ServiceRecord.id)).all()


def test_check_in_and_out_give_whole_minutes_within_the_activity(engine, station, people):
    activity = plan(engine, station)
    with write_session(engine) as session:
        record = records.check_in(scope=Scope(session, Actor("t")), activity_id=activity, volunteer_id=people[0],
                                  at=FRIDAY_9 - dt.timedelta(minutes=20))
    with write_session(engine) as session:
        # Leaving after the activity ended: the time after the end (travel home) does not count.
        out = records.check_out(scope=Scope(session, Actor("t")), record_id=record.id,
                                at=FRIDAY_9 + dt.timedelta(hours=3, minutes=40, seconds=50))
    assert out.minutes == 180


def test_only_approved_minutes_count(engine, station, people):
    activity = plan(engine, station)
    first, second = enter(engine, activity, [Attendance(people[0], 90), Attendance(people[1], 45)])
    assert approved_hours(engine, station) == 0.0
    with write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[first])
        records.reject_records(scope=Scope(session, Actor("站长")), record_ids=[second], reason="未到场")
    assert approved_hours(engine, station) == 1.5
    with read_session(engine) as session:
        assert headline_figures(engine, station=station.id)["pending_records"] == 0


def test_a_roster_is_written_whole_or_not_at_all(engine, station, people):
    activity = plan(engine, station)
    with pytest.raises(DomainError) as caught:
        enter(engine, activity, [Attendance(people[0], 60), Attendance(people[1], 999),
                                 Attendance(people[0], 30)])
    assert [(e.field, e.key) for e in caught.value.errors] == [
        ("entries.1", "record.minutes_out_of_range"), ("entries.2", "record.listed_twice")]
    assert all_records(engine) == []


def test_one_volunteer_cannot_be_in_two_places_at_once(engine, station, people):
    morning = plan(engine, station)
    overlapping = plan(engine, station, starts_at=FRIDAY_9 + dt.timedelta(hours=2), title="剪纸培训")
    enter(engine, morning, [Attendance(people[0])])
    with pytest.raises(DomainError) as caught:
        enter(engine, overlapping, [Attendance(people[0], 60)])
    assert caught.value.keys() == ["record.overlaps"]
    assert caught.value.errors[0].params["title"] == "周五爱国卫生大扫除"
    with pytest.raises(DomainError), write_session(engine) as session:
        records.check_in(scope=Scope(session, Actor("t")), activity_id=overlapping, volunteer_id=people[0],
                         at=FRIDAY_9 + dt.timedelta(hours=2))
    assert len(all_records(engine)) == 1


def test_no_show_and_rejected_records_do_not_block_other_service(engine, station, people):
    morning = plan(engine, station)
    overlapping = plan(engine, station, starts_at=FRIDAY_9 + dt.timedelta(hours=1), title="健康义诊")
    enter(engine, morning, [Attendance(people[0], no_show=True)])
    enter(engine, overlapping, [Attendance(people[0], 60, role=RecordRole.leader)])
    assert [(r.no_show, r.minutes) for r in all_records(engine)] == [(True, 0), (False, 60)]


def test_late_entries_are_backfills_that_need_reasons(engine, station, people):
    activity = plan(engine, station)
    late = dt.datetime(2022, 8, 22, 10, 0, tzinfo=CHINA)
    with pytest.raises(DomainError) as caught:
        enter(engine, activity, [Attendance(people[0], 60)], at=late)
    assert caught.value.keys() == ["record.backfill_reason_required"]
    [record_id] = enter(engine, activity, [Attendance(people[0], 60)], at=late, reason="纸质签到表补录")
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[record_id])
    assert caught.value.keys() == ["record.backfill_approval_reason_required"]
    with write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[record_id], reason="核对签到表无误")
    [record] = all_records(engine)
    assert record.is_backfill and record.status == RecordStatus.approved


def test_ten_working_days_later_is_still_on_time(engine, station, people):
    activity = plan(engine, station)
    # Fri 5 Aug 2022 + 10 working days = Fri 19 Aug.
    enter(engine, activity, [Attendance(people[0], 60)], at=dt.datetime(2022, 8, 19, 18, 0, tzinfo=CHINA))
    assert not all_records(engine)[0].is_backfill


def test_deciding_twice_or_while_checked_in_is_refused(engine, station, people):
    activity = plan(engine, station)
    [done] = enter(engine, activity, [Attendance(people[0], 60)])
    with write_session(engine) as session:
        open_record = records.check_in(scope=Scope(session, Actor("t")), activity_id=activity, volunteer_id=people[1],
                                       at=FRIDAY_9).id
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[done])
    for ids, key in (([done], "record.already_decided"), ([open_record], "record.still_checked_in"),
                     ([], "record.none_selected")):
        with pytest.raises(DomainError) as caught, write_session(engine) as session:
            records.approve_records(scope=Scope(session, Actor("站长")), record_ids=ids)
        assert caught.value.keys() == [key]


def test_star_levels_follow_approved_hours(engine, station, people):
    # 100 h makes one star (《中国社区志愿者注册管理办法》 art. 18); 34 three-hour activities give 102 h.
    ids = []
    for day in range(34):
        activity = plan(engine, station, starts_at=FRIDAY_9 + dt.timedelta(days=day))
        ids += enter(engine, activity, [Attendance(people[0])], at=FRIDAY_9 + dt.timedelta(days=day, hours=4))
    with write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=ids[:-1])
    with read_session(engine) as session:
        assert headline_figures(engine, station=station.id)["star_levels"]["1"] == 0  # 99 h approved
    with write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=ids[-1:])
    with read_session(engine) as session:
        assert headline_figures(engine, station=station.id)["star_levels"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}
        shown = {v.name: (v.approved_hours, v.star_level)
                 for v in search_volunteers(scope=Scope(session, READER), station_id=station.id)}
    assert shown["张伟"] == (102.0, 1) and shown["李娜"] == (0.0, 0)


@pytest.mark.parametrize("decide", [records.approve_records, records.reject_records])
def test_deciding_with_nothing_ticked_says_so_first(engine, decide):
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        decide(scope=Scope(session, Actor("站长")), record_ids=[], reason="")
    assert refused.value.keys() == ["record.none_selected"]


@pytest.mark.parametrize("reason, key", [("补" * 201, "form.too_long"), ("补录\x00", "text.control_characters")])
def test_reasons_longer_than_their_column_or_with_control_characters_are_refused(engine, station, people,
                                                                                 reason, key):
    activity = plan(engine, station)
    late = dt.datetime(2022, 8, 22, 10, 0, tzinfo=CHINA)
    with pytest.raises(DomainError) as caught:
        enter(engine, activity, [Attendance(people[0], 60)], at=late, reason=reason)
    assert [(e.field, e.key) for e in caught.value.errors] == [("backfill_reason", key)]
    [record_id] = enter(engine, activity, [Attendance(people[0], 60)], at=late, reason="纸质签到表补录")
    for decide in (records.approve_records, records.reject_records):
        with pytest.raises(DomainError) as caught, write_session(engine) as session:
            decide(scope=Scope(session, Actor("站长")), record_ids=[record_id], reason=reason)
        assert [(e.field, e.key) for e in caught.value.errors] == [("reason", key)]
    assert [r.status for r in all_records(engine)] == [RecordStatus.pending]
