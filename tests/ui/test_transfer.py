"""导入导出 in process: a file with errors shows them and cannot be committed; the fixed file can."""

import base64
import datetime as dt
import io

from openpyxl import load_workbook

from station_kit.db import read_session
from station_kit.services.scope import Scope
from station_kit.services.volunteers import search_volunteers
from station_kit.ui import transfer
from tests.factories import READER, id_number
from tests.sheets import VOLUNTEER_HEADERS, xlsx
from tests.widgets import find


def _upload(app, content: bytes, name: str = "名册.xlsx") -> None:
    find(app, "sk-transfer-file").value = ({"name": name, "type": "", "size": len(content),
                                           "content": memoryview(content),
                                           "last_modified": dt.datetime.now(dt.timezone.utc)},)


def test_errors_block_the_import_until_the_file_is_fixed(engine, station):
    number = id_number()
    app = transfer.app(engine=engine)
    _upload(app, xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "", number, "13800138000", None),
                       ("王磊", "男", "", 6.10881199001011e17, "13800138002", None)], text_columns="D"))
    preview = find(app, "sk-transfer-preview").value
    assert "6.10881E+17" in preview and "有错" in preview
    find(app, "sk-transfer-consent").value = True
    assert find(app, "sk-transfer-commit").disabled
    _upload(app, xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "", number, "13800138000", None)], text_columns="D"))
    commit = find(app, "sk-transfer-commit")
    assert not commit.disabled
    commit.click()
    assert "已导入 1 行" in find(app, "sk-transfer-message").value
    with read_session(engine) as session:
        assert [v.name for v in search_volunteers(scope=Scope(session, READER), station_id=station.id)] == ["张伟"]


def test_the_volunteer_roll_downloads_masked(engine, station):
    app = transfer.app(engine=engine)
    _upload(app, xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "", id_number(), "13800138000", None)], text_columns="D"))
    find(app, "sk-transfer-consent").value = True
    find(app, "sk-transfer-commit").click()
    find(app, "sk-transfer-export").click()
    link = find(app, "sk-transfer-download").value
    assert 'download="志愿者名册.xlsx"' in link
    content = base64.b64decode(link.split("base64,")[1].split('"')[0])
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "张伟" and rows[1][6] == "138****8000" and rows[1][5].startswith("**************")


def test_a_leader_report_is_made_for_the_period_typed_or_the_field_says_why(engine, station):
    from tests.pdfs import pdf_text

    app = transfer.app(engine=engine)
    find(app, "sk-transfer-report-kind").value = "quarter"
    period = find(app, "sk-transfer-period")
    assert period.value.count("-Q") == 1  # the last whole quarter, written the way the field wants it
    period.value = "2024-Q5"
    find(app, "sk-transfer-report").click()
    assert "不是季度" in find(app, "sk-transfer-report-message").value
    assert find(app, "sk-transfer-report-download").value == ""
    period.value = "2024-Q1"
    find(app, "sk-transfer-report").click()
    link = find(app, "sk-transfer-report-download").value
    title = "测试社区2024年第一季度志愿服务季度报告"
    assert f'download="{title}.pdf"' in link and title in find(app, "sk-transfer-report-message").value
    content = base64.b64decode(link.split("base64,")[1].split('"')[0])
    assert title in pdf_text(content).replace("\n", "") and "暂无数据" in pdf_text(content)


def test_a_street_admin_may_make_the_street_s_report_and_a_station_s_staff_only_their_own(engine, station,
                                                                                        monkeypatch):
    from station_kit.db import write_session
    from station_kit.services.actor import Actor, Role
    from station_kit.services.org import create_station
    from station_kit.ui.kit import context
    from tests.widgets import find_all

    with write_session(engine) as session:
        other = create_station(scope=Scope(session, Actor("test")), code="DXJ", name="东兴街社区", city="神木市",
                               street="麟州街道")
    monkeypatch.setattr(context, "_actor_provider", context._actor_provider)  # restored after the test
    context.set_actor_provider(lambda: Actor("李经办", Role.staff, frozenset({station.id})))
    assert find_all(transfer.app(engine=engine), "sk-transfer-report-scope") == []  # one station's: no choice
    context.set_actor_provider(lambda: Actor("街道管理员", Role.admin, frozenset({station.id, other.id})))
    app = transfer.app(engine=engine)
    street = find(app, "sk-transfer-report-scope")
    assert "全街道（麟州街道，2 个站）" in [label for label, _ in street.options]
    street.value = "street"
    find(app, "sk-transfer-report-kind").value = "month"
    find(app, "sk-transfer-period").value = "2024-03"
    find(app, "sk-transfer-report").click()
    assert "麟州街道" in find(app, "sk-transfer-report-message").value
