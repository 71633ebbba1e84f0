"""志愿服务记录证明 for the volunteer open in the editor: issued (a kept number, in the operation
log) on a click, then offered as a PDF to save or print. Only approved hours count; a volunteer
with none is told so and nothing is issued."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.io.documents import ServiceCertificate
from station_kit.rules.hours import hours_text
from station_kit.services.certificates import issue_service_certificate
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.downloads import DownloadLink
from station_kit.ui.kit.layout import text_block
from station_kit.ui.volunteers.fields import APP, Context


class CertificatePanel:
    def __init__(self, context: Context):
        self.context = context
        self.volunteer_id: int | None = None
        self.message = Message(f"sk-{APP}-certificate-message")
        self.link = DownloadLink(f"sk-{APP}-certificate-link")
        issue = button(t("volunteers.certificate_issue"), f"sk-{APP}-certificate")
        on_click(issue, self._issue, self.message)
        self.widget = widgets.VBox([text_block(t("volunteers.certificate_section"), "sk-section"),
                                    text_block(t("volunteers.certificate_hint"), "sk-hint"),
                                    button_row(issue), self.message.widget, self.link.widget],
                                   layout=widgets.Layout(margin="12px 0 0 0"))
        self.widget.add_class(f"sk-{APP}-certificate-panel")

    def load(self, volunteer_id: int | None) -> None:
        """Offer the certificate of ``volunteer_id`` (None: of nobody); a link made for the volunteer
        shown before goes."""
        self.volunteer_id = volunteer_id
        self.message.clear()
        self.link.clear()

    def _write(self) -> ServiceCertificate:
        with self.context.writing() as scope:
            return issue_service_certificate(scope=scope, volunteer_id=self.volunteer_id)

    def _issue(self) -> None:
        self.link.clear()
        certificate = self._write()
        # fpdf2 and fontTools take about a second to import: only when a certificate is asked for,
        # not while the app opens. Laid out after the transaction, so the database is not held meanwhile.
        from station_kit.io.pdf import service_certificate_pdf

        data = service_certificate_pdf(certificate)
        self.link.offer(t("volunteers.certificate_filename", name=certificate.name,
                          number=certificate.certificate_number),
                        data, t("volunteers.certificate_download", number=certificate.certificate_number))
        self.message.success(t("volunteers.certificate_issued", number=certificate.certificate_number,
                               name=certificate.name, hours=hours_text(certificate.approved_minutes)))
