"""Forms: a label on the left, the input, and a message area right under it; ``Form.show_error()``
puts each of a DomainError's messages beside its field with a summary, and ``Form.attempt()`` runs a
submit and shows its refusal (a service's or the form model's) that way.

Dropdowns that may be left empty follow one convention: their first entry is （不选）, whose value is
NOT_CHOSEN, and ``chosen()`` (and ``Form.value()``) turn it into None. A dropdown whose value is
None shows a blank box, also after a form is reset, which is why None itself is never an option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ipywidgets as widgets
from pydantic import ValidationError

from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.ui.kit.actions import Message
from station_kit.ui.kit.format import css_name, esc
from station_kit.ui.kit.theme import INPUT_WIDTH, LABEL_WIDTH

T = TypeVar("T")


class _NotChosen:
    def __repr__(self) -> str:
        return "NOT_CHOSEN"


NOT_CHOSEN = _NotChosen()


def optional(options: Iterable[tuple[str, object]]) -> list[tuple[str, object]]:
    """A dropdown's options with （不选） first."""
    return [(t("form.not_chosen"), NOT_CHOSEN), *options]


def chosen(value: object) -> object:
    """None for （不选）, else the value."""
    return None if value is NOT_CHOSEN else value


def dropdown(options: Sequence[tuple[str, object]], *, may_be_empty: bool = False,
             width: str = INPUT_WIDTH) -> widgets.Dropdown:
    """A dropdown; ``may_be_empty`` puts （不选） first and starts there."""
    options = optional(options) if may_be_empty else list(options)
    return widgets.Dropdown(options=options, value=options[0][1] if options else None,
                            layout=widgets.Layout(width=width))


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
        """What the field holds; an optional dropdown left at （不选） gives None."""
        return chosen(self.fields[name].widget.value)

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
            self.show_error(DomainError.from_validation(error))
        except DomainError as error:
            self.show_error(error)
        return None


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
