# 志愿者
"""The volunteers app: register, search and edit, find and merge duplicates (DESIGN.md §6).

``app()`` returns the whole app as one widget: a link home and four tabs, the last 证明查验
(checking a certificate number someone was shown).
"""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.i18n import t
from station_kit.services.org import station_choices
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.layout import Lazy, lazy_tabs, page
from station_kit.ui.volunteers.check import CheckTab
from station_kit.ui.volunteers.duplicates import DuplicatesTab
from station_kit.ui.volunteers.fields import APP, Context
from station_kit.ui.volunteers.register import RegisterTab
from station_kit.ui.volunteers.search import SearchTab

DUPLICATES_TAB = 2


def app(engine: Engine | None = None) -> widgets.Widget:
    """The volunteers app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, _build)


def _build(app: AppContext, scope) -> widgets.Widget:
    context = Context(app.engine, app.station, app.actor, station_choices(scope=scope, station_id=app.station_id))

    def on_open(index: int, tab) -> None:
        # Registrations made since the tab was last shown may have made new duplicates.
        if index == DUPLICATES_TAB:
            tab.refresh()

    tabs = lazy_tabs(APP, [(t("volunteers.tab_register"), Lazy(lambda: RegisterTab(context))),
                           (t("volunteers.tab_search"), Lazy(lambda: SearchTab(context))),
                           (t("volunteers.tab_duplicates"), Lazy(lambda: DuplicatesTab(context))),
                           (t("certificate_check.tab"), Lazy(lambda: CheckTab(context)))], on_open)
    # The notebook's Markdown cell is the page title; page() adds the way back.
    return page(APP, tabs)
