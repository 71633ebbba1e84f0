"""Who a signed-in person is to the apps (station_kit/hub/person.py, services/actor.py): the server makes
it of their hub groups; the kernel reads whatever it was handed and never crashes on it, and a kernel
handed nothing acts as nobody — never as the server's own person."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from station_kit.hub.person import Units, encode, person
from station_kit.services.actor import HUB_ENV, PERSON_ENV, Role, _signed_in, actor_from_environment

STATIONS = Units({"XSL": 1, "DXJ": 2}, {"XSL-1": (1, 11), "XSL-2": (1, 12), "DXJ-1": (2, 21)})


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


def test_a_steward_works_in_the_grids_of_their_grid_groups():
    assert person("wang", ["steward", "grid-XSL-2", "grid-XSL-9", "grid-NOPE-1"], STATIONS) == {
        "name": "wang", "role": "steward", "grids": [12], "stations": [1]}  # the grid's station comes with it
    steward = _signed_in(encode(person("wang", ["steward", "grid-XSL-2"], STATIONS)))
    assert (steward.role, steward.grids, steward.stations) == (Role.steward, frozenset({12}), frozenset({1}))
    assert steward.in_grid(12) and not steward.in_grid(11)
    # grid groups give staff nothing more: they work in every grid of their stations
    staff = _signed_in(encode(person("li", ["staff", "station-XSL", "grid-XSL-1"], STATIONS)))
    assert staff.grids is None and staff.in_grid(12)
    # a steward handed no grids works in none, whatever else the text says
    assert _signed_in(json.dumps({"name": "wang", "role": "steward", "stations": [1]})).grids == frozenset()


VALUES = st.one_of(st.none(), st.text(), st.integers(), st.lists(st.integers()))
HANDED = st.one_of(st.none(), st.text(), st.dictionaries(st.text(max_size=8), VALUES).map(json.dumps),
                   st.fixed_dictionaries({"name": st.text(), "role": st.one_of(VALUES, st.sampled_from(list(Role))),
                                          "stations": VALUES, "grids": VALUES}).map(json.dumps))


@given(HANDED)
def test_anything_handed_is_a_person_or_nobody(text):
    actor = _signed_in(text)
    assert actor.role in Role
    assert actor.name or (actor.stations == frozenset() and actor.role == Role.analyst)
    assert (actor.grids is None) == (actor.role != Role.steward)


def test_under_the_hub_a_kernel_handed_nobody_is_nobody(monkeypatch):
    from station_kit.config import get_settings

    monkeypatch.setenv(HUB_ENV, "1")
    monkeypatch.delenv(PERSON_ENV, raising=False)
    actor = actor_from_environment()
    assert actor.name == "" and actor.stations == frozenset() and not actor.signed_in
    monkeypatch.delenv(HUB_ENV)
    assert actor_from_environment().name == get_settings().operator  # one PC: the server's person, as before
