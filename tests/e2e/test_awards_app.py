"""时尚达人评选 in headless Chromium over the demo station, as its 站长 (an admin): a month is
computed, published, an objection against a winner is lodged and upheld (the next candidate moves
up), and once the publicity period is over the round is made final.

Five working days cannot pass during a test and the product has no way to fake "today" (none a
person could reach): the test ends the publicity period the way time would, by moving the round's
last publicity day into the past in the database beside the server, then reopens the round."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from station_kit import clock
from station_kit.db import get_engine, write_session
from station_kit.i18n import t
from station_kit.models import AwardRound
from station_kit.ui.kit.format import format_date
from tests.e2e.pages import ACTION_TIMEOUT_MS, expect, open_app

pytestmark = pytest.mark.e2e
PERIOD = "2021-08"  # over, and not in the demo's award calendar: no round yet


@pytest.fixture
def app(serve_station, demo, page, request_log):
    url, env = demo
    server = serve_station(url, env={**env, "STATION_KIT_ROLE": "admin", "STATION_KIT_OPERATOR": "王站长"},
                           args=("--warm", ""))  # 时尚达人评选 has no warm kernel anyway: 首页's alone
    open_app(page, server.app_url("awards"), ready=".sk-awards-run", action_timeout_ms=ACTION_TIMEOUT_MS)
    yield page
    assert request_log.foreign() == []


def test_a_month_goes_through_publicity_with_an_objection_upheld_to_final(app, demo, screenshots):
    app.locator(".sk-awards-period input").fill(PERIOD)
    app.locator(".sk-awards-run").click()
    expect(app.locator(".sk-awards-message")).to_contain_text(t("awards.ui.computed", period=PERIOD))
    ranking = app.locator(".sk-awards-ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text(t("awards.ui.winner"))
    sixth = ranking.nth(5).locator("td").nth(1).inner_text()
    app.locator(".sk-awards-candidate select").select_option(index=1)
    expect(app.locator(".sk-awards-breakdown")).to_contain_text(t("awards.breakdown.hour_points"))

    app.locator(".sk-awards-publish").click()
    expect(app.locator(".sk-awards-status")).to_contain_text(t("enum.award_round_status.publicity"))
    first = ranking.nth(0).locator("td").nth(1).inner_text()
    app.locator(".sk-awards-entry select").select_option(index=0)
    app.locator(".sk-awards-objector input").fill("居民张先生")
    app.locator(".sk-awards-content textarea").fill("8月有两次活动未到场却记了时长")
    app.locator(".sk-awards-lodge").click()
    expect(app.locator(".sk-awards-objections")).to_contain_text("居民张先生")
    app.locator(".sk-awards-finalize").click()
    expect(app.locator(".sk-awards-message")).to_contain_text(t("awards.open_objections", count=1))

    app.locator(".sk-awards-reason textarea").fill("核对签到表，情况属实")
    app.locator(".sk-awards-uphold").click()
    expect(app.locator(".sk-awards-objection-message")).to_contain_text(t("awards.ui.upheld"))
    expect(app.locator(".sk-awards-objections")).to_contain_text(t("enum.award_objection_status.upheld"))
    expect(ranking.nth(0)).to_contain_text(t("awards.ui.removed"))
    expect(ranking.nth(5)).to_contain_text(t("awards.ui.promoted"))
    expect(ranking.nth(5)).to_contain_text(sixth)
    app.screenshot(path=screenshots / "awards-publicity.png", full_page=True)

    yesterday = clock.today() - dt.timedelta(days=1)
    engine = get_engine(demo[0])
    with write_session(engine) as session:
        session.execute(update(AwardRound).where(AwardRound.period == PERIOD, AwardRound.level == "month")
                        .values(publicity_ends_on=yesterday))
    engine.dispose()
    app.locator(".sk-awards-open").click()
    # The reopened round shows the period's new end before anything else is clicked.
    expect(app.locator(".sk-awards-status")).to_contain_text(format_date(yesterday))
    app.locator(".sk-awards-finalize").click()
    expect(app.locator(".sk-awards-message")).to_contain_text(t("awards.ui.finalized"))
    expect(app.locator(".sk-awards-status")).to_contain_text(t("enum.award_round_status.final"))
    expect(app.locator(".sk-awards-ranking")).to_contain_text(first)
    expect(app.locator(".sk-awards-publish")).to_be_disabled()
