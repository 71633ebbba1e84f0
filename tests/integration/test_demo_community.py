"""The demo's residents, wishes, orders and grid cases: made through the services, with sane figures."""

import datetime as dt
import json

from sqlalchemy import func
from sqlmodel import select

from station_kit import analytics, clock
from station_kit.cli import main
from station_kit.db import get_engine, read_session
from station_kit.models import AuditEvent, GridCase, Request, Resident, Station


def test_tally_prints_wishes_cases_and_the_articles_works(demo_url, capsys):
    assert main(["tally", "--json", "--db", demo_url]) == 0
    figures = json.loads(capsys.readouterr().out)
    wishes, cases, works = figures["wishes"], figures["cases"], figures["works"]
    assert wishes["posted"] >= 300 and wishes["posted"] >= wishes["claimed"] >= wishes["fulfilled"]
    assert wishes["fulfilled"] > wishes["posted"] * 0.6  # most are claimed and fulfilled
    assert cases["open"] == cases["overdue"] > 0  # open since the article's date: past every deadline now
    assert all(0.5 < cases[rate] < 1 for rate in ("response_rate", "resolution_rate", "satisfaction_rate"))
    assert {item: (entry["quantity"], entry["unit"]) for item, entry in works["items"].items()}.items() >= {
        "青石板人行道": (4793, "m²"), "景观绿化": (18000, "m²"), "喷刷墙面": (10556, "m²"), "规整店牌": (385, "m²"),
        "捆扎电线": (7585, "m"), "粉刷美化单元楼道": (228, "个"), "交通标志牌": (20, "个")}.items()
    assert works["investment_yuan"] == 300_000  # 20余万元 platforms + 10多万元 micro-renovation
    assert main(["tally", "--db", demo_url]) == 0
    assert "微改造台账" in capsys.readouterr().out


def test_every_grid_has_residents_and_rates_and_every_step_is_in_the_log(demo_url):
    engine = get_engine(demo_url)
    with read_session(engine) as session:
        station_id = session.exec(select(Station.id)).first()
        grids_with_residents = session.exec(select(func.count(func.distinct(Resident.grid_id)))).one()
        rates = analytics.case_rates(engine, station=station_id, by_month=False)
        logged = dict(session.exec(select(AuditEvent.entity, func.count(func.distinct(AuditEvent.entity_id)))
                                   .where(AuditEvent.entity.in_(("request", "case")))
                                   .group_by(AuditEvent.entity)).all())
        requests = session.exec(select(func.count()).select_from(Request)).one()
        cases = session.exec(select(func.count()).select_from(GridCase)).one()
        whistled = session.exec(select(func.count()).where(GridCase.whistled_at.is_not(None))).one()
    assert grids_with_residents == 13 and len(rates) == 13
    assert rates["response_rate"].between(0, 1).all() and rates["satisfaction_rate"].between(0, 1).all()
    assert logged == {"request": requests, "case": cases}
    assert whistled > 20


def test_the_demo_gives_the_same_figures_whatever_day_it_is_built(demo_url, tmp_path, capsys):
    """Built at 3 in the night of a 春节 five years on, the demo's tally and its cases' every step are
    those of the demo built today: nothing in it is dated from the day it was built."""
    later = f"sqlite:///{tmp_path / 'later.db'}"
    with clock.at(dt.datetime(2031, 1, 23, 3, 0, tzinfo=clock.CHINA)):
        assert main(["demo", "--db", later]) == 0
    capsys.readouterr()

    def figures(url):
        assert main(["tally", "--json", "--db", url]) == 0
        tally = json.loads(capsys.readouterr().out)
        with read_session(get_engine(url)) as session:
            steps = session.exec(select(GridCase.title, GridCase.received_at, GridCase.accepted_at,
                                        GridCase.whistled_at, GridCase.reported_at, GridCase.resolved_at)
                                 .order_by(GridCase.id)).all()
        return tally, [tuple(step) for step in steps]

    assert figures(later) == figures(demo_url)
