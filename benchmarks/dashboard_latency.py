"""How long 实时数据 takes to show a change made elsewhere: a volunteer registered by another process,
until the open page's figure changes, in headless Chromium. Floor: the dashboard's poll interval."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, serving
from benchmarks.timing import Result
from station_kit.db import get_engine, write_session
from station_kit.demo import people
from station_kit.models import VolunteerCreate
from station_kit.services.actor import Actor
from station_kit.services.org import current_station
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui.dashboard import POLL_SECONDS

TRIES = 7


def _register(engine, n: int, rng: random.Random) -> None:
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=n)
    data = VolunteerCreate(name=people.chinese_name(male=True, rng=rng), consent=True,
                           id_number=people.resident_id(birth, male=True, rng=rng),
                           phone=people.mobile_phone(rng, set()))
    with write_session(engine) as session:
        scope = Scope(session, Actor("bench"))
        register_volunteer(scope=scope, station_id=current_station(scope).id, data=data, allow_similar=True)


def measure(url: str, tries: int = TRIES, *, base_url: str | None = None) -> list[float]:
    """``tries`` changes, each timed until the open screen shows it; on a server of its own, or on
    ``base_url`` serving ``url``."""
    from playwright.sync_api import sync_playwright

    if base_url is None:
        with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder, \
                serving(url, Path(folder) / "serve.log") as (base_url_here, _):
            return measure(url, tries, base_url=base_url_here)
    seconds = []
    engine = get_engine(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base_url}/voila/render/dashboard.ipynb", timeout=120_000)
        figure = page.locator(".sk-dashboard-figure-volunteers .sk-dash-number")
        figure.wait_for(timeout=120_000)
        rng = random.Random(12)
        for n in range(tries):
            before = figure.inner_text()
            started = time.perf_counter()
            _register(engine, n, rng)
            while figure.inner_text() == before:
                page.wait_for_timeout(20)
            seconds.append(time.perf_counter() - started)
        browser.close()
    return seconds


def run(url: str, tries: int = TRIES, *, base_url: str | None = None) -> list[Result]:
    seconds = measure(url, tries, base_url=base_url)
    print("dashboard latency tries (s): " + ", ".join(f"{s:.2f}" for s in seconds))
    return [Result("dashboard shows a change (median)", statistics.median(seconds), "poll interval", POLL_SECONDS)]


def main() -> None:
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--db", url], check=True, capture_output=True)
        [result] = run(url)
    print(f"{result.name}: {result.seconds:.2f} s; poll interval {result.floor_seconds:.2f} s; "
          f"ratio {result.ratio:.2f}")


if __name__ == "__main__":
    main()
