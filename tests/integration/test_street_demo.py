"""`station-kit demo --stations N`: a street of stations of varied size, the reference station among
them still showing the article's figures, and the apps and tally serving it unless told otherwise."""

import json
import random

from station_kit import analytics
from station_kit.cli import main
from station_kit.db import get_engine
from station_kit.demo.station import demo_scope
from station_kit.demo.street import FEWEST, MOST, build_small_station
from station_kit.rules import load_rules
from tests.integration.test_demo_history import frame


def test_the_reference_station_keeps_the_articles_figures_among_others(street_url, capsys):
    assert main(["tally", "--json", "--db", street_url]) == 0
    figures = json.loads(capsys.readouterr().out)
    expected = load_rules("reference_station")["figures"]
    assert figures["station"] == "兴神路社区"
    assert {key: figures[key] for key in expected} == expected
    stations = analytics.station_figures(get_engine(street_url)).set_index("code")
    assert list(stations.index) == ["XSL", "DXJ", "BHL", "ELS"]
    assert set(stations["street"]) == {"麟州街道"} and stations["name"].is_unique
    others = stations.drop(index="XSL")
    assert others["volunteers"].between(FEWEST, MOST).all() and others["volunteers"].nunique() == 3
    assert (others["party_members"] > 0).all() and (others["squads"] >= 2).all()


def test_tally_serves_the_station_the_setting_names(street_url, capsys, monkeypatch):
    monkeypatch.setenv("STATION_KIT_STATION", "DXJ")
    assert main(["tally", "--json", "--db", street_url]) == 0
    assert json.loads(capsys.readouterr().out)["station"] == "东兴街社区"


def test_every_station_has_served_hours_and_obeys_the_history_rules(street_url):
    hours = analytics.hours_by("category", get_engine(street_url)).groupby("station")["hours"].sum()
    assert set(hours.index) == {"XSL", "DXJ", "BHL", "ELS"} and (hours > 1000).all()
    records = frame(street_url, """
        SELECT r.station_id, r.volunteer_id, r.started_at, r.ended_at, a.station_id AS activity_station,
               v.station_id AS volunteer_station, v.registered_at
        FROM servicerecord r JOIN activity a ON a.id = r.activity_id JOIN volunteer v ON v.id = r.volunteer_id
        WHERE NOT r.no_show AND r.status != 'rejected'""")
    assert (records["station_id"] == records["activity_station"]).all()
    assert (records["station_id"] == records["volunteer_station"]).all()
    assert (records["started_at"] >= records["registered_at"]).all()
    records = records.sort_values(["volunteer_id", "started_at"])
    assert not (records["started_at"] < records.groupby("volunteer_id")["ended_at"].shift()).any()
    rooms = frame(street_url, "SELECT room_id, starts_at, ends_at FROM activity WHERE room_id IS NOT NULL")
    rooms = rooms.sort_values(["room_id", "starts_at"])
    assert not (rooms["starts_at"] < rooms.groupby("room_id")["ends_at"].shift()).any()


def test_a_small_station_is_the_same_from_the_same_seed_on_either_backend(engine):
    from station_kit.db import write_session

    with write_session(engine) as session:
        for code in ("AA", "BB"):
            build_small_station(scope=demo_scope(session), code=code, name=f"{code}社区", volunteers=45,
                                rng=random.Random("same seed"))
    volunteers = analytics.volunteers(engine)
    first, second = (volunteers[volunteers["station"] == code] for code in ("AA", "BB"))
    assert len(first) == 45
    columns = ["name", "gender", "birth_year", "id_number", "approved_hours"]
    assert first[columns].reset_index(drop=True).equals(second[columns].reset_index(drop=True))
    months = analytics.monthly_figures(engine).pivot(index="month", columns="station", values="hours")
    assert months["AA"].equals(months["BB"]) and months["AA"].sum() > 0
