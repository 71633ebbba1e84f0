"""首页 in headless Chromium, served by `station-kit serve` over the demo station."""

from __future__ import annotations

import pytest

from tests.e2e.pages import PAGE_TIMEOUT_MS, clipped, expect

pytestmark = pytest.mark.e2e
WARM_APPS = ("volunteers",)  # the apps it opens get warm kernels (serve --warm)


def test_home_shows_the_demo_station_and_its_figures(server, page, request_log, screenshots):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.app_url("home"), timeout=PAGE_TIMEOUT_MS)
    title = page.locator(".sk-home-title")
    expect(title).to_contain_text("兴神路社区", timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(".sk-home-figure-volunteers")).to_contain_text("755")
    expect(page.locator(".sk-home-figure-party-members")).to_contain_text("225")
    expect(page.locator(".sk-home-figure-volunteers")).to_contain_text("注册志愿者")
    expect(page.locator(".sk-home-figure-approved-hours .sk-tile-number")).to_have_text("323,416.0")
    assert clipped(page, ".sk-tile, .sk-tile .widget-html-content") == []
    page.screenshot(path=screenshots / "home.png", full_page=True)
    assert request_log.foreign() == []


def test_home_leads_to_the_volunteers_app(server, page, request_log):
    page.goto(server.app_url("home"), timeout=PAGE_TIMEOUT_MS)
    link = page.locator("a.sk-home-link", has_text="志愿者：")
    expect(link).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    link.click()
    expect(page.locator(".sk-volunteers-submit")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.url.split("?")[0].endswith("/voila/render/volunteers.ipynb")
    assert request_log.foreign() == []
