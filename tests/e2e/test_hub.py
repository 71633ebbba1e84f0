"""A street on one server (`station-kit hub`): a real JupyterHub with its proxy (configurable-http-proxy
from npm), the station apps as its service, people signing in from separate browser contexts.

The first admin is made by the command; a colleague signs up on the hub's own page, waits for the
admin's approval, and is put in the staff group and their station's group. Each then works as
themselves: the audit names who registered a volunteer, a staff member gets no admin form however
their browser dresses the request, and a browser that is not signed in is sent to the sign-in page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlmodel import select

from station_kit.db import get_engine, read_session
from station_kit.hub.run import sign_up
from station_kit.models import AuditEvent, GridCase, Volunteer
from tests.e2e.conftest import _free_port, _unavailable
from tests.e2e.pages import expect
from tests.factories import id_number, unique_phone

pytestmark = pytest.mark.e2e

ADMIN, ADMIN_PASSWORD = "gaozhanzhang", "Xsl-2022-admin"
STAFF, STAFF_PASSWORD = "lijingban", "Jingban-2022!"
STEWARD, STEWARD_PASSWORD = "zhaoguanjia", "Wangge-3-2022"
START_SECONDS = 180
PAGE_MS = 180_000


@pytest.fixture(scope="module")
def hub(tmp_path_factory, demo):
    """`station-kit hub` over this module's copy of the demo station, once it says it is ready."""
    if shutil.which("configurable-http-proxy") is None:
        _unavailable("configurable-http-proxy not found: npm install -g configurable-http-proxy")
    url, env = demo
    folder = tmp_path_factory.mktemp("hub")
    port = _free_port()
    log_path = folder / "hub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "station_kit.cli", "hub", "--db", url, "--folder", str(folder / "hub"),
             "--port", str(port), "--admin", ADMIN, "--password", ADMIN_PASSWORD],
            env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while "街道服务已启动" not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"station-kit hub did not start; its log:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", url, log_path
    os.killpg(process.pid, 15)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)


def _person(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(PAGE_MS)
    return context, context.new_page()


def _sign_in(page, base: str, name: str, password: str, app: str = "home") -> None:
    page.goto(f"{base}/services/station/voila/render/{app}.ipynb")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("input[type=submit], button[type=submit]").first.click()


def _admin_token(base: str) -> str:
    """An API token for the admin, asked for with their name and password (the hub checks them with its
    authenticator), as a script of the street's admin would ask for one."""
    body = json.dumps({"auth": {"username": ADMIN, "password": ADMIN_PASSWORD}, "note": "test"}).encode()
    request = urllib.request.Request(f"{base}/hub/api/users/{ADMIN}/tokens", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())["token"]


def _hub_api(base: str, token: str, method: str, path: str, body: dict) -> None:
    request = urllib.request.Request(f"{base}/hub/api/{path}", data=json.dumps(body).encode(), method=method,
                                     headers={"Authorization": f"token {token}"})
    urllib.request.urlopen(request, timeout=60).close()


def test_each_person_signs_in_and_works_as_themselves(browser, hub, screenshots):
    base, db_url, log_path = hub
    admin_context, admin = _person(browser)
    _sign_in(admin, base, ADMIN, ADMIN_PASSWORD)
    expect(admin.locator(".sk-home-signed-in")).to_contain_text(f"已登录：{ADMIN}（管理员）")
    expect(admin.locator(".sk-home-station-save")).to_be_visible()  # an admin corrects 本站信息

    staff_context, staff = _person(browser)
    staff.goto(f"{base}/hub/signup")
    staff.locator("input[name=username]").fill(STAFF)
    staff.locator("input[name=signup_password]").fill(STAFF_PASSWORD)
    staff.locator("input[name=signup_password_confirmation]").fill(STAFF_PASSWORD)
    staff.locator("input[type=submit], button[type=submit]").first.click()
    expect(staff.locator(".alert")).to_contain_text("管理员批准")  # the hub's own page, in Chinese
    _sign_in(staff, base, STAFF, STAFF_PASSWORD)
    expect(staff.locator(".login_error")).to_contain_text("还没有经管理员批准")  # not approved yet: no way in

    admin.goto(f"{base}/hub/authorize")
    admin.locator("tr", has_text=STAFF).locator("a", has_text="Authorize").click()
    expect(admin.locator("tr", has_text=STAFF)).to_contain_text("Unauthorize")
    token = _admin_token(base)
    _hub_api(base, token, "POST", f"users/{STAFF}", {})  # the hub's own record of them, as its admin page makes it
    for group in ("staff", "station-XSL"):
        _hub_api(base, token, "POST", f"groups/{group}/users", {"users": [STAFF]})

    # The staff member's browser claims to be the admin in the header the server uses: it is dropped.
    claim = json.dumps({"name": ADMIN, "role": "admin", "stations": [1]})
    staff_context.set_extra_http_headers({"X-Station-Kit-Person": claim})
    _sign_in(staff, base, STAFF, STAFF_PASSWORD)
    expect(staff.locator(".sk-home-signed-in")).to_contain_text(f"已登录：{STAFF}（工作人员）")
    expect(staff.locator(".sk-home-station-details")).to_be_visible()
    assert staff.locator(".sk-home-station-save").count() == 0  # staff read 本站信息; only an admin edits it
    staff.screenshot(path=screenshots / "hub_staff_home.png")

    staff.goto(f"{base}/services/station/voila/render/volunteers.ipynb")
    staff.locator(".sk-volunteers-name input").fill("贺新春")
    staff.locator(".sk-volunteers-id-number input").fill(id_number())
    staff.locator(".sk-volunteers-phone input").fill(unique_phone())
    staff.locator(".sk-volunteers-consent input").check()
    staff.locator(".sk-volunteers-submit").click()
    expect(staff.locator(".sk-volunteers-message")).to_contain_text("已登记：贺新春")
    with read_session(get_engine(db_url)) as session:
        volunteer = session.exec(select(Volunteer).where(Volunteer.name == "贺新春")).one()
        [registered] = session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.register",
                                                             AuditEvent.entity_id == volunteer.id)).all()
    assert registered.operator == STAFF  # the audit names the person signed in, not the server

    refused = staff.goto(f"{base}/hub/spawn")  # a server that runs code (JupyterLab) is for analysts only
    assert refused.status == 403 and "只有分析人员可以打开 JupyterLab" in log_path.read_text(errors="replace")

    stranger = browser.new_context(locale="zh-CN")
    lost = stranger.new_page()
    lost.goto(f"{base}/services/station/voila/render/volunteers.ipynb")
    assert "/hub/login" in lost.url and lost.locator(".sk-volunteers-submit").count() == 0
    for context in (admin_context, staff_context, stranger):
        context.close()


def test_a_grid_steward_handles_only_their_grid(browser, hub, screenshots):
    """A 小管家 of 第3网格 signs in: 民呼我应 offers their grid alone and lists its cases alone; a case they
    log is logged under their name; 志愿者 is not theirs to open."""
    base, db_url, _ = hub
    sign_up(base, STEWARD, STEWARD_PASSWORD)  # on the hub's own sign-up page, as a person would
    admin_context, admin = _person(browser)
    _sign_in(admin, base, ADMIN, ADMIN_PASSWORD)
    admin.goto(f"{base}/hub/authorize/{STEWARD}")
    token = _admin_token(base)
    _hub_api(base, token, "POST", f"users/{STEWARD}", {})
    for group in ("steward", "grid-XSL-3"):
        _hub_api(base, token, "POST", f"groups/{group}/users", {"users": [STEWARD]})
    admin_context.close()

    context, page = _person(browser)
    _sign_in(page, base, STEWARD, STEWARD_PASSWORD, app="cases")
    expect(page.locator(".sk-cases-log")).to_be_visible()
    grids = page.locator(".sk-cases-grid select option").all_inner_texts()
    assert [grid for grid in grids if "网格" in grid] == ["第3网格"]
    page.locator(".sk-cases-grid select").select_option(label="第3网格")
    page.locator(".sk-cases-title input").fill("3号楼楼道灯不亮")
    page.locator(".sk-cases-log").click()
    expect(page.locator(".sk-cases-log-message")).to_contain_text("已登记")
    expect(page.locator(".sk-cases-list")).to_contain_text("3号楼楼道灯不亮")
    listed = page.locator(".sk-cases-list").inner_text()
    assert set(re.findall(r"第\d+网格", listed)) == {"第3网格"}  # the station's other grids' cases are not shown
    page.screenshot(path=screenshots / "hub_steward_cases.png")
    with read_session(get_engine(db_url)) as session:
        case = session.exec(select(GridCase).where(GridCase.title == "3号楼楼道灯不亮")).one()
        [logged] = session.exec(select(AuditEvent).where(AuditEvent.action == "case.receive",
                                                         AuditEvent.entity_id == case.id)).all()
    assert logged.operator == STEWARD

    page.goto(f"{base}/services/station/voila/render/volunteers.ipynb")
    expect(page.locator(".sk-message")).to_contain_text("您的账号不能打开这个应用")
    assert page.locator(".sk-volunteers-submit").count() == 0
    context.close()


def test_five_wrong_passwords_lock_the_name(browser, hub):
    base, _, _ = hub
    context, page = _person(browser)
    for _ in range(5):
        _sign_in(page, base, ADMIN, "not-the-password")
        page.wait_for_url("**/hub/login**")
    _sign_in(page, base, ADMIN, ADMIN_PASSWORD)  # the right one, too late: locked for ten minutes
    expect(page.locator(".login_error")).to_contain_text("锁定 10 分钟")
    assert "/hub/login" in page.url and page.locator(".sk-home-title").count() == 0
    context.close()
