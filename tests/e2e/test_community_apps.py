"""微心愿 and 民呼我应 in headless Chromium over the demo station: a wish posted, claimed, fulfilled and
rated on the wall; a case logged, whistled, reported, resolved and rated, and its grid's rates moving."""

from __future__ import annotations

import re

import pytest

from station_kit.i18n import t
from station_kit.models import GridCase, Request
from tests.e2e.pages import ACTION_TIMEOUT_MS, expect, open_app

pytestmark = pytest.mark.e2e
WARM_APPS = ("wishes", "cases")  # the apps it opens get warm kernels (serve --warm)


def test_post_claim_fulfil_and_rate_a_wish(server, page, request_log, counts):
    open_app(page, server.app_url("wishes"), ready=".sk-wishes-post", action_timeout_ms=ACTION_TIMEOUT_MS)
    before = counts(Request)
    page.locator(".sk-wishes-resident select").select_option(index=1)
    page.locator(".sk-wishes-title input").fill("想要一台收音机听戏")
    page.locator(".sk-wishes-post").click()
    message = page.locator(".sk-wishes-message")
    expect(page.locator(".sk-wishes-post-message")).to_contain_text(t("wishes.posted"))
    expect(page.locator(".sk-wishes-wall")).to_contain_text("想要一台收音机听戏")
    expect(page.locator(".sk-wishes-pick select")).to_contain_text("想要一台收音机听戏")
    page.locator(".sk-wishes-claimer select").select_option(index=1)
    page.locator(".sk-wishes-claim").click()
    expect(message).to_contain_text(t("enum.request_status.claimed"))
    page.locator(".sk-wishes-reason input").fill("志愿者已送到居民家中")
    page.locator(".sk-wishes-fulfil").click()
    expect(message).to_contain_text(t("enum.request_status.fulfilled"))
    page.locator(".sk-wishes-rating select").select_option(label=t("wishes.stars.5"))
    page.locator(".sk-wishes-rate").click()
    expect(message).to_contain_text(t("enum.request_status.rated"))
    page.locator(".sk-wishes-filter button", has_text=t("wishes.filter.done")).click()
    card = page.locator(".sk-wishes-card", has_text="想要一台收音机听戏")
    expect(card).to_contain_text("★★★★★")
    expect(card).to_contain_text("**")  # the resident shortened, as on the public wall
    assert counts(Request) == before + 1
    assert request_log.foreign() == []


def test_log_whistle_report_resolve_rate_a_case_and_see_the_rates_move(server, page, request_log, counts):
    open_app(page, server.app_url("cases"), ready=".sk-cases-log", action_timeout_ms=ACTION_TIMEOUT_MS)
    grid_row = page.locator(".sk-cases-rates tbody tr").filter(
        has=page.locator("td", has_text=re.compile(r"^第1网格$")))
    expect(grid_row).to_be_visible()
    before = counts(GridCase)
    page.locator(".sk-cases-grid select").select_option(label="第1网格")
    page.locator(".sk-cases-title input").fill("单元门禁损坏")
    page.locator(".sk-cases-log").click()
    expect(page.locator(".sk-cases-log-message")).to_contain_text(t("cases.logged"))
    expect(page.locator(".sk-cases-pick select")).to_contain_text("单元门禁损坏")
    logged_rates = grid_row.inner_text()
    message = page.locator(".sk-cases-message")
    page.locator(".sk-cases-steward select").select_option(index=1)
    page.locator(".sk-cases-accept").click()
    expect(message).to_contain_text(t("enum.case_status.accepted"))
    for action, note, status in (("whistle", "请物业派人维修", "whistled"), ("report", "物业已到场", "reported"),
                                 ("resolve", "门禁已修好", "resolved")):
        if action == "whistle":
            page.locator(".sk-cases-department select").select_option(index=1)
        page.locator(".sk-cases-note input").fill(note)
        page.locator(f".sk-cases-{action}").click()
        expect(message).to_contain_text(t(f"enum.case_status.{status}"))
    page.locator(".sk-cases-rating select").select_option(label=t("wishes.stars.4"))
    page.locator(".sk-cases-rate").click()
    expect(message).to_contain_text(t("enum.case_status.rated"))
    timeline = page.locator(".sk-cases-timeline")
    for note in ("请物业派人维修", "物业已到场", "门禁已修好"):
        expect(timeline).to_contain_text(note)
    expect(grid_row).not_to_have_text(logged_rates)  # responded in time and resolved: the rates moved
    assert counts(GridCase) == before + 1
    assert request_log.foreign() == []
