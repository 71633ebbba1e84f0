"""`station-kit serve` seen from headless Chromium and from a bare websocket client, over
three throw-away apps.

The apps folder reaches the server through $STATION_KIT_APPS_DIR (see station_kit.serve).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import nbformat
import pytest
import websocket
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

from station_kit.i18n import t
from station_kit.kernel_forks import is_kernel
from station_kit.serve import POOL_REFILL_DELAY_SECONDS
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.pages import PAGE_TIMEOUT_MS

pytestmark = pytest.mark.e2e

LABEL_TEXT = "志愿者服务"
SECRET_ERROR = "kaboom-7f3a"
CLICK_ERROR = "click-kaboom-91c2"

HOME_CELLS = [
    "import os\nimport ipywidgets as widgets\nfrom voila.utils import wait_for_request",
    "wait_for_request()",
    # The database URL is read after wait_for_request(), as every app must.
    f"label = widgets.Label(value='{LABEL_TEXT} ' + os.environ['STATION_KIT_DB_URL'])\n"
    "label.add_class('sk-home-label')\n"
    "label",
]
BROKEN_CELLS = [
    "print('准备中')",
    f"raise ValueError('{SECRET_ERROR}')",
]
# A button whose handler fails: a bug of the kind a kernel reports over the websocket.
CLICKS_CELLS = [
    "import ipywidgets as widgets\n"
    "def explode(button):\n"
    f"    raise ValueError('{CLICK_ERROR}')\n"
    "button = widgets.Button(description='点我')\n"
    "button.on_click(explode)\n"
    "button",
]
# What a traceback or a kernel's log line gives away.
LEAKS = ("Traceback", "site-packages", ".py", CLICK_ERROR)
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
SOCKET_TIMEOUT_S = 60.0
BUSY_TEXT = "服务器繁忙，请稍后刷新"


def write_notebook(path: Path, sources: list[str]) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def apps_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("apps")
    write_notebook(folder / "home.ipynb", HOME_CELLS)
    write_notebook(folder / "broken.ipynb", BROKEN_CELLS)
    write_notebook(folder / "clicks.ipynb", CLICKS_CELLS)
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Keeps the ID-number key the CLI creates out of the repository's data/."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def db_url(data_dir) -> str:
    return f"sqlite:///{data_dir / 'station.db'}"


@pytest.fixture(scope="module")
def station(serve_station, apps_dir, data_dir, db_url):
    return serve_station(db_url, apps_dir=apps_dir, env={"STATION_KIT_DATA_DIR": str(data_dir)})


class Reply(NamedTuple):
    status: int
    location: str | None
    body: str


def http_get(url: str) -> Reply:
    """One GET with redirects not followed, so a refusal shows as itself."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        return Reply(response.status, response.getheader("Location"), body)
    finally:
        connection.close()


def wait_for_log(station, text: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while text not in station.log():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def open_home(page, base_url: str):
    page.goto(f"{base_url}/", timeout=PAGE_TIMEOUT_MS)
    label = page.locator(".sk-home-label")
    label.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    return label


def test_root_opens_home_app_with_request_time_data(page, station, db_url):
    label = open_home(page, station.base_url)

    assert page.url == station.app_url("home")
    assert label.inner_text() == f"{LABEL_TEXT} {db_url}"


def test_the_address_is_given_only_once_home_can_be_served(station):
    """On 2 cores every app's kernel warms at once; an address given before 首页's is ready leads to
    a blank wait, so the server says it is starting, and gives the address when 首页 is warm."""
    ready = t("serve.ready", url="")
    deadline = time.monotonic() + 180
    while ready not in station.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    log = station.log()
    assert log.index(t("serve.starting")) < log.index("Kernel pool of home.ipynb is filled") < log.index(ready)


def test_page_asks_nothing_of_other_hosts(page, request_log, station):
    open_home(page, station.base_url)
    page.wait_for_load_state("networkidle")

    assert request_log.urls, "the request log recorded nothing"
    assert request_log.foreign() == []


def test_page_is_chinese(page, station):
    label = open_home(page, station.base_url)

    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title() == "新时代文明实践站"
    assert "Noto Sans CJK SC" in label.evaluate("element => getComputedStyle(element).fontFamily")


def close_as_a_person_would(page, request_log, station) -> None:
    """Close the page's tab and wait until the server has shut its kernel down: the page
    asks for that as it closes, so closed tabs do not hold kernels until the idle cull."""
    channels = (re.search(r"/api/kernels/([0-9a-f-]{36})/channels", url) for url in request_log.urls)
    kernel_id = next(found.group(1) for found in channels if found)

    page.close(run_before_unload=True)

    assert wait_for_log(station, f"Kernel shutdown: {kernel_id}")
    refusals = [line for line in station.log().splitlines() if "403 POST /voila/api/shutdown" in line]
    assert refusals == []


def test_closing_a_page_shuts_its_kernel_down(page, request_log, station):
    open_home(page, station.base_url)

    close_as_a_person_would(page, request_log, station)


def test_loading_text_is_chinese(station):
    html = http_get(station.app_url("home")).body

    assert '<h2 id="loading_text">正在加载…</h2>' in html


def test_failing_notebook_shows_no_traceback_but_logs_it(page, station):
    page.goto(station.app_url("broken"), timeout=PAGE_TIMEOUT_MS)
    page.get_by_text("请联系管理员").wait_for(timeout=PAGE_TIMEOUT_MS)
    shown = page.inner_text("body")

    assert "准备中" in shown
    for leak in ("Traceback", "ValueError", SECRET_ERROR):
        assert leak not in shown
        assert leak not in page.content()
    assert wait_for_log(station, SECRET_ERROR)


def test_token_is_required_when_set(serve_station, page, request_log, apps_dir, data_dir, db_url):
    station = serve_station(
        db_url, apps_dir=apps_dir, token="s3cret-token", env={"STATION_KIT_DATA_DIR": str(data_dir)}
    )

    refused = http_get(f"{station.base_url}/voila/render/home.ipynb")
    assert refused.status in {302, 403}, refused
    assert refused.status == 403 or "/login" in refused.location
    assert LABEL_TEXT not in refused.body

    page.goto(station.app_url("home"), timeout=PAGE_TIMEOUT_MS)
    page.locator(".sk-home-label").wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    close_as_a_person_would(page, request_log, station)


class KernelSocket:
    """A page's kernel websocket, spoken to directly as a script (or a curious person) could."""

    def __init__(self, url: str, protocol: str | None):
        self.protocol = protocol
        self.socket = websocket.create_connection(
            url, timeout=SOCKET_TIMEOUT_S, subprotocols=[protocol] if protocol else None
        )
        self.received: list[dict] = []

    def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "test",
                  "session": uuid.uuid4().hex, "date": "", "version": "5.4"}
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}
        if self.protocol == V1_PROTOCOL:
            self.socket.send_binary(serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode()))
        else:
            self.socket.send(json.dumps({**msg, "channel": "shell", "buffers": []}))
        return header["msg_id"]

    def receive(self) -> dict:
        raw = self.socket.recv()
        if isinstance(raw, bytes):
            channel, parts = deserialize_msg_from_ws_v1(raw)
            header, parent, _, content = (json.loads(part) for part in parts[:4])
            return {"channel": channel, "header": header, "parent_header": parent, "content": content}
        return json.loads(raw)

    def replies_to(self, msg_id: str) -> list[dict]:
        """Everything the kernel sent about one request, up to its idle status (IOPub sends
        the status last), or until no message came for SOCKET_TIMEOUT_S."""
        replies = []
        while True:
            msg = self.receive()
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            replies.append(msg)
            if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return replies

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def clicks_page(station) -> tuple[str, str]:
    """The kernel id and button model id of one loaded clicks page."""
    html = http_get(station.app_url("clicks")).body
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)
    button_id = re.search(r'"model_id": "([0-9a-f]{32})"', html).group(1)
    return kernel_id, button_id


@pytest.fixture(params=[V1_PROTOCOL, None], ids=["v1", "legacy"])
def kernel_socket(request, station, clicks_page):
    kernel_id, _ = clicks_page
    url = f"{station.base_url.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    connection = KernelSocket(url, request.param)
    yield connection
    connection.close()


def leaks(replies: list[dict]) -> list[str]:
    text = json.dumps([reply["content"] for reply in replies], ensure_ascii=False)
    return [leak for leak in LEAKS if leak in text]


def test_opening_the_widget_control_comm_sends_no_traceback(kernel_socket, station):
    """ipykernel logs a failed comm open, traceback and all, to the kernel's stderr, which
    reaches the websocket as a stream message."""
    request = kernel_socket.send(
        "comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget.control", "data": {}}
    )
    replies = kernel_socket.replies_to(request)

    assert "comm_close" in [reply["header"]["msg_type"] for reply in replies]
    assert leaks(replies) == []
    assert wait_for_log(station, "Incompatible widget control protocol versions")


def test_a_failing_button_handler_sends_no_traceback(kernel_socket, clicks_page, station):
    """ipywidgets reports a failing click handler as an error message on IOPub."""
    _, button_id = clicks_page
    request = kernel_socket.send(
        "comm_msg", {"comm_id": button_id, "data": {"method": "custom", "content": {"event": "click"}}}
    )
    replies = kernel_socket.replies_to(request)

    errors = [reply["content"] for reply in replies if reply["header"]["msg_type"] == "error"]
    assert errors, "the click handler's failure never reached the page"
    assert leaks(replies) == []
    assert "请联系管理员" in errors[0]["traceback"][0]
    assert wait_for_log(station, CLICK_ERROR)


def kernel_pids(server_pid: int) -> set[int]:
    """The server's kernels: the processes under it that run ipykernel, started as usual or forked by its
    zygote, whose command line is the zygote's but whose name says kernel (read from /proc)."""
    children: dict[int, list[int]] = {}
    kernels = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            pid = int(stat.parent.name)
            children.setdefault(parent, []).append(pid)
            if is_kernel((stat.parent / "comm").read_text().strip(),
                         (stat.parent / "cmdline").read_bytes().decode(errors="replace")):
                kernels.add(pid)
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
    under, waiting = set(), [server_pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            under.add(child)
            waiting.append(child)
    pids = kernels & under
    return pids


@pytest.fixture(scope="module")
def one_app_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("one-app")
    write_notebook(folder / "home.ipynb", HOME_CELLS)
    return folder


def test_page_requests_past_the_kernel_limit_get_the_busy_page(serve_station, one_app_dir, data_dir, db_url):
    """Three kernels: the one preheated for the only app, and two for pages. Requests sent
    together must not all slip under the limit before their kernels have started."""
    station = serve_station(db_url, apps_dir=one_app_dir, args=["--max-kernels", "3"],
                            env={"STATION_KIT_DATA_DIR": str(data_dir)})
    most_kernels = 0
    storm_over = threading.Event()

    def count_kernels() -> None:
        nonlocal most_kernels
        while not storm_over.wait(0.1):
            most_kernels = max(most_kernels, len(kernel_pids(station.pid)))

    counter = threading.Thread(target=count_kernels)
    counter.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: http_get(station.app_url("home")), range(8)))
        # A preheated kernel refills the pool a few seconds after a page took one: count past that.
        storm_over.wait(POOL_REFILL_DELAY_SECONDS + 2)
    finally:
        storm_over.set()
        counter.join()

    statuses = [reply.status for reply in replies]
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses and 503 in statuses, statuses
    busy = next(reply.body for reply in replies if reply.status == 503)
    assert BUSY_TEXT in busy and 'lang="zh-CN"' in busy
    assert 1 <= most_kernels <= 3
    assert wait_for_log(station, "Refused /voila/render/home.ipynb")


def test_pages_that_die_give_their_kernels_back(serve_station, one_app_dir, data_dir, db_url, browser,
                                                 tmp_path):
    """Three kernels: one preheated, two for pages. Two browsers die with a page open each (every process
    of each killed: no unload handler runs, as when a browser or a PC crashes): within the grace and the
    next cull their kernels are back, and a third person's page opens instead of getting 服务器繁忙."""
    station = serve_station(db_url, apps_dir=one_app_dir, args=["--max-kernels", "3", "--page-grace", "10"],
                            env={"STATION_KIT_DATA_DIR": str(data_dir)})
    for number in range(2):
        profile = tmp_path / f"dying-browser-{number}"
        dying = browser.browser_type.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, locale="zh-CN")
        open_home(dying.new_page(), station.base_url)
        for pid in _processes_with(str(profile)):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while len(kernel_pids(station.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)  # the pool refills a few seconds after each page took its kernel
    assert http_get(station.app_url("home")).status == 503  # both dead pages still hold their kernels
    assert wait_for_log(station, "did not come back", timeout=120)
    deadline = time.monotonic() + 120
    while len(kernel_pids(station.pid)) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(kernel_pids(station.pid)) == 1  # the preheated kernel only
    context = browser.new_context(locale="zh-CN")
    try:
        assert open_home(context.new_page(), station.base_url).is_visible()
    finally:
        context.close()


def _processes_with(word: str) -> list[int]:
    """The processes whose command line holds ``word`` (read from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if word.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue  # the process ended while being read
    return found
