"""时尚达人评选: choose a level and period, compute the ranking, open each candidate's breakdown,
start 公示, lodge and resolve objections, and (an admin) make the result final (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models.awards import AwardEntryPublic, AwardLevel, AwardRoundPublic, ObjectionStatus, RoundStatus
from station_kit.rules.awards import parse_period, period_of
from station_kit.services import awards
from station_kit.services.actor import Role
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.downloads import DownloadLink
from station_kit.ui.kit.format import esc, format_date
from station_kit.ui.kit.forms import Form, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block
from station_kit.ui.kit.tables import html_table

APP = "awards"


def app(engine: Engine | None = None) -> widgets.Widget:
    """The awards app on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, _session: Awards(context).widget)


def last_period(level: str) -> str:
    """The latest period of ``level`` that is over: what a station usually selects for."""
    return period_of(level, period_of(level, clock.today()).first_day - dt.timedelta(days=1)).name


class Awards:
    def __init__(self, context: AppContext):
        self.context = context
        self.round: AwardRoundPublic | None = None
        self.entries: list[AwardEntryPublic] = []
        self.message = Message(f"sk-{APP}-message")

        self.level = widgets.ToggleButtons(options=[(t(f"enum.award_level.{level}"), level.value)
                                                    for level in AwardLevel], value=AwardLevel.month.value)
        self.period = widgets.Text(value=last_period(AwardLevel.month), layout=widgets.Layout(width="10em"))
        choose = [labelled(APP, "level", t("awards.ui.level"), self.level),
                  labelled(APP, "period", t("awards.ui.period"), self.period,
                           below=[text_block(t("awards.ui.period_hint"), "sk-hint")])]
        self.choose = Form(choose, self.message)
        self.level.observe(self._level_changed, "value")
        self.run_button = button(t("awards.ui.run"), f"sk-{APP}-run", primary=True)
        self.open_button = button(t("awards.ui.open"), f"sk-{APP}-open")
        on_click(self.run_button, self._run, self.message, [self.level, self.period])
        on_click(self.open_button, self._open, self.message, [self.level, self.period])

        self.status = text_block("", f"sk-{APP}-status")
        self.ranking = widgets.HTML()
        self.ranking.add_class(f"sk-{APP}-ranking")
        self.candidate = dropdown([], width="24em")
        self.candidate.add_class(f"sk-{APP}-candidate")
        self.candidate.observe(lambda _change: self._show_breakdown(), "value")
        self.breakdown = widgets.HTML()
        self.breakdown.add_class(f"sk-{APP}-breakdown")

        self.publish_button = button(t("awards.ui.publish"), f"sk-{APP}-publish", primary=True)
        self.finalize_button = button(t("awards.ui.finalize"), f"sk-{APP}-finalize", primary=True)
        on_click(self.publish_button, self._publish, self.message)
        on_click(self.finalize_button, self._finalize, self.message)
        if context.actor.role != Role.admin:
            self.finalize_button.layout.display = "none"
        self.notice_button = button(t("awards.ui.notice"), f"sk-{APP}-notice")
        self.certificates_button = button(t("awards.ui.certificates"), f"sk-{APP}-certificates")
        self.notice_link = DownloadLink(f"sk-{APP}-notice-link")
        self.certificates_link = DownloadLink(f"sk-{APP}-certificates-link")
        on_click(self.notice_button, self._offer_notice, self.message)
        on_click(self.certificates_button, self._offer_certificates, self.message)

        self.objection_message = Message(f"sk-{APP}-objection-message")
        lodge_fields = [
            labelled(APP, "entry", t("awards.ui.objection_entry"), dropdown([], width="24em")),
            labelled(APP, "objector", t("awards.ui.objector"), widgets.Text(), required=True),
            labelled(APP, "content", t("awards.ui.objection_content"), widgets.Textarea(), required=True),
        ]
        self.lodge_form = Form(lodge_fields, self.objection_message)
        self.lodge_button = button(t("awards.ui.lodge"), f"sk-{APP}-lodge")
        on_click(self.lodge_button, self._lodge, self.objection_message, [f.widget for f in lodge_fields])
        resolve_fields = [
            labelled(APP, "objection", t("awards.ui.objection"), dropdown([], width="24em")),
            labelled(APP, "reason", t("awards.ui.resolution"), widgets.Textarea(), required=True),
        ]
        self.resolve_form = Form(resolve_fields, self.objection_message)
        self.uphold_button = button(t("awards.ui.uphold"), f"sk-{APP}-uphold")
        self.dismiss_button = button(t("awards.ui.dismiss"), f"sk-{APP}-dismiss")
        for widget, upheld in ((self.uphold_button, True), (self.dismiss_button, False)):
            on_click(widget, lambda upheld=upheld: self._resolve(upheld), self.objection_message,
                     [f.widget for f in resolve_fields])
        self.objections = widgets.HTML()
        self.objections.add_class(f"sk-{APP}-objections")
        self.publicity = widgets.VBox([
            text_block(t("awards.ui.objections"), "sk-section"), self.objections,
            *(field.row for field in lodge_fields), button_row(self.lodge_button),
            *(field.row for field in resolve_fields), button_row(self.uphold_button, self.dismiss_button),
            self.objection_message.widget])

        self.widget = page(APP, *(field.row for field in choose), button_row(self.run_button, self.open_button),
                           self.message.widget, self.status, self.ranking,
                           text_block(t("awards.ui.breakdown"), "sk-section"), self.candidate, self.breakdown,
                           button_row(self.publish_button, self.finalize_button), self.publicity,
                           button_row(self.notice_button, self.certificates_button),
                           self.notice_link.widget, self.certificates_link.widget)
        self._open(quiet=True)

    # Actions ---------------------------------------------------------------------------------------

    def _level_changed(self, _change) -> None:
        self.period.value = last_period(self.level.value)
        self._open(quiet=True)

    def _run(self) -> None:
        def write() -> str:
            with self.context.writing() as scope:
                return awards.run_award_round(scope=scope, station_id=self.context.station_id,
                                              level=self.level.value, period=self.period.value).period

        period = self.choose.attempt(write)
        if period is None:
            return
        self._open(quiet=True)
        self.message.success(t("awards.ui.computed", period=period))

    def _open(self, quiet: bool = False) -> None:
        with self.context.reading() as scope:
            self.round = awards.find_round(scope=scope, station_id=self.context.station_id,
                                           level=self.level.value, period=self.period.value) \
                if self._period_readable() else None
            self.entries = [] if self.round is None else awards.round_entries(scope=scope,
                                                                              round_id=self.round.id)
            objections = [] if self.round is None else awards.round_objections(scope=scope,
                                                                               round_id=self.round.id)
        if self.round is None and not quiet:
            self.message.info(t("awards.ui.not_run"))
        self._show(objections)

    def _publish(self) -> None:
        with self.context.writing() as scope:
            awards.publish_round(scope=scope, round_id=self._round_id())
        self._open()
        self.message.success(t("awards.ui.published", day=format_date(self.round.publicity_ends_on)))

    def _finalize(self) -> None:
        with self.context.writing() as scope:
            awards.finalize_round(scope=scope, round_id=self._round_id())
        self._open()
        self.message.success(t("awards.ui.finalized"))

    def _offer_notice(self) -> None:
        with self.context.reading() as scope:
            notice = awards.award_notice(scope=scope, round_id=self._round_id())
        # fpdf2 takes about a second to import: only when a document is asked for, not as the app opens.
        from station_kit.io.pdf import notice_pdf

        self.notice_link.offer(t("awards.ui.notice_filename", title=notice.title), notice_pdf(notice),
                               t("awards.ui.notice_download", title=notice.title))

    def _offer_certificates(self) -> None:
        with self.context.reading() as scope:
            certificates = awards.award_certificates(scope=scope, round_id=self._round_id())
        from station_kit.io.pdf import award_certificates_pdf

        title = certificates[0].award_title if certificates else ""
        self.certificates_link.offer(t("awards.ui.certificates_filename", title=title),
                                     award_certificates_pdf(certificates),
                                     t("awards.ui.certificates_download", title=title, count=len(certificates)))

    def _lodge(self) -> None:
        value = self.lodge_form.value

        def write():
            with self.context.writing() as scope:
                awards.lodge_objection(scope=scope, round_id=self._round_id(), entry_id=value("entry"),
                                       objector=value("objector"), content=value("content"))
            return True

        if self.lodge_form.attempt(write):
            self.lodge_form.reset()
            self._open()
            self.objection_message.success(t("awards.ui.lodged"))

    def _resolve(self, upheld: bool) -> None:
        value = self.resolve_form.value

        def write():
            with self.context.writing() as scope:
                awards.resolve_objection(scope=scope, objection_id=value("objection"), upheld=upheld,
                                         reason=value("reason"))
            return True

        if self.resolve_form.attempt(write):
            self.resolve_form.reset()
            self._open()
            self.objection_message.success(t("awards.ui.upheld" if upheld else "awards.ui.dismissed"))

    # Showing ---------------------------------------------------------------------------------------

    def _period_readable(self) -> bool:
        try:
            parse_period(self.level.value, self.period.value)
        except DomainError:
            return False
        return True

    def _round_id(self) -> int:
        if self.round is None:
            raise DomainError.on("round", "awards.ui.run_first")
        return self.round.id

    def _show(self, objections) -> None:
        award_round = self.round
        allowed = set(awards.ROUND_FLOW.actions_from(award_round.status)) if award_round else set()
        self.publish_button.disabled = "publish" not in allowed
        self.finalize_button.disabled = "finalize" not in allowed
        in_publicity = award_round is not None and award_round.status == awards.OBJECTIONS_OPEN_IN
        self.publicity.layout.display = None if award_round and award_round.status != RoundStatus.draft else "none"
        for widget in (self.lodge_button, self.uphold_button, self.dismiss_button):
            widget.disabled = not in_publicity
        self.notice_button.disabled = award_round is None or award_round.status == RoundStatus.draft
        self.certificates_button.disabled = award_round is None or award_round.status != RoundStatus.final
        self.notice_link.clear()
        self.certificates_link.clear()
        if award_round is None:
            self.ranking.value = ""
        else:
            self.ranking.value = html_table(
                [t(f"awards.ui.columns.{key}") for key in ("rank", "name", "unit", "points", "result")],
                [(e.rank, e.name, e.unit, f"{e.points:.1f}", self._result(e)) for e in self.entries])
        _offer(self.candidate, [(f"{e.rank}. {e.name}", e.id) for e in self.entries])
        self._show_breakdown()
        _offer(self.lodge_form["entry"].widget, [(f"{e.rank}. {e.name}", e.id) for e in self.entries if e.winner])
        self.objections.value = html_table(
            [t(f"awards.ui.objection_columns.{key}") for key in ("entry", "objector", "content", "status",
                                                                   "resolution")],
            [(o.entry_name, o.objector, o.content, t(f"enum.award_objection_status.{o.status}"),
              o.resolution) for o in objections]) if objections else esc(t("awards.ui.no_objections"))
        _offer(self.resolve_form["objection"].widget, [
            (t("awards.ui.objection_choice", name=o.entry_name, content=o.content[:20]), o.id)
            for o in objections if o.status == ObjectionStatus.open])
        # The status line last: once it shows, the page shows the rest of the round too.
        self.status.value = "" if award_round is None else esc(self._status_text(award_round))

    def _status_text(self, award_round: AwardRoundPublic) -> str:
        title = awards.award_title(award_round.level, award_round.period)
        status = t(f"enum.award_round_status.{award_round.status}")
        if award_round.status == RoundStatus.publicity:
            return t("awards.ui.status_publicity", title=title, status=status,
                     start=format_date(award_round.published_on), end=format_date(award_round.publicity_ends_on),
                     quota=award_round.quota, rules=award_round.rules_hash[:12])
        return t("awards.ui.status", title=title, status=status, quota=award_round.quota,
                 rules=award_round.rules_hash[:12])

    def _result(self, entry: AwardEntryPublic) -> str:
        if entry.removed:
            return t("awards.ui.removed")
        if entry.winner:
            return t("awards.ui.promoted") if entry.promoted else t("awards.ui.winner")
        return t(entry.ineligible_reason) if entry.ineligible_reason else ""

    def _show_breakdown(self) -> None:
        entry = next((e for e in self.entries if e.id == self.candidate.value), None)
        if entry is None:
            self.breakdown.value = ""
            return
        self.breakdown.value = html_table([t("awards.ui.figure"), t("awards.ui.value")],
                                          awards.breakdown_lines(entry))


def _offer(choice: widgets.Dropdown, options: list[tuple[str, int]]) -> None:
    """New options, keeping the chosen one when it is still offered, else the first."""
    kept = choice.value
    choice.options = options
    values = [value for _, value in options]
    choice.value = kept if kept in values else (values[0] if values else None)
