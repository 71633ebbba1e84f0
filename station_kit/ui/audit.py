"""操作记录: what one person did for the station in a period, from the operation log — an admin's
question (services.audit), the same lines `station-kit audit` prints, for an admin signed in to the
street's hub who has no command line."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.config import get_settings
from station_kit.i18n import catalog, t
from station_kit.services.audit import AuditLine, operators, person_actions
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.forms import Form, chosen, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "audit"


def app(engine: Engine | None = None) -> widgets.Widget:
    """The operation log app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, scope: Audit(context, scope).widget)


class Audit:
    def __init__(self, context: AppContext, scope):
        self.context = context
        people = operators(scope=scope, station_id=context.station_id)
        self.message = Message(f"sk-{APP}-message")
        self.lines = widgets.HTML()
        self.lines.add_class(f"sk-{APP}-lines")
        fields = [
            labelled(APP, "person", t("audit.ui.person"), dropdown([(name, name) for name in people],
                                                                     may_be_empty=True), required=True),
            labelled(APP, "period", t("audit.ui.period"), widgets.Text(layout=widgets.Layout(width="10em")),
                     below=[text_block(t("audit.ui.period_hint"), "sk-hint")]),
        ]
        self.form = Form(fields, self.message)
        show = button(t("audit.ui.show"), f"sk-{APP}-show", primary=True)
        on_click(show, self._show, self.message, [field.widget for field in fields])
        self.widget = page(APP, text_block(t("audit.ui.hint"), "sk-hint"), *(field.row for field in fields),
                           button_row(show), self.message.widget, self.lines)

    def _show(self) -> None:
        value = self.form.value
        person = chosen(value("person"))

        def read() -> list[AuditLine]:
            with self.context.reading() as scope:
                return person_actions(scope=scope, station_id=self.context.station_id, person=person or "",
                                      period=value("period").strip() or None)

        if not person:
            self.message.error(t("audit.ui.no_person"))
            return
        lines = self.form.attempt(read)
        if lines is None:
            self.lines.value = ""
            return
        headers = [t(f"audit.ui.{key}") for key in ("at", "action", "row")]
        rows = [(f"{line.at:%Y-%m-%d %H:%M}", action_label(line.action), line.entity_id or "") for line in lines]
        self.lines.value = html_table(headers, rows) if rows else ""
        self.message.success(t("audit.count", person=person, count=len(lines)))


def action_label(action: str) -> str:
    """An action as a worker reads it: its own label, or the moved thing's name and the move
    (活动·开始), or — an action nobody named yet — as the log keeps it."""
    messages = catalog(get_settings().lang)
    if f"audit.action.{action}" in messages:
        return messages[f"audit.action.{action}"]
    entity, _, verb = action.partition(".")
    if f"audit.entity.{entity}" in messages and f"workflow.action.{verb}" in messages:
        return f"{messages[f'audit.entity.{entity}']}·{messages[f'workflow.action.{verb}']}"
    return action
