"""实时数据 on the station's screen: a change made in another tab, or by another kernel, shows on the
open page by itself, without reloading. That it shows within 5 s (DESIGN.md §6) is not checked here:
on a busy machine a test waits as long as pages.ACTION_TIMEOUT_MS, ending as soon as it shows."""

from __future__ import annotations

import datetime as dt

import pytest

from station_kit import clock
from station_kit.db import get_engine, write_session
from station_kit.services import activities, records
from station_kit.services.actor import Actor
from station_kit.services.org import current_station
from station_kit.services.scope import Scope
from station_kit.services.volunteers import search_volunteers
from tests.e2e.pages import PAGE_TIMEOUT_MS, clipped, expect
from tests.factories import READER, activity_data, id_number, unique_phone

pytestmark = pytest.mark.e2e
WARM_APPS = ("dashboard", "volunteers")  # the apps it opens get warm kernels (serve --warm)


def figure(page, key: str):
    return page.locator(f".sk-dashboard-figure-{key} .sk-dash-number")


@pytest.fixture
def screen(server, page, request_log):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(server.app_url("dashboard"), timeout=PAGE_TIMEOUT_MS)
    figure(page, "volunteers").wait_for(timeout=PAGE_TIMEOUT_MS)
    yield page
    assert request_log.foreign() == []


def test_the_screen_shows_the_station_with_charts(screen, screenshots):
    expect(figure(screen, "volunteers")).to_have_text("755")
    expect(figure(screen, "approved-hours")).to_have_text("323,416.0")
    for chart in ("month", "post", "category"):
        bars = screen.locator(f".sk-dashboard-chart-{chart} .bargroup rect")
        expect(bars.first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    screen.screenshot(path=screenshots / "dashboard.png")


@pytest.mark.parametrize("width", [1920, 1366])
def test_every_figure_fits_its_tile_on_a_tv_and_an_office_screen(screen, width):
    screen.set_viewport_size({"width": width, "height": 900})
    expect(figure(screen, "approved-hours")).to_have_text("323,416.0")
    assert clipped(screen, ".sk-dash-tile, .sk-dash-tile .widget-html-content") == []


def test_a_registration_in_another_tab_shows_without_reloading(screen, screenshots):
    before = int(figure(screen, "volunteers").inner_text().replace(",", ""))
    other = screen.context.new_page()
    other.goto(screen.url.replace("dashboard.ipynb", "volunteers.ipynb"), timeout=PAGE_TIMEOUT_MS)
    other.locator(".sk-volunteers-name input").fill("高乐民", timeout=PAGE_TIMEOUT_MS)
    other.locator(".sk-volunteers-id-number input").fill(id_number())
    other.locator(".sk-volunteers-phone input").fill(unique_phone())
    other.locator(".sk-volunteers-consent input").check()
    other.locator(".sk-volunteers-submit").click()
    expect(other.locator(".sk-volunteers-message")).to_contain_text("已登记：高乐民")
    expect(figure(screen, "volunteers")).to_have_text(f"{before + 1:,}")
    other.close()


def test_approved_hours_from_another_kernel_show_without_reloading(screen, demo):
    engine = get_engine(demo[0])
    start = clock.now().replace(hour=8, minute=0, second=0) - dt.timedelta(days=1)
    with write_session(engine) as session:
        station = current_station(Scope(session, READER))
        volunteer = search_volunteers(scope=Scope(session, READER), station_id=station.id, limit=1)[0]
        activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                            data=activity_data(starts_at=start, hours=1, title="测试服务"))
    # Approving is a separate write, as a worker at another PC would make it.
    with write_session(engine) as session:
        [record] = records.record_attendance(scope=Scope(session, Actor("t")), activity_id=activity.id,
                                             entries=[records.Attendance(volunteer.id, 60)])
    with write_session(engine) as session:
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[record.id])
    expect(figure(screen, "approved-hours")).to_have_text("323,417.0")
    engine.dispose()
