"""Who is working (DESIGN.md §5, §10): every service that writes takes an Actor and checks what its
role may do, and for which station, itself, so a refusal holds whichever app, notebook or command
calls it.

An Actor names the person, their role and the stations they work for. On one station PC the name
and role come from the server's settings (STATION_KIT_OPERATOR and STATION_KIT_ROLE) and the station
is the one the install serves: the ui kit, the CLI and the demo each narrow the Actor to it in one
place (``within``). Under the street's JupyterHub the person is the one signed in, handed to each
page's kernel by the station server (station_kit/hub); a host may install a provider of its own.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from enum import StrEnum

from station_kit.errors import DomainError

# Under the street's hub, the station server hands each page's kernel the signed-in person in this
# variable (station_kit/hub/person.py); HUB_ENV marks a server started by the hub, and its kernels.
PERSON_HEADER = "X-Station-Kit-Person"  # the header the server sets; Voilà makes it PERSON_ENV (RFC 3875)
PERSON_ENV = "HTTP_X_STATION_KIT_PERSON"
HUB_ENV = "STATION_KIT_HUB"


class Role(StrEnum):
    staff = "staff"  # 工作人员: registers, plans, checks in, approves
    admin = "admin"  # 站长/管理员: what staff do, and may see one person's full ID number (audited)
    analyst = "analyst"  # 分析人员: reads DataFrames in JupyterLab; writes nothing
    steward = "steward"  # 网格小管家: logs and follows the grid cases of their own grid(s), nothing else


# The roles that may do what a role may do: an admin is staff too, and staff do a steward's work in
# every grid; an analyst writes nothing.
_COUNTS_AS = {Role.staff: {Role.staff, Role.admin}, Role.admin: {Role.admin},
              Role.steward: {Role.steward, Role.staff, Role.admin}}


@dataclass(frozen=True)
class Actor:
    """A person at work. ``stations`` are the ids of the stations they work for; None means every
    station of the database — the owner of a one-station PC before the ui kit or the CLI narrows
    them to the station they serve, the demo builder, and migrations."""

    name: str
    role: Role = Role.staff
    stations: frozenset[int] | None = None
    # The grids a steward works in; None: every grid of their stations (staff, admins).
    grids: frozenset[int] | None = None
    signed_in: bool = False  # a person the street's hub signed in (not the settings' person of one PC)

    @property
    def signature(self) -> str:
        """The name a paper prints for this person: blank (to sign by hand) when nobody was named."""
        from station_kit.config import UNNAMED_OPERATOR

        return "" if self.name == UNNAMED_OPERATOR else self.name

    def require(self, role: Role = Role.staff, *, station_id: int | None = None) -> None:
        # ``role`` is staff or admin: what an analyst may do (read) needs no check.
        """Refuse, with a message, unless this actor's role may do what ``role`` may, and (when a
        station is named) unless they work for that station."""
        if self.role not in _COUNTS_AS[role]:
            raise DomainError.on("actor", f"actor.needs_{role}", name=self.name)
        if station_id is not None:
            self.require_station(station_id)

    def works_for(self, station_id: int) -> bool:
        return self.stations is None or station_id in self.stations

    def require_station(self, station_id: int, *, field: str = "station") -> None:
        """Refuse a row or a form of a station this actor does not work for."""
        if not self.works_for(station_id):
            raise DomainError.on(field, "scope.other_station")

    def in_grid(self, grid_id: int) -> bool:
        return self.grids is None or grid_id in self.grids

    def require_grid(self, grid_id: int, *, field: str = "grid_id") -> None:
        """Refuse a grid (a case's, or one a form names) this steward does not work in."""
        if not self.in_grid(grid_id):
            raise DomainError.on(field, "scope.other_grid")

    def within(self, station_id: int) -> Actor:
        """This actor working for one of their stations: what an app or a command of that station acts as."""
        self.require_station(station_id)
        return dataclasses.replace(self, stations=frozenset({station_id}))


def actor_from_environment() -> Actor:
    """Who works in this process. Under the street's hub: the signed-in person the station server handed
    this page's kernel (PERSON_ENV), with the role and stations of their hub groups — and when it handed
    none, nobody: an analyst of no station, whom every app and service refuses. Otherwise the person of
    the server's settings (a one-station PC). The caller narrows it to the station it serves
    (``within``)."""
    from station_kit.config import get_settings

    if os.environ.get(HUB_ENV):
        return _signed_in(os.environ.get(PERSON_ENV))
    settings = get_settings()
    return Actor(name=os.environ.get("JUPYTERHUB_USER") or settings.operator, role=Role(settings.role))


def _signed_in(text: str | None) -> Actor:
    try:
        found = json.loads(text or "")
    except ValueError:
        found = None
    if not isinstance(found, dict) or not isinstance(found.get("name"), str) or not found["name"]:
        return Actor(name="", role=Role.analyst, stations=frozenset())
    role = found.get("role")
    role = Role(role) if isinstance(role, str) and role in Role.__members__ else Role.analyst
    # in no role group yet: an analyst, who writes nothing, until an admin gives them a role; a steward
    # works in the grids of their grid groups, and in none until they are given one
    grids = frozenset(_ids(found.get("grids"))) if role is Role.steward else None
    return Actor(name=found["name"], role=role, stations=frozenset(_ids(found.get("stations"))), grids=grids,
                 signed_in=True)


def _ids(value) -> list[int]:
    return value if isinstance(value, list) and all(type(each) is int for each in value) else []


# The demo build and migrations write as themselves, so the log tells their rows from people's.
DEMO = Actor("demo", Role.admin)
