"""The apps of one station on a city's database against the same apps on a database holding that station
alone, in headless Chromium (median of 5 tries, after one not counted): how long 首页 and 实时数据 take
until a worker can use them, and how long a 志愿者 search takes from pressing 查询 until its first row shows.
The station is the reference station 兴神路社区, on both databases; the floor is the station-only one.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.app_load import READY, SERVER_ENV, SETTLE_SECONDS, _wait_until_refilled
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, serving
from benchmarks.timing import Result
from station_kit.i18n import t

TRIES = 5
SEARCH = "王"  # a surname: many rows in any station, so the search reads as much as a worker's would
FIGURES = ("home", "dashboard", "volunteers search")


def _opened(browser, base_url: str, app: str) -> tuple[float, object, object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{base_url}/voila/render/{app}.ipynb", timeout=120_000)
    try:
        page.locator(READY[app]).first.wait_for(timeout=120_000)
    except Exception:  # what the page showed instead, for whoever reads the failure
        shot = Path(tempfile.gettempdir()) / f"city-apps-{app}-{int(time.time())}.png"
        page.screenshot(path=shot, full_page=True)
        print(f"{app} was not usable in 120 s; the page: {shot}", file=sys.stderr)
        raise
    return time.perf_counter() - started, page, context


def _searched(browser, base_url: str) -> float:
    _seconds, page, context = _opened(browser, base_url, "volunteers")
    page.locator(".sk-volunteers-tabs .lm-TabBar-tab", has_text=t("volunteers.tab_search")).click()
    page.locator(".sk-volunteers-search input").fill(SEARCH)
    started = time.perf_counter()
    page.locator(".sk-volunteers-search-submit").click()
    page.locator(".sk-volunteers-result").first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - started
    page.close(run_before_unload=True)
    context.close()
    return seconds


def measure(db_url: str, tries: int = TRIES, *, warm_up: int = 1, quick: bool = False) -> dict[str, list[float]]:
    """``tries`` timed runs of each figure on a server of its own over ``db_url``, after ``warm_up`` not
    counted; each waits until the pools used before it have been refilled, but in a ``quick`` run, which
    shows that each figure is produced, not how fast."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {figure: [] for figure in FIGURES}
    with tempfile.TemporaryDirectory(prefix="station-kit-city-apps-") as folder, \
            serving(db_url, Path(folder) / "serve.log", env=SERVER_ENV) as (base_url, _pid), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        log_path = Path(folder) / "serve.log"
        heated = {"home": 1, "dashboard": 1, "volunteers": 1}
        for round_ in range(tries + warm_up):
            for app in ("home", "dashboard"):
                _wait_until_refilled(log_path, heated, SETTLE_SECONDS)
                seconds, page, context = _opened(browser, base_url, app)
                if not quick:
                    heated[app] += 1
                page.close(run_before_unload=True)
                context.close()
                if round_ >= warm_up:
                    timings[app].append(seconds)
            _wait_until_refilled(log_path, heated, SETTLE_SECONDS)
            seconds = _searched(browser, base_url)
            if not quick:
                heated["volunteers"] += 1
            if round_ >= warm_up:
                timings["volunteers search"].append(seconds)
        browser.close()
    return timings


def run(city_url: str, station_url: str | None, tries: int = TRIES) -> list[Result]:
    """Each figure on the city beside the same on the station-only database; with no ``station_url``
    (quick), each once on the city alone, beside itself: it shows that every figure is produced."""
    if station_url is None:
        city = alone = measure(city_url, 1, warm_up=0, quick=True)
        floor = "quick: the city itself, once"
    else:
        city, alone = measure(city_url, tries), measure(station_url, tries)
        floor = "the same on the station alone"
    for figure in FIGURES:
        print(f"{figure}: city " + ", ".join(f"{s:.2f}" for s in city[figure])
              + " s; station alone " + ", ".join(f"{s:.2f}" for s in alone[figure]) + " s")
    return [Result(f"{figure} on the city (median)", statistics.median(city[figure]), floor,
                   statistics.median(alone[figure])) for figure in FIGURES]
