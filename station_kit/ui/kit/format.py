"""Values as staff read them: escaped text, figures with thousands separators, dates and times in
station time, yes or no."""

from __future__ import annotations

import datetime as dt
import html

from station_kit import clock
from station_kit.i18n import t


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def css_name(field_name: str) -> str:
    return field_name.replace("_", "-")


def format_figure(value: int | float) -> str:
    """A headline figure as staff read it: thousands separated; hours (the floats) with one decimal."""
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def format_date(day: dt.date) -> str:
    return t("format.date", year=day.year, month=day.month, day=day.day)


def format_time(moment: dt.datetime) -> str:
    """A stored timestamp in station time, as a date and hour:minute."""
    local = clock.local(moment) if moment.tzinfo else moment
    return t("format.datetime", date=format_date(local.date()), time=local.strftime("%H:%M"))


def yes_no(value: bool) -> str:
    return t("enum.yes_no.yes") if value else t("enum.yes_no.no")
