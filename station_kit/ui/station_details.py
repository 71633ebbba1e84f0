"""本站信息 on 首页: the station's name, 负责人 and 联系方式, which a 志愿服务记录证明 prints as its
issuer, and its 常住人口, from which a leader's report computes 注册率. Every worker sees them (they answer the phone when someone asks who signs); an admin sees
them as a form and corrects them with update_station_details. Other roles get no form at all, not a
hidden one: the service would refuse them anyway, and a form nobody may use only confuses.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.models.org import StationDetailsUpdate, StationPublic
from station_kit.services.actor import Role
from station_kit.services.org import update_station_details
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.forms import Form, labelled
from station_kit.ui.kit.layout import text_block
from station_kit.ui.kit.theme import INPUT_WIDTH
from station_kit.validation import population_value

FIELDS = tuple(StationDetailsUpdate.model_fields)  # name, person_in_charge, contact, population


class StationDetailsPanel:
    """``on_saved`` hears the station as saved, so the page can show a corrected name in its title."""

    def __init__(self, app_name: str, context: AppContext, on_saved: Callable[[StationPublic], None]):
        self.app_name = app_name
        self.context = context
        self.on_saved = on_saved
        self.station = context.station
        heading = [text_block(t("station_details.section"), "sk-section"),
                   text_block(t("station_details.hint"), "sk-hint")]
        if context.actor.role == Role.admin:
            body = self._editor()
        else:
            self.shown = widgets.HTML(self._lines(self.station))
            self.shown.add_class(f"sk-{app_name}-station-details")
            body = [self.shown, text_block(t("station_details.ask_admin"), "sk-hint")]
        self.widget = widgets.VBox([*heading, *body])
        self.widget.add_class(f"sk-{app_name}-station")

    def _lines(self, station: StationPublic) -> str:
        return "".join(f'<div>{esc(t(f"station_details.{name}"))}{esc(t("documents.colon"))}'
                       f'{esc(_shown(getattr(station, name)) or t(empty_text(name)))}</div>' for name in FIELDS)

    def _editor(self) -> list[widgets.Widget]:
        self.message = Message(f"sk-{self.app_name}-station-message")

        def text(name: str, placeholder: str = "") -> widgets.Text:
            return widgets.Text(value=_shown(getattr(self.station, name)), placeholder=placeholder,
                                layout=widgets.Layout(width=INPUT_WIDTH))

        fields = [
            labelled(self.app_name, "name", t("station_details.name"), text("name"), css="station-name",
                     required=True),
            labelled(self.app_name, "person_in_charge", t("station_details.person_in_charge"),
                     text("person_in_charge"), css="station-person-in-charge"),
            labelled(self.app_name, "contact", t("station_details.contact"),
                     text("contact", t("station_details.contact_placeholder")), css="station-contact"),
            labelled(self.app_name, "population", t("station_details.population"),
                     text("population", t("station_details.population_placeholder")), css="station-population"),
        ]
        self.form = Form(fields, self.message)
        save = button(t("station_details.save"), f"sk-{self.app_name}-station-save", primary=True)
        on_click(save, self._save, self.message, inputs=[field.widget for field in fields])
        return [*(field.row for field in fields), button_row(save), self.message.widget]

    def _write(self) -> StationPublic:
        values = {name: self.form.value(name) for name in FIELDS}
        data = StationDetailsUpdate(**{**values, "population": population_value(values["population"])})
        with self.context.writing() as scope:
            return update_station_details(scope=scope, station_id=self.context.station_id, data=data)

    def _save(self) -> None:
        saved = self.form.attempt(self._write)
        if saved is None:
            return
        changed = any(getattr(saved, name) != getattr(self.station, name) for name in FIELDS)
        self.station = saved
        for name in FIELDS:  # as stored: trimmed
            self.form[name].widget.value = _shown(getattr(saved, name))
        self.message.success(t("station_details.saved" if changed else "station_details.unchanged"))
        if changed:
            self.on_saved(saved)


def _shown(value) -> str:
    return "" if value is None else str(value)


def empty_text(name: str) -> str:
    return "station_details.population_empty" if name == "population" else "station_details.empty"
