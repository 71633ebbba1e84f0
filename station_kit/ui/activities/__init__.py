"""活动与签到: plan activities, keep the roster (check-in, check-out, batch hours), approve hours."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.i18n import t
from station_kit.services.rosters import activity_choices
from station_kit.ui.activities.approvals import ApprovalsTab
from station_kit.ui.activities.attendance import AttendanceTab
from station_kit.ui.activities.fields import APP, Context
from station_kit.ui.activities.plan import PlanTab
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.layout import Lazy, lazy_tabs, page

ATTENDANCE_TAB, APPROVALS_TAB = 1, 2


def app(engine: Engine | None = None) -> widgets.Widget:
    """The activities app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, _build)


def _build(app: AppContext, scope) -> widgets.Widget:
    context = Context(app.engine, app.station, app.actor, activity_choices(scope=scope, station_id=app.station_id))
    attendance = Lazy(lambda: AttendanceTab(context))
    approvals = Lazy(lambda: ApprovalsTab(context))

    def planned() -> None:
        if attendance.built:  # a roster not opened yet reads the new activity when it is
            attendance.get().reload_activities()

    def on_open(index: int, tab) -> None:
        # Whatever was entered since the tab was last shown belongs in its list.
        if index == ATTENDANCE_TAB:
            tab.reload_activities()
        elif index == APPROVALS_TAB:
            tab.refresh()

    tabs = lazy_tabs(APP, [(t("activities.tab_plan"), Lazy(lambda: PlanTab(context, on_planned=planned))),
                           (t("activities.tab_attendance"), attendance),
                           (t("activities.tab_approvals"), approvals)], on_open)
    return page(APP, tabs)
