"""What the activity apps' forms share: the station's choices, dates and clock times typed as HH:MM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ipywidgets as widgets

from station_kit import clock
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.services.rosters import ActivityChoices
from station_kit.ui.kit.context import AppContext
from station_kit.ui.kit.forms import Form, FormField, labelled
from station_kit.ui.kit.theme import INPUT_WIDTH
from station_kit.validation import check_clock

APP = "activities"


@dataclass(frozen=True)
class Context(AppContext):
    choices: ActivityChoices


def enum_options(enum, key: str) -> list[tuple[str, object]]:
    return [(t(f"enum.{key}.{member.value}"), member) for member in enum]


def text(placeholder_key: str | None = None, width: str = INPUT_WIDTH) -> widgets.Text:
    return widgets.Text(placeholder=t(placeholder_key) if placeholder_key else "",
                        layout=widgets.Layout(width=width))


def clock_text(value: str = "") -> widgets.Text:
    return widgets.Text(value=value, placeholder=t("activities.clock_placeholder"),
                        layout=widgets.Layout(width="8em"))


def at(day: dt.date | None, value: str, field_name: str, date_field: str = "date") -> dt.datetime:
    """A date and an HH:MM as a moment in station time."""
    if day is None:
        raise DomainError([FieldError(date_field, "activities.date_required")])
    return dt.datetime.combine(day, check_clock(value, field=field_name), tzinfo=clock.CHINA)


def schedule_fields(app: str) -> list[FormField]:
    """日期, 开始时间 and 结束时间, all required, as every form that plans an activity asks for them."""
    return [
        labelled(app, "date", t("activities.date"), widgets.DatePicker(layout=widgets.Layout(width="12em")),
                 required=True),
        labelled(app, "starts_at", t("activities.start"), clock_text("09:00"), css="start", required=True),
        labelled(app, "ends_at", t("activities.end"), clock_text("11:00"), css="end", required=True),
    ]


def scheduled(form: Form) -> tuple[dt.datetime, dt.datetime]:
    """The start and end that a form's schedule_fields give, in station time."""
    day = form.value("date")
    return at(day, form.value("starts_at"), "starts_at"), at(day, form.value("ends_at"), "ends_at")


def now_clock() -> str:
    return clock.now().strftime("%H:%M")
