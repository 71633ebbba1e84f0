"""What the volunteer tabs share: the app's context and the fields both forms (register, edit) use."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.services.org import Choices
from station_kit.ui.kit.context import AppContext
from station_kit.ui.kit.forms import NOT_CHOSEN, CheckboxGroup, FormField, chosen, dropdown, labelled, optional
from station_kit.ui.kit.theme import INPUT_WIDTH

APP = "volunteers"


@dataclass(frozen=True)
class Context(AppContext):
    choices: Choices


def text_input(placeholder: str = "") -> widgets.Text:
    return widgets.Text(placeholder=placeholder, layout=widgets.Layout(width=INPUT_WIDTH))


def checkbox(description: str = "") -> widgets.Checkbox:
    return widgets.Checkbox(value=False, description=description, indent=False,
                            layout=widgets.Layout(width="auto"))


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
    team = dropdown(choices.teams, may_be_empty=True)
    squad = dropdown(choices.squads_of(None), may_be_empty=True)
    posts = CheckboxGroup(choices.posts)

    def on_team(change) -> None:
        keep = squad.value if choices.team_of(squad.value) == change["new"] else NOT_CHOSEN
        squad.options = optional(choices.squads_of(chosen(change["new"])))
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
