"""Who a signed-in person is to the station apps, decided by the server from their hub groups.

The station server puts the person into the request it hands Voilà, in a header it sets itself after
asking the hub (whatever the browser sent under that name is dropped first). Voilà copies that one
header into the request information a page's kernel receives (``http_header_envs``), preheated or not,
so the kernel reads the person from its environment. Outside the hub no header is passed on, and a
kernel acts as the server's own person (STATION_KIT_OPERATOR / STATION_KIT_ROLE) as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# Hub groups that give a role, strongest first: a person in two gets the first.
ROLE_GROUPS = ("admin", "staff", "steward", "analyst")
STATION_GROUP_PREFIX = "station-"
GRID_GROUP_PREFIX = "grid-"  # grid-<station code>-<grid number>: a steward's grid


@dataclass(frozen=True)
class Units:
    """The stations and grids a database has, by the names their hub groups carry."""

    stations: dict[str, int]  # station code → station id
    grids: dict[str, tuple[int, int]]  # "<station code>-<grid number>" → (station id, grid id)

    @property
    def groups(self) -> list[str]:
        return ([STATION_GROUP_PREFIX + code for code in self.stations]
                + [GRID_GROUP_PREFIX + name for name in self.grids])


def read_units(db_url: str) -> Units:
    from sqlmodel import select

    from station_kit.db import get_engine, read_session
    from station_kit.models import Grid, Station

    with read_session(get_engine(db_url)) as session:
        stations = session.exec(select(Station.code, Station.id).order_by(Station.id)).all()
        grids = session.exec(select(Station.code, Grid.number, Grid.station_id, Grid.id)
                             .join(Grid, Grid.station_id == Station.id).order_by(Grid.station_id, Grid.number)).all()
    return Units(dict(stations), {f"{code}-{number}": (station_id, grid_id)
                                  for code, number, station_id, grid_id in grids})


def person(name: str, groups: list[str], units: Units) -> dict:
    """The person as the kernel receives it: name, role (None: in no role group yet) and the ids of the
    stations whose ``station-<code>`` groups they are in (codes no station has are left out). A steward
    also gets the grids of their ``grid-<code>-<number>`` groups, and those grids' stations."""
    role = next((group for group in ROLE_GROUPS if group in groups), None)
    stations = {units.stations[code] for code in _named(groups, STATION_GROUP_PREFIX) if code in units.stations}
    found = {"name": name, "role": role}
    if role == "steward":
        grids = [units.grids[name] for name in _named(groups, GRID_GROUP_PREFIX) if name in units.grids]
        stations |= {station_id for station_id, _ in grids}
        found["grids"] = sorted(grid_id for _, grid_id in grids)
    return found | {"stations": sorted(stations)}


def _named(groups: list[str], prefix: str) -> list[str]:
    return [group.removeprefix(prefix) for group in groups if group.startswith(prefix)]


def encode(person_: dict) -> str:
    return json.dumps(person_, ensure_ascii=True)
