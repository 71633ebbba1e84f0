"""What a person would see as broken layout, read from the page."""

from __future__ import annotations


def clipped(page, selector: str) -> list[str]:
    """The texts of the elements matching ``selector`` that are wider than their own box: a figure
    that runs out of its tile, a label cut off."""
    return page.eval_on_selector_all(
        selector, "elements => elements.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)")
