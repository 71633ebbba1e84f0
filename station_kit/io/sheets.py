"""Spreadsheets in and out: an .xlsx or .csv read into rows under their matched headers, and rows
written as an .xlsx a worker opens straight away (Chinese headers, ID-like columns as text, widths
that fit) or as a CSV with a UTF-8 byte-order mark, without which Excel reads UTF-8 as GBK.

Whatever a person typed is written as text, never as a formula: a name, address or title beginning
with = + - @ (or a tab or carriage return) would otherwise run in Excel or WPS when the file is opened
(OWASP's "CSV injection"). The .xlsx keeps such a cell as a text cell, showing exactly what was typed;
the CSV, which has no cell types, puts an apostrophe before it, as OWASP advises.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from station_kit.errors import DomainError
from station_kit.io.cells import cell_text, match_headers

# A header is looked for in the first rows: above it a sheet often has a title and a date line.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows beside it (a CSV's line number)
    values: dict[str, object]  # field → the cell as stored (text, number, date or None)


@dataclass(frozen=True)
class Table:
    header_row: int
    columns: dict[str, str]  # field → the header as written in the file
    unknown: tuple[str, ...]  # headers that match no field (left unread)
    rows: tuple[SheetRow, ...]  # blank lines left out


def read_table(content: bytes, filename: str, synonyms: Mapping[str, list[str]]) -> Table:
    """The first sheet's rows, under the row that names most of the fields (at least two).

    Merged cells count as their value repeated in every cell they cover: a header merged over two
    rows, or an activity's name merged down the rows of its volunteers, reads as a person means it.
    """
    lines = _csv_lines(content) if filename.lower().endswith(".csv") else _xlsx_lines(content)
    best_row, best, headers = None, {}, []
    for number, cells in lines[:HEADER_SEARCH_ROWS]:
        found = match_headers(cells, synonyms)
        if len(found) >= 2 and len(found) > len(best):
            best_row, best, headers = number, found, cells
    if best_row is None:
        raise DomainError.on("file", "imports.file.no_header")
    rows = []
    for number, cells in lines:
        if number <= best_row:
            continue
        if number == best_row + 1 and _continues_header(cells, headers, best, synonyms):
            continue  # the header's second row, under cells merged down over both
        values = {name: cells[index] if index < len(cells) else None for name, index in best.items()}
        if all(cell_text(value) == "" for value in cells):
            continue
        rows.append(SheetRow(number, values))
    used = set(best.values())
    unknown = tuple(cell_text(header) for index, header in enumerate(headers)
                    if index not in used and cell_text(header))
    columns = {name: cell_text(headers[index]) for name, index in best.items()}
    return Table(best_row, columns, unknown, tuple(rows))


def _continues_header(cells: list[object], headers: list[object], found: Mapping[str, int],
                      synonyms: Mapping[str, list[str]]) -> bool:
    """The header's second row, not a person: under each matched column it repeats the header (a cell
    merged down over both rows) or names a column itself (联系方式 above, 手机号码 below)."""
    names = set(match_headers(cells, synonyms).values())
    return all(index < len(cells) and (cell_text(cells[index]) == cell_text(headers[index]) or index in names)
               for index in found.values())


def _xlsx_lines(content: bytes) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    if content[:4] == b"\xd0\xcf\x11\xe0":  # the old binary .xls (an OLE file)
        raise DomainError.on("file", "imports.file.old_xls")
    try:
        sheet = load_workbook(io.BytesIO(content), data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise DomainError.on("file", "imports.file.unreadable") from None
    except SyntaxError:  # the XML inside is not well formed: a raw control character another program wrote
        raise DomainError.on("file", "imports.file.bad_characters") from None
    merged = {}
    for cells in sheet.merged_cells.ranges:
        top_left = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                merged[row, column] = top_left
    lines = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        lines.append((number, [merged.get((number, column), value)
                               for column, value in enumerate(row, start=1)]))
    return lines


def _csv_lines(content: bytes) -> list[tuple[int, list[object]]]:
    """A CSV saved by Excel on a Chinese Windows is GBK; one from anywhere else, UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError.on("file", "imports.file.unreadable")
    if "\x00" in text:
        raise DomainError.on("file", "imports.file.unreadable")
    try:
        return [(number, list(cells)) for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except csv.Error as error:
        if "field limit" in str(error):
            raise DomainError.on("file", "imports.file.cell_too_long", most=csv.field_size_limit()) from None
        raise DomainError.on("file", "imports.file.unreadable") from None


@dataclass(frozen=True)
class Column:
    header: str
    text: bool = False  # ID-like: stored as text so Excel neither rounds it nor drops leading zeros


WIDEST_COLUMN = 50


def display_width(text: str) -> int:
    """How many character cells ``text`` takes in Excel: a Chinese character takes two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def xlsx_bytes(title: str, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> bytes:
    """One sheet: a bold, frozen header row, each column as wide as its widest cell. Written row by row
    (openpyxl's write-only mode): a month of a large station, some thousands of rows, takes a fraction of a
    second, where the workbook kept whole in memory took seconds, looking up its last row at each row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    values = [[_cell(value, column) for value, column in zip(row, columns)] for row in rows]
    widths = [max([display_width(column.header), *(display_width(cell_text(value)) for value in set(cells))])
              for column, cells in zip(columns, zip(*values, strict=True) if values else [()] * len(columns))]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, WIDEST_COLUMN)
    sheet.freeze_panes = "A2"
    formats = ["@" if column.text else None for column in columns]  # a date gets yyyy-mm-dd from openpyxl itself
    bold = Font(bold=True)
    sheet.append([_styled(WriteOnlyCell(sheet, value=column.header), font=bold) for column in columns])
    for row in values:  # most values go as they are; the rest as cells (_written)
        sheet.append([value if number_format is None and not (value.__class__ is str and value[:1] == "=")
                      else _written(sheet, value, number_format) for value, number_format in zip(row, formats)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styled(cell, **styles):
    for name, value in styles.items():
        setattr(cell, name, value)
    return cell


def _written(sheet, value: object, number_format: str | None):
    """A value as a cell with its number format, text kept text where openpyxl would take it for a formula
    (what begins with "=")."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def _cell(value: object, column: Column) -> object:
    if column.text:
        return cell_text(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def csv_bytes(columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark and CRLF line ends, which Excel on Windows opens without garbling.
    Excel still reads a long run of digits in a CSV as a number; the masked ID numbers and phones
    exports carry hold "*" and stay text, and the .xlsx export marks such columns as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: object) -> str:
    """A CSV cell: typed text that a spreadsheet would run as a formula gets an apostrophe before it;
    numbers (a negative one too) stay as they are."""
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
