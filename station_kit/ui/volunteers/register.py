# 登记
"""The register tab: a form that builds a VolunteerCreate for register_volunteer; every
refusal is shown beside its field and nothing is written."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models.people import Gender, IdType, VolunteerCreate, VolunteerPublic
from station_kit.rules.people import needs_guardian
from station_kit.services.volunteers import register_volunteer
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.format import esc, format_date
from station_kit.ui.kit.forms import Form, dropdown, labelled
from station_kit.ui.kit.theme import INPUT_WIDTH
from station_kit.ui.volunteers.fields import (
    APP,
    Context,
    checkbox,
    detail_fields,
    membership_fields,
    text_input,
)
from station_kit.validation import age_on, check_resident_id

RESIDENT_ID_LENGTH = 18
POSSIBLE_DUPLICATE = "volunteer.possible_duplicate"


class RegisterTab:
    def __init__(self, context: Context):
        self.context = context
        self.message = Message(f"sk-{APP}-message")
        self.derived = widgets.HTML()  # gender and birth date read from a resident ID
        self.derived.add_class("sk-hint")
        self.derived.add_class(f"sk-{APP}-id-derived")
        self.form = Form(self._fields(), self.message)
        self.submit = button(t("volunteers.submit"), f"sk-{APP}-submit", primary=True)
        on_click(self.submit, self._register, self.message,
                 inputs=[field.widget for field in self.form.fields.values()])
        self._wire()
        self._show_identity_rows()
        self.form["allow_similar"].row.layout.display = "none"
        self.widget = widgets.VBox([*(field.row for field in self.form.fields.values()),
                                    button_row(self.submit),
                                    self.message.widget])

    def _fields(self):
        id_types = [(t(f"enum.id_type.{kind.value}"), kind) for kind in IdType]
        genders = [(t(f"enum.gender.{g.value}"), g) for g in Gender]
        birth_date = widgets.DatePicker(value=None, layout=widgets.Layout(width=INPUT_WIDTH))
        return [
            labelled(APP, "name", t("volunteers.name"), text_input(), required=True),
            labelled(APP, "id_type", t("volunteers.id_type"), dropdown(id_types)),
            labelled(APP, "id_number", t("volunteers.id_number"), text_input(), below=[self.derived], required=True),
            labelled(APP, "gender", t("volunteers.gender"), dropdown(genders, may_be_empty=True)),
            labelled(APP, "birth_date", t("volunteers.birth_date"), birth_date),
            labelled(APP, "phone", t("volunteers.phone"), text_input(t("volunteers.phone_placeholder")),
                     required=True),
            *detail_fields(),
            *membership_fields(self.context.choices),
            labelled(APP, "guardian_name", t("volunteers.guardian_name"), text_input()),
            labelled(APP, "guardian_consent", "", checkbox(t("volunteers.guardian_consent"))),
            labelled(APP, "consent", "", checkbox(t("volunteers.consent"))),
            labelled(APP, "allow_similar", "", checkbox(t("volunteers.allow_similar"))),
        ]

    def _wire(self) -> None:
        for name in ("id_type", "id_number", "birth_date"):
            self.form[name].widget.observe(lambda _change: self._show_identity_rows(), "value")
        # The confirmation is about one particular person: another name or phone needs a new look.
        for name in ("name", "phone"):
            self.form[name].widget.observe(lambda _change: self._hide_allow_similar(), "value")

    def _is_resident_id(self) -> bool:
        return self.form.value("id_type") == IdType.resident_id

    def _show_identity_rows(self) -> None:
        """A resident ID gives gender and birth date, so those inputs give way to what it says;
        the guardian's rows appear once the birth date shows someone under 14."""
        resident = self._is_resident_id()
        for name in ("gender", "birth_date"):
            self.form[name].row.layout.display = "none" if resident else None
        birth_date = self._resident_birth_date() if resident else self.form.value("birth_date")
        under_age = birth_date is not None and needs_guardian(age_on(birth_date, clock.today()))
        for name in ("guardian_name", "guardian_consent"):
            if under_age or self.form[name].widget.value:
                self.form[name].row.layout.display = None
            elif not self.form[name].error.value:
                self.form[name].row.layout.display = "none"

    def _resident_birth_date(self):
        """Read the ID number once it is complete: say what it gives, or at once what is wrong."""
        field = self.form["id_number"]
        number = "".join(field.widget.value.split()).upper()
        self.derived.value = ""
        if len(number) != RESIDENT_ID_LENGTH:
            return None
        try:
            resident = check_resident_id(number)
        except DomainError as error:
            field.show([t(item.key, **item.params) for item in error.errors])
            return None
        field.show([])
        self.derived.value = esc(t("volunteers.id_derived", gender=t(f"enum.gender.{resident.gender.value}"),
                                   birth_date=format_date(resident.birth_date)))
        return resident.birth_date

    def _hide_allow_similar(self) -> None:
        self.form["allow_similar"].widget.value = False
        self.form["allow_similar"].row.layout.display = "none"

    def _data(self) -> VolunteerCreate:
        value = self.form.value
        resident = self._is_resident_id()
        return VolunteerCreate(
            name=value("name").strip(),
            id_type=value("id_type"),
            id_number=value("id_number").strip(),
            gender=None if resident else value("gender"),
            birth_date=None if resident else value("birth_date"),
            phone=value("phone").strip(),
            residence_area=value("residence_area").strip(),
            skills=value("skills").strip(),
            service_categories=value("service_categories").strip(),
            is_party_member=value("is_party_member"),
            team_id=value("team_id"),
            squad_id=value("squad_id"),
            post_ids=list(value("post_ids")),
            consent=value("consent"),
            guardian_name=value("guardian_name").strip(),
            guardian_consent=value("guardian_consent"),
        )

    def _write(self) -> VolunteerPublic:
        data = self._data()
        try:
            with self.context.writing() as scope:
                return register_volunteer(scope=scope, station_id=self.context.station_id, data=data,
                                          allow_similar=self.form.value("allow_similar"))
        except DomainError as error:
            if POSSIBLE_DUPLICATE in error.keys():
                self.form["allow_similar"].row.layout.display = None
            raise

    def _register(self) -> None:
        volunteer = self.form.attempt(self._write)
        if volunteer is None:
            return
        self.form.reset()
        self._hide_allow_similar()
        self._show_identity_rows()
        notes = [t(volunteer.id_number_note)] if volunteer.id_number_note else []
        self.message.show("success", t("volunteers.registered", name=volunteer.name, number=volunteer.number),
                          notes)
