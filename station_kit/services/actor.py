"""Who is working (DESIGN.md §5, §10): every service that writes takes an Actor and checks what its
role may do itself, so a refusal holds whichever app, notebook or command calls it.

On one station PC the Actor comes from the settings of the server (STATION_KIT_OPERATOR and
STATION_KIT_ROLE). Under JupyterHub each signed-in person has a server of their own, started with
their hub name and their group's role; ``station_kit.ui.kit.context.current_actor`` reads them
per person, and a host may install a provider of its own.
"""

from __future__ import annotations

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
    name: str
    role: Role = Role.staff

    def require(self, role: Role = Role.staff) -> None:
        # ``role`` is staff or admin: what an analyst may do (read) needs no check.
        """Refuse, with a message, unless this actor's role may do what ``role`` may."""
        if self.role not in _COUNTS_AS[role]:
            raise DomainError.on("actor", f"actor.needs_{role}", name=self.name)


def actor_from_environment() -> Actor:
    """Who works in this process: the hub user when JupyterHub started it (each signed-in person has
    a server of their own, started with their group's STATION_KIT_ROLE), else the settings."""
    from station_kit.config import get_settings

    settings = get_settings()
    return Actor(name=os.environ.get("JUPYTERHUB_USER") or settings.operator, role=Role(settings.role))


# The demo build and migrations write as themselves, so the log tells their rows from people's.
DEMO = Actor("demo", Role.admin)
