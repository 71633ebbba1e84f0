"""Who is working (DESIGN.md §5, §10): every service that writes takes an Actor and checks what its
role may do, and for which station, itself, so a refusal holds whichever app, notebook or command
calls it.

An Actor names the person, their role and the stations they work for. On one station PC the name
and role come from the server's settings (STATION_KIT_OPERATOR and STATION_KIT_ROLE) and the station
is the one the install serves: the ui kit, the CLI and the demo each narrow the Actor to it in one
place (``within``). Under JupyterHub each signed-in person has a server of their own, started with
their hub name and their group's role; a host may install a provider of its own.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from enum import StrEnum

from station_kit.errors import DomainError


class Role(StrEnum):
    staff = "staff"  # 工作人员: registers, plans, checks in, approves
    admin = "admin"  # 站长/管理员: what staff do, and may see one person's full ID number (audited)
    analyst = "analyst"  # 分析人员: reads DataFrames in JupyterLab; writes nothing


# The roles that may do what a role may do: an admin is staff too; an analyst writes nothing.
_COUNTS_AS = {Role.staff: {Role.staff, Role.admin}, Role.admin: {Role.admin}}


@dataclass(frozen=True)
class Actor:
    """A person at work. ``stations`` are the ids of the stations they work for; None means every
    station of the database — the owner of a one-station PC before the ui kit or the CLI narrows
    them to the station they serve, the demo builder, and migrations."""

    name: str
    role: Role = Role.staff
    stations: frozenset[int] | None = None

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

    def within(self, station_id: int) -> Actor:
        """This actor working for one of their stations: what an app or a command of that station acts as."""
        self.require_station(station_id)
        return dataclasses.replace(self, stations=frozenset({station_id}))


def actor_from_environment() -> Actor:
    """Who works in this process: the hub user when JupyterHub started it (each signed-in person has
    a server of their own, started with their group's STATION_KIT_ROLE), else the settings. The
    caller narrows it to the station it serves (``within``)."""
    from station_kit.config import get_settings

    settings = get_settings()
    return Actor(name=os.environ.get("JUPYTERHUB_USER") or settings.operator, role=Role(settings.role))


# The demo build and migrations write as themselves, so the log tells their rows from people's.
DEMO = Actor("demo", Role.admin)
