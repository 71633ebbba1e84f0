"""民呼我应: grid cases by grid with SLA badges, logging a case, one case's timeline and its next
step (accept, whistle a department, the department's report, resolve, rate), and the three rates
per grid as a table and a bqplot chart (axes from zero, ticks at 0, 20 … 100 %)."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as widgets
import numpy as np
from sqlalchemy.engine import Engine

from station_kit import analytics
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models.community import CaseChannel, CaseKind, GridCaseCreate, GridCasePublic
from station_kit.services import cases as service
from station_kit.services.cases import CASE_FLOW
from station_kit.services.residents import grid_choices, list_departments, resident_choices, steward_choices
from station_kit.ui.activities.fields import enum_options, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.format import esc, format_time
from station_kit.ui.kit.forms import Form, chosen, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "cases"
CASES_SHOWN = 100
ACTIONS = ("accept", "whistle", "report", "resolve", "rate")
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
RATE_COLOURS = ("#2e90fa", "#17b26a", "#f79009")
STEPS = (("received", "received_at", None), ("accepted", "accepted_at", "accept_due_at"),
         ("whistled", "whistled_at", None), ("reported", "reported_at", "report_due_at"),
         ("resolved", "resolved_at", "resolve_due_at"))


def app(engine: Engine | None = None) -> widgets.Widget:
    """The grid cases app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, scope: Cases(context, scope).widget)


class Cases:
    def __init__(self, context: AppContext, scope):
        self.context = context
        grids = grid_choices(scope=scope, station_id=context.station_id)
        self.stewards = steward_choices(scope=scope, station_id=context.station_id)
        self.grid = dropdown(grids, may_be_empty=True)
        self.grid.add_class(f"sk-{APP}-grid-filter")
        self.grid.observe(lambda _change: self.show_cases(), "value")
        self.list = widgets.HTML()
        self.list.add_class(f"sk-{APP}-list")
        # One case: its timeline and its next step.
        self.message = Message(f"sk-{APP}-message")
        self.pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="24em"))
        self.pick.observe(lambda _change: self._show_case(), "value")
        self.timeline = widgets.HTML()
        self.timeline.add_class(f"sk-{APP}-timeline")
        fields = [
            labelled(APP, "case", t("cases.pick"), self.pick, css="pick"),
            labelled(APP, "steward_id", t("cases.steward"), dropdown([], may_be_empty=True), css="steward"),
            labelled(APP, "department_id", t("cases.department"),
                     dropdown(list_departments(scope=scope, station_id=context.station_id), may_be_empty=True),
                     css="department"),
            labelled(APP, "reason", t("cases.note"), text("cases.note_hint"), css="note"),
            labelled(APP, "rating", t("cases.rating"),
                     dropdown([(t(f"wishes.stars.{n}"), n) for n in range(5, 0, -1)])),
        ]
        self.form = Form(fields, self.message)
        self.buttons = {action: button(t(f"workflow.action.{action}"), f"sk-{APP}-{action}", primary=True)
                        for action in ACTIONS}
        for action, widget in self.buttons.items():
            on_click(widget, lambda action=action: self._act(action), self.message, [f.widget for f in fields])
        # Logging a case.
        self.log_message = Message(f"sk-{APP}-log-message")
        log_fields = [
            labelled(APP, "grid_id", t("cases.grid"), dropdown(grids, may_be_empty=True), css="grid", required=True),
            labelled(APP, "kind", t("cases.kind"), widgets.ToggleButtons(options=enum_options(CaseKind, "case_kind"))),
            labelled(APP, "channel", t("cases.channel"),
                     widgets.ToggleButtons(options=enum_options(CaseChannel, "case_channel"))),
            labelled(APP, "title", t("cases.title"), text(), required=True),
            labelled(APP, "content", t("cases.content"), widgets.Textarea(layout=widgets.Layout(width="24em"))),
            labelled(APP, "resident_id", t("wishes.resident"),
                     dropdown(resident_choices(scope=scope, station_id=context.station_id), may_be_empty=True),
                     css="resident"),
            labelled(APP, "is_complex", t("cases.complex"), widgets.Checkbox(indent=False)),
        ]
        self.log_form = Form(log_fields, self.log_message)
        log = button(t("cases.log"), f"sk-{APP}-log", primary=True)
        on_click(log, self._log, self.log_message, [f.widget for f in log_fields])
        # The three rates.
        self.rates = widgets.HTML()
        self.rates.add_class(f"sk-{APP}-rates")
        self.chart = _rates_chart()
        self.cases: dict[int, GridCasePublic] = {}
        self.widget = page(
            APP, text_block(t("cases.list"), "sk-section"), labelled(APP, "grid_filter", t("cases.grid"), self.grid,
                                                                     css="grid-filter-row").row, self.list,
            text_block(t("cases.one"), "sk-section"), *(f.row for f in fields[:1]), self.timeline,
            *(f.row for f in fields[1:]), button_row(*self.buttons.values()), self.message.widget,
            text_block(t("cases.new"), "sk-section"), *(f.row for f in log_fields), button_row(log),
            self.log_message.widget, text_block(t("cases.rates"), "sk-section"), self.rates, self.chart[0])
        self.show_cases()

    def show_cases(self, keep: int | None = None) -> None:
        with self.context.reading() as scope:
            shown = service.list_cases(scope=scope, station_id=self.context.station_id,
                                       grid_id=chosen(self.grid.value),
                                       limit=CASES_SHOWN)
        rates = analytics.case_rates(self.context.engine, station=self.context.station_id, by_month=False)
        headers = [t(f"cases.columns.{key}") for key in ("id", "received", "grid", "kind", "title", "status",
                                                         "steward", "department", "sla")]
        rows = [(case.id, format_time(case.received_at), case.grid, t(f"enum.case_kind.{case.kind}"), case.title,
                 t(f"enum.case_status.{case.status}"), case.steward, case.department, _badge(case)) for case in shown]
        self.list.value = html_table(headers, rows) if rows else esc(t("cases.none"))
        self.cases = {case.id: case for case in shown}
        wanted = keep if keep in self.cases else self.pick.value
        self.pick.options = [(t("cases.pick_label", id=case.id, title=case.title,
                                status=t(f"enum.case_status.{case.status}")), case.id) for case in shown]
        self.pick.value = wanted if wanted in self.cases else (shown[0].id if shown else None)
        self._show_case()
        self._show_rates(rates)

    def _show_case(self) -> None:
        case = self.cases.get(self.pick.value)
        allowed = set(CASE_FLOW.actions_from(case.status)) if case else set()
        for action, widget in self.buttons.items():
            widget.layout.display = None if action in allowed else "none"
        steward = self.form["steward_id"].widget
        steward.options = dropdown(self.stewards.get(case.grid_id if case else None, []), may_be_empty=True).options
        steward.index = 0
        self.timeline.value = _timeline(case) if case else ""

    def _show_rates(self, rates) -> None:
        headers = [t("cases.columns.grid"), t("cases.columns.received")] + [t(f"cases.{rate}") for rate in RATES]
        rows = [(row.grid, row.received, *(_percent(getattr(row, rate)) for rate in RATES))
                for row in rates.itertuples()]
        self.rates.value = html_table(headers, rows) if rows else esc(t("cases.none"))
        bars = self.chart[1]
        with bars.hold_sync():
            bars.x = list(rates["grid"])
            bars.y = np.array([[0 if value != value else round(value * 100, 1) for value in rates[rate]]
                               for rate in RATES]) if len(rates) else []

    def _log(self) -> None:
        value = self.log_form.value

        def write():
            data = GridCaseCreate(grid_id=value("grid_id") or 0, kind=value("kind"), channel=value("channel"),
                                  title=value("title"), content=value("content"), is_complex=value("is_complex"),
                                  resident_id=value("resident_id"))
            with self.context.writing() as scope:
                return service.receive_case(scope=scope, station_id=self.context.station_id, data=data).id

        logged = self.log_form.attempt(write)
        if logged is None:
            return
        self.log_form.reset()
        self.grid.index = 0
        self.show_cases(keep=logged)
        self.log_message.success(t("cases.logged"))

    def _act(self, action: str) -> None:
        case_id = self.pick.value
        value = self.form.value

        def write():
            if case_id is None:
                raise DomainError.on("case", "case.not_found")
            common = dict(case_id=case_id)
            calls = {
                "accept": lambda s: service.accept_case(scope=s, steward_id=value("steward_id") or 0, **common),
                "whistle": lambda s: service.whistle_case(scope=s, department_id=value("department_id") or 0,
                                                          note=value("reason"), **common),
                "report": lambda s: service.report_case(scope=s, note=value("reason"), **common),
                "resolve": lambda s: service.resolve_case(scope=s, note=value("reason"), **common),
                "rate": lambda s: service.rate_case(scope=s, rating=value("rating"), **common),
            }
            with self.context.writing() as scope:
                return calls[action](scope).status

        status = self.form.attempt(write)
        if status is None:
            return
        self.form["reason"].reset()
        self.show_cases(keep=case_id)
        self.message.success(t("cases.moved", action=t(f"workflow.action.{action}"),
                               status=t(f"enum.case_status.{status}")))


def _percent(value: float) -> str:
    return "—" if value != value else f"{value:.1%}"  # NaN: nothing received or rated


def _badge(case: GridCasePublic) -> str:
    """按时 or the late steps, e.g. 超时：受理、办结."""
    if not case.overdue:
        return t("cases.on_time")
    return t("cases.overdue", steps=t("list.separator").join(t(f"cases.step.{step}") for step in case.overdue))


def _timeline(case: GridCasePublic) -> str:
    """Each step's time (and deadline), and the notes, all escaped."""
    items = []
    for state, moment_field, due_field in STEPS:
        moment, due = getattr(case, moment_field), getattr(case, due_field) if due_field else None
        if moment is None and due is None:
            continue
        when = format_time(moment) if moment else t("cases.pending")
        deadline = t("cases.due", when=format_time(due)) if due else ""
        items.append(f"<li>{esc(t('cases.timeline_item', step=t(f'enum.case_status.{state}'), when=when))} "
                     f"{esc(deadline)}</li>")
    notes = [f"<li>{esc(t('cases.timeline_item', step=t(f'cases.step.{step}'), when=note))}</li>"
             for step, note in case.notes.items() if note]
    summary = esc(t("cases.summary", grid=case.grid, kind=t(f"enum.case_kind.{case.kind}"),
                    channel=t(f"enum.case_channel.{case.channel}"), resident=case.resident or "—",
                    badge=_badge(case)))
    return f"<div>{summary}</div><ul>{''.join(items + notes)}</ul>"


def _rates_chart() -> tuple[bq.Figure, bq.Bars]:
    """Grouped bars of the three rates per grid, in percent from 0 to 100."""
    x_scale, y_scale = bq.OrdinalScale(), bq.LinearScale(min=0, max=100, allow_padding=False)
    bars = bq.Bars(x=[], y=[], scales={"x": x_scale, "y": y_scale}, type="grouped", colors=list(RATE_COLOURS),
                   labels=[t(f"cases.{rate}") for rate in RATES], display_legend=True, padding=0.2)
    axes = [bq.Axis(scale=x_scale, tick_style={"font-size": "14px"}),
            bq.Axis(scale=y_scale, orientation="vertical", tick_values=np.arange(0, 101, 20), tick_format=".0f",
                    label=t("cases.percent"), grid_lines="dashed", tick_style={"font-size": "14px"})]
    figure = bq.Figure(marks=[bars], axes=axes, fig_margin={"top": 30, "bottom": 40, "left": 60, "right": 20},
                       legend_location="top-right", layout=widgets.Layout(height="360px", width="auto"))
    figure.add_class(f"sk-{APP}-chart")
    return figure, bars
