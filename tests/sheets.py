"""Spreadsheets built for tests the way stations make them: with openpyxl, into temp files."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

VOLUNTEER_HEADERS = ("姓名", "性别", "证件类型", "身份证号", "手机号码", "出生日期")


def xlsx(rows: Sequence[Sequence[object]], *, merge: Sequence[str] = (), text_columns: str = "") -> bytes:
    """An .xlsx of ``rows`` (first row at A1); ``merge`` lists ranges such as "A1:C1"; cells in
    ``text_columns`` (letters) are stored as text, as a worker who formatted the column as 文本 does."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for letter in text_columns:
        for cell in sheet[letter]:
            if cell.value is not None:
                cell.value, cell.number_format = str(cell.value), "@"
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
