"""The home page: the station's name, street and today's date, its headline figures as large tiles, a
link to every app, and 本站信息 (station_details.py: what certificates print as their issuer, which an
admin corrects here). Figures come from analytics.headline_figures, computed from the raw rows."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.analytics import HEADLINE_KEYS, headline_figures
from station_kit.i18n import t
from station_kit.ui import registry
from station_kit.ui.kit.context import AppContext, current_actor, station_app
from station_kit.ui.kit.format import esc, format_date, format_figure
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.station_details import StationDetailsPanel

APP = "home"
# The station's work first (labels under tally.more), then its people and organisation.
WORK_TILES = ("approved_hours", "activities", "beneficiaries")

TILE_STYLE = """<style>
.sk-home .sk-tile { border: 1px solid #eaecf0; border-radius: 8px; background: #fff;
  padding: 14px 18px; box-shadow: 0 1px 2px rgba(16, 24, 40, .05); }
.sk-home .sk-tile .widget-html-content { line-height: 1.3; display: block; }
.sk-tile-number { font-size: 40px; font-weight: 700; color: #b42318; }
.sk-tile-label { font-size: 17px; color: #344054; margin-top: 4px; }
.sk-home a.sk-home-link { display: inline-block; font-size: 20px; padding: 14px 22px; margin: 4px 12px 4px 0;
  border-radius: 8px; background: #b42318; color: #fff; text-decoration: none; line-height: 1.4; }
.sk-home a.sk-home-link:hover, .sk-home a.sk-home-link:focus { background: #912018; }
</style>"""


def app(engine: Engine | None = None) -> widgets.Widget:
    """The home page on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, _build)


def _build(context: AppContext, scope) -> widgets.Widget:
    station = context.station
    figures = headline_figures(context.engine, station=station.id)
    title = text_block(t("home.title", station=station.name), "sk-title")
    title.add_class(f"sk-{APP}-title")
    subtitle = text_block(t("home.subtitle", street=f"{station.city}{station.street}",
                            today=format_date(clock.today())), "sk-subtitle")

    def renamed(saved) -> None:
        title.value = esc(t("home.title", station=saved.name))

    details = StationDetailsPanel(APP, context, on_saved=renamed)
    return page(APP, widgets.HTML(TILE_STYLE), *_signed_in(context), title, subtitle,
                text_block(t("home.apps"), "sk-section"), _links(),
                text_block(t("home.figures"), "sk-section"), _tiles(figures), details.widget)


def _tiles(figures: dict) -> widgets.GridBox:
    tiles = []
    labelled = [(key, t(f"tally.more.{key}")) for key in WORK_TILES]
    labelled += [(key, t(f"tally.{key}")) for key in HEADLINE_KEYS]
    for key, label in labelled:
        tile = widgets.HTML(f'<div class="sk-tile-number">{esc(format_figure(figures[key]))}</div>'
                            f'<div class="sk-tile-label">{esc(label)}</div>')
        tile.add_class("sk-tile")
        tile.add_class(f"sk-{APP}-figure-{key.replace('_', '-')}")
        tiles.append(tile)
    layout = widgets.Layout(grid_template_columns="repeat(auto-fill, minmax(230px, 1fr))", grid_gap="12px")
    return widgets.GridBox(tiles, layout=layout)


def _links() -> widgets.HTML:
    """A link to every registered app this person may open (links are relative to /voila/render/)."""
    links = "".join(f'<a class="sk-home-link sk-{APP}-link" href="{esc(app.notebook)}">{esc(t(app.link_key))}</a>'
                    for app in registry.linked_from_home(current_actor().role))
    return widgets.HTML(links)


def _signed_in(context: AppContext) -> list[widgets.Widget]:
    """Under the street's hub: who is signed in, as what, and the way out (the hub's sign-out)."""
    actor = context.actor
    if not actor.signed_in:
        return []
    line = widgets.HTML(f'{esc(t("home.signed_in", name=actor.name, role=t(f"enum.role.{actor.role}")))}'
                        f' <a class="sk-{APP}-sign-out" href="/hub/logout">{esc(t("home.sign_out"))}</a>')
    line.add_class(f"sk-{APP}-signed-in")
    return [line]
