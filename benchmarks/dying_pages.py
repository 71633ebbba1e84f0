"""Kernels that come back (DESIGN.md §8): pages whose browser dies without a word — every Chromium process
killed, so no unload handler runs, as when a PC crashes, sleeps or loses the network — give their kernels
back. Measured: the seconds from the browser's death until the server runs only the kernels it ran before
the pages opened, and the kernel counts on the way. Floor: the page grace the server waits for a page to
come back (``--page-grace``); the cull that follows runs every 15 s, so up to grace + 15 s is as designed.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, serving
from benchmarks.timing import Result
from station_kit.kernel_forks import is_kernel
from station_kit.serve import POOL_REFILL_DELAY_SECONDS

PAGES = 3
GRACE_SECONDS = 90  # serve's default
QUICK_GRACE_SECONDS = 2
WAIT_SECONDS = 300


def kernel_count(server_pid: int) -> int:
    """The kernels under the server: forked by its zygote or started as usual."""
    count = 0
    for process in psutil.Process(server_pid).children(recursive=True):
        try:
            if is_kernel(process.name(), " ".join(process.cmdline())):
                count += 1
        except psutil.Error:
            continue
    return count


def _settled_count(server_pid: int, seconds: float) -> int:
    """The kernel count once it has stopped moving for a moment (the pool refills after a page takes one)."""
    last, since = kernel_count(server_pid), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.5)
        now = kernel_count(server_pid)
        if now != last:
            last, since = now, time.monotonic()
    return last


def run(db_url: str, *, quick: bool = False) -> list[Result]:
    """Open PAGES pages of 首页 in a browser of their own, kill every process of it, and time the way back."""
    from playwright.sync_api import sync_playwright

    grace = QUICK_GRACE_SECONDS if quick else GRACE_SECONDS
    settle = 2.0 if quick else 5.0
    # A quick run keeps 首页's kernel warm only: it shows that kernels come back, on a server that starts sooner.
    args = ["--page-grace", str(grace), *(["--warm="] if quick else [])]
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder, \
            serving(db_url, Path(folder) / "serve.log", args=args) as (base_url, pid), \
            sync_playwright() as playwright:
        before = _settled_count(pid, settle)
        profile = Path(folder) / "dying-browser"
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM,
                                                                args=CHROMIUM_ARGS, locale="zh-CN")
        for _ in range(PAGES):
            page = browser.new_page()
            page.goto(f"{base_url}/voila/render/home.ipynb", timeout=120_000)
            page.locator(".sk-home-title").first.wait_for(timeout=120_000)
        opened = _settled_count(pid, max(settle, POOL_REFILL_DELAY_SECONDS + 1))  # 首页's pool refilled too
        for process in psutil.process_iter(["cmdline"]):
            if str(profile) in " ".join(process.info["cmdline"] or []):
                os.kill(process.pid, signal.SIGKILL)
        died = time.monotonic()
        while kernel_count(pid) > before and time.monotonic() - died < WAIT_SECONDS:
            time.sleep(0.5)
        seconds = time.monotonic() - died
        after = kernel_count(pid)
    print(f"kernels: {before} before, {opened} with {PAGES} pages open, {after} {seconds:.0f} s after the browser died")
    if after > before:
        raise RuntimeError(f"{after - before} kernels of dead pages still ran after {WAIT_SECONDS} s")
    return [Result(f"kernels back after {PAGES} pages died without unload", seconds, "page grace", float(grace))]
