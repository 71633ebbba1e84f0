"""微心愿, 民呼我应 and 微改造台账 in process: the flows a worker clicks through, and what the wall hides."""

import pytest

from station_kit.db import write_session
from station_kit.ui import cases, residents, wishes, works
from tests.factories import make_community
from tests.widgets import find


@pytest.fixture
def place(engine, station):
    with write_session(engine) as session:
        return make_community(session, station)


def _choose(dropdown, text):
    dropdown.value = next(value for label, value in dropdown.options if text in label)


def test_post_claim_fulfil_and_rate_a_wish_on_the_wall(engine, place):
    app = wishes.app(engine=engine)
    _choose(find(app, "sk-wishes-resident"), "王小明")
    find(app, "sk-wishes-title").value = "想要一副<b>老花镜</b>"
    find(app, "sk-wishes-post").click()
    wall = find(app, "sk-wishes-wall").value
    assert "想要一副&lt;b&gt;老花镜&lt;/b&gt;" in wall and "王**" in wall and "王小明" not in wall
    assert "13912345678" not in wall and "3号楼" not in wall
    assert find(app, "sk-wishes-take").layout.display == "none"  # only what the state allows is offered
    _choose(find(app, "sk-wishes-claimer"), "张伟")
    find(app, "sk-wishes-claim").click()
    find(app, "sk-wishes-filter").value = "claimed"
    assert "张伟" in find(app, "sk-wishes-wall").value
    find(app, "sk-wishes-fulfil").click()  # no note: refused beside the field
    assert find(app, "sk-wishes-reason-error").value
    find(app, "sk-wishes-reason").value = "已送到居民家中"
    find(app, "sk-wishes-fulfil").click()
    find(app, "sk-wishes-rating").value = 4
    find(app, "sk-wishes-rate").click()
    find(app, "sk-wishes-filter").value = "done"
    assert "★★★★" in find(app, "sk-wishes-wall").value
    assert "已评价" in find(app, "sk-wishes-message").value
    find(app, "sk-wishes-minutes").value = 90
    find(app, "sk-wishes-hours").click()  # 张伟's 90 minutes, through the hours service, pending approval
    assert "待审核" in find(app, "sk-wishes-message").value
    assert find(app, "sk-wishes-hours").layout.display == "none"


def test_log_whistle_report_resolve_and_rate_a_case_and_the_rates_move(engine, place):
    app = cases.app(engine=engine)
    _choose(find(app, "sk-cases-grid"), "第1网格")
    find(app, "sk-cases-title").value = "楼上漏水"
    find(app, "sk-cases-log").click()
    assert "楼上漏水" in find(app, "sk-cases-list").value
    assert "0.0%" in find(app, "sk-cases-rates").value  # received, not yet accepted or resolved
    _choose(find(app, "sk-cases-steward"), "赵管家")
    find(app, "sk-cases-accept").click()
    _choose(find(app, "sk-cases-department"), "住房和城乡建设局")
    find(app, "sk-cases-note").value = "请派人查看管道"
    find(app, "sk-cases-whistle").click()
    find(app, "sk-cases-note").value = "已到场"
    find(app, "sk-cases-report").click()
    find(app, "sk-cases-note").value = "已修好"
    find(app, "sk-cases-resolve").click()
    find(app, "sk-cases-rating").value = 5
    find(app, "sk-cases-rate").click()
    timeline = find(app, "sk-cases-timeline").value
    assert "请派人查看管道" in timeline and "已修好" in timeline and "按时" in timeline
    assert find(app, "sk-cases-rates").value.count("100.0%") == 3


def test_the_works_ledger_adds_a_line_and_totals_the_money(engine, place):
    app = works.app(engine=engine)
    find(app, "sk-works-item").value = "青石板人行道"
    find(app, "sk-works-quantity").value = 4793
    find(app, "sk-works-unit").value = "m²"
    find(app, "sk-works-investment").value = 120000
    find(app, "sk-works-add").click()
    ledger = find(app, "sk-works-ledger").value
    assert "青石板人行道" in ledger and "4,793" in ledger and "120,000" in ledger


def test_register_a_resident_with_consent_and_see_the_phone_masked(engine, place):
    app = residents.app(engine=engine)
    find(app, "sk-residents-name").value = "李秀英"
    _choose(find(app, "sk-residents-grid"), "第2网格")
    find(app, "sk-residents-phone").value = "13800001234"
    find(app, "sk-residents-register").click()
    assert find(app, "sk-residents-consent-error").value  # no consent: refused beside the box
    find(app, "sk-residents-consent").value = True
    find(app, "sk-residents-register").click()
    listed = find(app, "sk-residents-list").value
    assert "李秀英" in listed and "138****1234" in listed and "13800001234" not in listed
