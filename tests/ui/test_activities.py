"""活动与签到 in process: plan, roster, check-in/out, batch hours, approvals — refusals beside their
fields and nothing written."""

import time

import pytest
from sqlmodel import select

from station_kit import clock
from station_kit.db import read_session, write_session
from station_kit.i18n import t
from station_kit.models import Activity, ServiceRecord
from station_kit.models.work import RecordStatus
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui import activities
from station_kit.ui.activities import attendance
from station_kit.ui.kit.actions import CLICK_SETTLE_SECONDS, walk
from station_kit.ui.kit.format import esc
from tests.factories import make_room, volunteer_data
from tests.widgets import find


@pytest.fixture
def ready(engine, station):
    with write_session(engine) as session:
        make_room(session, station.id, "活动室")
        for name in ("张伟", "李娜"):
            register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id, data=volunteer_data(name=name))
    return activities.app(engine=engine)


def set_value(app, css: str, value) -> None:
    find(app, f"sk-activities-{css}").value = value


def click(app, css: str) -> None:
    find(app, f"sk-activities-{css}").click()


def plan(app, *, title="周五爱国卫生大扫除", day=None, start="09:00", end="11:00", room="活动室") -> None:
    set_value(app, "title", title)
    set_value(app, "date", day or clock.today())
    set_value(app, "start", start)
    set_value(app, "end", end)
    rooms = dict(find(app, "sk-activities-room").options)
    set_value(app, "room", rooms[room] if room else None)
    click(app, "submit")


def count(engine, model) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(model)).all())


def test_plan_then_a_clashing_room_is_refused_beside_the_field(engine, ready):
    plan(ready)
    assert "已计划" in find(ready, "sk-activities-message").value
    plan(ready, title="剪纸培训", start="10:00", end="12:00")
    assert "该场地已被占用" in find(ready, "sk-activities-room-error").value
    assert count(engine, Activity) == 1


def test_a_planned_activity_keeps_its_theme_for_the_award_points(engine, ready):
    themes = dict(find(ready, "sk-activities-theme").options)
    set_value(ready, "theme", themes["邻里互助"])
    plan(ready)
    with read_session(engine) as session:
        assert [activity.theme for activity in session.exec(select(Activity)).all()] == ["neighbourly"]
    assert find(ready, "sk-activities-theme").label == "（不选）"  # the form is ready for the next one


def test_a_badly_written_time_is_explained_beside_it(engine, ready):
    plan(ready, start="9点")
    assert t("activities.clock_invalid") in find(ready, "sk-activities-start-error").value
    assert count(engine, Activity) == 0


def test_check_in_out_batch_and_approve(engine, ready):
    plan(ready, start="09:00", end="12:00")
    tabs = find(ready, "sk-activities-tabs")
    tabs.selected_index = 1
    set_value(ready, "search", "")
    click(ready, "search-submit")
    picked = find(ready, "sk-activities-picked")
    picked.value = picked.choices[:2]
    set_value(ready, "time", "08:50")
    click(ready, "check-in")
    assert "已签到 2 人" in find(ready, "sk-activities-attendance-message").value
    open_records = find(ready, "sk-activities-open-record")
    set_value(ready, "time", "11:00")
    for record_id in [value for _, value in open_records.options]:
        time.sleep(CLICK_SETTLE_SECONDS)  # a person takes a moment between two volunteers
        open_records.value = record_id
        click(ready, "check-out")
    assert "已签退" in find(ready, "sk-activities-attendance-message").value
    tabs.selected_index = 2
    find(ready, "sk-activities-select-all").value = True
    click(ready, "approve")
    assert "已通过 2 条记录" in find(ready, "sk-activities-approvals-message").value
    with read_session(engine) as session:
        rows = session.exec(select(ServiceRecord)).all()
    assert [r.status for r in rows] == [RecordStatus.approved] * 2
    assert [r.minutes for r in rows] == [120, 120]  # from the activity's start, not the early arrival


def test_an_overlapping_record_is_refused_and_nothing_written(engine, ready):
    plan(ready, start="09:00", end="11:00")
    plan(ready, title="健康义诊", start="10:00", end="12:00", room=None)
    find(ready, "sk-activities-tabs").selected_index = 1
    activity = find(ready, "sk-activities-activity")
    choose = {label.split("  ")[-1]: value for label, value in activity.options}
    activity.value = choose["周五爱国卫生大扫除"]
    click(ready, "search-submit")
    picked = find(ready, "sk-activities-picked")
    picked.value = picked.choices[:1]
    click(ready, "batch")
    assert count(engine, ServiceRecord) == 1
    activity.value = choose["健康义诊"]
    picked.value = picked.choices[:1]
    click(ready, "batch")
    assert "服务时间不能重叠" in find(ready, "sk-activities-attendance-message").value
    assert count(engine, ServiceRecord) == 1


def test_an_activity_can_be_cancelled_and_then_takes_no_hours(engine, ready):
    plan(ready)
    find(ready, "sk-activities-tabs").selected_index = 1
    status = find(ready, "sk-activities-status")
    assert [value for _, value in status.options] == ["planned", "running", "done", "cancelled"]
    status.value = [value for label, value in status.options if value == "cancelled"][0]
    click(ready, "set-status")
    assert "已取消" in find(ready, "sk-activities-attendance-message").value
    assert [value for _, value in status.options] == ["cancelled"]  # a cancelled activity stays so
    click(ready, "search-submit")
    picked = find(ready, "sk-activities-picked")
    picked.value = picked.choices[:1]
    click(ready, "batch")
    assert t("activity.cancelled") in find(ready, "sk-activities-attendance-message").value
    assert count(engine, ServiceRecord) == 0


def test_with_no_recent_activity_the_roster_says_to_plan_one(ready):
    find(ready, "sk-activities-tabs").selected_index = 1
    assert esc(t("activities.none_recent", days=attendance.RECENT_DAYS)) in find(ready, "sk-activities-roster").value


def test_the_decision_comes_before_the_long_queue(engine, ready):
    plan(ready)
    find(ready, "sk-activities-tabs").selected_index = 2
    order = [widget for widget in walk(ready) if widget._dom_classes]
    approve, queue = find(ready, "sk-activities-approve"), find(ready, "sk-activities-queue")
    assert order.index(approve) < order.index(queue)


@pytest.mark.parametrize("action", ["check-in", "set-status"])
def test_acting_before_any_activity_exists_asks_to_choose_one(ready, action):
    find(ready, "sk-activities-tabs").selected_index = 1
    click(ready, action)
    assert esc(t("activity.choose_first")) in find(ready, "sk-activities-attendance-message").value


@pytest.mark.parametrize("typed, key", [("\u2460", "activities.minutes_invalid"), ("\uff19\uff10", None)])
def test_the_minutes_box_takes_full_width_digits_and_explains_others(engine, ready, typed, key):
    plan(ready, start="09:00", end="11:00")
    find(ready, "sk-activities-tabs").selected_index = 1
    click(ready, "search-submit")
    picked = find(ready, "sk-activities-picked")
    picked.value = picked.choices[:1]
    set_value(ready, "minutes", typed)
    click(ready, "batch")
    if key:
        assert esc(t(key)) in find(ready, "sk-activities-minutes-error").value
        assert count(engine, ServiceRecord) == 0
    else:
        with read_session(engine) as session:
            assert [r.minutes for r in session.exec(select(ServiceRecord))] == [90]
