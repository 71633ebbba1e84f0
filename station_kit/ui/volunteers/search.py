# 查找
"""The search tab: find volunteers by name, pinyin initials, phone tail or number; edit one from its row.

Rows show the masked ID number and phone that search_volunteers returns. The edit form never shows
the phone either: left empty, the phone stays as it is. Below it, the 志愿服务记录证明 of the volunteer
(certificate.py) and, for an admin, unmasking (unmask.py).
"""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models.people import VolunteerPublic, VolunteerUpdate
from station_kit.services.volunteers import (
    Editable,
    editable_volunteer,
    search_volunteers,
    update_volunteer,
)
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.format import esc, yes_no
from station_kit.ui.kit.forms import NOT_CHOSEN, Form, labelled
from station_kit.ui.kit.layout import text_block
from station_kit.ui.kit.theme import INPUT_WIDTH
from station_kit.ui.volunteers.certificate import CertificatePanel
from station_kit.ui.volunteers.fields import (
    APP,
    Context,
    detail_fields,
    membership_fields,
    text_input,
)
from station_kit.ui.volunteers.unmask import UnmaskPanel

SEARCH_LIMIT = 50
COLUMNS = ("number", "name", "gender", "age", "id_number", "phone", "party", "hours", "star", "squad", "posts")
# One grid for the header and every row, so the columns line up although each row is its own widget
# (it has to be: each row carries an edit button). Sized so that the row and its button fit the page
# at 1280 px: the masked ID number needs 11 em, the phone 7 em.
GRID = "6em 4.5em 2.5em 2.5em 11em 7em 2.5em 4em 3em 8em minmax(4em, 1fr)"


def _grid(cells: list[str], *, header: bool = False) -> str:
    """A row of cells; a cell too long for its column ends in … and shows in full on hover."""
    spans = "".join(f'<span title="{esc(cell)}">{esc(cell)}</span>' for cell in cells)
    kind = "sk-cells sk-cells-header" if header else "sk-cells"
    return f'<div class="{kind}" style="grid-template-columns:{GRID}">{spans}</div>'


def _cells(volunteer: VolunteerPublic) -> list[str]:
    return [volunteer.number, volunteer.name, t(f"enum.gender.{volunteer.gender.value}"), str(volunteer.age),
            volunteer.id_number, volunteer.phone, yes_no(volunteer.is_party_member),
            f"{volunteer.approved_hours:.1f}", t(f"volunteers.star_level.{volunteer.star_level}"),
            volunteer.squad or volunteer.team, t("list.separator").join(volunteer.posts)]


class SearchTab:
    def __init__(self, context: Context):
        self.context = context
        self.query = widgets.Text(placeholder=t("volunteers.search_placeholder"), continuous_update=False,
                                  layout=widgets.Layout(width=INPUT_WIDTH))
        self.query.add_class(f"sk-{APP}-search")
        self.search = button(t("volunteers.search"), f"sk-{APP}-search-submit", primary=True)
        self.message = Message(f"sk-{APP}-search-message")
        self.results = widgets.VBox()
        self.results.add_class(f"sk-{APP}-results")
        self.editor = EditForm(context, on_saved=self._saved)
        on_click(self.search, self._search, self.message, inputs=[self.query])
        # Enter in the box searches too: the value reaches the kernel on Enter or when the box loses focus.
        self.query.observe(lambda _change: self._search(), "value")
        self.widget = widgets.VBox([widgets.HBox([self.query, self.search]), self.message.widget,
                                    self.results, self.editor.widget])

    def _search(self) -> None:
        with self.context.reading() as scope:
            found = search_volunteers(scope=scope, station_id=self.context.station_id,
                                      query=self.query.value, limit=SEARCH_LIMIT)
        self._show(found)

    def _show(self, found: list[VolunteerPublic]) -> None:
        if not found:
            self.message.info(t("volunteers.found_none"))
            self.results.children = ()
            return
        key = "volunteers.found_limited" if len(found) >= SEARCH_LIMIT else "volunteers.found"
        self.message.info(t(key, count=len(found)))
        header = widgets.HTML(_grid([t(f"volunteers.columns.{column}") for column in COLUMNS], header=True))
        self.results.children = (widgets.HBox([header], layout=widgets.Layout(border_bottom="1px solid #eaecf0")),
                                 *(self._row(volunteer) for volunteer in found))

    def _row(self, volunteer: VolunteerPublic) -> widgets.HBox:
        edit = button(t("volunteers.edit"), f"sk-{APP}-edit")
        on_click(edit, lambda: self.editor.load(volunteer.id), self.message)
        edit.layout.flex = "0 0 auto"
        cells = widgets.HTML(_grid(_cells(volunteer)), layout=widgets.Layout(flex="1 1 auto", min_width="0"))
        row = widgets.HBox([cells, edit], layout=widgets.Layout(align_items="center",
                                                                border_bottom="1px solid #eaecf0"))
        row.add_class(f"sk-{APP}-result")
        return row

    def _saved(self, text: str) -> None:
        self._search()
        self.message.show("success", text)


class EditForm:
    """Loads one volunteer and saves the changed fields through update_volunteer."""

    def __init__(self, context: Context, on_saved):
        self.context = context
        self.on_saved = on_saved
        self.volunteer_id: int | None = None
        self.message = Message(f"sk-{APP}-edit-message")
        self.title = text_block("", "sk-section")
        fields = [
            labelled(APP, "name", t("volunteers.name"), text_input(), css="edit-name", required=True),
            labelled(APP, "phone", t("volunteers.phone"), text_input(), css="edit-phone"),
            *detail_fields("edit-"),
            *membership_fields(context.choices, "edit-"),
        ]
        self.form = Form(fields, self.message)
        save = button(t("volunteers.save"), f"sk-{APP}-save", primary=True)
        cancel = button(t("volunteers.cancel"), f"sk-{APP}-cancel")
        on_click(save, self._save, self.message, inputs=[field.widget for field in fields])
        on_click(cancel, self.close, self.message)
        self.unmask = UnmaskPanel(context)
        self.certificate = CertificatePanel(context)
        self.widget = widgets.VBox([self.title, *(field.row for field in fields),
                                    button_row(save, cancel),
                                    self.message.widget, self.certificate.widget, self.unmask.widget],
                                   layout=widgets.Layout(display="none", margin="16px 0 0 0",
                                                         padding="8px 16px", border="1px solid #d0d5dd"))
        self.widget.add_class(f"sk-{APP}-editor")

    def load(self, volunteer_id: int) -> None:
        with self.context.reading() as scope:
            editable = editable_volunteer(scope=scope, volunteer_id=volunteer_id)
        if editable is None:
            raise DomainError.on("volunteer", "volunteer.not_found")
        self.volunteer_id = editable.id
        self.form.reset()
        self.form.clear_errors()
        self._fill(editable)
        self.unmask.load(editable.id)
        self.certificate.load(editable.id)
        self.widget.layout.display = None

    def _fill(self, editable: Editable) -> None:
        self.title.value = esc(t("volunteers.editing", name=editable.name, number=editable.number))
        fields = self.form.fields
        fields["name"].widget.value = editable.name
        fields["phone"].widget.placeholder = t("volunteers.phone_unchanged")
        for name in ("residence_area", "skills", "service_categories", "is_party_member"):
            fields[name].widget.value = getattr(editable, name)
        fields["team_id"].widget.value = editable.team_id or NOT_CHOSEN
        fields["squad_id"].widget.value = editable.squad_id or NOT_CHOSEN
        fields["post_ids"].widget.value = editable.post_ids

    def close(self) -> None:
        self.volunteer_id = None
        self.unmask.load(None)
        self.certificate.load(None)
        self.widget.layout.display = "none"

    def _changes(self) -> VolunteerUpdate:
        value = self.form.value
        phone = value("phone").strip()
        return VolunteerUpdate(
            name=value("name").strip(),
            phone=phone or None,
            residence_area=value("residence_area").strip(),
            skills=value("skills").strip(),
            service_categories=value("service_categories").strip(),
            is_party_member=value("is_party_member"),
            team_id=value("team_id"),
            squad_id=value("squad_id"),
            post_ids=list(value("post_ids")),
        )

    def _write(self) -> VolunteerPublic:
        changes = self._changes()
        with self.context.writing() as scope:
            return update_volunteer(scope=scope, volunteer_id=self.volunteer_id, data=changes)

    def _save(self) -> None:
        volunteer = self.form.attempt(self._write)
        if volunteer is None:
            return
        self.close()
        self.on_saved(t("volunteers.updated", name=volunteer.name, number=volunteer.number))
