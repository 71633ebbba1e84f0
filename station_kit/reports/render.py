"""A report laid out for reading: a PDF (A4, the documents' embedded Noto Serif SC, so it prints the
same on a PC with no Chinese font), an .xlsx (one sheet, numbers kept as numbers with their formats,
the chart as a picture) or a self-contained HTML page (no script, no request leaves the file).

Charts are drawn by matplotlib in the same embedded font, with the axis from zero and round ticks.
Every text is escaped or written as a plain cell: a station or street name is data, never markup
or a formula.
"""

from __future__ import annotations

import base64
import html
import io
import math
from functools import lru_cache
from pathlib import Path

from station_kit.errors import DomainError
from station_kit.reports.content import Cell, Chart, Report, Table

FORMATS = (".pdf", ".xlsx", ".html")
# Relative widths of the PDF's columns that need more than the others ("个百分点" changes, names).
COLUMN_WIDTHS = {"指标": 2.2, "环比": 1.4, "同比": 1.4, "站点": 1.6, "任务": 1.6}
# Excel's number formats for each style of cell.
EXCEL_FORMATS = {"count": "#,##0", "hours": "#,##0.0", "percent": "0.0%", "change": "+0.0%;-0.0%;0.0%",
                 "points": '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"'}


def cell_text(cell: Cell) -> str:
    value = cell.value
    if cell.style == "text":
        return "" if value is None else str(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value * 100)):
        return "—"
    return {"count": f"{value:,.0f}", "hours": f"{value:,.1f}", "percent": f"{value:.1%}",
            "change": f"{value:+.1%}", "points": f"{value:+.1f} 个百分点"}[cell.style]


@lru_cache
def _font_name() -> str:
    from matplotlib import font_manager

    from station_kit.io.pdf import font_file

    font_manager.fontManager.addfont(font_file())
    return font_manager.FontProperties(fname=font_file()).get_name()


def chart_png(chart: Chart, *, width_inches: float = 7.0) -> bytes:
    """The chart as a PNG: bars from zero, round ticks with thousands separators, the unit on the axis."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from station_kit.plotting import thousands

    figure = Figure(figsize=(width_inches, 3.0), dpi=150)
    axis = figure.subplots()
    font = _font_name()
    axis.bar(range(len(chart.values)), chart.values, color="#c8102e")
    axis.set_xticks(range(len(chart.labels)), chart.labels, rotation=45, ha="right", fontname=font, fontsize=8)
    axis.set_ylabel(chart.unit, fontname=font)
    axis.set_title(chart.title, fontname=font, fontsize=11)
    thousands(axis)
    for label in axis.get_yticklabels():
        label.set_fontsize(8)
    axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def to_html(report: Report) -> str:
    esc = html.escape
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{esc(report.title)}</title>"
             "<style>body{font-family:'Noto Serif CJK SC','Noto Serif SC','SimSun',serif;max-width:60em;"
             "margin:2em auto;color:#191919;line-height:1.7}h1{text-align:center;font-size:1.6em}"
             ".sub{text-align:center;color:#5f5f5f;font-size:.9em}table{border-collapse:collapse;margin:.8em 0}"
             "th,td{border:1px solid #999;padding:.2em .6em}th{background:#f2f2f2;font-weight:normal}"
             "td.n{text-align:right}caption{text-align:left;font-weight:bold}img{max-width:100%}</style>"
             f"</head><body><h1>{esc(report.title)}</h1><p class='sub'>{esc(report.subtitle)}</p>"]
    for section in report.sections:
        parts.append(f"<h2>{esc(section.heading)}</h2>")
        parts += [f"<p>{esc(sentence)}</p>" for sentence in section.sentences]
        for block in section.blocks:
            if isinstance(block, Table):
                head = "".join(f"<th>{esc(title)}</th>" for title in block.header)
                body = "".join("<tr>" + "".join(
                    f"<td{'' if cell.style == 'text' else ' class=n'}>{esc(cell_text(cell))}</td>" for cell in row)
                    + "</tr>" for row in block.rows)
                parts.append(f"<table><caption>{esc(block.title)}</caption><tr>{head}</tr>{body}</table>")
            else:
                picture = base64.b64encode(chart_png(block)).decode()
                parts.append(f"<img alt='{esc(block.title)}' src='data:image/png;base64,{picture}'>")
    parts.append("</body></html>")
    return "".join(parts)


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from station_kit.io.sheets import display_width

    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths: dict[int, int] = {}
    row = 1

    def put(column: int, value, *, bold: bool = False, size: float | None = None, style: str = "text"):
        cell = sheet.cell(row, column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text as typed, never a formula
        cell.font = Font(bold=bold, size=size)
        if style in EXCEL_FORMATS:
            cell.number_format = EXCEL_FORMATS[style]
        return cell

    put(1, report.title, bold=True, size=16)
    row += 1
    put(1, report.subtitle)
    row += 2
    for section in report.sections:
        put(1, section.heading, bold=True, size=13)
        row += 1
        for sentence in section.sentences:
            put(1, sentence).alignment = Alignment(wrap_text=False)
            row += 1
        for block in section.blocks:
            row += 1
            if isinstance(block, Table):
                put(1, block.title, bold=True)
                row += 1
                for column, title in enumerate(block.header, start=1):
                    heading = put(column, title, bold=True)
                    heading.fill, heading.border = PatternFill("solid", fgColor="F2F2F2"), box
                    widths[column] = max(widths.get(column, 0), display_width(title))
                for cells in block.rows:
                    row += 1
                    for column, cell in enumerate(cells, start=1):
                        value = cell.value
                        if cell.style != "text" and (value is None or (isinstance(value, float) and math.isnan(value))):
                            value = "—"
                        put(column, value, style=cell.style).border = box
                        widths[column] = max(widths.get(column, 0), display_width(cell_text(cell)))
                row += 2
            else:
                picture = Image(io.BytesIO(chart_png(block)))
                picture.width, picture.height = picture.width * 0.55, picture.height * 0.55
                sheet.add_image(picture, f"A{row}")
                row += math.ceil(picture.height / 20) + 2
    for column, width in widths.items():
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(width + 3, 40)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(report: Report) -> bytes:
    from fpdf.enums import Align

    from station_kit.io.pdf import BOTTOM_MARGIN, GREY, SERIF, _Document, _table_style

    pdf = _Document(report.title, footer_text=report.title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.heading(report.title, 17)
    pdf.ln(2)
    pdf.paragraph(report.subtitle, 9, align=Align.C, indent=False, color=GREY)
    for section in report.sections:
        pdf.ln(4)
        pdf.ensure_room(30)
        pdf.set_font(SERIF, size=13)
        pdf.multi_cell(0, 8, section.heading, new_x="LMARGIN", new_y="NEXT")
        for sentence in section.sentences:
            pdf.paragraph(sentence, 11)
        for block in section.blocks:
            pdf.ln(2)
            if isinstance(block, Table):
                size = 8 if len(block.header) > 6 else 9
                # a table that fits on one page starts on a page where it fits (a row's height, roughly)
                height = 6 + (len(block.rows) + 2) * (size * 0.55 + 2.4)
                pdf.ensure_room(height if height < pdf.h - pdf.t_margin - BOTTOM_MARGIN else 20)
                pdf.set_font(SERIF, size=10)
                pdf.multi_cell(0, 6, block.title, new_x="LMARGIN", new_y="NEXT")
                widths = [COLUMN_WIDTHS.get(title, 1) for title in block.header]
                with pdf.table(**_table_style(pdf, size), text_align="CENTER", col_widths=widths) as table:
                    table.row(block.header)
                    for cells in block.rows:
                        table.row([cell_text(cell) for cell in cells])
            else:
                height = pdf.epw * 3.0 / 7.0
                pdf.ensure_room(height)
                pdf.image(io.BytesIO(chart_png(block)), w=pdf.epw)
    return pdf.bytes()


def check_format(path: Path) -> str:
    """The format ``path``'s ending names: .pdf, .xlsx or .html; any other is refused with a message."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DomainError.on("out", "report.format_invalid", path=str(path))
    return suffix


def report_bytes(report: Report, path: Path) -> bytes:
    """The report in the format ``path``'s ending names."""
    suffix = check_format(path)
    if suffix == ".pdf":
        return to_pdf(report)
    if suffix == ".xlsx":
        return to_xlsx(report)
    return to_html(report).encode("utf-8")
