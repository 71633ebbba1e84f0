"""The 签到与时长 tab: an activity's roster; check volunteers in and out, or enter a roster's hours."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from station_kit import clock
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.models.work import ActivityStatus
from station_kit.rules.hours import hours_text
from station_kit.services.activities import ACTIVITY_FLOW, activity_public, list_activities, set_activity_status
from station_kit.services.records import Attendance, check_in_many, check_out, record_attendance
from station_kit.services.rosters import roster
from station_kit.services.volunteers import search_volunteers
from station_kit.ui.activities.fields import APP, Context, at, clock_text, enum_options, now_clock, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.format import esc, format_time
from station_kit.ui.kit.forms import CheckboxGroup, labelled
from station_kit.ui.kit.tables import html_table
from station_kit.ui.kit.theme import INPUT_WIDTH
from station_kit.validation import check_minutes

RECENT_DAYS = 30  # the dropdown lists activities from a month back onwards
SEARCH_LIMIT = 30


class AttendanceTab:
    def __init__(self, context: Context):
        self.context = context
        self.message = Message(f"sk-{APP}-attendance-message")
        self.activity = widgets.Dropdown(options=[], layout=widgets.Layout(width="34em"))
        activity_row = labelled(APP, "activity", t("activities.activity"), self.activity).row
        self.activity.observe(lambda _change: self.show_roster(), "value")
        self.status = widgets.Dropdown(options=enum_options(ActivityStatus, "activity_status"),
                                       layout=widgets.Layout(width="10em"))
        self.status.add_class(f"sk-{APP}-status")
        set_status = button(t("activities.set_status"), f"sk-{APP}-set-status")
        on_click(set_status, self._set_status, self.message, [self.status, self.activity])
        activity_row.children += (self.status, set_status)
        self.roster = widgets.HTML()
        self.roster.add_class(f"sk-{APP}-roster")
        self.query = text("volunteers.search_placeholder")
        self.query.add_class(f"sk-{APP}-search")
        find = button(t("volunteers.search"), f"sk-{APP}-search-submit")
        on_click(find, self._search, self.message, [self.query])
        self.found = widgets.VBox()
        self.found.add_class(f"sk-{APP}-found")
        self.picked = CheckboxGroup([])
        self.time = labelled(APP, "time", t("activities.time"), clock_text(now_clock()))
        self.minutes = labelled(APP, "minutes", t("activities.minutes"),
                                widgets.Text(placeholder=t("activities.minutes_placeholder"),
                                             layout=widgets.Layout(width="12em")))
        self.reason = labelled(APP, "backfill_reason", t("activities.backfill_reason"),
                               widgets.Text(layout=widgets.Layout(width=INPUT_WIDTH)))
        self.open_records = widgets.Dropdown(options=[], layout=widgets.Layout(width="24em"))
        self.open_records.add_class(f"sk-{APP}-open-record")
        actions, self.watchers = [], []
        for name, action in (("check-in", self._check_in), ("check-out", self._check_out),
                             ("batch", self._batch), ("no-show", self._no_show)):
            widget = button(t(f"activities.{name.replace('-', '_')}"), f"sk-{APP}-{name}", primary=name == "batch")
            self.watchers.append(on_click(widget, action, self.message,
                                          [self.activity, self.open_records, self.time.widget, self.minutes.widget]))
            actions.append(widget)
        check_in_button, check_out_button, batch_button, no_show_button = actions
        self.widget = widgets.VBox([
            activity_row, self.roster,
            widgets.HTML(f"<b>{t('activities.add_people')}</b>"), widgets.HBox([self.query, find]), self.found,
            self.time.row, widgets.HBox([check_in_button, no_show_button]),
            widgets.HBox([self.open_records, check_out_button]),
            self.minutes.row, self.reason.row, button_row(batch_button), self.message.widget])

    def reload_activities(self) -> None:
        start = clock.now() - dt.timedelta(days=RECENT_DAYS)
        with self.context.reading() as scope:
            activities = list_activities(scope=scope, station_id=self.context.station_id, start=start)
        keep = self.activity.value
        self.activity.options = [(f"{format_time(a.starts_at)}  {a.title}", a.id) for a in activities]
        ids = [a.id for a in activities]
        if ids:
            self.activity.value = keep if keep in ids else ids[0]
        self.show_roster()

    def show_roster(self) -> None:
        if self.activity.value is None:
            self.roster.value = f'<span class="sk-hint">{esc(t("activities.none_recent", days=RECENT_DAYS))}</span>'
            self.open_records.options = []
            return
        with self.context.reading() as scope:
            lines = roster(scope=scope, activity_id=self.activity.value)
            shown = activity_public(scope=scope, activity_id=self.activity.value)
        self._offer_statuses(ActivityStatus(shown.status))
        rows = [(line.name, line.phone, t(f"enum.record_role.{line.role}"),
                 format_time(line.started_at), format_time(line.ended_at) if line.ended_at else "",
                 t("activities.no_show_mark") if line.no_show else hours_text(line.minutes),
                 t(f"enum.record_status.{line.status}")) for line in lines]
        headers = [t(f"activities.roster.{key}") for key in
                   ("name", "phone", "role", "check_in", "check_out", "hours", "status")]
        self.roster.value = html_table(headers, rows) if rows else t("activities.roster_empty")
        self.open_records.options = [(t("activities.open_record", name=line.name, phone=line.phone), line.record_id)
                                     for line in lines if line.ended_at is None]

    def _offer_statuses(self, current: ActivityStatus) -> None:
        """The activity's status, and those its workflow lets it move to from there."""
        reachable = [current, *(ActivityStatus(ACTIVITY_FLOW.target(current, action))
                                for action in ACTIVITY_FLOW.actions_from(current))]
        self.status.options = [(t(f"enum.activity_status.{status}"), status) for status in reachable]
        self.status.value = current

    def _set_status(self) -> None:
        with self.context.writing() as scope:
            activity = set_activity_status(scope=scope, activity_id=self._activity_id(),
                                           status=self.status.value)
        self._offer_statuses(ActivityStatus(activity.status))
        self.message.success(t("activities.status_set", title=activity.title,
                               status=t(f"enum.activity_status.{activity.status}")))

    def _search(self) -> None:
        with self.context.reading() as scope:
            found = search_volunteers(scope=scope, station_id=self.context.station_id,
                                      query=self.query.value, limit=SEARCH_LIMIT)
        self.picked = CheckboxGroup([(f"{v.name} {v.number} {v.phone}", v.id) for v in found], columns=2)
        self.picked.layout.grid_template_columns = "repeat(2, 22em)"
        self.picked.add_class(f"sk-{APP}-picked")
        self.found.children = [self.picked]
        for watch in self.watchers:
            watch(self.picked)
        if not found:
            self.message.info(t("volunteers.found_none"))
        else:
            self.message.clear()

    def _chosen(self) -> list[int]:
        chosen = list(self.picked.value)
        if not chosen:
            raise DomainError([FieldError("entries", "record.no_entries")])
        return chosen

    def _activity_day(self):
        with self.context.reading() as scope:
            activity = activity_public(scope=scope, activity_id=self._activity_id())
        return clock.local(activity.starts_at).date()

    def _activity_id(self) -> int:
        if self.activity.value is None:
            raise DomainError([FieldError("activity", "activity.choose_first")])
        return self.activity.value

    def _moment(self) -> dt.datetime:
        self.time.show([])
        try:
            return at(self._activity_day(), self.time.widget.value, "time")
        except DomainError as error:
            self.time.show([t(e.key, **e.params) for e in error.errors])
            raise

    def _check_in(self) -> None:
        moment, chosen = self._moment(), self._chosen()
        with self.context.writing() as scope:
            check_in_many(scope=scope, activity_id=self._activity_id(), volunteer_ids=chosen, at=moment)
        self._done(t("activities.checked_in", count=len(chosen)))

    def _check_out(self) -> None:
        if self.open_records.value is None:
            raise DomainError([FieldError("record", "activities.none_checked_in")])
        moment = self._moment()
        with self.context.writing() as scope:
            record = check_out(scope=scope, record_id=self.open_records.value,
                               at=moment)
        self._done(t("activities.checked_out", hours=hours_text(record.minutes)))

    def _batch(self) -> None:
        self.minutes.show([])
        try:
            minutes = check_minutes(self.minutes.widget.value)
        except DomainError as error:
            self.minutes.show([t(e.key, **e.params) for e in error.errors])
            raise
        entries = [Attendance(volunteer_id, minutes) for volunteer_id in self._chosen()]
        self._enter(entries)

    def _no_show(self) -> None:
        self._enter([Attendance(volunteer_id, no_show=True) for volunteer_id in self._chosen()])

    def _enter(self, entries: list[Attendance]) -> None:
        self.reason.show([])
        try:
            with self.context.writing() as scope:
                made = record_attendance(scope=scope, activity_id=self._activity_id(), entries=entries,
                                         backfill_reason=self.reason.widget.value)
        except DomainError as error:
            beside = [t(e.key, **e.params) for e in error.errors if e.field == "backfill_reason"]
            self.reason.show(beside)
            raise
        self._done(t("activities.entered", count=len(made)))

    def _done(self, text_done: str) -> None:
        self.show_roster()
        self.picked.value = ()
        self.message.success(text_done)
