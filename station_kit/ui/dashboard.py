"""实时数据: the station's TV-screen dashboard.

Large headline figures and bqplot charts (approved hours by month, by post, by work task; the month's
most active volunteers). It updates itself: a background thread polls the audit table's newest id
(one indexed MAX query) and recomputes only when that id moved, so a change made in any other app or
kernel shows within a few seconds without reloading the page.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass

import bqplot as bq
import ipywidgets as widgets
import numpy as np
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.analytics import (
    headline_figures,
    hours_by_category,
    hours_by_month,
    hours_by_post,
    latest_month_with_hours,
    top_volunteers,
)
from station_kit.i18n import t
from station_kit.services.audit import changes_since, latest_change_id
from station_kit.services.awards import award_title, latest_final_winners
from station_kit.services.org import current_station
from station_kit.ui.kit.context import default_engine, reading
from station_kit.ui.kit.format import esc, format_figure
from station_kit.ui.kit.layout import build_guarded, page, text_block
from station_kit.ui.kit.tables import html_table

APP = "dashboard"
# How often the screen asks whether anything was written (one indexed read of the newest audit id):
# twice a second keeps a change on screen within about a second of being saved.
POLL_SECONDS = 0.5
TOP_VOLUNTEERS = 10
# What leaves the hours, the charts, the top volunteers and the month's 时尚达人 as they were: after
# these alone only the figures are recounted, so a registration desk's changes show at once.
FIGURES_ONLY = ("volunteer.register", "volunteer.unmask", "volunteer.deactivate", "resident.", "case.", "request.",
                "works.", "steward.", "certificate.", "database.backup")
TILES = ("volunteers", "party_members", "approved_hours", "activities", "beneficiaries", "star_volunteers")
BAR_COLOUR = "#b42318"
_log = logging.getLogger(__name__)

STYLE = """<style>
.sk-app.sk-dashboard { --jp-widgets-font-size: 20px; max-width: none; }
.sk-dashboard .sk-dash-title { font-size: 44px; font-weight: 700; color: #101828; }
.sk-dashboard .sk-dash-updated { font-size: 18px; color: #475467; }
.sk-dashboard .sk-dash-tile { border-radius: 10px; background: #fff5f4; border: 1px solid #fecdca;
  padding: 12px 20px; }
.sk-dash-number { font-size: 52px; font-weight: 800; color: #b42318; line-height: 1.15; }
.sk-dash-label { font-size: 22px; color: #344054; }
.sk-dashboard .sk-dash-heading { font-size: 24px; font-weight: 700; color: #101828; margin-top: 6px; }
.sk-dashboard .sk-table { font-size: 20px; }
.sk-dashboard .sk-dash-note { font-size: 18px; color: #b54708; }
</style>"""


def app(engine: Engine | None = None, poll_seconds: float = POLL_SECONDS) -> widgets.Widget:
    """The dashboard on ``engine`` (default: the database the settings name), polling every few seconds."""
    def build() -> widgets.Widget:
        dashboard = Dashboard(engine or default_engine())
        dashboard.start(poll_seconds)
        return dashboard.widget
    return build_guarded(APP, build)


class Dashboard:
    def __init__(self, engine: Engine):
        self.engine = engine
        with reading(engine) as scope:
            station = current_station(scope)
            self.seen_change = latest_change_id(scope)
        self._stop = threading.Event()
        if station is None:
            self.station_id = None
            self.widget = page(APP, text_block(t("station.none"), "sk-title"))
            return
        self.station_id = station.id
        title = text_block(t("dashboard.title", station=station.name), "sk-dash-title")
        title.add_class(f"sk-{APP}-title")
        self.updated = text_block("", "sk-dash-updated")
        self.updated.add_class(f"sk-{APP}-updated")
        self.note = text_block("", "sk-dash-note")
        self.tiles = {key: self._tile(key) for key in TILES}
        self.month_chart = _bar_chart("month", t("dashboard.chart_month"), dates=True)
        self.post_chart = _bar_chart("post", t("dashboard.chart_post"), horizontal=True)
        self.category_chart = _bar_chart("category", t("dashboard.chart_category"), horizontal=True)
        self.top_heading = text_block("", "sk-dash-heading")
        self.top_table = widgets.HTML()
        self.top_table.add_class(f"sk-{APP}-top")
        self.fashion_stars = widgets.HTML()  # the latest final monthly 时尚达人, once there is one
        self.fashion_stars.add_class(f"sk-{APP}-fashion-stars")
        tiles = widgets.GridBox(list(self.tiles.values()), layout=widgets.Layout(
            grid_template_columns="repeat(auto-fit, minmax(300px, 1fr))", grid_gap="14px"))
        charts = widgets.GridBox([self.month_chart.figure, self.post_chart.figure, self.category_chart.figure,
                                  widgets.VBox([self.top_heading, self.top_table, self.fashion_stars])],
                                 layout=widgets.Layout(grid_template_columns="1fr 1fr", grid_gap="10px"))
        header = widgets.HBox([title, self.updated], layout=widgets.Layout(
            justify_content="space-between", align_items="baseline"))
        self.widget = page(APP, widgets.HTML(STYLE), header, self.note, tiles, charts)
        self.refresh()

    def _tile(self, key: str) -> widgets.HTML:
        tile = widgets.HTML()
        tile.add_class("sk-dash-tile")
        tile.add_class(f"sk-{APP}-figure-{key.replace('_', '-')}")
        return tile

    def refresh(self, *, charts: bool = True) -> None:
        """Recount from the database and update the widgets in place: the figures first, so that a
        change shows on its tile before the charts are redrawn (if ``charts``)."""
        figures = headline_figures(self.engine, station=self.station_id)
        figures["star_volunteers"] = sum(figures["star_levels"].values())
        for key in TILES:
            self.tiles[key].value = (f'<div class="sk-dash-number">{esc(format_figure(figures[key]))}</div>'
                                     f'<div class="sk-dash-label">{esc(t(f"dashboard.figure.{key}"))}</div>')
        self.updated.value = esc(t("dashboard.updated", time=clock.now().strftime("%H:%M:%S")))
        if charts:
            self._refresh_charts()

    def _refresh_charts(self) -> None:
        months = hours_by_month(self.engine, station=self.station_id)
        posts = hours_by_post(self.engine, station=self.station_id)
        categories = hours_by_category(self.engine, station=self.station_id)
        this_month = clock.today().strftime("%Y-%m")
        top = top_volunteers(self.engine, station=self.station_id, period=this_month, limit=TOP_VOLUNTEERS)
        shown_month = this_month
        if top.empty:
            shown_month = latest_month_with_hours(self.engine, station=self.station_id) or this_month
            top = top_volunteers(self.engine, station=self.station_id, period=shown_month, limit=TOP_VOLUNTEERS)
        with reading(self.engine) as scope:
            stars = latest_final_winners(scope=scope, station_id=self.station_id, level="month")
        # Months on a date scale, labelled only at each January: 44 month labels would overlap.
        month_starts = np.array(months["month"].tolist(), dtype="datetime64[D]")
        _set_bars(self.month_chart, month_starts, list(months["hours"]))
        months_since_1970 = month_starts.astype("datetime64[M]").astype(int)
        self.month_chart.figure.axes[0].tick_values = month_starts[months_since_1970 % 12 == 0]
        _set_bars(self.post_chart, list(posts["post"])[::-1], list(posts["hours"])[::-1])
        _set_bars(self.category_chart, [t(f"enum.work_task.{c}") for c in categories["category"]],
                  list(categories["hours"]))
        year, month = shown_month.split("-")
        key = "dashboard.top_this_month" if shown_month == this_month else "dashboard.top_latest_month"
        self.top_heading.value = esc(t(key, year=int(year), month=int(month)))
        self.top_table.value = html_table(
            [t("dashboard.rank"), t("volunteers.columns.name"), t("dashboard.hours")],
            [(rank, row.name, f"{row.hours:,.1f}") for rank, row in enumerate(top.itertuples(), 1)],
            "sk-table")
        self.fashion_stars.value = "" if stars is None else (
            f'<div class="sk-dash-heading">{esc(t("dashboard.fashion_stars", award=award_title("month", stars[0])))}'
            f'</div><div class="sk-dash-note">{esc(t("list.separator").join(e.name for e in stars[1]))}</div>')

    def poll_once(self) -> bool:
        """Recount only if something was written since the last look, and the charts only if what was
        done can have changed them; True when it recounted."""
        with reading(self.engine) as scope:
            change, actions = changes_since(scope, self.seen_change)
        if change == self.seen_change:
            return False
        self.refresh(charts=not all(action.startswith(FIGURES_ONLY) for action in actions))
        self.seen_change = change
        return True

    def start(self, poll_seconds: float) -> None:
        if self.station_id is None:
            return
        threading.Thread(target=self._run, args=(poll_seconds,), name="sk-dashboard-poll", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, poll_seconds: float) -> None:
        # A dropped database connection must not end the screen's updates: say so, and keep trying.
        while not self._stop.wait(poll_seconds):
            try:
                self.poll_once()
                self.note.value = ""
            except Exception:
                _log.exception("dashboard refresh failed")
                self.note.value = esc(t("dashboard.stale"))


def round_ticks(largest: float, most: int = 5) -> list[float]:
    """Ticks a reader takes in at a glance: from 0, evenly spaced by 1, 2, 2.5 or 5 times a power of
    ten, no more than ``most`` steps, the last at or above ``largest`` (0, 5,000, 10,000, …)."""
    largest = max(largest, 1.0)  # hours show one decimal: an empty or tiny chart still reads 0 to 1
    magnitude = 10 ** math.floor(math.log10(largest / most))
    step = next(magnitude * factor for factor in (1, 2, 2.5, 5, 10) if largest / (magnitude * factor) <= most)
    steps = math.ceil(largest / step - 1e-9)
    return [round(step * n, 6) for n in range(steps + 1)]


@dataclass(frozen=True)
class BarChart:
    bars: bq.Bars
    figure: bq.Figure
    value_axis: bq.Axis


def _bar_chart(name: str, title: str, *, horizontal: bool = False, dates: bool = False) -> BarChart:
    # No padding: the value axis starts at 0 exactly and ends at the last round tick.
    x_scale, y_scale = (bq.DateScale() if dates else bq.OrdinalScale()), bq.LinearScale(min=0, allow_padding=False)
    bars = bq.Bars(x=[], y=[], scales={"x": x_scale, "y": y_scale}, colors=[BAR_COLOUR],
                   orientation="horizontal" if horizontal else "vertical", padding=0.2)
    axes = [bq.Axis(scale=x_scale, orientation="vertical" if horizontal else "horizontal",
                    tick_format=t("dashboard.year_tick") if dates else None, tick_style={"font-size": "14px"}),
            bq.Axis(scale=y_scale, orientation="horizontal" if horizontal else "vertical",
                    tick_format=",.0f", tick_style={"font-size": "14px"}, grid_lines="dashed")]
    figure = bq.Figure(marks=[bars], axes=axes, title=title, title_style={"font-size": "22px"},
                       # Room right of a horizontal value axis for its last label ("200,000") to end inside.
                       fig_margin={"top": 50, "bottom": 40, "left": 170 if horizontal else 80,
                                   "right": 50 if horizontal else 20},
                       layout=widgets.Layout(height="360px", width="auto"))
    figure.add_class(f"sk-{APP}-chart-{name}")
    return BarChart(bars, figure, axes[1])


def _set_bars(chart: BarChart, labels: list, values: list) -> None:
    ticks = round_ticks(max(values, default=0))
    with chart.bars.hold_sync(), chart.value_axis.scale.hold_sync():
        chart.value_axis.scale.max = ticks[-1]
        chart.value_axis.tick_values = np.array(ticks)
        chart.bars.x, chart.bars.y = labels, values
