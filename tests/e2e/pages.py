"""What every browser test does with a page: open an app and wait until it is ready, expect what a
person would see, and find layout a person would see as broken."""

from __future__ import annotations

# A kernel that starts while the 2-core CI machine runs other tests beside the browser tests can take
# a minute or two; the wait ends as soon as the page is there.
PAGE_TIMEOUT_MS = 180_000
# How long a click or a fill may wait for its element, and an expected text or state for the page
# to show it. A busy 2-core machine is slow, and every wait ends as soon as the thing happens: no
# test depends on speed (DESIGN.md §11); how fast is for the benchmarks.
ACTION_TIMEOUT_MS = 60_000


def expect(locator):
    """Playwright's expect, imported late: without Playwright the browser tests skip with a reason.
    Its assertions wait ACTION_TIMEOUT_MS, not Playwright's 5 s."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=ACTION_TIMEOUT_MS)
    return playwright_expect(locator)


def open_app(page, url: str, *, ready: str, action_timeout_ms: int, width: int = 1280, height: int = 1100):
    """Load the app at ``url`` in ``page`` and wait until the element ``ready`` is on it."""
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(action_timeout_ms)
    page.goto(url, timeout=PAGE_TIMEOUT_MS)
    page.locator(ready).wait_for(timeout=PAGE_TIMEOUT_MS)
    return page


def clipped(page, selector: str) -> list[str]:
    """The texts of the elements matching ``selector`` that are wider than their own box: a figure
    that runs out of its tile, a button pushed out of its row."""
    return page.eval_on_selector_all(
        selector, "elements => elements.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)")
