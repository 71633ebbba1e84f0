"""The 计划活动 tab: one activity, or a weekly series, in a room that is never double-booked."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from station_kit.i18n import t
from station_kit.models import ActivityCreate
from station_kit.models.work import ActivityTheme, AttendanceMode, LectureHall, WorkTask
from station_kit.services.activities import plan_activity, plan_weekly_series
from station_kit.ui.activities.fields import APP, Context, enum_options, schedule_fields, scheduled, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.forms import CheckboxGroup, Form, dropdown, labelled
from station_kit.ui.kit.layout import text_block
from station_kit.ui.kit.theme import INPUT_WIDTH


class PlanTab:
    def __init__(self, context: Context, on_planned: Callable[[], None]):
        self.context, self.on_planned = context, on_planned
        choices = context.choices
        self.message = Message(f"sk-{APP}-message")
        fields = [
            labelled(APP, "title", t("activities.title_field"), text(), required=True),
            labelled(APP, "category", t("activities.category"),
                     dropdown(enum_options(WorkTask, "work_task"))),
            labelled(APP, "hall", t("activities.hall"),
                     dropdown(enum_options(LectureHall, "hall"), may_be_empty=True)),
            labelled(APP, "theme", t("activities.theme"),
                     dropdown(enum_options(ActivityTheme, "activity_theme"), may_be_empty=True),
                     below=[text_block(t("activities.theme_hint"), "sk-hint")]),
            labelled(APP, "project_id", t("activities.project"),
                     dropdown(choices.projects, may_be_empty=True), css="project"),
            labelled(APP, "post_id", t("activities.post"),
                     dropdown(choices.posts, may_be_empty=True), css="post"),
            labelled(APP, "organiser", t("activities.organiser"), text()),
            labelled(APP, "person_in_charge", t("activities.person_in_charge"), text()),
            labelled(APP, "room_id", t("activities.room"),
                     dropdown(choices.rooms, may_be_empty=True), css="room"),
            labelled(APP, "place", t("activities.place"), text("activities.place_placeholder")),
            *schedule_fields(APP),
            labelled(APP, "partner_ids", t("activities.partners"), CheckboxGroup(choices.partners, columns=3),
                     css="partners"),
            labelled(APP, "beneficiaries", t("activities.beneficiaries"),
                     widgets.BoundedIntText(value=0, min=0, max=1_000_000, layout=widgets.Layout(width="10em"))),
            labelled(APP, "attendance_mode", t("activities.attendance_mode"),
                     dropdown(enum_options(AttendanceMode, "attendance_mode"))),
            labelled(APP, "content", t("activities.content"),
                     widgets.Textarea(layout=widgets.Layout(width=INPUT_WIDTH, height="4em"))),
            labelled(APP, "until", t("activities.repeat_until"),
                     widgets.DatePicker(layout=widgets.Layout(width="12em")), css="repeat-until"),
        ]
        self.form = Form(fields, self.message)
        submit = button(t("activities.submit"), f"sk-{APP}-submit", primary=True)
        on_click(submit, self._plan, self.message, [field.widget for field in fields])
        self.widget = widgets.VBox([*(field.row for field in fields), button_row(submit), self.message.widget])

    def _data(self) -> ActivityCreate:
        value = self.form.value
        starts_at, ends_at = scheduled(self.form)
        return ActivityCreate(
            title=value("title"), category=value("category"), hall=value("hall"), theme=value("theme"), project_id=value("project_id"),
            post_id=value("post_id"), organiser=value("organiser").strip(),
            person_in_charge=value("person_in_charge").strip(), room_id=value("room_id"),
            place=value("place").strip(), starts_at=starts_at, ends_at=ends_at, content=value("content").strip(),
            beneficiaries=value("beneficiaries"), attendance_mode=value("attendance_mode"),
            partner_ids=list(value("partner_ids")))

    def _write(self) -> str:
        """Plan the activity (or the weekly series) and say what was planned."""
        data = self._data()
        until = self.form.value("until")
        with self.context.writing() as scope:
            if until:
                series = plan_weekly_series(scope=scope, station_id=self.context.station_id, data=data,
                                            until=until)
                return t("activities.planned_series", title=series.title, first=str(series.first_date),
                         last=str(series.last_date))
            planned = plan_activity(scope=scope, station_id=self.context.station_id, data=data)
            return t("activities.planned", title=planned.title)

    def _plan(self) -> None:
        done = self.form.attempt(self._write)
        if done is None:
            return
        self.form.reset()
        self.message.success(done)
        self.on_planned()
