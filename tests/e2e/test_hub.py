"""A street on one server (`station-kit hub`): a real JupyterHub with its proxy (configurable-http-proxy
from npm), the station apps as its service, people signing in from separate browser contexts.

The first admin is made by the command; a colleague signs up on the hub's own page, waits for the
admin's approval, and is put in the staff group and their station's group. Each then works as
themselves: the audit names who registered a volunteer, a staff member gets no admin form however
their browser dresses the request, and a browser that is not signed in is sent to the sign-in page.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import select

from station_kit.db import get_engine, read_session
from station_kit.hub.analysts import system_name
from station_kit.hub.postgres import stop_street_database, street_database
from station_kit.hub.run import sign_up
from station_kit.models import AuditEvent, GridCase, Volunteer
from tests.e2e.conftest import _free_port, _unavailable
from tests.e2e.pages import expect
from tests.factories import id_number, unique_phone

pytestmark = pytest.mark.e2e
REPOSITORY = Path(__file__).resolve().parents[2]

ADMIN, ADMIN_PASSWORD = "gaozhanzhang", "Xsl-2022-admin"
STAFF, STAFF_PASSWORD = "lijingban", "Jingban-2022!"
OTHER_STAFF, OTHER_PASSWORD = "zhangjingban", "Dongxing-2022"  # 东兴街社区's
STEWARD, STEWARD_PASSWORD = "zhaoguanjia", "Wangge-3-2022"
ANALYST, ANALYST_PASSWORD = "lifenxi", "Fenxi-2022-yue"
START_SECONDS = 180
PAGE_MS = 180_000


# Two stations of 麟州街道 on the street's own PostgreSQL, built the way a street's admin would: the
# stations, their grids (兴神路 has a 第3网格 for its steward) and a few people, before the hub starts.
BUILD_STREET = """
import datetime as dt
import sys
from sqlalchemy import update
from station_kit import clock
from station_kit.db import get_engine, write_session
from station_kit.models import AwardRound, Grid
from station_kit.models.work import RecordStatus, WorkTask
from station_kit.services import awards
from station_kit.services.actor import Actor, Role
from station_kit.services.history import PastActivity, PastRecord, import_history
from station_kit.services.org import add_unit
from station_kit.services.scope import Scope
from tests.factories import make_community, make_station

url = sys.argv[1]
admin = Actor("王站长", Role.admin)
with write_session(get_engine(url)) as session:
    xsl = make_station(session, code="XSL", name="兴神路社区")
    people = make_community(session, xsl)["volunteers"]
    add_unit(scope=Scope(session, admin), model=Grid, station_id=xsl.id, name="第3网格", number=3)
    make_community(session, make_station(session, code="DXJ", name="东兴街社区"))
    # October 2026 at 兴神路: five Saturday clean-ups of 4 h by both volunteers, approved, and its month's
    # 时尚达人 computed and put up for 公示
    days = [dt.datetime(2026, 10, 3, 1, 0, tzinfo=dt.timezone.utc) + dt.timedelta(days=7 * n) for n in range(5)]
    held = [PastActivity(title="周六爱国卫生大扫除", category=WorkTask.customs, starts_at=day,
                         ends_at=day + dt.timedelta(hours=4)) for day in days]
    done = [PastRecord(activity=n, volunteer_id=person, started_at=day, ended_at=day + dt.timedelta(hours=4),
                       minutes=240, status=RecordStatus.approved, entered_at=day + dt.timedelta(hours=5),
                       entered_by="王站长") for n, day in enumerate(days) for person in people]
    import_history(scope=Scope(session, admin), station_id=xsl.id, activities=held, records=done)
    october = awards.run_award_round(scope=Scope(session, admin), station_id=xsl.id, level="month",
                                     period="2026-10")
    awards.publish_round(scope=Scope(session, admin), round_id=october.id)
    # Five working days cannot pass in a test: the publicity period ends the way time would end it.
    session.execute(update(AwardRound).where(AwardRound.id == october.id)
                    .values(publicity_ends_on=clock.today() - dt.timedelta(days=1)))
"""


@pytest.fixture(scope="module")
def street(tmp_path_factory):
    """The street's own PostgreSQL (what `station-kit hub` runs when given no --db) in a data folder of
    this module's, holding two stations; the ID-number key is that folder's."""
    data_dir = tmp_path_factory.mktemp("street-data")
    url = street_database(data_dir)
    env = {**os.environ, "STATION_KIT_DATA_DIR": str(data_dir)}
    for unset in ("STATION_KIT_DB_URL", "STATION_KIT_SECRET_KEY"):  # the street's key is a file, as on a server
        env.pop(unset, None)
    subprocess.run([sys.executable, "-m", "station_kit.cli", "init", "--db", url], env=env, check=True,
                   capture_output=True)  # the schema, and the ID-number key file in the data folder
    subprocess.run([sys.executable, "-c", BUILD_STREET, url], env=env, check=True, cwd=REPOSITORY)
    yield url, env
    stop_street_database(data_dir)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, street):
    """`station-kit hub` with no --db, so on the street's own PostgreSQL, once it says it is ready."""
    if shutil.which("configurable-http-proxy") is None:
        _unavailable("configurable-http-proxy not found: npm install -g configurable-http-proxy")
    url, env = street
    folder = tmp_path_factory.mktemp("hub")
    port = _free_port()
    log_path = folder / "hub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "station_kit.cli", "hub", "--folder", str(folder / "hub"),
             "--port", str(port), "--admin", ADMIN, "--password", ADMIN_PASSWORD],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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


def _open_october(page, base: str) -> None:
    page.goto(f"{base}/services/station/voila/render/awards.ipynb")
    page.locator(".sk-awards-period input").fill("2026-10")
    page.locator(".sk-awards-open").click()
    expect(page.locator(".sk-awards-ranking")).to_contain_text("张伟")


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
    expect(admin.locator("tr", has_text=STAFF)).to_contain_text("待批准")  # the hub's approval page, in Chinese
    admin.locator("tr", has_text=STAFF).locator("a", has_text="批准").click()
    expect(admin.locator("tr", has_text=STAFF)).to_contain_text("已批准")
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
    staff.locator(".sk-volunteers-id-number input").fill(id_number(birth_date=dt.date(1991, 3, 8)))  # a birth date the street was not built with)
    staff.locator(".sk-volunteers-phone input").fill(unique_phone())
    staff.locator(".sk-volunteers-consent input").check()
    staff.locator(".sk-volunteers-submit").click()
    expect(staff.locator(".sk-volunteers-message")).to_contain_text("已登记：贺新春")
    with read_session(get_engine(db_url)) as session:
        volunteer = session.exec(select(Volunteer).where(Volunteer.name == "贺新春")).one()
        [registered] = session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.register",
                                                             AuditEvent.entity_id == volunteer.id)).all()
    assert registered.operator == STAFF  # the audit names the person signed in, not the server

    # 10月 时尚达人 is in 公示 and the publicity period is over: only the 站长 makes it final. Staff are
    # offered no 确定结果 button (and the service refuses them whatever calls it: tests/services).
    _open_october(staff, base)
    expect(staff.locator(".sk-awards-status")).to_contain_text("公示中")
    expect(staff.locator(".sk-awards-publish")).to_be_visible()
    expect(staff.locator(".sk-awards-finalize")).to_be_hidden()
    _open_october(admin, base)
    admin.locator(".sk-awards-finalize").click()
    expect(admin.locator(".sk-awards-message")).to_contain_text("评选结果已确定")
    _open_october(staff, base)
    expect(staff.locator(".sk-awards-status")).to_contain_text("已确定")

    # A colleague of 东兴街社区 works in their station: its people, its numbers, nothing of 兴神路's.
    _add(base, browser, OTHER_STAFF, OTHER_PASSWORD, ("staff", "station-DXJ"))
    other_context, other = _person(browser)
    _sign_in(other, base, OTHER_STAFF, OTHER_PASSWORD)
    expect(other.locator(".sk-home-title")).to_contain_text("东兴街社区")
    expect(other.locator(".sk-home-figure-volunteers")).to_contain_text("2")
    staff.goto(f"{base}/services/station/voila/render/home.ipynb")
    expect(staff.locator(".sk-home-title")).to_contain_text("兴神路社区")
    expect(staff.locator(".sk-home-figure-volunteers")).to_contain_text("3")  # 张伟, 李娜 and 贺新春
    other.goto(f"{base}/services/station/voila/render/volunteers.ipynb")
    other.locator(".sk-volunteers-name input").fill("白玉兰")
    other.locator(".sk-volunteers-id-number input").fill(id_number(birth_date=dt.date(1992, 4, 9)))
    other.locator(".sk-volunteers-phone input").fill(unique_phone())
    other.locator(".sk-volunteers-consent input").check()
    other.locator(".sk-volunteers-submit").click()
    expect(other.locator(".sk-volunteers-message")).to_contain_text("已登记：白玉兰")
    with read_session(get_engine(db_url)) as session:
        registered = session.exec(select(AuditEvent.operator, Volunteer.number).join(
            Volunteer, Volunteer.id == AuditEvent.entity_id).where(AuditEvent.action == "volunteer.register",
                                                                   AuditEvent.operator != "王站长")).all()
    assert sorted(registered) == [(STAFF, "XSL000003"), (OTHER_STAFF, "DXJ000003")]
    other_context.close()

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


# What a curious analyst might try from their own JupyterLab: the tables, a write, the operator's files.
PROBE = """import os
from sqlalchemy import create_engine, text
engine = create_engine(os.environ["STATION_KIT_DB_URL"])
def probe(sql):
    try:
        with engine.begin() as connection:
            connection.execute(text(sql))
        return "READ"
    except Exception as error:
        return "REFUSED " + type(getattr(error, "orig", error)).__name__
def read(path):
    try:
        open(path).read()
        return "READ"
    except OSError as error:
        return "REFUSED " + type(error).__name__
print("cipher", probe("SELECT id_number_cipher FROM public.volunteer"))
print("insert", probe("SET TRANSACTION READ WRITE; INSERT INTO station (code, name, city, street) VALUES ('X', 'X', 'X', 'X')"))
print("key", read({key!r}))
print("owner", read({owner!r}))
print("as", os.environ["USER"], os.environ["STATION_KIT_DB_URL"].split(":")[1].lstrip("/"))
"""


def _add(base: str, browser, name: str, password: str, groups: tuple[str, ...]) -> None:
    """Sign ``name`` up on the hub's page; the admin approves them and puts them in ``groups``."""
    sign_up(base, name, password)
    admin_context, admin = _person(browser)
    _sign_in(admin, base, ADMIN, ADMIN_PASSWORD)
    admin.goto(f"{base}/hub/authorize/{name}")
    token = _admin_token(base)
    _hub_api(base, token, "POST", f"users/{name}", {})
    for group in groups:
        _hub_api(base, token, "POST", f"groups/{group}/users", {"users": [name]})
    admin_context.close()


def test_an_analyst_runs_the_monthly_report_in_their_own_jupyterlab_and_reaches_nothing_else(
        browser, hub, street, screenshots):
    """An analyst of 兴神路 gets JupyterLab, in Chinese, as their own system user on their own read-only
    role: the 月度报告 runs on their station; the tables, any write, the key file and the database owner's
    URL are refused to whatever they run."""
    if os.geteuid() != 0:
        _unavailable("an analyst's server runs as their own system user, which only root can start")
    base, _, log_path = hub
    data_dir = Path(street[1]["STATION_KIT_DATA_DIR"])
    _remove_system_user(ANALYST)  # a newcomer: no user or notebooks left from an earlier run of this test
    _add(base, browser, ANALYST, ANALYST_PASSWORD, ("analyst", "station-XSL"))
    context, page = _person(browser)
    page.goto(f"{base}/hub/login")
    page.locator("input[name=username]").fill(ANALYST)
    page.locator("input[name=password]").fill(ANALYST_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"**/user/{ANALYST}/lab**", timeout=PAGE_MS)  # an analyst lands in their JupyterLab
    page.goto(f"{base}/user/{ANALYST}/lab/tree/月度报告.ipynb")
    menu = page.locator("#jp-MainMenu")
    menu.get_by_text("运行", exact=True).wait_for()  # JupyterLab in Chinese
    page.locator(".jp-Notebook").get_by_text("报告月份").first.wait_for()
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + START_SECONDS
    while prompts.first.inner_text().strip() == "[ ]:":
        # 运行 → 运行所有单元格, again if the notebook was still opening and let the first one pass, as a person would
        assert time.monotonic() < deadline, "running every cell of 月度报告 never started"
        page.locator(".jp-Notebook .jp-Cell").first.click()
        menu.get_by_text("运行", exact=True).click()
        page.get_by_text("运行所有单元格", exact=True).click()
        page.wait_for_timeout(3_000)
    expect(prompts.last).to_have_text(re.compile(r"\[\d+\]"), timeout=PAGE_MS)  # every cell has run
    expect(page.locator(".jp-Notebook")).to_contain_text("兴神路社区")
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0
    page.screenshot(path=screenshots / "hub_analyst_report.png")

    page.locator(".jp-Notebook .jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(PROBE.format(key=str(data_dir / "secret.key"), owner=str(data_dir / "postgres.url")))
    page.keyboard.press("Shift+Enter")
    output = page.locator(".jp-CodeCell", has_text="def probe").locator(".jp-OutputArea")
    expect(output).to_contain_text("as jupyter-lifenxi analyst_lifenxi")
    for line in ("cipher REFUSED InsufficientPrivilege", "insert REFUSED InsufficientPrivilege",
                 "key REFUSED PermissionError", "owner REFUSED PermissionError"):
        expect(output).to_contain_text(line)
    context.close()
    _remove_system_user(ANALYST)


def _remove_system_user(name: str) -> None:
    subprocess.run(["pkill", "-u", system_name(name)], capture_output=True)
    subprocess.run(["userdel", "--remove", system_name(name)], capture_output=True)


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
