"""What an app works with: its station, the person working, and the one way an app reaches the
database (as the FastAPI template's routes get ``SessionDep``). Apps never import station_kit.db:
they read in ``context.reading()`` and write one use case per ``context.writing()``, each of which
gives the services one ``Scope``.

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

from station_kit.config import get_settings
from station_kit.db import get_engine, read_session, write_session
from station_kit.i18n import t
from station_kit.models.org import StationPublic
from station_kit.services.actor import Actor, actor_from_environment
from station_kit.services.org import current_station
from station_kit.services.scope import Scope
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
def reading(engine: Engine) -> Iterator[Scope]:
    """A read-only scope for the person working, for an app that watches the database rather than
    working on it (the TV screen polls without a station context of its own)."""
    with read_session(engine) as session:
        yield Scope(session, current_actor())


@dataclass(frozen=True)
class AppContext:
    """An app's station and person, and its way to the database: every use case gets one ``Scope``
    (the session, this person narrowed to this station, the clock) from here and nowhere else."""

    engine: Engine
    station: StationPublic
    actor: Actor

    @property
    def station_id(self) -> int:
        return self.station.id

    @contextmanager
    def reading(self) -> Iterator[Scope]:
        with read_session(self.engine) as session:
            yield Scope(session, self.actor)

    @contextmanager
    def writing(self) -> Iterator[Scope]:
        """One transaction for one service call: committed when the block ends, else rolled back."""
        with write_session(self.engine) as session:
            yield Scope(session, self.actor)


def station_app(app_name: str, engine: Engine | None,
                build: Callable[[AppContext, Scope], widgets.Widget]) -> widgets.Widget:
    """Build an app for the station this install serves, guarded like build_guarded.

    ``build(context, scope)`` runs inside a read scope; with no station yet, the page says how
    to create one instead."""
    def guarded() -> widgets.Widget:
        bound = engine or default_engine()
        actor = current_actor()
        with read_session(bound) as session:
            station = current_station(Scope(session, actor))
            if station is None:
                return page(app_name, text_block(t("station.none"), "sk-message"))
            if not actor.works_for(station.id):
                return page(app_name, text_block(t("scope.not_your_station", station=station.name), "sk-message"))
            context = AppContext(bound, station, actor.within(station.id))
            # The same read transaction builds the page, now as the person narrowed to this station.
            return build(context, Scope(session, context.actor))

    return build_guarded(app_name, guarded)
