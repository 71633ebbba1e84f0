"""How long each app takes to become usable in headless Chromium, from asking for the page until its
first input (or figure) is on screen, on the demo station (DESIGN.md §12), and the memory of the page's
kernel once it is (RSS, and USS: what closing the page gives back). Floor: a bare Voilà notebook with one
button, served by the same server in the same run.

Every app is served as people get it, as the station's admin (who may open every app): the daily ones
from a preheated kernel, the others (registry ``preheat=False``) from a kernel started when asked. A
kernel is used once, and the server heats the next one a few seconds later; each try waits until every
pool has been refilled ("Kernel pool of … is filled", and a moment for the new kernel to run its
notebook), so that no try runs beside a kernel starting on the same two cores.
"""

from __future__ import annotations

import os
import re
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
import psutil

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, serving
from benchmarks.timing import Result
from station_kit.serve import APPS_DIR_ENV, DEFAULT_APPS_DIR
from station_kit.ui.registry import APPS

TRIES = 5
BARE = "bare"
# Each app, and what is on its page once a worker can use it: its first input, or its first figure.
READY = {
    BARE: ".sk-bare",
    **{app.name: f".sk-app.sk-{app.name} button" for app in APPS},
    "home": ".sk-home-title",
    "volunteers": ".sk-volunteers-submit",
    "activities": ".sk-activities-submit",
    "lectures": ".sk-lectures-submit",
    "dashboard": ".sk-dashboard-figure-volunteers .sk-dash-number",
}
WARM = {BARE, *(app.name for app in APPS if app.preheat)}
SERVER_ENV = {"STATION_KIT_ROLE": "admin", "STATION_KIT_OPERATOR": "王站长"}
FILL_TIMEOUT_SECONDS = 180
SETTLE_SECONDS = 2  # a heated kernel running its notebook up to the request on a busy 2-core machine
QUICK_SETTLE_SECONDS = 1  # a quick run shows that each app loads, not how fast
MEMORY_SETTLE_SECONDS = 1  # the page's last messages handled before its kernel's memory is read
MiB = 2**20


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


def _wait_until_refilled(log_path: Path, heated: dict[str, int], settle: float) -> None:
    """Wait until each pool has been filled as many times as ``heated`` says (once at the server's start,
    then once for every page that took its kernel), then for the newest kernel to run its notebook. A pool
    is refilled a few seconds after its page took its kernel (serve's POOL_REFILL_DELAY_SECONDS): without
    this wait, the previous page's refill would run beside the next page loading."""
    for app, times in heated.items():
        _wait_until_quiet(log_path, app, times, settle=0)
    time.sleep(settle)


def _kernel_memory(server_pid: int, kernel_id: str) -> tuple[float, float]:
    """(RSS, USS) in MiB of the kernel ``kernel_id`` under the server: the process bound to that kernel's
    sockets (started as usual or forked, the kernels talk over Unix sockets named after their id)."""
    for process in psutil.Process(server_pid).children(recursive=True):
        try:
            if any(kernel_id in str(connection.laddr) for connection in process.net_connections(kind="unix")):
                memory = process.memory_full_info()
                return memory.rss / MiB, memory.uss / MiB
        except psutil.Error:
            continue
    raise RuntimeError(f"no process runs kernel {kernel_id}")


def _time_to_interactive(browser, base_url: str, server_pid: int, app: str, memory_settle: float
                         ) -> tuple[float, float, float]:
    """Seconds until ``app``'s page is usable, then its kernel's RSS and USS (MiB) ``memory_settle`` later."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{base_url}/voila/render/{app}.ipynb", timeout=120_000)
    page.locator(READY[app]).first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - started
    time.sleep(memory_settle)
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.content()).group(1)
    rss, uss = _kernel_memory(server_pid, kernel_id)
    page.close(run_before_unload=True)  # as a person closes the tab: the server shuts its kernel down
    context.close()
    return seconds, rss, uss


@contextmanager
def serving_with_a_bare_page(db_url: str) -> Iterator[tuple[str, Path, int]]:
    """The apps and the bare one-button notebook served together: (base URL, the server's log, its pid)."""
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        log_path = Path(folder) / "serve.log"
        apps = _apps_with_a_bare_notebook(Path(folder))
        with serving(db_url, log_path, env={APPS_DIR_ENV: str(apps), **SERVER_ENV}) as (base_url, pid):
            yield base_url, log_path, pid


def measure(base_url: str, log_path: Path, server_pid: int, tries: int = TRIES, *, quick: bool = False
            ) -> dict[str, list[tuple[float, float, float]]]:
    """``tries`` timed loads of every app, each (seconds, RSS, USS); a first round is not counted (it also
    waits for the kernels started with the server), except in a quick run, which only shows that every app
    still loads."""
    from playwright.sync_api import sync_playwright

    loads: dict[str, list[tuple[float, float, float]]] = {app: [] for app in READY}
    heated = dict.fromkeys(WARM, 1)  # the pools filled when the server started
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm_up = 0 if quick else 1
        for round_ in range(tries + warm_up):
            for app in READY:
                _wait_until_refilled(log_path, heated, QUICK_SETTLE_SECONDS if quick else SETTLE_SECONDS)
                load = _time_to_interactive(browser, base_url, server_pid, app, 0 if quick else MEMORY_SETTLE_SECONDS)
                if app in WARM and not quick:  # a quick run shows that each app loads, not how fast
                    heated[app] += 1
                if round_ >= warm_up:
                    loads[app].append(load)
        browser.close()
    return loads


def run(db_url: str, tries: int = TRIES, *, quick: bool = False, served: tuple[str, Path, int] | None = None
        ) -> list[Result]:
    """Every app's time to interactive and its page's memory (USS) against the bare page's, on a server of
    its own or on ``served``."""
    if served is None:
        with serving_with_a_bare_page(db_url) as served_here:
            return run(db_url, tries, quick=quick, served=served_here)
    loads = measure(*served, tries, quick=quick)
    for app, tried in loads.items():
        print(f"{app}: time to interactive (s) " + ", ".join(f"{s:.2f}" for s, _, _ in tried)
              + "; kernel RSS/USS (MiB) " + ", ".join(f"{rss:.0f}/{uss:.0f}" for _, rss, uss in tried))
    floor = statistics.median(seconds for seconds, _, _ in loads[BARE])
    floor_uss = statistics.median(uss for _, _, uss in loads[BARE])
    times = [Result(f"{app} time to interactive (median)", statistics.median(s for s, _, _ in tried),
                    "bare one-button notebook", floor) for app, tried in loads.items() if app != BARE]
    memory = [Result(f"{app} page's kernel, USS (median)", statistics.median(uss for _, _, uss in tried),
                     "bare one-button notebook's kernel", floor_uss, unit="MiB")
              for app, tried in loads.items() if app != BARE]
    return [*times, *memory]


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
