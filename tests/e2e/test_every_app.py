"""A smoke test of every app in the registry (DESIGN.md §5, §6), at the two screens stations have:
each renders, shows no text cut off or spilling out of its box, logs no error in the browser
console, and asks nothing of any host but the station's own server."""

from __future__ import annotations

import time

import pytest

from station_kit.ui import registry
from tests.e2e.pages import PAGE_TIMEOUT_MS, expect

pytestmark = pytest.mark.e2e
# As the station's admin, who may open every app (操作记录 is theirs alone) and sees each one's most.
SERVER_ENV = {"STATION_KIT_ROLE": "admin", "STATION_KIT_OPERATOR": "王站长"}

SCREENS = [(1366, 768), (1920, 1080)]

# Text in boxes: labels, buttons, messages, tiles, table cells; and chart labels inside their chart.
OVERFLOWING_TEXT = """root => [...root.querySelectorAll(
    '.widget-html-content, .widget-label, button, .jupyter-button, .lm-TabBar-tabLabel, td, th')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1 && e.textContent.trim())
  .map(e => e.textContent.trim().slice(0, 40))"""
CHART_TEXT_OUTSIDE = """root => [...root.querySelectorAll('svg.svg-background, svg.svg-figure')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return t.textContent.trim() && r.width > 0 &&
      (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
  }).map(t => t.textContent.trim());
})"""


def settled(root, script: str, seconds: float = 10.0) -> list[str]:
    """What ``script`` finds once the layout has had time to settle after a resize (charts redraw
    a moment later): asked again until it finds nothing or the time is up, then the last answer."""
    deadline = time.monotonic() + seconds
    found = root.evaluate(script)
    while found and time.monotonic() < deadline:
        time.sleep(0.25)
        found = root.evaluate(script)
    return found


@pytest.mark.parametrize("app", registry.APPS, ids=[app.name for app in registry.APPS])
def test_every_app_renders_whole_and_stays_on_the_station(app, server, page, request_log, screenshots):
    """Opened on the office PC's screen, then the window made as large as a TV's: one page load per
    app (each load starts a kernel), the layout checked at both sizes."""
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    (width, height), *larger = SCREENS
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server.app_url(app.name), timeout=PAGE_TIMEOUT_MS)
    root = page.locator(f".sk-app.sk-{app.name}")
    expect(root).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    if app.back_link:
        expect(root.locator(".sk-back-home a")).to_have_attribute("href", registry.HOME.notebook)
    for screen in [(width, height), *larger]:
        if screen != (width, height):
            page.set_viewport_size({"width": screen[0], "height": screen[1]})
            page.wait_for_function("([w, h]) => window.innerWidth === w && window.innerHeight === h", arg=screen)
        # Charts draw after the widgets appear (and again after a resize); their labels are in place once
        # an axis has ticks.
        if root.locator("svg.svg-background").count():
            expect(root.locator("svg.svg-background .tick text").first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        page.screenshot(path=screenshots / f"every-app-{app.name}-{screen[0]}x{screen[1]}.png", full_page=True)
        assert settled(root, OVERFLOWING_TEXT) == [], screen
        assert settled(root, CHART_TEXT_OUTSIDE) == [], screen
    assert console_errors == []
    assert request_log.foreign() == []
