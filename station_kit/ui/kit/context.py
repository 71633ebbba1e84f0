"""What an app works with: its station, the person working, and the one way an app reaches the
database (as the FastAPI template's routes get ``SessionDep``). Apps never import station_kit.db:
they read in ``context.reading()`` and write one use case per ``context.writing()``.

The person working is an Actor from ``current_actor()``. By default it is read from the server's
settings (STATION_KIT_OPERATOR, STATION_KIT_ROLE) — on one station PC, whoever starts the server —
or, under JupyterHub, from the signed-in user's own server (JUPYTERHUB_USER and the role the hub's
spawner gives that user's group). A host with another way to know who is working installs it with
``set_actor_provider``. Every app acts as that person narrowed to the station it serves
(``Actor.within``), so each service refuses another station's rows whichever ids a page sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ipywidgets as widgets
from sqlalchemy.engine import Engine
from sqlmodel import Session

from station_kit.config import get_settings
from station_kit.db import get_engine, read_session, write_session
from station_kit.i18n import t
from station_kit.models.org import StationPublic
from station_kit.services.actor import Actor, actor_from_environment
from station_kit.services.org import current_station
from station_kit.ui.kit.layout import build_guarded, page, text_block

_actor_provider: Callable[[], Actor] = actor_from_environment


def set_actor_provider(provider: Callable[[], Actor]) -> None:
    """Let a multi-user host say who is working, per request or per kernel."""
    global _actor_provider
    _actor_provider = provider


def current_actor() -> Actor:
    return _actor_provider()


def default_engine() -> Engine:
    """The database named by the settings (``station-kit serve --db`` passes it to the kernels)."""
    return get_engine(get_settings().database_url)


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only session, for an app that watches the database rather than working on it (the TV
    screen polls without a station context of its own)."""
    with read_session(engine) as session:
        yield session


@dataclass(frozen=True)
class AppContext:
    """An app's station and person, and its way to a session."""

    engine: Engine
    station: StationPublic
    actor: Actor

    @property
    def station_id(self) -> int:
        return self.station.id

    def reading(self):
        return reading(self.engine)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction for one service call: committed when the block ends, else rolled back."""
        with write_session(self.engine) as session:
            yield session


def station_app(app_name: str, engine: Engine | None,
                build: Callable[[AppContext, Session], widgets.Widget]) -> widgets.Widget:
    """Build an app for the station this install serves, guarded like build_guarded.

    ``build(context, session)`` runs inside a read session; with no station yet, the page says how
    to create one instead."""
    def guarded() -> widgets.Widget:
        bound = engine or default_engine()
        with read_session(bound) as session:
            station = current_station(session)
            if station is None:
                return page(app_name, text_block(t("station.none"), "sk-message"))
            actor = current_actor()
            if not actor.works_for(station.id):
                return page(app_name, text_block(t("scope.not_your_station", station=station.name), "sk-message"))
            context = AppContext(bound, StationPublic.model_validate(station, from_attributes=True),
                                 actor.within(station.id))
            return build(context, session)

    return build_guarded(app_name, guarded)
