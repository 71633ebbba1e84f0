"""完整信息: an admin sees one volunteer's full ID number and phone, after giving a reason.

Only a server run with STATION_KIT_ROLE=admin shows this panel (DESIGN.md §9). Every look is written to
the operation log with its reason by reveal_personal_data, and what was shown is cleared as soon as
the editor closes or moves to another volunteer.
"""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.models.people import VolunteerPublic
from station_kit.services.actor import Role
from station_kit.services.volunteers import reveal_personal_data
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.forms import Form, labelled
from station_kit.ui.kit.layout import text_block
from station_kit.ui.volunteers.fields import APP, Context, text_input


class UnmaskPanel:
    def __init__(self, context: Context):
        self.context = context
        self.volunteer_id: int | None = None
        self.message = Message(f"sk-{APP}-unmask-message")
        reason = labelled(APP, "reason", t("volunteers.unmask_reason"),
                          text_input(t("volunteers.unmask_reason_placeholder")), css="unmask-reason",
                          required=True)
        self.form = Form([reason], self.message)
        self.shown = text_block("", "sk-block")
        self.shown.add_class(f"sk-{APP}-unmasked")
        show = button(t("volunteers.unmask"), f"sk-{APP}-unmask")
        on_click(show, self._reveal, self.message, inputs=[reason.widget])
        self.widget = widgets.VBox([text_block(t("volunteers.unmask_section"), "sk-section"), reason.row,
                                    button_row(show),
                                    self.message.widget, self.shown],
                                   layout=widgets.Layout(margin="12px 0 0 0"))
        self.widget.add_class(f"sk-{APP}-unmask-panel")
        if context.actor.role != Role.admin:
            self.widget.layout.display = "none"

    def load(self, volunteer_id: int | None) -> None:
        """Show the panel for ``volunteer_id`` (None: for nobody), with nothing revealed."""
        self.volunteer_id = volunteer_id
        self.form.reset()
        self.form.clear_errors()
        self.shown.value = ""

    def _write(self) -> VolunteerPublic:
        with self.context.writing() as scope:
            return reveal_personal_data(scope=scope, volunteer_id=self.volunteer_id,
                                        reason=self.form.value("reason"))

    def _reveal(self) -> None:
        volunteer = self.form.attempt(self._write)
        if volunteer is None:
            return
        self.shown.value = esc(t("volunteers.unmasked", id_number=volunteer.id_number, phone=volunteer.phone))
        self.message.info(t("volunteers.unmask_logged", operator=self.context.actor.name,
                            reason=self.form.value("reason").strip()))
