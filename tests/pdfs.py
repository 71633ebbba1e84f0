"""Reading PDFs back as a person would: the text a viewer copies out (pypdf), and the page as it is
drawn (poppler's pdftoppm), with how much ink is on it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

PDFTOPPM = shutil.which("pdftoppm")


def page_texts(data: bytes) -> list[str]:
    """Each page's text. fpdf2 writes its two-byte Identity encoding as an embedded CMap that pypdf 7
    reads as one-byte codes, so each character comes with a NUL (its high byte): dropped here;
    poppler and browsers' viewers read the codes as two bytes."""
    return [page.extract_text().replace("\x00", "") for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    """Every page's text, as page_texts reads it."""
    return "\n".join(page_texts(data))


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def render_page(data: bytes, folder: Path, *, page: int = 1, dpi: int = 50) -> Path:
    """Page ``page`` drawn by poppler as a PNG (Debian's poppler-utils; .ci/run installs it)."""
    if PDFTOPPM is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing: .ci/run installs poppler-utils")
        pytest.skip("pdftoppm is missing: apt-get install poppler-utils")
    source = folder / "document.pdf"
    source.write_bytes(data)
    subprocess.run([PDFTOPPM, "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(source), str(folder / f"page-{page}")], check=True, timeout=120)
    return folder / f"page-{page}.png"


def ink(png: Path) -> float:
    """The share of the page's pixels that are drawn dark: text and lines, not the white paper."""
    grey = Image.open(png).convert("L")
    dark = sum(grey.histogram()[:160])
    return dark / (grey.width * grey.height)
