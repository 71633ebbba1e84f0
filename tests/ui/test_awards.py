"""时尚达人评选 in process: compute a month, open a breakdown, publicise, take and uphold an objection,
and (as an admin) make it final; staff never see the finalise button."""

import base64
import datetime as dt
import re

import pytest

from station_kit import clock
from station_kit.services.actor import Actor, Role, actor_from_environment
from station_kit.ui import awards, dashboard
from station_kit.ui.kit import actions
from station_kit.ui.kit.context import set_actor_provider
from tests.pdfs import page_texts, pdf_text
from tests.services import test_awards as award_data
from tests.widgets import find

# The August whose ranking tests/services/test_awards.py works out by hand.
team, august = award_data.team, award_data.august


@pytest.fixture
def admin():
    set_actor_provider(lambda: Actor("李站长", Role.admin))
    yield
    set_actor_provider(actor_from_environment)


def test_a_month_goes_through_publicity_with_an_objection_upheld_to_final(engine, station, august, admin,
                                                                          monkeypatch):
    monkeypatch.setattr(actions, "CLICK_SETTLE_SECONDS", 60)  # every click comes at once, as in a quick hand
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 1))
    app = awards.app(engine=engine)
    assert find(app, "sk-awards-period").value == "2022-08"  # the month that just ended
    find(app, "sk-awards-run").click()
    ranking = find(app, "sk-awards-ranking").value
    assert ranking.index("李娜") < ranking.index("王芳") and "参加活动次数未达到要求" in ranking
    find(app, "sk-awards-candidate").value = find(app, "sk-awards-candidate").options[0][1]
    assert "邻里互助" in find(app, "sk-awards-breakdown").value and "130.0" in find(app, "sk-awards-breakdown").value
    find(app, "sk-awards-publish").click()
    assert "2022-09-07" in find(app, "sk-awards-status").value or "9月7日" in find(app, "sk-awards-status").value
    entry = find(app, "sk-awards-entry")
    entry.value = next(value for label, value in entry.options if "赵磊" in label)
    find(app, "sk-awards-objector").value = "居民甲"
    find(app, "sk-awards-content").value = "8月2日没有到场"
    find(app, "sk-awards-lodge").click()
    assert "8月2日没有到场" in find(app, "sk-awards-objections").value
    find(app, "sk-awards-finalize").click()
    assert "异议没有处理" in find(app, "sk-awards-message").value
    find(app, "sk-awards-uphold").click()
    assert find(app, "sk-awards-reason-error").value  # a reason is required
    find(app, "sk-awards-reason").value = "核对签到表属实"
    find(app, "sk-awards-uphold").click()
    assert "已撤销" in find(app, "sk-awards-ranking").value
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 8))
    find(app, "sk-awards-finalize").click()
    assert "已确定" in find(app, "sk-awards-status").value
    assert find(app, "sk-awards-publish").disabled and find(app, "sk-awards-lodge").disabled
    screen = find(dashboard.app(engine=engine), "sk-dashboard-fashion-stars").value
    assert "2022年8月 月度“时尚达人”" in screen and "张伟" in screen and "赵磊" not in screen

    find(app, "sk-awards-notice").click()
    notice = pdf_text(offered_pdf(find(app, "sk-awards-notice-link").value))
    assert "评选结果公示" in notice and "李娜" in notice and "张伟" in notice and "赵磊" not in notice
    find(app, "sk-awards-certificates").click()
    certificates = offered_pdf(find(app, "sk-awards-certificates-link").value)
    pages = page_texts(certificates)
    assert len(pages) == find(app, "sk-awards-ranking").value.count("★")  # one page per winner (★ 入选)
    assert any("张伟" in text for text in pages) and not any("赵磊" in text for text in pages)


def offered_pdf(link_html: str) -> bytes:
    """The file a download link offers (a data: URL), as the browser would save it."""
    match = re.search(r'href="data:application/pdf;base64,([^"]+)"', link_html)
    assert match, link_html
    return base64.b64decode(match.group(1))


def test_staff_do_not_see_the_finalise_button_and_a_bad_period_is_refused_beside_it(engine, station):
    assert find(dashboard.app(engine=engine), "sk-dashboard-fashion-stars").value == ""  # none final yet
    app = awards.app(engine=engine)
    assert find(app, "sk-awards-finalize").layout.display == "none"
    assert find(app, "sk-awards-notice").disabled and find(app, "sk-awards-certificates").disabled
    find(app, "sk-awards-period").value = "2022-8"
    find(app, "sk-awards-run").click()
    assert "2022-08" in find(app, "sk-awards-period-error").value
