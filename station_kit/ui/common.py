"""Pieces every staff app shares, so that all apps look, read and forgive alike.

- ``default_engine()``: the database from settings; every ``app()`` also takes ``engine=`` for tests.
- ``labelled()`` and ``Form``: a label on the left, the input, and a message area right under it;
  ``Form.show_error()`` puts each of a DomainError's messages beside its field, with a summary;
  ``Form.attempt()`` runs a submit and shows its refusal (a service's or the form model's) that way.
- ``on_click()``: runs an action with its button disabled, ignores the second half of a double
  click, and never lets an exception reach the page (it is logged; the page says so calmly).
- ``esc()`` for anything a person typed (the HTML widget renders markup as it is), and
  ``html_table()``, which escapes every cell.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ipywidgets as widgets
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from station_kit import clock
from station_kit.config import get_settings
from station_kit.db import get_engine, read_session
from station_kit.errors import DomainError, FieldError
from station_kit.i18n import t
from station_kit.services.org import current_station

# A click that reaches the kernel this soon after the previous run of the same button finished,
# with no input changed in between, is the second half of a double click: either it was queued
# while the first ran (the kernel handles messages one at a time, so disabling the button cannot
# stop it) or it came after a quick run, before the button looked disabled.
CLICK_SETTLE_SECONDS = 0.8

LABEL_WIDTH = "9em"  # fits seven Chinese characters at the apps' font size
INPUT_WIDTH = "24em"

# Office PCs and TV screens: larger type and controls than JupyterLab's defaults, calm colours,
# an error red and a success green that read as such without relying on colour alone (each
# message also says what happened).
STYLE = """<style>
.sk-app { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-horizontal-tab-height: 38px; --jp-widgets-horizontal-tab-width: 9em;
  font-size: 16px; color: #1f2328; max-width: 1180px; }
.sk-app .sk-row { margin: 3px 0; }
.sk-app .sk-label .widget-html-content { padding-right: 14px; font-weight: 600; color: #344054; }
.sk-app .lm-TabBar-tab { font-size: 17px; }
.sk-app input[type="checkbox"], .sk-app input[type="radio"] { width: 18px; height: 18px; margin-right: 6px;
  align-self: center; margin-top: 0; margin-bottom: 0; }
.sk-app .widget-checkbox label { display: flex; align-items: center; }
.sk-app .widget-radio-box label { margin: 3px 0; line-height: 1.6; }
.sk-app .sk-invalid input, .sk-app .sk-invalid select { border-color: #d92d20; }
.sk-app .sk-message { max-width: 50em; }
.sk-app .sk-field-error .widget-html-content, .sk-app .sk-message .widget-html-content,
.sk-app .sk-hint .widget-html-content, .sk-app .sk-block .widget-html-content { line-height: 1.6; }
.sk-app .sk-field-error { color: #b42318; }
.sk-app .sk-required { color: #d92d20; margin-left: 2px; }
.sk-app .sk-hint { color: #475467; }
.sk-msg { padding: 8px 14px; border-radius: 4px; margin: 6px 0; }
.sk-msg ul { margin: 4px 0 0 0; padding-left: 1.4em; }
.sk-msg-error { color: #b42318; background: #fef3f2; border-left: 4px solid #d92d20; }
.sk-msg-success { color: #067647; background: #ecfdf3; border-left: 4px solid #17b26a; }
.sk-msg-info { color: #1f2328; background: #f2f4f7; border-left: 4px solid #98a2b3; }
.sk-app .sk-title .widget-html-content { font-size: 28px; font-weight: 700; line-height: 1.5; }
.sk-app .sk-subtitle .widget-html-content { color: #475467; line-height: 1.5; }
.sk-app .sk-section .widget-html-content { font-size: 18px; font-weight: 700; line-height: 2; }
.sk-app .jupyter-button { font-size: 16px; height: 36px; padding: 0 18px; }
.sk-app .widget-checkbox { width: auto; }
.sk-cells { display: grid; column-gap: 8px; line-height: 1.6; padding: 4px 0; }
.sk-cells > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sk-cells-header { font-weight: 600; color: #344054; }
.sk-table { border-collapse: collapse; font-size: 15px; line-height: 1.5; }
.sk-table th, .sk-table td { border-bottom: 1px solid #eaecf0; padding: 6px 10px; text-align: left;
  white-space: nowrap; }
.sk-table th { background: #f9fafb; font-weight: 600; color: #344054; }
</style>"""

T = TypeVar("T")
_log = logging.getLogger("station_kit.ui")
if not _log.handlers:
    # In a kernel sys.stderr goes to the page; the process's own stderr goes to the server log.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)


def default_engine() -> Engine:
    """The database named by the settings (``station-kit serve --db`` passes it to the kernels)."""
    return get_engine(get_settings().database_url)


def current_operator() -> str:
    return get_settings().operator


def current_role() -> str:
    """"staff" or "admin", from STATION_KIT_ROLE: only an admin may unmask personal data."""
    return get_settings().role


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _back_link(app_name: str) -> list[widgets.Widget]:
    from station_kit.ui import registry

    try:
        wanted = registry.get(app_name).back_link
    except KeyError:
        wanted = False
    if not wanted:
        return []
    link = widgets.HTML(f'<a href="{esc(registry.HOME.notebook)}">{esc(t("app.back_home"))}</a>')
    link.add_class(f"sk-{app_name}-home")
    link.add_class("sk-back-home")
    return [widgets.HBox([link], layout=widgets.Layout(justify_content="flex-end"))]


def css_name(field_name: str) -> str:
    return field_name.replace("_", "-")


def page(app_name: str, *children: widgets.Widget) -> widgets.VBox:
    """The outer box of an app: the shared style, the way back to 首页 where the registry gives the
    app one, then the app's own widgets."""
    box = widgets.VBox([widgets.HTML(STYLE), *_back_link(app_name), *children])
    box.add_class("sk-app")
    box.add_class(f"sk-{app_name}")
    return box


def build_guarded(app_name: str, build: Callable[[], widgets.Widget]) -> widgets.Widget:
    """Build an app; if that fails (the database is unreachable…), a calm message instead of a traceback."""
    try:
        return build()
    except Exception:
        _log.exception("could not build the %s app", app_name)
        message = Message(f"sk-{app_name}-message")
        message.error(t("error.load_failed"))
        return page(app_name, message.widget)


def station_app(app_name: str, engine: Engine | None,
                build: Callable[..., widgets.Widget]) -> widgets.Widget:
    """Build an app for the station this install serves, guarded like build_guarded.

    ``build(engine, session, station)`` runs inside a read session; with no station yet, the page
    says how to create one instead."""
    def guarded() -> widgets.Widget:
        bound = engine or default_engine()
        with read_session(bound) as session:
            station = current_station(session)
            if station is None:
                return page(app_name, text_block(t("station.none"), "sk-message"))
            return build(bound, session, station)

    return build_guarded(app_name, guarded)


def text_block(text: str, css_class: str, *, markup: bool = False) -> widgets.HTML:
    """A line of text styled by a class (sk-title, sk-hint, …); escaped unless ``markup``."""
    block = widgets.HTML(text if markup else esc(text))
    block.add_class(css_class)
    return block


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


@dataclass
class FormField:
    """One input with its label and the message area right under it."""

    name: str  # the service's field name, which DomainError's FieldError.field refers to
    label: str
    widget: widgets.Widget
    error: widgets.HTML
    row: widgets.Box
    default: object

    def show(self, messages: Sequence[str]) -> None:
        self.error.value = "<br>".join(esc(message) for message in messages)
        self.error.layout.display = None if messages else "none"
        if messages:
            self.widget.add_class("sk-invalid")
            self.row.layout.display = None  # a message beside a hidden input would never be read
        else:
            self.widget.remove_class("sk-invalid")

    def reset(self) -> None:
        self.widget.value = self.default
        self.show([])


def labelled(app_name: str, name: str, label: str, widget: widgets.Widget, *, css: str | None = None,
             below: Sequence[widgets.Widget] = (), required: bool = False) -> FormField:
    """Lay out ``widget`` with ``label`` on its left and an error area under it.

    The widget gets the class ``sk-<app>-<css>`` and its error area ``sk-<app>-<css>-error``;
    ``css`` defaults to the field name with dashes. ``below`` goes between input and error area.
    A ``required`` field's label ends in a red *, as on the paper forms staff know.
    """
    css = css or css_name(name)
    widget.add_class(f"sk-{app_name}-{css}")
    error = widgets.HTML(layout=widgets.Layout(display="none"))
    error.add_class("sk-field-error")
    error.add_class(f"sk-{app_name}-{css}-error")
    marker = f'<span class="sk-required" title="{esc(t("form.required"))}">*</span>' if required else ""
    label_widget = widgets.HTML(esc(label) + marker, layout=widgets.Layout(width=LABEL_WIDTH, min_width=LABEL_WIDTH))
    label_widget.add_class("sk-label")
    row = widgets.HBox([label_widget, widgets.VBox([widget, *below, error])])
    row.add_class("sk-row")
    return FormField(name, label, widget, error, row, widget.value)


class Form:
    """Fields by service field name, and the message area that sums up what is wrong."""

    def __init__(self, fields: Iterable[FormField], message: Message):
        self.fields = {field.name: field for field in fields}
        self.message = message

    def __getitem__(self, name: str) -> FormField:
        return self.fields[name]

    def value(self, name: str):
        return self.fields[name].widget.value

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.show([])
        self.message.clear()

    def reset(self) -> None:
        for field in self.fields.values():
            field.reset()

    def show_error(self, error: DomainError) -> None:
        """Each message beside its field; in the message area, how many and which."""
        beside: dict[str, list[str]] = {}
        details: list[str] = []
        for item in error.errors:
            text = t(item.key, **item.params)
            field = self.fields.get(item.field)
            if field is None:
                details.append(text)
                continue
            beside.setdefault(item.field, []).append(text)
            details.append(t("form.field_message", label=field.label, message=text))
        for name, field in self.fields.items():
            field.show(beside.get(name, []))
        if beside:
            self.message.error(t("form.fix_fields", count=len(details)), details)
        else:
            self.message.error(details[0], details[1:])

    def attempt(self, submit: Callable[[], T]) -> T | None:
        """Clear old messages and run ``submit``; a refusal shows beside its fields and gives None."""
        self.clear_errors()
        try:
            return submit()
        except ValidationError as error:
            self.show_error(validation_error(error))
        except DomainError as error:
            self.show_error(error)
        return None


def validation_error(error: ValidationError) -> DomainError:
    """A form model's own limits (a name too long…) as field messages, like a service's."""
    found = []
    for item in error.errors():
        field_name = str(item["loc"][0]) if item["loc"] else ""
        if item["type"] == "string_too_long":
            found.append(FieldError(field_name, "form.too_long", {"max_length": item["ctx"]["max_length"]}))
        else:
            found.append(FieldError(field_name, "form.invalid_value"))
    return DomainError(found)


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
    ``inputs`` changed since (a person who fixed a field and clicks again at once is heard).
    Returns ``watch``, which adds an input made later (a list of tick boxes built after a search).
    """
    state = {"finished": float("-inf"), "changed": False}

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
        if button.disabled or (settling and not state["changed"]):
            return
        button.disabled = True
        try:
            run_guarded(action, message)
        finally:
            button.disabled = False
            state["finished"], state["changed"] = time.monotonic(), False

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


class CheckboxGroup(widgets.GridBox):
    """Several choices as tick boxes; ``value`` is the tuple of chosen values.

    Used instead of SelectMultiple, whose Ctrl-click few office workers know.
    """

    def __init__(self, options: Sequence[tuple[str, object]], *, columns: int = 3, **kwargs):
        boxes = [widgets.Checkbox(description=label, value=False, indent=False) for label, _ in options]
        layout = widgets.Layout(grid_template_columns=f"repeat({columns}, 12em)")
        super().__init__(boxes, layout=layout, **kwargs)
        self._choices = [(box, value) for box, (_, value) in zip(boxes, options, strict=True)]

    @property
    def value(self) -> tuple:
        return tuple(value for box, value in self._choices if box.value)

    @property
    def choices(self) -> tuple:
        """Every value that can be ticked, in order."""
        return tuple(value for _, value in self._choices)

    @value.setter
    def value(self, chosen: Iterable) -> None:
        chosen = set(chosen)
        for box, value in self._choices:
            box.value = value in chosen


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], css_class: str = "") -> str:
    """An HTML table with every header and cell escaped. Callers pass masked values (VolunteerPublic)."""
    head = "".join(f"<th>{esc(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="sk-table {esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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


def walk(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """Every widget under ``root``, root first."""
    yield root
    for child in getattr(root, "children", ()):
        yield from walk(child)


def find_all(root: widgets.Widget, css_class: str) -> list[widgets.Widget]:
    """The widgets under ``root`` that carry ``css_class`` — the same handle the browser tests use."""
    return [widget for widget in walk(root) if css_class in getattr(widget, "_dom_classes", ())]


def find(root: widgets.Widget, css_class: str) -> widgets.Widget:
    found = find_all(root, css_class)
    if len(found) != 1:
        raise LookupError(f"{len(found)} widgets carry {css_class}")
    return found[0]
