"""Handing a file the kernel made (a PDF, a spreadsheet) to the browser, with no server route and
no internet: a link whose address is the file itself (a base64 ``data:`` URL) and whose
``download`` attribute names it. Chromium, Firefox and Edge save it under that name on a click;
ipywidgets' HTML widget sets the markup as it is, and the name and label are escaped here.

A data URL holds the whole file in the page (a third larger than the file), which suits documents
of a few hundred kB; a bigger export would want a real download route.
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

from station_kit.ui.kit.format import esc

PDF = "application/pdf"


def download_anchor(filename: str, data: bytes, label: str, *, mime: str = PDF) -> str:
    """The markup of a link that saves ``data`` as ``filename`` when clicked."""
    payload = base64.b64encode(data).decode("ascii")
    return (f'<a class="sk-download" download="{esc(filename)}" href="data:{esc(mime)};base64,{payload}">'
            f'{esc(label)}</a>')


class DownloadLink:
    """A place for one download link, empty until a file is offered (e.g. after it was issued)."""

    def __init__(self, css_class: str):
        self.widget = widgets.HTML()
        self.widget.add_class(css_class)
        self.filename = ""

    def offer(self, filename: str, data: bytes, label: str, *, mime: str = PDF) -> None:
        self.filename = filename
        self.widget.value = download_anchor(filename, data, label, mime=mime)

    def clear(self) -> None:
        self.filename = ""
        self.widget.value = ""
