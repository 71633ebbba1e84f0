"""Spreadsheets built for tests the way stations make them: with openpyxl, into temp files."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

VOLUNTEER_HEADERS = ("姓名", "性别", "证件类型", "身份证号", "手机号码", "出生日期")


def xlsx(rows: Sequence[Sequence[object]], *, merge: Sequence[str] = (), text_columns: str = "") -> bytes:
    """An .xlsx of ``rows`` (first row at A1); ``merge`` lists ranges such as "A1:C1"; text cells in
    ``text_columns`` (letters) are formatted as 文本, as a worker who knew Excel's ways did; a number
    there stays a number, as it does when typed before the column was formatted."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for letter in text_columns:
        for cell in sheet[letter]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
