# 证明查验
"""The 证明查验 tab: an employer or school holding a 志愿服务记录证明 asks whether it is real; a worker
types its number and sees whether this station issued it, to whom (name and ID number masked, to be
compared with the paper), when and for how many hours. Read-only, so any worker may check."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.rules.hours import hours_text
from station_kit.services.certificates import check_certificate
from station_kit.ui.kit.actions import Message, button, button_row, on_click, run_guarded
from station_kit.ui.kit.format import format_date
from station_kit.ui.kit.forms import Form, labelled
from station_kit.ui.kit.layout import text_block
from station_kit.ui.kit.tables import html_table
from station_kit.ui.volunteers.fields import APP, Context, text_input


class CheckTab:
    def __init__(self, context: Context):
        self.context = context
        self.message = Message(f"sk-{APP}-check-message")
        number = labelled(APP, "number", t("certificate_check.number"),
                          text_input(t("certificate_check.number_placeholder")), css="check-number", required=True)
        number.widget.continuous_update = False
        self.form = Form([number], self.message)
        self.result = widgets.HTML()
        self.result.add_class(f"sk-{APP}-check-result")
        check = button(t("certificate_check.check"), f"sk-{APP}-check", primary=True)
        on_click(check, self._check, self.message, inputs=[number.widget])
        # Enter in the box checks too: the value reaches the kernel on Enter or when the box loses focus.
        number.widget.observe(lambda change: change["new"].strip() and run_guarded(self._check, self.message),
                              "value")
        self.widget = widgets.VBox([text_block(t("certificate_check.hint"), "sk-hint"), number.row,
                                    button_row(check), self.message.widget, self.result])

    def _check(self) -> None:
        self.result.value = ""
        self.form.clear_errors()
        typed = self.form.value("number")
        try:
            with self.context.reading() as scope:
                found = check_certificate(scope=scope, station_id=self.context.station_id, number=typed)
        except DomainError as error:
            self.form.show_error(error)
            return
        if found is None:
            self.message.error(t("certificate_check.unknown", number=typed.strip()))
            return
        self.message.success(t("certificate_check.found", number=found.number))
        self.result.value = html_table(
            [t("certificate_check.field"), t("certificate_check.value")],
            [(t("certificate_check.name"), found.masked_name),
             (t("certificate_check.id_number"), found.masked_id_number),
             (t("certificate_check.volunteer_number"), found.volunteer_number),
             (t("certificate_check.hours"), t("certificate_check.hours_value",
                                              hours=hours_text(found.approved_minutes))),
             (t("certificate_check.period"), t("certificate_check.period_value",
                                               start=format_date(found.period_from),
                                               end=format_date(found.period_until))),
             (t("certificate_check.issued_on"), format_date(found.issued_on)),
             (t("certificate_check.handler"), found.handler),
             (t("certificate_check.person_in_charge"), found.person_in_charge or t("documents.blank"))],
            f"sk-{APP}-check-table")
