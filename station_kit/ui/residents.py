"""居民: the residents wishes and cases are for, by grid (phones masked, care groups), and registering
one with consent, as the wish wall and the grid cases need them."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.i18n import t
from station_kit.models.community import CareGroup, ResidentCreate
from station_kit.services.residents import grid_choices, list_residents, register_resident
from station_kit.ui.activities.fields import enum_options, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.forms import CheckboxGroup, Form, chosen, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "residents"
SHOWN = 300


def app(engine: Engine | None = None) -> widgets.Widget:
    """The residents app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, scope: Residents(context, scope).widget)


class Residents:
    def __init__(self, context: AppContext, scope):
        self.context = context
        grids = grid_choices(scope=scope, station_id=context.station_id)
        self.grid = dropdown(grids, may_be_empty=True)
        self.grid.add_class(f"sk-{APP}-grid-filter")
        self.grid.observe(lambda _change: self.show(), "value")
        self.list = widgets.HTML()
        self.list.add_class(f"sk-{APP}-list")
        self.message = Message(f"sk-{APP}-message")
        fields = [
            labelled(APP, "name", t("residents.name"), text(), required=True),
            labelled(APP, "grid_id", t("cases.grid"), dropdown(grids, may_be_empty=True), css="grid", required=True),
            labelled(APP, "building", t("residents.building"), text(width="10em")),
            labelled(APP, "unit", t("residents.unit"), text(width="10em")),
            labelled(APP, "phone", t("residents.phone"), text()),
            labelled(APP, "care_groups", t("residents.care_groups"),
                     CheckboxGroup(enum_options(CareGroup, "care_group"), columns=2)),
            labelled(APP, "consent", t("residents.consent"), widgets.Checkbox(indent=False), required=True),
        ]
        self.form = Form(fields, self.message)
        register = button(t("residents.register"), f"sk-{APP}-register", primary=True)
        on_click(register, self._register, self.message, [field.widget for field in fields])
        self.widget = page(APP, text_block(t("residents.new"), "sk-section"), *(field.row for field in fields),
                           button_row(register), self.message.widget, text_block(t("residents.list"), "sk-section"),
                           labelled(APP, "grid_filter", t("cases.grid"), self.grid, css="grid-filter-row").row,
                           self.list)
        self.show()

    def show(self) -> None:
        with self.context.reading() as scope:
            shown = list_residents(scope=scope, station_id=self.context.station_id,
                                   grid_id=chosen(self.grid.value), limit=SHOWN)
        headers = [t(f"residents.{key}") for key in ("name", "grid", "building", "unit", "phone", "care_groups")]
        rows = [(row.name, row.grid, row.building, row.unit, row.phone,
                 t("list.separator").join(t(f"enum.care_group.{group}") for group in row.care_groups))
                for row in shown]
        self.list.value = html_table(headers, rows) if rows else esc(t("residents.none"))

    def _register(self) -> None:
        value = self.form.value

        def write():
            data = ResidentCreate(name=value("name"), grid_id=value("grid_id") or 0, building=value("building"),
                                  unit=value("unit"), phone=value("phone"), care_groups=list(value("care_groups")),
                                  consent=value("consent"), consent_date=clock.today())
            with self.context.writing() as scope:
                return register_resident(scope=scope, station_id=self.context.station_id, data=data).name

        name = self.form.attempt(write)
        if name is None:
            return
        self.form.reset()
        self.show()
        self.message.success(t("residents.registered", name=name))
