"""Browser-test fixtures (DESIGN.md §11): Debian's Chromium driven by Playwright, and
`station-kit serve` started in a subprocess.

Chromium comes from the system, never from `playwright install`. Where it is missing the
tests skip with the reason, except under CI (the CI variable set), where a skipped browser
leg would hide a broken machine, so they fail.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.pages import ACTION_TIMEOUT_MS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_HOST = "127.0.0.1"
# The server prints its address once 首页's preheated kernel is ready (at most 180 s, station_kit.serve).
SERVER_START_TIMEOUT = 240.0
READY_MARK = "/voila/render/home.ipynb"
SERVER_STOP_TIMEOUT = 15.0
APPS_DIR_ENV = "STATION_KIT_APPS_DIR"
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})


def _unavailable(reason: str) -> None:
    """Skip, or fail under CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; contexts keep tests apart."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: browser tests need Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e .[test]")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class RequestLog:
    """Every URL a page asked for, websockets included."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, host: str = SERVER_HOST) -> list[str]:
        """The network requests that went to any host but `host` (data: URLs are not)."""
        network = [url for url in self.urls if urlsplit(url).scheme in NETWORK_SCHEMES]
        return [url for url in network if urlsplit(url).hostname != host]


@pytest.fixture
def request_log() -> RequestLog:
    """What the `page` fixture's page requested: assert ``request_log.foreign() == []``."""
    return RequestLog()


@pytest.fixture
def page(browser, request_log):
    """A fresh zh-CN page that records its requests into `request_log`; it and any other page
    of its context wait ACTION_TIMEOUT_MS for an element to act on."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    new_page = context.new_page()
    new_page.on("request", lambda request: request_log.urls.append(request.url))
    new_page.on("websocket", lambda websocket: request_log.urls.append(websocket.url))
    yield new_page
    # Close each tab as a person would: the page asks the server to shut its kernel down, so a
    # module's tests do not pile up kernels against serve's --max-kernels limit.
    from playwright.sync_api import Error as PlaywrightError

    for open_page in context.pages:
        try:
            open_page.close(run_before_unload=True)
        except PlaywrightError:  # the test closed it already, and it is going
            pass
    context.close()


@dataclass
class StationServer:
    """A running `station-kit serve`, as the browser sees it."""

    base_url: str
    token: str | None
    log_path: Path
    pid: int

    def app_url(self, name: str) -> str:
        """The page of one app in workbooks/apps, logged in when the server wants a token."""
        query = f"?token={self.token}" if self.token else ""
        return f"{self.base_url}/voila/render/{name}.ipynb{query}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((SERVER_HOST, 0))
        return probe.getsockname()[1]


def _serve_command(port: int, db_url: str, token: str | None, args: list[str]) -> list[str]:
    options = ["--host", SERVER_HOST, "--port", str(port), "--db", db_url, *args]
    if token:
        options += ["--token", token]
    return [sys.executable, "-m", "station_kit.cli", "serve", *options]


def _answers_http(port: int) -> bool:
    """Any HTTP status counts: a token-protected server answers with a redirect."""
    connection = http.client.HTTPConnection(SERVER_HOST, port, timeout=2)
    try:
        connection.request("GET", "/voila/static/voila.js")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _wait_until_serving(process: subprocess.Popen, port: int, log_path: Path) -> None:
    """Until the server answers HTTP and has printed its address, as a person waits for it: a page
    asked for while every app's kernel is still warming waits longer than any page should."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _fail_with_log(f"station-kit serve exited with {process.returncode}", log_path)
        if READY_MARK in log_path.read_text(errors="replace") and _answers_http(port):
            return
        time.sleep(0.25)
    _fail_with_log(f"station-kit serve gave no answer in {SERVER_START_TIMEOUT:.0f} s", log_path)


def _fail_with_log(message: str, log_path: Path) -> None:
    pytest.fail(f"{message}; its log:\n{log_path.read_text(errors='replace')}", pytrace=False)


def _terminate(process: subprocess.Popen) -> None:
    """Stop the server's whole process group: SIGTERM first, so it shuts its kernels down."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def serve_station(tmp_path_factory) -> Iterator[Callable[..., StationServer]]:
    """Factory: ``serve_station(db_url, apps_dir=None, token=None, env=None, args=())`` starts
    `station-kit serve` on a free port and returns a `StationServer` once it answers HTTP.

    `apps_dir` (default workbooks/apps) reaches the server as $STATION_KIT_APPS_DIR; `env`
    adds variables (e.g. STATION_KIT_DATA_DIR, which holds the ID-number key); `args` are
    more `serve` options (e.g. ``["--max-kernels", "3"]``). Every server started is stopped
    when the module's tests are done.
    """
    processes: list[subprocess.Popen] = []

    def start(
        db_url: str,
        *,
        apps_dir: Path | None = None,
        token: str | None = None,
        env: dict[str, str] | None = None,
        args: Sequence[str] = (),
    ) -> StationServer:
        port = _free_port()
        log_path = tmp_path_factory.mktemp("serve") / "serve.log"
        server_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        if apps_dir is not None:
            server_env[APPS_DIR_ENV] = str(apps_dir)
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                _serve_command(port, db_url, token, list(args)),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=server_env,
                start_new_session=True,
            )
        processes.append(process)
        _wait_until_serving(process, port, log_path)
        base_url = f"http://{SERVER_HOST}:{port}"
        return StationServer(base_url=base_url, token=token, log_path=log_path, pid=process.pid)

    yield start
    for process in processes:
        _terminate(process)


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The demo station built once per test run (tests/databases.py); each module gets its own copy."""
    from tests.databases import demo_station_url

    return Path(demo_station_url().removeprefix("sqlite:///"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_template):
    """A copy of the demo station in a temp SQLite file, its key file kept out of the repository's data/.
    Returns (database URL, environment for the server)."""
    data_dir = tmp_path_factory.mktemp("data")
    shutil.copyfile(demo_template, data_dir / "station.db")
    return f"sqlite:///{data_dir / 'station.db'}", {"STATION_KIT_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="module")
def counts(demo) -> Iterator[Callable[[type], int]]:
    """``counts(Model)``: how many rows the module's demo database holds, read beside the server, so
    that "nothing was written" is seen in the database and not assumed."""
    from sqlmodel import select

    from station_kit.db import get_engine, read_session

    engine = get_engine(demo[0])

    def count(model: type) -> int:
        with read_session(engine) as session:
            return len(session.exec(select(model.id)).all())

    yield count
    engine.dispose()


@pytest.fixture(scope="module")
def server(serve_station, demo, request):
    """`station-kit serve` over this module's demo station. A module that opens some apps only names them
    in ``WARM_APPS`` and the server keeps warm kernels for those (and 首页) alone (`serve --warm`), as a
    PC whose people use a few apps would: the others start their kernel when opened. ``SERVER_ENV`` adds
    settings (the person the server acts as, for one)."""
    url, env = demo
    warm = getattr(request.module, "WARM_APPS", None)
    return serve_station(url, env={**env, **getattr(request.module, "SERVER_ENV", {})},
                         args=() if warm is None else ("--warm", ",".join(warm)))


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where browser tests leave screenshots for a person to look at: STATION_KIT_SCREENSHOTS, else a
    temp folder (its path is in pytest's temp directory)."""
    folder = Path(os.environ.get("STATION_KIT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
