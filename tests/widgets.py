"""Finding widgets in an app's tree by the CSS classes the browser tests use too."""

from __future__ import annotations

import ipywidgets as widgets

from station_kit.ui.kit.actions import walk


def find_all(root: widgets.Widget, css_class: str) -> list[widgets.Widget]:
    """The widgets under ``root`` that carry ``css_class`` — the same handle the browser tests use."""
    return [widget for widget in walk(root) if css_class in getattr(widget, "_dom_classes", ())]


def find(root: widgets.Widget, css_class: str) -> widgets.Widget:
    found = find_all(root, css_class)
    if len(found) != 1:
        raise LookupError(f"{len(found)} widgets carry {css_class}")
    return found[0]
