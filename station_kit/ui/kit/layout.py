"""Pages: the outer box of every app with the shared style and the way back to 首页, text blocks, tabs
built when first opened, and building an app so that a failure shows a calm message instead of a
traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.ui.kit.actions import Message
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.theme import STYLE

_log = logging.getLogger("station_kit.ui")
T = TypeVar("T")


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


class Lazy(Generic[T]):
    """A part of a page built when first needed: a tab's content (an object with a ``widget``)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None

    @property
    def built(self) -> bool:
        return self._value is not None

    def get(self) -> T:
        if self._value is None:
            self._value = self._build()
        return self._value


def lazy_tabs(app_name: str, tabs: Sequence[tuple[str, Lazy]],
              on_open: Callable[[int, Any], None] | None = None) -> widgets.Tab:
    """Tabs (title, content) whose contents are built when first opened: a page sends and draws its first
    tab's widgets only — hundreds of widgets per tab are most of what a page takes to open — and the
    others when a worker opens them. ``on_open(index, content)``: what a tab does each time it is opened,
    the first included (read its lists). A tab that fails to build shows a calm message in its place."""
    holders = [widgets.VBox() for _ in tabs]

    def show(index: int | None) -> None:
        if index is None:
            return
        content = tabs[index][1]
        try:
            if not content.built:
                holders[index].children = (content.get().widget,)
            if on_open is not None:
                on_open(index, content.get())
        except Exception:
            _log.exception("could not build tab %s of the %s app", index, app_name)
            message = Message(f"sk-{app_name}-message")
            message.error(t("error.load_failed"))
            holders[index].children = (message.widget,)

    tab = widgets.Tab(children=holders, titles=[title for title, _ in tabs])
    tab.add_class(f"sk-{app_name}-tabs")
    show(0)
    tab.observe(lambda change: show(change["new"]), "selected_index")
    return tab
