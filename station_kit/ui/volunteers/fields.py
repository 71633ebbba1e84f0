"""What the volunteer tabs share: the app's context and the fields both forms (register, edit) use."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.i18n import t
from station_kit.services.org import Choices
from station_kit.ui.common import INPUT_WIDTH, CheckboxGroup, FormField, labelled

APP = "volunteers"
# A Dropdown whose value is None shows a blank box, so "（不选）" carries 0 (ids start at 1).
NOT_CHOSEN = 0


@dataclass(frozen=True)
class Context:
    engine: Engine
    station_id: int
    choices: Choices
    operator: str
    role: str


def text_input(placeholder: str = "") -> widgets.Text:
    return widgets.Text(placeholder=placeholder, layout=widgets.Layout(width=INPUT_WIDTH))


def checkbox(description: str = "") -> widgets.Checkbox:
    return widgets.Checkbox(value=False, description=description, indent=False,
                            layout=widgets.Layout(width="auto"))


def dropdown(options: list[tuple[str, object]], value: object) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, layout=widgets.Layout(width=INPUT_WIDTH))


def chosen(value: int) -> int | None:
    return value or None


def detail_fields(prefix: str = "") -> list[FormField]:
    """Residence, skills, service categories and party membership (art. 5 fields a form may change)."""
    return [
        labelled(APP, "residence_area", t("volunteers.residence_area"), text_input(),
                 css=f"{prefix}residence-area"),
        labelled(APP, "skills", t("volunteers.skills"), text_input(t("volunteers.skills_placeholder")),
                 css=f"{prefix}skills"),
        labelled(APP, "service_categories", t("volunteers.service_categories"),
                 text_input(t("volunteers.categories_placeholder")), css=f"{prefix}service-categories"),
        labelled(APP, "is_party_member", t("volunteers.party_member"), checkbox(),
                 css=f"{prefix}party-member"),
    ]


def membership_fields(choices: Choices, prefix: str = "") -> list[FormField]:
    """Team, squad and posts. The squad list follows the team; picking a squad picks its team."""
    none = (t("volunteers.none_selected"), NOT_CHOSEN)
    team = dropdown([none, *choices.teams], NOT_CHOSEN)
    squad = dropdown([none, *choices.squads_of(None)], NOT_CHOSEN)
    posts = CheckboxGroup(choices.posts)

    def on_team(change) -> None:
        keep = squad.value if choices.team_of(squad.value) == change["new"] else NOT_CHOSEN
        squad.options = [none, *choices.squads_of(change["new"])]
        squad.value = keep

    def on_squad(change) -> None:
        owner = choices.team_of(change["new"])
        if owner and team.value != owner:
            team.value = owner

    team.observe(on_team, "value")
    squad.observe(on_squad, "value")
    return [
        labelled(APP, "team_id", t("volunteers.team"), team, css=f"{prefix}team"),
        labelled(APP, "squad_id", t("volunteers.squad"), squad, css=f"{prefix}squad"),
        labelled(APP, "post_ids", t("volunteers.posts"), posts, css=f"{prefix}posts"),
    ]
