"""活动与签到 in headless Chromium over the demo station: plan, check two volunteers in and out,
approve — and an open 实时数据 page in a second tab shows the hours without reloading. A room clash
and an overlapping record are refused with their messages, and the database shows nothing written."""

from __future__ import annotations

import pytest

from station_kit import clock
from station_kit.i18n import t
from station_kit.models import Activity, ServiceRecord
from tests.e2e.pages import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, expect

pytestmark = pytest.mark.e2e
WARM_APPS = ("activities", "dashboard")  # the apps it opens get warm kernels (serve --warm)

CLICK_PAUSE_MS = 900  # a person's pause between two clicks on one button
TITLE = "周五爱国卫生大扫除（测试）"


@pytest.fixture(scope="module")
def app(server, browser):
    """One page for the whole flow, as a worker would keep it open."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(server.app_url("activities"), timeout=PAGE_TIMEOUT_MS)
    page.locator(".sk-activities-submit").wait_for(timeout=PAGE_TIMEOUT_MS)
    yield page
    context.close()


def open_tab(page, key: str) -> None:
    page.locator(".sk-activities-tabs .lm-TabBar-tab", has_text=t(key)).click()


def plan(page, *, title: str, start: str, end: str, room: str | None) -> None:
    open_tab(page, "activities.tab_plan")
    page.locator(".sk-activities-title input").fill(title)
    page.locator(".sk-activities-date input").fill(clock.today().isoformat())
    page.locator(".sk-activities-start input").fill(start)
    page.locator(".sk-activities-end input").fill(end)
    room_select = page.locator(".sk-activities-room select")
    room_select.select_option(label=room) if room else room_select.select_option(index=0)
    page.locator(".sk-activities-submit").click()


def choose_activity(page, title: str) -> None:
    """Pick the activity once the list shows it (a tab opened for the first time is drawn then)."""
    select = page.locator(".sk-activities-activity select")
    option = select.locator("option", has_text=title).first
    option.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    select.select_option(label=option.inner_text())


def tick_volunteers(page, count: int) -> None:
    boxes = page.locator(".sk-activities-picked input[type=checkbox]")
    previous = boxes.first.element_handle() if boxes.count() else None
    page.locator(".sk-activities-search input").fill("")
    page.locator(".sk-activities-search-submit").click()
    if previous is not None:  # a new search replaces the old tick boxes: wait until it has
        previous.wait_for_element_state("hidden")
    boxes.first.wait_for()
    for index in range(count):
        boxes.nth(index).check()


def test_plan_check_in_out_and_approve_while_the_screen_updates(app, server, counts, screenshots):
    plan(app, title=TITLE, start="09:00", end="11:30", room="活动室")
    expect(app.locator(".sk-activities-message")).to_contain_text(f"已计划：{TITLE}")
    screen = app.context.new_page()
    screen.goto(server.app_url("dashboard"), timeout=PAGE_TIMEOUT_MS)
    hours = screen.locator(".sk-dashboard-figure-approved-hours .sk-dash-number")
    expect(hours).to_have_text("323,416.0", timeout=PAGE_TIMEOUT_MS)

    app.bring_to_front()
    open_tab(app, "activities.tab_attendance")
    choose_activity(app, TITLE)
    tick_volunteers(app, 2)
    app.locator(".sk-activities-time input").fill("08:50")
    app.locator(".sk-activities-check-in").click()
    expect(app.locator(".sk-activities-attendance-message")).to_contain_text("已签到 2 人")
    app.locator(".sk-activities-time input").fill("11:00")
    for _ in range(2):
        app.wait_for_timeout(CLICK_PAUSE_MS)
        app.locator(".sk-activities-open-record select").select_option(index=0)
        app.locator(".sk-activities-check-out").click()
        expect(app.locator(".sk-activities-attendance-message")).to_contain_text("本次服务 2.0 小时")
    expect(app.locator(".sk-activities-roster")).to_contain_text("2.0")
    app.screenshot(path=screenshots / "activities_roster.png", full_page=True)

    open_tab(app, "activities.tab_approvals")
    ours = app.locator(".sk-activities-queue-items .widget-checkbox", has_text=TITLE)
    expect(ours).to_have_count(2)
    for line in ours.all():
        line.locator("input").check()
    app.locator(".sk-activities-approve").click()
    expect(app.locator(".sk-activities-approvals-message")).to_contain_text("已通过 2 条记录")
    app.screenshot(path=screenshots / "activities_approvals.png", full_page=True)
    # The screen in the other tab was never reloaded.
    expect(hours).to_have_text("323,420.0")
    screen.close()


def test_a_room_clash_is_refused_beside_the_room(app, counts):
    before = counts(Activity)
    plan(app, title="剪纸培训", start="10:00", end="12:00", room="活动室")
    expect(app.locator(".sk-activities-room-error")).to_contain_text(f"该场地已被占用：{TITLE}")
    assert counts(Activity) == before


def test_an_overlapping_record_is_refused_and_nothing_written(app, counts, screenshots):
    plan(app, title="健康义诊（测试）", start="10:00", end="12:00", room=None)
    expect(app.locator(".sk-activities-message")).to_contain_text("已计划")
    before = counts(ServiceRecord)
    open_tab(app, "activities.tab_attendance")
    choose_activity(app, "健康义诊（测试）")
    tick_volunteers(app, 1)
    app.locator(".sk-activities-batch").click()
    expect(app.locator(".sk-activities-attendance-message")).to_contain_text("服务时间不能重叠")
    app.screenshot(path=screenshots / "activities_overlap.png", full_page=True)
    assert counts(ServiceRecord) == before
