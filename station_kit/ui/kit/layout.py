"""Pages: the outer box of every app with the shared style and the way back to 首页, text blocks,
and building an app so that a failure shows a calm message instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.ui.kit.actions import Message
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.theme import STYLE

_log = logging.getLogger("station_kit.ui")


def _back_link(app_name: str) -> list[widgets.Widget]:
    from station_kit.ui import registry  # the registry imports every app lazily; apps import this

    try:
        wanted = registry.get(app_name).back_link
    except KeyError:
        wanted = False
    if not wanted:
        return []
    link = widgets.HTML(f'<a href="{esc(registry.HOME.notebook)}">{esc(t("app.back_home"))}</a>')
    link.add_class(f"sk-{app_name}-home")
    link.add_class("sk-back-home")
    return [widgets.HBox([link], layout=widgets.Layout(justify_content="flex-end"))]


def page(app_name: str, *children: widgets.Widget) -> widgets.VBox:
    """The outer box of an app: the shared style, the way back to 首页 where the registry gives the
    app one, then the app's own widgets."""
    box = widgets.VBox([widgets.HTML(STYLE), *_back_link(app_name), *children])
    box.add_class("sk-app")
    box.add_class(f"sk-{app_name}")
    return box


def text_block(text: str, css_class: str, *, markup: bool = False) -> widgets.HTML:
    """A line of text styled by a class (sk-title, sk-hint, …); escaped unless ``markup``."""
    block = widgets.HTML(text if markup else esc(text))
    block.add_class(css_class)
    return block


def build_guarded(app_name: str, build: Callable[[], widgets.Widget]) -> widgets.Widget:
    """Build an app; if that fails (the database is unreachable…), a calm message instead of a traceback."""
    try:
        return build()
    except Exception:
        _log.exception("could not build the %s app", app_name)
        message = Message(f"sk-{app_name}-message")
        message.error(t("error.load_failed"))
        return page(app_name, message.widget)
