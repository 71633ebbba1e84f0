"""微改造台账: the station's micro-renovation ledger (item, quantity, unit, investment) and adding a line."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.i18n import t
from station_kit.models.community import WorksItemCreate
from station_kit.services.residents import record_works_item, works_items
from station_kit.ui.activities.fields import text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.format import esc, format_figure
from station_kit.ui.kit.forms import Form, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "works"


def app(engine: Engine | None = None) -> widgets.Widget:
    """The works ledger on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, _session: Works(context).widget)


class Works:
    def __init__(self, context: AppContext):
        self.context = context
        self.ledger = widgets.HTML()
        self.ledger.add_class(f"sk-{APP}-ledger")
        self.message = Message(f"sk-{APP}-message")
        number = widgets.Layout(width="12em")
        fields = [
            labelled(APP, "item", t("works.item"), text(), required=True),
            labelled(APP, "quantity", t("works.quantity"), widgets.BoundedFloatText(min=0, max=1e9, layout=number)),
            labelled(APP, "unit", t("works.unit"), text(width="8em")),
            labelled(APP, "investment_yuan", t("works.investment"),
                     widgets.BoundedIntText(min=0, max=10**9, layout=number), css="investment"),
            labelled(APP, "note", t("works.note"), text()),
        ]
        self.form = Form(fields, self.message)
        add = button(t("works.add"), f"sk-{APP}-add", primary=True)
        on_click(add, self._add, self.message, [field.widget for field in fields])
        self.widget = page(APP, text_block(t("works.ledger"), "sk-section"), self.ledger,
                           text_block(t("works.new"), "sk-section"), *(field.row for field in fields),
                           button_row(add), self.message.widget)
        self.show()

    def show(self) -> None:
        with self.context.reading() as scope:
            items = works_items(scope=scope, station_id=self.context.station_id)
        headers = [t(f"works.{key}") for key in ("item", "quantity", "unit", "investment", "note")]
        rows = [(row.item, format_figure(row.quantity if row.quantity % 1 else int(row.quantity)), row.unit,
                 format_figure(row.investment_yuan) if row.investment_yuan else "—", row.note) for row in items]
        total = sum(row.investment_yuan for row in items)
        self.ledger.value = (html_table(headers, rows) + esc(t("works.total", total=format_figure(total)))
                             if rows else esc(t("works.none")))

    def _add(self) -> None:
        value = self.form.value

        def write():
            data = WorksItemCreate(item=value("item"), quantity=value("quantity"), unit=value("unit"),
                                   investment_yuan=value("investment_yuan"), note=value("note"))
            with self.context.writing() as scope:
                return record_works_item(scope=scope, station_id=self.context.station_id, data=data).item

        item = self.form.attempt(write)
        if item is None:
            return
        self.form.reset()
        self.show()
        self.message.success(t("works.added", item=item))
