"""`station-kit serve` seen from headless Chromium, over two throw-away apps.

The apps folder reaches the server through $STATION_KIT_APPS_DIR (see station_kit.serve).
"""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import nbformat
import pytest

pytestmark = pytest.mark.e2e

LABEL_TEXT = "志愿者服务"
SECRET_ERROR = "kaboom-7f3a"
PAGE_TIMEOUT_MS = 60_000

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


def wait_for_log(station, text: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while text not in station.log():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def open_home(page, base_url: str):
    page.goto(f"{base_url}/")
    label = page.locator(".sk-home-label")
    label.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    return label


def test_root_opens_home_app_with_request_time_data(page, station, db_url):
    label = open_home(page, station.base_url)

    assert page.url == station.app_url("home")
    assert label.inner_text() == f"{LABEL_TEXT} {db_url}"


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


def test_loading_text_is_chinese(station):
    html = http_get(station.app_url("home")).body

    assert '<h2 id="loading_text">正在加载…</h2>' in html


def test_failing_notebook_shows_no_traceback_but_logs_it(page, station):
    page.goto(station.app_url("broken"))
    page.get_by_text("请联系管理员").wait_for(timeout=PAGE_TIMEOUT_MS)
    shown = page.inner_text("body")

    assert "准备中" in shown
    for leak in ("Traceback", "ValueError", SECRET_ERROR):
        assert leak not in shown
        assert leak not in page.content()
    assert wait_for_log(station, SECRET_ERROR)


def test_token_is_required_when_set(serve_station, page, apps_dir, data_dir, db_url):
    station = serve_station(
        db_url, apps_dir=apps_dir, token="s3cret-token", env={"STATION_KIT_DATA_DIR": str(data_dir)}
    )

    refused = http_get(f"{station.base_url}/voila/render/home.ipynb")
    assert refused.status in {302, 403}, refused
    assert refused.status == 403 or "/login" in refused.location
    assert LABEL_TEXT not in refused.body

    page.goto(station.app_url("home"))
    page.locator(".sk-home-label").wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
