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
from station_kit.ui.kit.layout import page

ATTENDANCE_TAB, APPROVALS_TAB = 1, 2


def app(engine: Engine | None = None) -> widgets.Widget:
    """The activities app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, _build)


def _build(app: AppContext, scope) -> widgets.Widget:
    context = Context(app.engine, app.station, app.actor, activity_choices(scope=scope, station_id=app.station_id))
    attendance, approvals = AttendanceTab(context), ApprovalsTab(context)
    plan = PlanTab(context, on_planned=attendance.reload_activities)
    tabs = widgets.Tab(children=[plan.widget, attendance.widget, approvals.widget],
                       titles=[t("activities.tab_plan"), t("activities.tab_attendance"),
                               t("activities.tab_approvals")])
    tabs.add_class(f"sk-{APP}-tabs")

    def on_tab(change) -> None:
        # Whatever was entered since the tab was last shown belongs in its list.
        if change["new"] == ATTENDANCE_TAB:
            attendance.reload_activities()
        elif change["new"] == APPROVALS_TAB:
            approvals.refresh()

    tabs.observe(on_tab, "selected_index")
    return page(APP, tabs)
