"""导入导出: import volunteers or service hours from a spreadsheet (preview with every row's errors,
then commit all rows or none), export the volunteer roll, service records or a monthly report, and
make the station's month, quarter or year report for a leader (PDF, Excel or a web page), as
`station-kit report` writes it.

A download is an HTML link holding the file as a data: URI with a download attribute: it works
with no internet and no server route of our own.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.i18n import t
from station_kit.reports import KINDS, build_report, report_bytes
from station_kit.services import exports
from station_kit.services.imports import (
    REFUSE,
    SKIP,
    ImportPreview,
    error_lines,
    import_file,
    note_line,
    preview_import,
)
from station_kit.services.org import street_stations
from station_kit.ui.kit.actions import Message, button, button_row, on_click, run_guarded
from station_kit.ui.kit.context import AppContext, current_actor, station_app
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.forms import dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "transfer"
ROWS_SHOWN = 200  # rows with errors come first, so a long file still shows every problem first
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "pdf": "application/pdf", "html": "text/html"}


def app(engine: Engine | None = None) -> widgets.Widget:
    """The import and export app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, _session: Transfer(context).widget)


class Transfer:
    def __init__(self, context: AppContext):
        self.context = context
        self.preview: ImportPreview | None = None
        self.content = b""
        self.kind = widgets.ToggleButtons(options=[(t("transfer.kind.volunteers"), "volunteers"),
                                                   (t("transfer.kind.hours"), "hours")])
        self.upload = widgets.FileUpload(accept=".xlsx,.csv", multiple=False, description=t("transfer.choose_file"))
        self.consent = widgets.Checkbox(value=False, description=t("transfer.consent"), indent=False,
                                        layout=widgets.Layout(width="auto"))
        fields = [labelled(APP, "kind", t("transfer.kind_label"), self.kind),
                  labelled(APP, "file", t("transfer.file_label"), self.upload),
                  labelled(APP, "consent", t("transfer.consent_label"), self.consent)]
        self.summary = Message(f"sk-{APP}-summary")
        self.table = widgets.HTML()
        self.table.add_class(f"sk-{APP}-preview")
        self.commit = button(t("transfer.commit"), f"sk-{APP}-commit", primary=True)
        self.commit.disabled = True
        self.message = Message(f"sk-{APP}-message")
        self.kind.observe(lambda _change: self._check(), "value")
        self.upload.observe(lambda _change: self._check(), "value")
        self.consent.observe(lambda _change: self._enable(), "value")
        on_click(self.commit, self._commit, self.message, [self.kind, self.upload, self.consent])
        hint = text_block(t("transfer.hint"), "sk-hint")
        export, report = self._export_section(), self._report_section()
        self.widget = page(APP, text_block(t("transfer.import_heading"), "sk-section"), hint,
                           *(field.row for field in fields), self.summary.widget, self.table,
                           button_row(self.commit), self.message.widget,
                           text_block(t("transfer.export_heading"), "sk-section"), *export,
                           text_block(t("transfer.report.heading"), "sk-section"),
                           text_block(t("transfer.report.hint"), "sk-hint"), *report)

    def _check(self) -> None:
        """Read the chosen file and show what importing it would do; nothing is written."""
        self.preview, self.table.value = None, ""
        self.summary.clear()
        self.message.clear()
        self._enable()
        if not self.upload.value:
            return
        upload = self.upload.value[0]
        self.content, self.filename = bytes(upload["content"]), upload["name"]
        run_guarded(self._preview, self.summary)
        self._enable()

    def _preview(self) -> None:
        with self.context.reading() as scope:
            preview = preview_import(scope=scope, station_id=self.context.station_id, kind=self.kind.value,
                                     content=self.content, filename=self.filename)
        self.preview = preview
        if preview.file_errors:
            texts = [t(error.key, **error.params) for error in preview.file_errors]
            self.summary.error(texts[0], texts[1:])
            return
        summary = t("imports.summary", total=len(preview.rows), added=preview.count("add"),
                    skipped=preview.count(SKIP), refused=preview.count(REFUSE))
        details = [t("imports.unknown_columns", columns=t("list.separator").join(preview.unknown_columns))] \
            if preview.unknown_columns else []
        (self.summary.error if preview.count(REFUSE) else self.summary.info)(summary, details)
        self.table.value = self._table(preview)

    def _table(self, preview: ImportPreview) -> str:
        rows = sorted(preview.rows, key=lambda row: (row.outcome != REFUSE, row.row))[:ROWS_SHOWN]
        headers = [t("transfer.columns.row"), *(t(f"transfer.columns.{preview.kind}.{n}")
                                                for n in range(len(rows[0].shown) if rows else 0)),
                   t("transfer.columns.outcome"), t("transfer.columns.errors")]
        body = [(row.row, *row.shown, t(f"transfer.outcome.{row.outcome}"),
                 t("transfer.error_separator").join(error_lines(preview, row)) or note_line(row)) for row in rows]
        # The errors column wraps: a message is read whole, not cut at the page's edge.
        wrap = f"<style>.sk-{APP}-rows td:last-child {{ white-space: normal; min-width: 24em; }}</style>"
        return wrap + html_table(headers, body, f"sk-{APP}-rows")

    def _enable(self) -> None:
        preview = self.preview
        needs_consent = self.kind.value == "volunteers" and not self.consent.value
        self.commit.disabled = preview is None or not preview.can_commit or needs_consent

    def _commit(self) -> None:
        if self.preview is None or not self.preview.can_commit:
            return
        with self.context.writing() as scope:
            result = import_file(scope=scope, station_id=self.context.station_id, kind=self.preview.kind,
                                 content=self.content, filename=self.filename,
                                 consent_on_file=self.consent.value)
        self.preview = None
        self.commit.disabled = True
        self.message.success(t("imports.done", added=result.added, skipped=result.skipped))

    def _export_section(self) -> list[widgets.Widget]:
        self.export_kind = dropdown([(t(f"transfer.export.{kind}"), kind) for kind in ("volunteers", "hours", "month")])
        self.month = widgets.Text(value=_last_month(), placeholder="2024-03", layout=widgets.Layout(width="10em"))
        self.file_format = widgets.ToggleButtons(options=[("Excel (.xlsx)", "xlsx"), ("CSV", "csv")])
        fields = [labelled(APP, "export_kind", t("transfer.export_label"), self.export_kind),
                  labelled(APP, "month", t("transfer.month_label"), self.month,
                           below=[text_block(t("transfer.month_hint"), "sk-hint")]),
                  labelled(APP, "format", t("transfer.format_label"), self.file_format)]
        self.download, self.export_message, rows = _making(fields, t("transfer.make"), "export", "download",
                                                           self._export)
        return rows

    def _export(self) -> None:
        self.download.value = ""
        kind, month = self.export_kind.value, self.month.value.strip()
        with self.context.reading() as scope:
            station_id = self.context.station_id
            if kind == "volunteers":
                sheet = exports.volunteers_sheet(scope=scope, station_id=station_id)
            elif kind == "hours":
                sheet = exports.hours_sheet(scope=scope, station_id=station_id, month=month or None)
            else:
                sheet = exports.month_sheet(scope=scope, station_id=station_id, month=month)
        file_format = self.file_format.value
        name = f"{sheet.title}.{file_format}".replace(" ", "_")
        self.download.value = _download_link(name, file_format, sheet.to_bytes(file_format))
        self.export_message.success(t("transfer.exported", rows=len(sheet.rows)))

    def _report_section(self) -> list[widgets.Widget]:
        # A street's admin (who works for every station of the street) may make the street's report too.
        person = current_actor()  # as signed in, before the app narrowed them to this station
        with self.context.reading() as scope:
            street = street_stations(scope=scope, station_id=self.context.station_id)
        self.report_scope = widgets.ToggleButtons(options=[
            (t("transfer.report.this_station"), "station"),
            (t("transfer.report.whole_street", street=self.context.station.street, count=len(street)), "street")])
        street_wide = len(street) > 1 and all(person.works_for(station.id) for station in street)
        self.report_kind = widgets.ToggleButtons(options=[(t(f"transfer.report.{kind}"), kind) for kind in KINDS])
        self.period = widgets.Text(value=_last_month(), placeholder="2024-03", layout=widgets.Layout(width="10em"))
        self.report_format = widgets.ToggleButtons(options=[("PDF", "pdf"), ("Excel (.xlsx)", "xlsx"),
                                                            (t("transfer.report.web_page"), "html")])
        self.report_kind.observe(self._suggest_period, names="value")
        fields = [*([labelled(APP, "report_scope", t("transfer.report.scope_label"), self.report_scope)]
                    if street_wide else []),
                  labelled(APP, "report_kind", t("transfer.report.kind_label"), self.report_kind),
                  labelled(APP, "period", t("transfer.report.period_label"), self.period,
                           below=[text_block(t("transfer.report.period_hint"), "sk-hint")]),
                  labelled(APP, "report_format", t("transfer.format_label"), self.report_format)]
        self.report_download, self.report_message, rows = _making(fields, t("transfer.report.make"), "report",
                                                                  "report-download", self._report)
        return rows

    def _suggest_period(self, change) -> None:
        """The last whole period of the kind chosen, written the way the field wants it."""
        last = dt.date.fromisoformat(_last_month() + "-01")
        self.period.value = {"month": _last_month(), "quarter": f"{last.year}-Q{(last.month - 1) // 3 + 1}",
                             "year": str(clock.today().year - 1)}[change["new"]]

    def _report(self) -> None:
        self.report_download.value = ""
        if self.report_scope.value == "street":
            report = build_report(self.context.engine, kind=self.report_kind.value, period=self.period.value,
                                  street=self.context.station.street)
        else:
            report = build_report(self.context.engine, kind=self.report_kind.value, period=self.period.value,
                                  station=self.context.station.code)
        file_format = self.report_format.value
        name = f"{report.title}.{file_format}"
        self.report_download.value = _download_link(name, file_format, report_bytes(report, Path(name)))
        self.report_message.success(t("transfer.report.made", title=report.title))


def _last_month() -> str:
    return (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _making(fields, label: str, name: str, download_name: str, make) -> tuple[widgets.HTML, Message, list]:
    """The rows of a section that makes a file: its fields, the button, the message and the link."""
    button_ = button(label, f"sk-{APP}-{name}", primary=True)
    download = widgets.HTML()
    download.add_class(f"sk-{APP}-{download_name}")
    message = Message(f"sk-{APP}-{name}-message")
    on_click(button_, make, message, [field.widget for field in fields])
    return download, message, [*(field.row for field in fields), button_row(button_), message.widget, download]


def _download_link(name: str, file_format: str, content: bytes) -> str:
    """A link holding the file itself (a data: URI), so it downloads with no server route of ours."""
    data = base64.b64encode(content).decode()
    return (f'<a class="sk-download" download="{esc(name)}" href="data:{MIME[file_format]};base64,{data}">'
            f'{esc(t("transfer.download", name=name))}</a>')
