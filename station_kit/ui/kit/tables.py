"""Tables of rows for display: every header and cell escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from station_kit.ui.kit.format import esc


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], css_class: str = "") -> str:
    """An HTML table with every header and cell escaped. Callers pass masked values (VolunteerPublic)."""
    head = "".join(f"<th>{esc(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="sk-table {esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
