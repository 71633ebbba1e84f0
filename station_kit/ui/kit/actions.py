"""Buttons and the message area: a click runs its action once, with the button disabled, and no
exception ever reaches the page (it is logged; the page says so calmly)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence

import ipywidgets as widgets

from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.theme import LABEL_WIDTH

_log = logging.getLogger("station_kit.ui")

# A click that reaches the kernel this soon after the previous run of the same button finished,
# with no input changed and no other button run in between, is the second half of a double click:
# either it was queued while the first ran (the kernel handles messages one at a time, so disabling
# the button cannot stop it) or it came after a quick run, before the button looked disabled.
CLICK_SETTLE_SECONDS = 0.8
# How many guarded actions this kernel (one page) has run. A click after another button ran is
# deliberate however soon it comes: 确定 refused for an open objection, the objection upheld, then
# 确定 again at once, must be heard.
_runs = [0]


class Message:
    """A message area under a form or a list. Its text is always escaped."""

    def __init__(self, css_class: str):
        self.widget = widgets.HTML()
        self.widget.add_class("sk-message")
        self.widget.add_class(css_class)

    def show(self, kind: str, text: str, details: Sequence[str] = ()) -> None:
        items = "".join(f"<li>{esc(detail)}</li>" for detail in details)
        body = esc(text) + (f"<ul>{items}</ul>" if items else "")
        role = "alert" if kind == "error" else "status"
        self.widget.value = f'<div class="sk-msg sk-msg-{kind}" role="{role}">{body}</div>'

    def success(self, text: str) -> None:
        self.show("success", text)

    def info(self, text: str) -> None:
        self.show("info", text)

    def error(self, text: str, details: Sequence[str] = ()) -> None:
        self.show("error", text, details)

    def clear(self) -> None:
        self.widget.value = ""


def run_guarded(action: Callable[[], None], message: Message) -> None:
    """Run ``action``; a refusal shows its messages, anything else is logged and reported calmly."""
    try:
        action()
    except DomainError as error:
        texts = [t(item.key, **item.params) for item in error.errors]
        message.error(texts[0], texts[1:])
    except Exception:
        _log.exception("unexpected error in a staff app")
        message.error(t("error.unexpected"))


def on_click(button: widgets.Button, action: Callable[[], None], message: Message,
             inputs: Sequence[widgets.Widget] = ()) -> Callable[[widgets.Widget], None]:
    """Make ``button`` run ``action`` once per deliberate click, guarded, disabled while it runs.

    A click is deliberate if it comes ``CLICK_SETTLE_SECONDS`` after the last run, or if one of
    ``inputs`` changed since (a person who fixed a field and clicks again at once is heard), or if
    another button of the page ran since.
    Returns ``watch``, which adds an input made later (a list of tick boxes built after a search).
    """
    state = {"finished": float("-inf"), "changed": False, "runs": 0}

    def mark_changed(_change) -> None:
        state["changed"] = True

    def watch(root: widgets.Widget) -> None:
        for widget in walk(root):
            if widget.has_trait("value"):
                widget.observe(mark_changed, "value")

    for root in inputs:
        watch(root)

    def handle(_button: widgets.Button) -> None:
        settling = time.monotonic() - state["finished"] < CLICK_SETTLE_SECONDS
        others_ran = _runs[0] != state["runs"]
        if button.disabled or (settling and not state["changed"] and not others_ran):
            return
        button.disabled = True
        try:
            run_guarded(action, message)
        finally:
            button.disabled = False
            _runs[0] += 1
            state["finished"], state["changed"], state["runs"] = time.monotonic(), False, _runs[0]

    button.on_click(handle)
    return watch


def button(label: str, css_class: str, *, primary: bool = False) -> widgets.Button:
    widget = widgets.Button(description=label, button_style="primary" if primary else "",
                            layout=widgets.Layout(width="auto"))
    widget.add_class(css_class)
    return widget


def button_row(*buttons: widgets.Button) -> widgets.HBox:
    """A form's buttons, under its inputs rather than its labels, each as wide as its text."""
    return widgets.HBox(list(buttons), layout=widgets.Layout(margin=f"12px 0 0 {LABEL_WIDTH}"))


def walk(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """Every widget under ``root``, root first."""
    yield root
    for child in getattr(root, "children", ()):
        yield from walk(child)
