"""Who a signed-in person is to the station apps, decided by the server from their hub groups.

The station server puts the person into the request it hands Voilà, in a header it sets itself after
asking the hub (whatever the browser sent under that name is dropped first). Voilà copies that one
header into the request information a page's kernel receives (``http_header_envs``), preheated or not,
so the kernel reads the person from its environment. Outside the hub no header is passed on, and a
kernel acts as the server's own person (STATION_KIT_OPERATOR / STATION_KIT_ROLE) as before.
"""

from __future__ import annotations

import json

# Hub groups that give a role, strongest first: a person in two gets the first.
ROLE_GROUPS = ("admin", "staff", "analyst")
STATION_GROUP_PREFIX = "station-"


def person(name: str, groups: list[str], station_ids: dict[str, int]) -> dict:
    """The person as the kernel receives it: name, role (None: in no role group yet) and the ids of the
    stations whose ``station-<code>`` groups they are in (codes no station has are left out)."""
    role = next((group for group in ROLE_GROUPS if group in groups), None)
    codes = [group.removeprefix(STATION_GROUP_PREFIX) for group in groups if group.startswith(STATION_GROUP_PREFIX)]
    return {"name": name, "role": role, "stations": sorted(station_ids[code] for code in codes if code in station_ids)}


def encode(person_: dict) -> str:
    return json.dumps(person_, ensure_ascii=True)
