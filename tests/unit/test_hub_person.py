"""Who a signed-in person is to the apps (station_kit/hub/person.py, services/actor.py): the server makes
it of their hub groups; the kernel reads whatever it was handed and never crashes on it, and a kernel
handed nothing acts as nobody — never as the server's own person."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from station_kit.hub.person import encode, person
from station_kit.services.actor import HUB_ENV, PERSON_ENV, Role, _signed_in, actor_from_environment

STATIONS = {"XSL": 1, "DXJ": 2}


def test_groups_give_the_strongest_role_and_the_stations_there_are():
    assert person("gao", ["staff", "admin", "station-XSL", "station-NOPE"], STATIONS) == {
        "name": "gao", "role": "admin", "stations": [1]}
    assert person("li", ["station-DXJ", "station-XSL", "staff"], STATIONS)["stations"] == [1, 2]
    assert person("new", [], STATIONS) == {"name": "new", "role": None, "stations": []}


def test_the_kernel_reads_the_person_it_was_handed():
    actor = _signed_in(encode(person("li", ["staff", "station-DXJ"], STATIONS)))
    assert (actor.name, actor.role, actor.stations, actor.signed_in) == ("li", Role.staff, frozenset({2}), True)
    newcomer = _signed_in(encode(person("new", [], STATIONS)))
    assert newcomer.role == Role.analyst and newcomer.stations == frozenset()  # writes nothing, works nowhere


VALUES = st.one_of(st.none(), st.text(), st.integers(), st.lists(st.integers()))
HANDED = st.one_of(st.none(), st.text(), st.dictionaries(st.text(max_size=8), VALUES).map(json.dumps),
                   st.fixed_dictionaries({"name": st.text(), "role": VALUES, "stations": VALUES}).map(json.dumps))


@given(HANDED)
def test_anything_handed_is_a_person_or_nobody(text):
    actor = _signed_in(text)
    assert actor.role in Role
    assert actor.name or (actor.stations == frozenset() and actor.role == Role.analyst)


def test_under_the_hub_a_kernel_handed_nobody_is_nobody(monkeypatch):
    from station_kit.config import get_settings

    monkeypatch.setenv(HUB_ENV, "1")
    monkeypatch.delenv(PERSON_ENV, raising=False)
    actor = actor_from_environment()
    assert actor.name == "" and actor.stations == frozenset() and not actor.signed_in
    monkeypatch.delenv(HUB_ENV)
    assert actor_from_environment().name == get_settings().operator  # one PC: the server's person, as before
