"""讲堂: the six lecture halls' sessions (speaker, partner unit, audience) and adding a session."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.i18n import t
from station_kit.models import ActivityCreate
from station_kit.models.work import ActivityPublic, LectureHall, WorkTask
from station_kit.services.activities import plan_activity
from station_kit.services.rosters import activity_choices, lecture_sessions
from station_kit.ui.activities.fields import enum_options, schedule_fields, scheduled, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.format import esc, format_time
from station_kit.ui.kit.forms import Form, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "lectures"
SESSIONS_SHOWN = 50


def app(engine: Engine | None = None) -> widgets.Widget:
    """The lecture halls app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, scope: Lectures(context, scope).widget)


class Lectures:
    def __init__(self, context: AppContext, scope):
        self.context = context
        choices = activity_choices(scope=scope, station_id=context.station_id)
        self.hall = widgets.ToggleButtons(options=enum_options(LectureHall, "hall"))
        self.hall.add_class(f"sk-{APP}-hall")
        self.hall.observe(lambda _change: self.show_sessions(), "value")
        self.sessions_heading = text_block("", "sk-section")
        self.sessions = widgets.HTML()
        self.sessions.add_class(f"sk-{APP}-sessions")
        self.message = Message(f"sk-{APP}-message")
        fields = [
            labelled(APP, "title", t("activities.title_field"), text(), required=True),
            labelled(APP, "category", t("activities.category"),
                     dropdown(enum_options(WorkTask, "work_task"))),
            labelled(APP, "speaker", t("lectures.speaker"), text()),
            labelled(APP, "partner", t("lectures.partner"),
                     dropdown(choices.partners, may_be_empty=True)),
            labelled(APP, "room_id", t("activities.room"),
                     dropdown(choices.rooms, may_be_empty=True), css="room"),
            *schedule_fields(APP),
            labelled(APP, "beneficiaries", t("lectures.audience"),
                     widgets.BoundedIntText(value=0, min=0, max=100_000, layout=widgets.Layout(width="10em")),
                     css="audience"),
        ]
        self.form = Form(fields, self.message)
        submit = button(t("lectures.submit"), f"sk-{APP}-submit", primary=True)
        on_click(submit, self._add, self.message, [field.widget for field in fields])
        # The form first, under the hall it adds to; the hall's sessions (up to 50) below it.
        self.widget = page(APP, self.hall, text_block(t("lectures.add"), "sk-section"),
                           *(field.row for field in fields), button_row(submit), self.message.widget,
                           self.sessions_heading, self.sessions)
        self.show_sessions()

    def show_sessions(self) -> None:
        with self.context.reading() as scope:
            lines = lecture_sessions(scope=scope, station_id=self.context.station_id, hall=self.hall.value,
                                     limit=SESSIONS_SHOWN)
        headers = [t(f"lectures.columns.{key}") for key in ("when", "title", "speaker", "partners", "audience")]
        rows = [(format_time(line.starts_at), line.title, line.speaker, t("list.separator").join(line.partners),
                 line.audience) for line in lines]
        self.sessions.value = html_table(headers, rows) if rows else esc(t("lectures.none"))
        self.sessions_heading.value = esc(t("lectures.recent", hall=t(f"enum.hall.{self.hall.value.value}"),
                                            count=SESSIONS_SHOWN))

    def _write(self) -> ActivityPublic:
        value = self.form.value
        partner = value("partner")
        starts_at, ends_at = scheduled(self.form)
        data = ActivityCreate(
            title=value("title"), category=value("category"), hall=self.hall.value,
            speaker=value("speaker").strip(), room_id=value("room_id"),
            starts_at=starts_at, ends_at=ends_at, beneficiaries=value("beneficiaries"),
            partner_ids=[partner] if partner else [])
        with self.context.writing() as scope:
            return plan_activity(scope=scope, station_id=self.context.station_id, data=data)

    def _add(self) -> None:
        activity = self.form.attempt(self._write)
        if activity is None:
            return
        self.form.reset()
        self.show_sessions()
        self.message.success(t("activities.planned", title=activity.title))
