"""Exports as a worker opens them: Chinese headers, masked numbers kept as text, columns wide enough,
a CSV Excel reads right, and a monthly report whose figures are the month's rows."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from station_kit.db import read_session, write_session
from station_kit.services.actor import Actor
from station_kit.services.exports import hours_sheet, month_sheet, volunteers_sheet
from station_kit.services.imports import import_file
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import READER, id_number, volunteer_data
from tests.sheets import xlsx


def test_volunteers_xlsx_keeps_masked_numbers_as_text_in_columns_that_fit(engine, station):
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                           data=volunteer_data(name="欧阳娜娜", id_number=id_number(), phone="13800138000"))
    with read_session(engine) as session:
        content = volunteers_sheet(scope=Scope(session, READER), station_id=station.id).to_bytes("xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["志愿者编号", "姓名", "性别"]
    id_column = headers.index("证件号码（后4位）") + 1
    id_cell = sheet.cell(2, id_column)
    assert id_cell.number_format == "@" and id_cell.value.startswith("*") and len(id_cell.value) == 18
    assert sheet.cell(2, headers.index("手机号码") + 1).value == "138****8000"
    assert sheet.column_dimensions[id_cell.column_letter].width >= 18


def test_hours_and_the_monthly_report_count_the_months_rows(engine, station):
    number = id_number()
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                           data=volunteer_data(name="张伟", id_number=number))
    rows = [("姓名", "身份证号", "活动名称", "日期", "认定时数"),
            ("张伟", number, "大扫除", dt.date(2024, 3, 1), 2), ("张伟", number, "讲座", dt.date(2024, 3, 9), 1.5),
            ("张伟", number, "大扫除", dt.date(2024, 2, 2), 1), ("张伟", number, "大扫除", dt.date(2023, 3, 3), 3)]
    with write_session(engine) as session:
        import_file(scope=Scope(session, Actor("t")), station_id=station.id, kind="hours", content=xlsx(rows,
                                                                                                        text_columns="B"),
                    filename="h.xlsx")
    with read_session(engine) as session:
        march = hours_sheet(scope=Scope(session, READER), station_id=station.id, month="2024-03")
        report = month_sheet(scope=Scope(session, READER), station_id=station.id, month="2024-03")
    assert [(row[2], row[3], row[6]) for row in march.rows] == [("大扫除", dt.date(2024, 3, 1), 2.0),
                                                               ("讲座", dt.date(2024, 3, 9), 1.5)]
    figures = {row[0]: row[1:] for row in report.rows}
    assert figures["服务时长（小时，已审核）"] == (3.5, 1.0, 3.0)
    assert figures["开展活动（场）"] == (2, 1, 1)
    csv = report.to_bytes("csv")
    assert csv.startswith("\ufeff".encode()) and "本月（2024-03）" in csv.decode("utf-8-sig")


FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://example.invalid","点我")']


def test_typed_text_that_looks_like_a_formula_is_exported_as_text(engine, station):
    """A name, an address or an activity title typed with a leading = + - @ opens as the text that
    was typed, in the .xlsx and in the CSV, and never runs in Excel or WPS."""
    import csv

    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                           data=volunteer_data(name="张伟", residence_area=FORMULAS[-1]))
        for area in FORMULAS[:-1]:
            register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id, allow_similar=True,
                               data=volunteer_data(name="李娜", residence_area=area))
    with read_session(engine) as session:
        sheet = volunteers_sheet(scope=Scope(session, READER), station_id=station.id)
    book = load_workbook(io.BytesIO(sheet.to_bytes("xlsx"))).active
    column = [cell.value for cell in book[1]].index("居住区域") + 1
    cells = [book.cell(row, column) for row in range(2, book.max_row + 1)]
    assert sorted(cell.value for cell in cells) == sorted(FORMULAS)
    assert {cell.data_type for cell in cells} == {"s"}  # text cells: openpyxl reads a formula as "f"
    rows = list(csv.reader(io.StringIO(sheet.to_bytes("csv").decode("utf-8-sig"))))
    shown = [row[rows[0].index("居住区域")] for row in rows[1:]]
    assert sorted(shown) == sorted("'" + formula for formula in FORMULAS)
    ages = [row[rows[0].index("年龄")] for row in rows[1:]]
    assert all(age.isdigit() for age in ages)  # numbers are left alone
