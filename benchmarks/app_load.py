"""How long each staff app takes to become usable in headless Chromium, from asking for the page until
its first input (or figure) is on screen, on the demo station (DESIGN.md §12). Floor: a bare Voilà
notebook with one button, served by the same server in the same run.

Every app is served as staff get it: from a preheated kernel. A kernel is used once, and the server
heats the next one at once; each try waits until that is done ("Kernel pool of … is filled", and a
few seconds for the new kernel to run its notebook), so that no try runs beside a kernel starting on
the same two cores.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, serving
from benchmarks.timing import Result
from station_kit.serve import APPS_DIR_ENV, DEFAULT_APPS_DIR

TRIES = 3
BARE = "bare"
# Each app, and what is on its page once a worker can use it.
READY = {
    BARE: ".sk-bare",
    "home": ".sk-home-title",
    "volunteers": ".sk-volunteers-submit",
    "activities": ".sk-activities-submit",
    "lectures": ".sk-lectures-submit",
    "dashboard": ".sk-dashboard-figure-volunteers .sk-dash-number",
}
FILL_TIMEOUT_SECONDS = 180
SETTLE_SECONDS = 4  # a heated kernel importing pandas and the apps on a busy 2-core machine
QUICK_SETTLE_SECONDS = 1  # a quick run shows that each app loads, not how fast


def _apps_with_a_bare_notebook(folder: Path) -> Path:
    apps = folder / "apps"
    shutil.copytree(DEFAULT_APPS_DIR, apps)
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'import ipywidgets\nbutton = ipywidgets.Button(description="OK")\nbutton.add_class("sk-bare")\nbutton')])
    bare.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(bare, apps / f"{BARE}.ipynb")
    return apps


def _heated(log_path: Path, app: str) -> int:
    """How many times the server has filled ``app``'s kernel pool so far."""
    return log_path.read_text(errors="replace").count(f"Kernel pool of {app}.ipynb is filled")


def _wait_until_quiet(log_path: Path, app: str, times: int, settle: float = SETTLE_SECONDS) -> None:
    """Wait until ``app``'s pool has been filled ``times`` times, then for the new kernel to run its
    notebook up to the request (the log does not say when that is done)."""
    deadline = time.monotonic() + FILL_TIMEOUT_SECONDS
    while _heated(log_path, app) < times:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not heat a kernel for {app} in {FILL_TIMEOUT_SECONDS} s")
        time.sleep(0.2)
    time.sleep(settle)


def _time_to_interactive(browser, base_url: str, app: str) -> float:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{base_url}/voila/render/{app}.ipynb", timeout=120_000)
    page.locator(READY[app]).first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - started
    page.close(run_before_unload=True)  # as a person closes the tab: the server shuts its kernel down
    context.close()
    return seconds


@contextmanager
def serving_with_a_bare_page(db_url: str) -> Iterator[tuple[str, Path]]:
    """The apps and the bare one-button notebook served together: (base URL, the server's log)."""
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        log_path = Path(folder) / "serve.log"
        apps = _apps_with_a_bare_notebook(Path(folder))
        with serving(db_url, log_path, env={APPS_DIR_ENV: str(apps)}) as base_url:
            yield base_url, log_path


def measure(base_url: str, log_path: Path, tries: int = TRIES, *, quick: bool = False) -> dict[str, list[float]]:
    """``tries`` timed loads of every app; a first round is not counted (it also waits for the kernels
    started with the server), except in a quick run, which only shows that every app still loads."""
    from playwright.sync_api import sync_playwright

    seconds: dict[str, list[float]] = {app: [] for app in READY}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm_up = 0 if quick else 1
        for round_ in range(tries + warm_up):
            for app in READY:
                _wait_until_quiet(log_path, app, round_ + 1, QUICK_SETTLE_SECONDS if quick else SETTLE_SECONDS)
                took = _time_to_interactive(browser, base_url, app)
                if round_ >= warm_up:
                    seconds[app].append(took)
        browser.close()
    return seconds


def run(db_url: str, tries: int = TRIES, *, quick: bool = False, served: tuple[str, Path] | None = None
        ) -> list[Result]:
    """Every app's time to interactive against the bare page's, on a server of its own or on ``served``."""
    if served is None:
        with serving_with_a_bare_page(db_url) as served_here:
            return run(db_url, tries, quick=quick, served=served_here)
    seconds = measure(*served, tries, quick=quick)
    for app, times in seconds.items():
        print(f"{app} time to interactive, tries (s): " + ", ".join(f"{s:.2f}" for s in times))
    floor = statistics.median(seconds[BARE])
    return [Result(f"{app} time to interactive (median)", statistics.median(times), "bare one-button notebook", floor)
            for app, times in seconds.items() if app != BARE]


def main() -> None:
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--db", url], check=True, capture_output=True)
        results = run(url)
    for result in results:
        print(f"{result.name}: {result.seconds:.2f} s; floor {result.floor_seconds:.2f} s; ratio {result.ratio:.2f}")


if __name__ == "__main__":
    main()
