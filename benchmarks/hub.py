"""A street on one server (`station-kit hub`, DESIGN.md §10, §12): the memory of everything it runs with
staff and analysts signed in, and the time from signing in to a usable 首页.

Floors, in the same run on the same database (the street's own PostgreSQL): one PC's `station-kit
serve` with the same number of 首页 pages open (no hub, no sign-in), and opening 首页 there. Memory is
the unique set size (USS) of every process each one runs — the hub, its proxy, the station server and
its kernels, the analysts' JupyterLab servers and kernels, PostgreSQL — which counts a page shared by
two processes once (in neither), so adding processes adds what they really cost.

Runs as root (the analysts' servers are their own system users) with configurable-http-proxy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from benchmarks.app_load import _wait_until_quiet
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, _free_port, serving
from benchmarks.timing import Result
from station_kit.hub.analysts import system_name
from station_kit.hub.postgres import stop_street_database, street_database
from station_kit.hub.run import sign_up

STAFF, ANALYSTS = 10, 2
ADMIN, PASSWORD = "benchadmin", "Bench-2026-admin"
HOME_READY = ".sk-home-figure-volunteers"
PAGE_MS = 180_000
MIB = 1024 * 1024


def _uss(processes: list[psutil.Process]) -> float:
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().uss
        except psutil.Error:  # ended meanwhile
            pass
    return total / MIB


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _postgres(cluster: Path) -> list[psutil.Process]:
    for process in psutil.process_iter(["cmdline"]):
        if process.info["cmdline"] and str(cluster) in " ".join(process.info["cmdline"]):
            return _tree(process.pid)
    return []


def _open_home(browser, url: str, *, sign_in: str | None = None) -> tuple[float, object]:
    """Open 首页 in a new browser context (signing in as ``sign_in`` first when asked): the seconds until
    its figures show, and the context, left open as a person leaves their tab open."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_MS)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    if sign_in:
        page.locator("input[name=username]").fill(sign_in)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[type=submit], button[type=submit]").first.click()
    page.locator(HOME_READY).wait_for()
    return time.perf_counter() - started, context


@contextmanager
def _hub(folder: Path, env: dict[str, str]):
    port = _free_port()
    log_path = folder / "hub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "station_kit.cli", "hub", "--folder", str(folder / "hub"),
                                    "--port", str(port), "--admin", ADMIN, "--password", PASSWORD],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while "街道服务已启动" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"station-kit hub did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):  # the hub that failed to start has ended already
            os.killpg(process.pid, 15)
        process.wait(60)


def _let_in(browser, base: str, people: dict[str, tuple[str, ...]]) -> None:
    """Each person signs up on the hub's page; the admin approves them and puts them in their groups."""
    import json
    import urllib.request

    admin = browser.new_context()
    page = admin.new_page()
    page.goto(f"{base}/hub/login")
    page.locator("input[name=username]").fill(ADMIN)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url("**/services/station/**")
    body = json.dumps({"auth": {"username": ADMIN, "password": PASSWORD}}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{base}/hub/api/users/{ADMIN}/tokens", data=body,
                                                       method="POST"), timeout=60) as answer:
        token = json.loads(answer.read())["token"]

    def api(path: str, data: dict) -> None:
        request = urllib.request.Request(f"{base}/hub/api/{path}", data=json.dumps(data).encode(), method="POST",
                                         headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(request, timeout=60).close()

    for name, groups in people.items():
        sign_up(base, name, PASSWORD)
        page.goto(f"{base}/hub/authorize/{name}")
        api(f"users/{name}", {})
        for group in groups:
            api(f"groups/{group}/users", {"users": [name]})
    admin.close()


def run(folder: str, *, quick: bool = False) -> list[Result]:
    from playwright.sync_api import sync_playwright

    if os.geteuid() != 0 or shutil.which("configurable-http-proxy") is None:
        print("hub: skipped (needs root, for the analysts' system users, and configurable-http-proxy)")
        return []
    staff, analysts = (1, 1) if quick else (STAFF, ANALYSTS)
    folder = Path(folder) / "hub-bench"
    shutil.rmtree(folder, ignore_errors=True)  # a street of its own, from nothing
    data_dir = folder / "data"
    url = street_database(data_dir)
    env = {key: value for key, value in os.environ.items() if key != "STATION_KIT_DB_URL"} | {
        "STATION_KIT_DATA_DIR": str(data_dir)}
    build = ["init", "--code", "XSL", "--name", "兴神路社区"] if quick else ["demo"]
    subprocess.run([sys.executable, "-m", "station_kit.cli", *build, "--db", url], env=env, check=True,
                   capture_output=True)
    names = [f"jingban{n}" for n in range(staff)] + [f"fenxi{n}" for n in range(analysts)]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            with serving(url, folder / "serve.log", env=env) as (base, _):
                _wait_until_quiet(folder / "serve.log", "home", 1)  # the warm kernels are ready, as by morning
                serve_idle = _uss(_tree(_serving_pid(base)) + _postgres(data_dir / "postgres"))
                opened = [_open_home(browser, f"{base}/voila/render/home.ipynb") for _ in range(staff)]
                serve_memory = _uss(_tree(_serving_pid(base)) + _postgres(data_dir / "postgres"))
                for _, context in opened:
                    context.close()
            stop_street_database(data_dir)  # the hub starts it again, as on a street's server
            with _hub(folder, env) as (base, pid):
                _wait_until_quiet(folder / "hub.log", "home", 1)
                hub_idle = _uss(_tree(pid) + _postgres(data_dir / "postgres"))
                _let_in(browser, base, {name: ("staff", "station-XSL") if name.startswith("jingban")
                                        else ("analyst", "station-XSL") for name in names})
                signed_in = [_open_home(browser, f"{base}/services/station/voila/render/home.ipynb", sign_in=name)
                             for name in names[:staff]]
                for name in names[staff:]:
                    context = browser.new_context(locale="zh-CN")
                    context.set_default_timeout(PAGE_MS)
                    page = context.new_page()
                    page.goto(f"{base}/hub/login")
                    page.locator("input[name=username]").fill(name)
                    page.locator("input[name=password]").fill(PASSWORD)
                    page.locator("input[type=submit], button[type=submit]").first.click()
                    page.wait_for_url(f"**/user/{name}/lab**", timeout=PAGE_MS)
                    page.locator("#jp-MainMenu").wait_for()
                    signed_in.append((0.0, context))
                hub_memory = _uss(_tree(pid) + _postgres(data_dir / "postgres"))
                for _, context in signed_in:
                    context.close()
            browser.close()
    finally:
        for name in names[staff:]:
            subprocess.run(["pkill", "-u", system_name(name)], capture_output=True)
            subprocess.run(["userdel", "--remove", system_name(name)], capture_output=True)
        stop_street_database(data_dir)
    opening = statistics.median(seconds for seconds, _ in opened)
    signing_in = statistics.median(seconds for seconds, _ in signed_in[:staff])
    people = f"{staff} staff + {analysts} analyst{'s' if analysts > 1 else ''}"
    return [Result("hub: sign-in to a usable 首页", signing_in, "serve: open 首页, no sign-in", opening),
            Result(f"hub: memory, {people} signed in", hub_memory, f"serve: memory, {staff} 首页 open",
                   serve_memory, unit="MiB"),
            Result("hub: memory per signed-in person", (hub_memory - hub_idle) / (staff + analysts),
                   "serve: memory per open 首页", (serve_memory - serve_idle) / staff, unit="MiB")]


def _serving_pid(base: str) -> int:
    port = int(base.rsplit(":", 1)[1])
    for connection in psutil.net_connections("tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port:
            return connection.pid
    raise RuntimeError(f"no process listens on {port}")
