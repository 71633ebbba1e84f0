"""Planning activities: rooms never double-booked, weekly series created once, past left alone."""

import datetime as dt
import json

import pytest
from pydantic import ValidationError
from sqlmodel import select

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models import Activity, ActivityUpdate, AuditEvent
from station_kit.models.work import ActivityStatus, WorkTask
from station_kit.services import activities as service
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from tests.factories import activity_data, make_room

MONDAY_9 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=CHINA)


@pytest.fixture
def room_id(engine, station):
    with write_session(engine) as session:
        return make_room(session, station.id)


def plan(engine, station, **fields):
    with write_session(engine) as session:
        return service.plan_activity(scope=Scope(session, Actor("staff")), station_id=station.id,
                                     data=activity_data(**fields))


def activity_count(engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(Activity)).all())


def test_a_room_is_never_double_booked(engine, station, room_id):
    plan(engine, station, starts_at=MONDAY_9, room_id=room_id)
    with pytest.raises(DomainError) as caught:
        plan(engine, station, starts_at=MONDAY_9 + dt.timedelta(hours=1), room_id=room_id, title="剪纸培训")
    assert caught.value.keys() == ["room.double_booked"]
    assert caught.value.errors[0].params["title"] == "周五爱国卫生大扫除"
    assert activity_count(engine) == 1


def test_back_to_back_and_cancelled_bookings_are_fine(engine, station, room_id):
    first = plan(engine, station, starts_at=MONDAY_9, room_id=room_id)
    plan(engine, station, starts_at=MONDAY_9 + dt.timedelta(hours=2), room_id=room_id)
    with write_session(engine) as session:
        service.set_activity_status(scope=Scope(session, Actor("staff")), activity_id=first.id,
                                    status=ActivityStatus.cancelled)
    plan(engine, station, starts_at=MONDAY_9 + dt.timedelta(minutes=30), hours=1, room_id=room_id)
    assert activity_count(engine) == 3


def test_end_before_start_and_foreign_room_are_refused(engine, station):
    with pytest.raises(DomainError) as caught:
        plan(engine, station, starts_at=MONDAY_9, hours=-1, room_id=9999, title=" ")
    assert set(caught.value.keys()) == {"activity.ends_before_start", "room.unknown", "activity.title_required"}


def test_weekly_series_creates_each_occurrence_once(engine, station, room_id):
    with write_session(engine) as session:
        series = service.plan_weekly_series(scope=Scope(session, Actor("staff")), station_id=station.id,
                                            data=activity_data(starts_at=MONDAY_9, room_id=room_id),
                                            until=dt.date(2030, 3, 31))
    with read_session(engine) as session:
        occurrences = session.exec(select(Activity).where(Activity.series_id == series.id)
                                   .order_by(Activity.starts_at)).all()
    assert [clock.local(a.starts_at).date() for a in occurrences] == [
        dt.date(2030, 3, d) for d in (4, 11, 18, 25)]


def test_a_series_with_one_clash_creates_nothing(engine, station, room_id):
    plan(engine, station, starts_at=MONDAY_9 + dt.timedelta(weeks=2), room_id=room_id, title="健康讲堂")
    with pytest.raises(DomainError), write_session(engine) as session:
        service.plan_weekly_series(scope=Scope(session, Actor("staff")), station_id=station.id,
                                   data=activity_data(starts_at=MONDAY_9, room_id=room_id),
                                   until=dt.date(2030, 3, 31))
    assert activity_count(engine) == 1


def test_editing_a_series_changes_only_occurrences_to_come(engine, station):
    past_start = clock.now().replace(hour=9, minute=0, second=0) - dt.timedelta(weeks=2)
    with write_session(engine) as session:
        series = service.plan_weekly_series(scope=Scope(session, Actor("staff")), station_id=station.id,
                                            data=activity_data(starts_at=past_start),
                                            until=(past_start + dt.timedelta(weeks=5)).date())
    with write_session(engine) as session:
        changed = service.update_series(scope=Scope(session, Actor("staff")), series_id=series.id,
                                        data=ActivityUpdate(title="周五大扫除（新）", start_time=dt.time(14, 0),
                                                            end_time=dt.time(16, 0)))
    with read_session(engine) as session:
        rows = session.exec(select(Activity).where(Activity.series_id == series.id)
                            .order_by(Activity.starts_at)).all()
    future = [a for a in rows if a.starts_at > clock.now()]
    past = [a for a in rows if a.starts_at <= clock.now()]
    assert changed == len(future) > 0 and len(past) >= 2
    assert all(a.title == "周五爱国卫生大扫除" and clock.local(a.starts_at).hour == 9 for a in past)
    assert all(a.title == "周五大扫除（新）" and clock.local(a.starts_at).hour == 14 for a in future)


def test_status_moves_forward_only(engine, station):
    activity = plan(engine, station, starts_at=MONDAY_9, category=WorkTask.culture)
    with write_session(engine) as session:
        service.set_activity_status(scope=Scope(session, Actor("staff")), activity_id=activity.id,
                                    status=ActivityStatus.done)
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        service.set_activity_status(scope=Scope(session, Actor("staff")), activity_id=activity.id,
                                    status=ActivityStatus.planned)
    assert caught.value.keys() == ["workflow.status_not_allowed"]
    assert t(caught.value.errors[0].key, **caught.value.errors[0].params) == "状态不能从“已结束”改为“计划中”"
    with read_session(engine) as session:
        moves = session.exec(select(AuditEvent).where(AuditEvent.action.startswith("activity."),
                                                      AuditEvent.entity_id == activity.id)).all()
    assert [(m.action, m.operator, json.loads(m.detail)["to"]) for m in moves if m.action != "activity.plan"] == [
        ("activity.finish", "staff", "done")]


def test_text_with_control_characters_is_refused_beside_its_field(engine, station):
    with pytest.raises(DomainError) as caught:
        plan(engine, station, starts_at=MONDAY_9, content="打扫\x00楼道", speaker="\x07")
    assert {(e.field, e.key) for e in caught.value.errors} == {
        ("content", "text.control_characters"), ("speaker", "text.control_characters")}
    assert activity_count(engine) == 0


@pytest.mark.parametrize("field, most", [("title", 100), ("organiser", 100), ("person_in_charge", 50),
                                         ("place", 100), ("content", 500), ("speaker", 50)])
def test_the_edit_shape_refuses_text_longer_than_its_column(field, most):
    ActivityUpdate(**{field: "题" * most})
    with pytest.raises(ValidationError) as caught:
        ActivityUpdate(**{field: "题" * (most + 1)})
    assert DomainError.from_validation(caught.value).keys() == ["form.too_long"]


def test_a_series_title_with_control_characters_is_refused_even_with_nothing_to_come(engine, station):
    with write_session(engine) as session:
        series = service.plan_weekly_series(scope=Scope(session, Actor("staff")), station_id=station.id,
                                            data=activity_data(starts_at=MONDAY_9 - dt.timedelta(weeks=500)),
                                            until=(MONDAY_9 - dt.timedelta(weeks=499)).date())
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        service.update_series(scope=Scope(session, Actor("staff")), series_id=series.id,
                              data=ActivityUpdate(title="大扫除\x00"))
    assert caught.value.keys() == ["text.control_characters"]


def test_an_audience_too_large_for_its_column_is_refused_by_the_shape():
    # The plan form stops at 1,000,000; a caller that skips it must not reach PostgreSQL's INTEGER limit.
    activity_data(starts_at=MONDAY_9, beneficiaries=1_000_000)
    with pytest.raises(ValidationError) as caught:
        activity_data(starts_at=MONDAY_9, beneficiaries=2**31)
    assert DomainError.from_validation(caught.value).keys() == ["form.invalid_value"]
