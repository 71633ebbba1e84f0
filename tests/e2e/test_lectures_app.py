"""讲堂 in headless Chromium over the demo station: a hall's sessions, a new session added with its
speaker, partner unit and audience, and a wrong time refused beside the field with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from station_kit import clock
from station_kit.i18n import t
from station_kit.models import Activity
from tests.e2e.pages import ACTION_TIMEOUT_MS, expect, open_app

pytestmark = pytest.mark.e2e
WARM_APPS = ("lectures",)  # the apps it opens get warm kernels (serve --warm)


@pytest.fixture
def app(server, page, request_log):
    open_app(page, server.app_url("lectures"), ready=".sk-lectures-submit", action_timeout_ms=ACTION_TIMEOUT_MS)
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


def test_a_hall_lists_its_sessions_and_takes_a_new_one(app, counts, screenshots):
    sessions = app.locator(".sk-lectures-sessions tbody tr")
    expect(sessions.first).to_be_visible()
    before = counts(Activity)
    fill_session(app, title="冬季老年人健康讲座", start="14:30", end="16:00")
    expect(app.locator(".sk-lectures-message")).to_contain_text("冬季老年人健康讲座")
    newest = sessions.first
    for shown in ("冬季老年人健康讲座", "高医生", "神木市卫生健康局", "64"):
        expect(newest).to_contain_text(shown)
    app.screenshot(path=screenshots / "lectures.png", full_page=True)
    assert counts(Activity) == before + 1


def test_a_session_that_ends_before_it_starts_is_refused_beside_the_end(app, counts):
    before = counts(Activity)
    fill_session(app, title="用药安全讲座", start="16:00", end="15:00")
    expect(app.locator(".sk-lectures-end-error")).to_have_text(t("activity.ends_before_start"))
    expect(app.locator(".sk-lectures-sessions")).not_to_contain_text("用药安全讲座")
    assert counts(Activity) == before
