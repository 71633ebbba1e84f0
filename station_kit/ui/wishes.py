"""微心愿 / 点单: the wall of residents' wishes and service orders as cards (open ones first; claimed
ones show who claimed), posting one for a resident, and moving one along: claim, dispatch (派单),
take (接单), refuse, fulfil, rate, cancel. Only the steps the request's state allows are offered;
the service refuses anything else with a message. Residents show as 王** on the wall."""

from __future__ import annotations

import ipywidgets as widgets
from sqlalchemy.engine import Engine

from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.models.community import ClaimerKind, RequestCreate, RequestKind, RequestPublic, RequestStatus
from station_kit.services import requests as service
from station_kit.services.requests import REQUEST_FLOW, Claimer
from station_kit.services.residents import resident_choices
from station_kit.ui.activities.fields import enum_options, text
from station_kit.ui.kit.actions import Message, button, button_row, on_click
from station_kit.ui.kit.context import AppContext, station_app
from station_kit.ui.kit.format import esc, format_time
from station_kit.ui.kit.forms import Form, dropdown, labelled
from station_kit.ui.kit.layout import page, text_block

APP = "wishes"
S = RequestStatus
FILTERS = (("open", (S.posted, S.dispatched)), ("claimed", (S.claimed,)), ("done", (S.fulfilled, S.rated)),
           ("all", ()))
CARDS_SHOWN = 60
ACTIONS = ("claim", "dispatch", "take", "refuse", "fulfil", "rate", "cancel")
_CARD = ("display:inline-block; vertical-align:top; width:15em; margin:0 10px 10px 0; padding:10px 12px;"
         "border:1px solid #d0d5dd; border-radius:6px; background:{background}; line-height:1.6")


def app(engine: Engine | None = None) -> widgets.Widget:
    """The wish wall on ``engine`` (default: the database the settings name)."""
    return station_app(APP, engine, lambda context, scope: Wishes(context, scope).widget)


class Wishes:
    def __init__(self, context: AppContext, scope):
        self.context = context
        self.claimer_options = service.claimer_choices(scope=scope, station_id=context.station_id)
        # Posting.
        self.post_message = Message(f"sk-{APP}-post-message")
        post_fields = [
            labelled(APP, "kind", t("wishes.kind"), widgets.ToggleButtons(options=enum_options(RequestKind,
                                                                                               "request_kind"))),
            labelled(APP, "resident_id", t("wishes.resident"),
                     dropdown(resident_choices(scope=scope, station_id=context.station_id), may_be_empty=True),
                     css="resident", required=True),
            labelled(APP, "title", t("wishes.title"), text(), required=True),
            labelled(APP, "content", t("wishes.content"), widgets.Textarea(layout=widgets.Layout(width="24em"))),
        ]
        self.post_form = Form(post_fields, self.post_message)
        post = button(t("wishes.post"), f"sk-{APP}-post", primary=True)
        on_click(post, self._post, self.post_message, [field.widget for field in post_fields])
        # The wall.
        self.filter = widgets.ToggleButtons(options=[(t(f"wishes.filter.{key}"), key) for key, _ in FILTERS])
        self.filter.add_class(f"sk-{APP}-filter")
        self.filter.observe(lambda _change: self.show_wall(), "value")
        self.wall = widgets.HTML()
        self.wall.add_class(f"sk-{APP}-wall")
        # Acting on one request.
        self.message = Message(f"sk-{APP}-message")
        self.pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="24em"))
        self.claimer_kind = dropdown(enum_options(ClaimerKind, "claimer_kind"))
        self.claimer_kind.observe(lambda _change: self._claimer_list(), "value")
        fields = [
            labelled(APP, "request", t("wishes.pick"), self.pick, css="pick"),
            labelled(APP, "claimer_kind", t("wishes.claimer_kind"), self.claimer_kind),
            labelled(APP, "claimers", t("wishes.claimer"), dropdown([], may_be_empty=True), css="claimer"),
            labelled(APP, "reason", t("wishes.reason"), text("wishes.reason_hint")),
            labelled(APP, "rating", t("wishes.rating"),
                     dropdown([(t(f"wishes.stars.{n}"), n) for n in range(5, 0, -1)])),
            labelled(APP, "minutes", t("wishes.minutes"),
                     widgets.BoundedIntText(value=60, min=0, max=24 * 60, layout=widgets.Layout(width="8em"))),
        ]
        self.form = Form(fields, self.message)
        self.buttons = {action: button(t(f"workflow.action.{action}"), f"sk-{APP}-{action}",
                                       primary=action in ("claim", "fulfil", "rate")) for action in ACTIONS}
        self.buttons["hours"] = button(t("wishes.record_hours"), f"sk-{APP}-hours")
        for action, widget in self.buttons.items():
            on_click(widget, lambda action=action: self._act(action), self.message,
                     [field.widget for field in fields])
        self.pick.observe(lambda _change: self._offer_actions(), "value")
        self.cards: dict[int, RequestPublic] = {}
        self._claimer_list()
        self.widget = page(
            APP, text_block(t("wishes.wall"), "sk-section"), self.filter, self.wall,
            text_block(t("wishes.act"), "sk-section"), *(field.row for field in fields),
            button_row(*self.buttons.values()), self.message.widget,
            text_block(t("wishes.new"), "sk-section"), *(field.row for field in post_fields),
            button_row(post), self.post_message.widget)
        self.show_wall()

    def show_wall(self, keep: int | None = None) -> None:
        statuses = dict(FILTERS)[self.filter.value]
        with self.context.reading() as scope:
            shown = service.wish_wall(scope=scope, station_id=self.context.station_id, kind=None,
                                      statuses=statuses or None, limit=CARDS_SHOWN)
            everything = service.wish_wall(scope=scope, station_id=self.context.station_id, kind=None,
                                           limit=CARDS_SHOWN * 4)
        self.wall.value = "".join(_card(card) for card in shown) or esc(t("wishes.none"))
        self.cards = {card.id: card for card in everything}
        wanted = keep if keep in self.cards else self.pick.value
        self.pick.options = [(_label(card), card.id) for card in everything]
        self.pick.value = wanted if wanted in self.cards else (everything[0].id if everything else None)
        self._offer_actions()

    def _offer_actions(self) -> None:
        card = self.cards.get(self.pick.value)
        allowed = set(REQUEST_FLOW.actions_from(card.status)) if card else set()
        done = card is not None and card.status in (S.fulfilled, S.rated)
        if done and card.kind == RequestKind.wish and not card.hours_recorded:
            allowed.add("hours")  # volunteers' time on a fulfilled wish, once
        for action, widget in self.buttons.items():
            widget.layout.display = None if action in allowed else "none"

    def _claimer_list(self) -> None:
        claimers = self.form["claimers"].widget
        claimers.options = dropdown(self.claimer_options[self.claimer_kind.value], may_be_empty=True).options
        claimers.index = 0

    def _post(self) -> None:
        value = self.post_form.value

        def write():
            data = RequestCreate(kind=value("kind"), resident_id=value("resident_id") or 0, title=value("title"),
                                 content=value("content"))
            with self.context.writing() as scope:
                return service.post_request(scope=scope, station_id=self.context.station_id, data=data).id

        posted = self.post_form.attempt(write)
        if posted is None:
            return
        self.post_form.reset()
        self.filter.value = "open"
        self.show_wall(keep=posted)
        self.post_message.success(t("wishes.posted"))

    def _act(self, action: str) -> None:
        request_id = self.pick.value
        value = self.form.value

        def write():
            if request_id is None:
                raise DomainError.on("request", "request.not_found")
            claimer = value("claimers")
            claimers = [Claimer(self.claimer_kind.value, claimer)] if claimer else []
            common = dict(request_id=request_id)
            calls = {
                "claim": lambda scope: service.claim_request(scope=scope, claimers=claimers, **common),
                "dispatch": lambda scope: service.dispatch_request(scope=scope, claimers=claimers, **common),
                "take": lambda scope: service.take_request(scope=scope, **common),
                "refuse": lambda scope: service.refuse_request(scope=scope, reason=value("reason"), **common),
                "fulfil": lambda scope: service.fulfil_request(scope=scope, note=value("reason"), **common),
                "rate": lambda scope: service.rate_request(scope=scope, rating=value("rating"), **common),
                "cancel": lambda scope: service.cancel_request(scope=scope, reason=value("reason"), **common),
                "hours": lambda scope: service.record_claimers_hours(scope=scope, minutes=value("minutes"),
                                                                      **common),
            }
            with self.context.writing() as scope:
                result = calls[action](scope)
                return t("wishes.hours_recorded", count=len(result)) if action == "hours" else result.status

        status = self.form.attempt(write)
        if status is None:
            return
        self.form["reason"].reset()
        self.show_wall(keep=request_id)
        self.message.success(status if action == "hours" else t(
            "wishes.moved", action=t(f"workflow.action.{action}"), status=t(f"enum.request_status.{status}")))


def _label(card: RequestPublic) -> str:
    return t("wishes.pick_label", id=card.id, kind=t(f"enum.request_kind.{card.kind}"), title=card.title,
             status=t(f"enum.request_status.{card.status}"))


def _card(card: RequestPublic) -> str:
    """One card: everything escaped; the resident already shortened by the service."""
    open_ = card.status in (S.posted, S.dispatched)
    lines = [f"<b>{esc(card.title)}</b>",
             esc(t("wishes.card_who", kind=t(f"enum.request_kind.{card.kind}"), resident=card.resident,
                   grid=card.grid)),
             esc(t("wishes.card_status", status=t(f"enum.request_status.{card.status}"),
                   when=format_time(card.posted_at)))]
    if card.claimers:
        lines.append(esc(t("wishes.card_claimers", names=t("list.separator").join(card.claimers))))
    if card.rating:
        lines.append(esc(t("wishes.card_rating", stars="★" * card.rating)))
    style = _CARD.format(background="#fffbeb" if open_ else "#f9fafb")
    return f'<div class="sk-wishes-card" style="{style}">{"<br>".join(lines)}</div>'
