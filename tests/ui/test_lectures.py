"""讲堂 in process: sessions per hall, and adding one with speaker, partner and audience."""

from station_kit import clock
from station_kit.db import write_session
from station_kit.models import PartnerUnit
from station_kit.models.org import PartnerKind
from station_kit.models.work import LectureHall
from station_kit.services.actor import Actor
from station_kit.services.org import add_unit
from station_kit.services.scope import Scope
from station_kit.ui import lectures
from tests.widgets import find


def test_add_a_session_to_a_hall_and_see_it_listed(engine, station):
    with write_session(engine) as session:
        add_unit(scope=Scope(session, Actor("t")), model=PartnerUnit, station_id=station.id, name="神木市司法局",
                 kind=PartnerKind.dual_report)
    app = lectures.app(engine=engine)
    find(app, "sk-lectures-hall").value = LectureHall.law
    find(app, "sk-lectures-title").value = "民法典进社区"
    find(app, "sk-lectures-speaker").value = "刘律师"
    partner = find(app, "sk-lectures-partner")
    partner.value = partner.options[1][1]
    find(app, "sk-lectures-date").value = clock.today()
    find(app, "sk-lectures-audience").value = 45
    find(app, "sk-lectures-submit").click()
    listed = find(app, "sk-lectures-sessions").value
    assert "民法典进社区" in listed and "刘律师" in listed and "神木市司法局" in listed and "45" in listed
    find(app, "sk-lectures-hall").value = LectureHall.health
    assert "民法典进社区" not in find(app, "sk-lectures-sessions").value


def test_a_session_without_a_date_is_refused_beside_the_date(engine, station):
    app = lectures.app(engine=engine)
    find(app, "sk-lectures-title").value = "健康讲座"
    find(app, "sk-lectures-submit").click()
    assert find(app, "sk-lectures-date-error").value
