"""讲堂 in headless Chromium over the demo station: a hall's sessions, a new session added with its
speaker, partner unit and audience, and a wrong time refused beside the field with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from station_kit import clock
from station_kit.db import get_engine, read_session
from station_kit.i18n import t
from station_kit.models import Activity

pytestmark = pytest.mark.e2e

PAGE_TIMEOUT_MS = 90_000
ACTION_TIMEOUT_MS = 20_000


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def count_activities(demo):
    engine = get_engine(demo[0])

    def count() -> int:
        with read_session(engine) as session:
            return len(session.exec(select(Activity.id)).all())

    yield count
    engine.dispose()


@pytest.fixture
def app(server, page, request_log):
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.goto(server.app_url("lectures"), timeout=PAGE_TIMEOUT_MS)
    page.locator(".sk-lectures-submit").wait_for(timeout=PAGE_TIMEOUT_MS)
    page.locator(".sk-lectures-hall button", has_text=t("enum.hall.health")).click()
    expect(page.locator(".sk-app")).to_contain_text(t("lectures.recent", hall=t("enum.hall.health"), count=50))
    yield page
    assert request_log.foreign() == []


def fill_session(page, *, title: str, start: str, end: str) -> None:
    page.locator(".sk-lectures-title input").fill(title)
    page.locator(".sk-lectures-speaker input").fill("高医生")
    page.locator(".sk-lectures-partner select").select_option(label="神木市卫生健康局")
    page.locator(".sk-lectures-date input").fill((clock.today() + dt.timedelta(days=3)).isoformat())
    page.locator(".sk-lectures-start input").fill(start)
    page.locator(".sk-lectures-end input").fill(end)
    page.locator(".sk-lectures-audience input").fill("64")
    page.locator(".sk-lectures-submit").click()


def test_a_hall_lists_its_sessions_and_takes_a_new_one(app, count_activities, screenshots):
    sessions = app.locator(".sk-lectures-sessions tbody tr")
    expect(sessions.first).to_be_visible()
    before = count_activities()
    fill_session(app, title="冬季老年人健康讲座", start="14:30", end="16:00")
    expect(app.locator(".sk-lectures-message")).to_contain_text("冬季老年人健康讲座")
    newest = sessions.first
    for shown in ("冬季老年人健康讲座", "高医生", "神木市卫生健康局", "64"):
        expect(newest).to_contain_text(shown)
    app.screenshot(path=screenshots / "lectures.png", full_page=True)
    assert count_activities() == before + 1


def test_a_session_that_ends_before_it_starts_is_refused_beside_the_end(app, count_activities):
    before = count_activities()
    fill_session(app, title="用药安全讲座", start="16:00", end="15:00")
    expect(app.locator(".sk-lectures-end-error")).to_have_text(t("activity.ends_before_start"))
    expect(app.locator(".sk-lectures-sessions")).not_to_contain_text("用药安全讲座")
    assert count_activities() == before
