"""PDF documents (DESIGN.md §4): the 公示 notice, award certificates (荣誉证书) and the 志愿服务记录证明.

Laid out with fpdf2 in Noto Serif SC (a 宋体, as official documents are set), which the pip package
pylopdf-fonts-zh-cn ships under the SIL Open Font License 1.1. The used glyphs are embedded as subsets, so a
document reads the same on an office PC that has no Chinese font and in viewers that substitute
none (poppler, pdf.js). The font package's code is never imported: its files are found through its
installed metadata.

Every text comes from the catalog or from the document's fields, drawn as plain glyphs: fpdf2
interprets markup only when asked to (``markdown=True``, ``write_html``), which this module never
does, so a name like ``<b>张三</b>`` or ``**张三**`` is printed as typed. ID numbers are masked again
here, whatever the caller passed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import distribution

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from station_kit.i18n import t
from station_kit.io.documents import AwardCertificate, AwardNotice, ServiceCertificate
from station_kit.privacy import mask_id_number
from station_kit.rules.hours import hours_text

FONT_PACKAGE = "pylopdf-fonts-zh-cn"
FONT_FILE = "pylopdf_fonts_zh_cn/NotoSerifSC-Regular.otf"
# One face for everything: each font costs about half a second to read and to subset per document.
SERIF = "serif"

RED = (200, 16, 46)  # the red of 红头 documents and seals
INK = (25, 25, 25)
GREY = (95, 95, 95)
HEADING_FILL = (242, 242, 242)
# GB/T 9704-2012 (党政机关公文格式) page margins, in mm: top 37, bottom 35, left 28, right 26; a
# little less at top and bottom so that a short notice keeps its signature on the first page.
MARGINS = {"left": 28, "top": 30, "right": 26}
BOTTOM_MARGIN = 28
INDENT = "\u3000\u3000"  # a paragraph's first line is indented two characters
SEAL_DIAMETER = 42  # mm: an official round seal (公章) is 40–42 mm across
MISSING_GLYPH = "\u25a1"  # □


@lru_cache
def font_file() -> str:
    """The installed font file, found without importing the package that ships it."""
    return str(distribution(FONT_PACKAGE).locate_file(FONT_FILE))


@lru_cache
def covered_code_points() -> frozenset[int]:
    """The characters the font has glyphs for."""
    return frozenset(TTFont(font_file(), lazy=True).getBestCmap())


def printable(text: str) -> str:
    """``text`` as the font can print it. A character it has no glyph for (a rare 生僻字 beyond its
    30,000, an emoji) becomes □ rather than vanishing, which would print 王五 for 王𠀀五: a gap
    that shows, to be written in by hand. Invisible format characters (zero-width space) go."""
    covered = covered_code_points()
    return "".join(
        char if ord(char) in covered or char.isspace()
        else "" if unicodedata.category(char) in ("Cf", "Cc") else MISSING_GLYPH
        for char in text)


class _Document(FPDF):
    """An A4 page with the embedded font, the document's title in its metadata and, when
    ``footer_text`` is set, a footer naming it and the page (第 1 页 共 2 页)."""

    def __init__(self, title: str, *, landscape: bool = False, footer_text: str = ""):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.add_font(SERIF, fname=font_file())
        self.footer_text = footer_text
        self.set_title(title)
        self.set_creator("station_kit")
        self.set_lang(t("documents.lang"))
        self.set_margins(**MARGINS)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_text_color(*INK)

    def normalize_text(self, text: str) -> str:
        """fpdf2 passes every text it draws through here."""
        return printable(super().normalize_text(text))

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-BOTTOM_MARGIN + 10)
        self.set_font(SERIF, size=9)
        self.set_text_color(*GREY)
        page = t("documents.page", page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.footer_text}    {page}", align=Align.C)
        self.set_text_color(*INK)

    def heading(self, text: str, size: float, *, color=INK, spacing: float = 0) -> None:
        """A centred title in a heavier stroke (the font has one weight: its outline is stroked too)."""
        self.set_font(SERIF, size=size)
        self.set_text_color(*color)
        self.set_draw_color(*color)
        self.set_char_spacing(spacing)
        self.text_mode = TextMode.FILL_STROKE
        self.set_line_width(size / 80)
        self.multi_cell(0, size * 0.55, text, align=Align.C, wrapmode=WrapMode.CHAR,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.text_mode = TextMode.FILL
        self.set_char_spacing(0)
        self.set_text_color(*INK)
        self.set_draw_color(*INK)

    def paragraph(self, text: str, size: float = 14, *, align=Align.J,
                  indent: bool = True, color=INK) -> None:
        self.set_font(SERIF, size=size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.62, (INDENT if indent else "") + text, align=align,
                        wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def signature(self, lines: Sequence[str], size: float = 14, width: float = 80) -> None:
        """The issuer and date centred in a block at the right margin, under a dashed circle where
        the seal is stamped across them (骑年盖月), with 盖章 in the circle."""
        line_height = size * 0.62
        top = self.get_y()
        self.set_font(SERIF, size=size)
        for line in lines:
            self.set_x(self.w - self.r_margin - width)
            self.multi_cell(width, line_height, line, align=Align.C, wrapmode=WrapMode.CHAR,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = self.get_y()
        centre_x, centre_y = self.w - self.r_margin - width / 2, (top + bottom) / 2
        self.set_draw_color(*RED)
        self.set_line_width(0.3)
        with self.local_context():
            self.set_dash_pattern(dash=1.5, gap=1.5)
            self.circle(centre_x, centre_y, SEAL_DIAMETER / 2)  # fpdf2 ≥ 2.8.1: x, y are the centre
        self.set_font(SERIF, size=9)
        self.set_text_color(*RED)
        self.set_xy(centre_x - SEAL_DIAMETER / 2, centre_y - SEAL_DIAMETER / 2 + 3)
        self.cell(SEAL_DIAMETER, 5, t("documents.seal"), align=Align.C)
        self.set_text_color(*INK)
        self.set_draw_color(*INK)
        self.set_y(max(bottom, centre_y + SEAL_DIAMETER / 2))

    def ensure_room(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit above the bottom margin."""
        if self.get_y() + height > self.h - BOTTOM_MARGIN:
            self.add_page()

    def bytes(self) -> bytes:
        return bytes(self.output())


def issuer(station_name: str) -> str:
    """兴神路社区 → 兴神路社区新时代文明实践站; a name that already says so is left as it is."""
    suffix = t("documents.issuer", station="")
    return station_name if station_name.endswith(suffix) else t("documents.issuer", station=station_name)


def _date(day: dt.date) -> str:
    return t("format.date", year=day.year, month=day.month, day=day.day)


def _table_style(pdf: _Document, size: float) -> dict:
    pdf.set_font(SERIF, size=size)
    return {"line_height": size * 0.55, "wrapmode": WrapMode.CHAR, "padding": 1.2,
            "headings_style": FontFace(family=SERIF, emphasis="", size_pt=size, fill_color=HEADING_FILL)}


def notice_pdf(notice: AwardNotice) -> bytes:
    """The 公示 notice: a red header, the title, who won with the breakdown of their points, how
    long objections are taken and by whom, the issuer and date with space for the seal."""
    pdf = _Document(notice.title, footer_text=notice.title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.heading(issuer(notice.station_name), 22, color=RED, spacing=1)
    pdf.ln(1)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(*INK)
    pdf.ln(6)
    pdf.heading(notice.title, 17)
    pdf.ln(4)
    pdf.paragraph(t("documents.notice.intro", count=len(notice.entries)))
    pdf.ln(2)
    with pdf.table(col_widths=(9, 20, 24, 12, 57), text_align=("CENTER", "LEFT", "LEFT", "RIGHT", "LEFT"),
                   **_table_style(pdf, 10)) as table:
        heading = table.row()
        for key in ("rank", "name", "unit", "points", "breakdown"):
            heading.cell(t(f"documents.notice.columns.{key}"))
        for entry in notice.entries:
            row = table.row()
            row.cell(str(entry.rank))
            row.cell(entry.name)
            row.cell(entry.unit)
            row.cell(f"{entry.points:,.1f}")
            row.cell(t("documents.notice.breakdown_separator").join(
                t("documents.notice.breakdown_item", label=label, value=value) for label, value in entry.breakdown))
    pdf.ln(4)
    pdf.paragraph(t("documents.notice.publicity", start=_date(notice.publicity_from),
                    end=_date(notice.publicity_until), contact=notice.contact))
    pdf.ensure_room(SEAL_DIAMETER + 4)
    pdf.ln(SEAL_DIAMETER / 2 - 8)
    pdf.signature([issuer(notice.station_name), _date(notice.issued_on)])
    return pdf.bytes()


def award_certificates_pdf(certificates: Sequence[AwardCertificate]) -> bytes:
    """荣誉证书, one landscape page each: a red double border, the recipient, the honour, the
    issuer and date over the seal's space, and the certificate number."""
    pdf = _Document(t("documents.award.title"), landscape=True)
    pdf.set_auto_page_break(False)
    for certificate in certificates:
        pdf.add_page()
        pdf.set_draw_color(*RED)
        pdf.set_line_width(2.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_line_width(0.5)
        pdf.rect(15, 15, pdf.w - 30, pdf.h - 30)
        pdf.set_y(34)
        pdf.heading(t("documents.award.title"), 42, color=RED, spacing=8)
        pdf.set_left_margin(40)
        pdf.set_right_margin(40)
        pdf.set_y(72)
        pdf.paragraph(t("documents.award.salutation", recipient=certificate.recipient), 22, indent=False,
                      align=Align.L)
        pdf.ln(6)
        pdf.paragraph(t("documents.award.body", award=certificate.award_title), 22)
        pdf.ln(4)
        pdf.paragraph(t("documents.award.closing"), 22)
        pdf.set_y(pdf.h - 72)
        pdf.signature([issuer(certificate.station_name), _date(certificate.issued_on)], 16, width=100)
        pdf.set_xy(40, pdf.h - 34)
        pdf.set_font(SERIF, size=10)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 5, t("documents.award.number", number=certificate.certificate_number))
        pdf.set_text_color(*INK)
        pdf.set_margins(**MARGINS)
    return pdf.bytes()


def service_certificate_pdf(certificate: ServiceCertificate) -> bytes:
    """志愿服务记录证明 (民发〔2015〕149号): the volunteer's identity with the ID number masked, the
    approved hours and what the service was, the issuer (station, person in charge, handler,
    contact), the certificate number and date, and space for the seal."""
    number_line = t("documents.service.number", number=certificate.certificate_number)
    pdf = _Document(t("documents.service.title"), footer_text=number_line)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(SERIF, size=10.5)
    pdf.cell(0, 6, number_line, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.heading(t("documents.service.title"), 22, spacing=2)
    pdf.ln(6)
    masked = mask_id_number(certificate.masked_id_number)
    hours = hours_text(certificate.approved_minutes)
    station = issuer(certificate.station_name)
    pdf.paragraph(t("documents.service.body", name=certificate.name, period=_period(certificate),
                    station=station, hours=hours))
    pdf.ln(5)
    with pdf.table(col_widths=(20, 30, 20, 30), text_align=("CENTER", "LEFT", "CENTER", "LEFT"),
                   first_row_as_headings=False, **_table_style(pdf, 11)) as table:
        label = FontFace(family=SERIF, fill_color=HEADING_FILL)
        rows = ((("name", certificate.name), ("volunteer_number", certificate.volunteer_number)),
                (("id_type", certificate.id_type), ("id_number", masked)),
                (("period", _period(certificate)),),
                (("hours", t("documents.service.hours_value", hours=hours)),))
        for pairs in rows:
            row = table.row()
            for key, value in pairs:
                row.cell(t(f"documents.service.fields.{key}"), style=label)
                row.cell(value, colspan=3 if len(pairs) == 1 else 1)
    pdf.ln(1)
    pdf.paragraph(t("documents.service.note"), 9, indent=False, color=GREY)
    pdf.ln(3)
    pdf.set_font(SERIF, size=13)
    pdf.cell(0, 8, t("documents.service.content"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.table(col_widths=(8, 92), text_align=("CENTER", "LEFT"), **_table_style(pdf, 10.5)) as table:
        heading = table.row()
        heading.cell(t("documents.service.content_columns.index"))
        heading.cell(t("documents.service.content_columns.line"))
        for index, line in enumerate(certificate.service_content, start=1):
            row = table.row()
            row.cell(str(index))
            row.cell(line)
    pdf.ln(5)
    pdf.ensure_room(SEAL_DIAMETER - 6)
    top = pdf.get_y()
    colon = t("documents.colon")

    def field(key: str, value: str) -> str:
        return t(f"documents.service.fields.{key}") + colon + (value or t("documents.blank"))

    pdf.set_font(SERIF, size=12)
    for line in (field("issuer", station),
                 field("person_in_charge", certificate.person_in_charge) + INDENT
                 + field("handler", certificate.handler),
                 field("contact", certificate.contact)):
        pdf.cell(110, 8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + 12)
    pdf.signature([_date(certificate.issued_on)], 13, width=50)
    return pdf.bytes()


def _period(certificate: ServiceCertificate) -> str:
    if certificate.period_from is None or certificate.period_until is None:
        return t("documents.blank")
    return t("documents.service.period", start=_date(certificate.period_from), end=_date(certificate.period_until))
