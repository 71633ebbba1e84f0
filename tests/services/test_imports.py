"""Importing spreadsheets as stations have them: title lines, merged header cells, blank lines, ID
numbers Excel turned into numbers, duplicates in the file and against the database, dates as text
and as Excel serials. Preview first, then all rows or none; the same file twice adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import select

from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import ServiceRecord, Volunteer
from station_kit.models.work import RecordStatus
from station_kit.services.actor import Actor
from station_kit.services.imports import ADD, REFUSE, SKIP, error_lines, import_file, preview_import
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import READER, id_number, volunteer_data
from tests.sheets import VOLUNTEER_HEADERS, xlsx

WORKER = Actor("导入员")
CHILD_BIRTH = dt.date(2016, 3, 8)


def _preview(engine, station, kind, content, filename="名册.xlsx"):
    with read_session(engine) as session:
        return preview_import(scope=Scope(session, READER), station_id=station.id, kind=kind, content=content,
                              filename=filename)


def _import(engine, station, kind, content, filename="名册.xlsx"):
    with write_session(engine) as session:
        return import_file(scope=Scope(session, WORKER), station_id=station.id, kind=kind, content=content,
                           filename=filename, consent_on_file=True)


def _count(engine, model, *conditions) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*conditions)).one()


def _messy_roll(registered: str, numbers: list[str]) -> bytes:
    """A roll as a station keeps it: a title merged over the columns, a header merged over two rows
    (证件 above 证件类型 | 身份证号), blank lines, IDs as text, one ID Excel stored as a number."""
    a, b, c, d = numbers
    rows = [
        ("兴神路社区志愿者名册（2023年）",),
        ("姓名", "性别", "证件", None, "手机号码 ", "出生日期"),
        ("姓名", "性别", "证件类型", "身份证号", "手机号码 ", "出生日期"),
        ("张　伟", "男", "居民身份证", a, "13800138000", None),  # full-width space inside the name
        (),
        ("李秀英", "女", "", b, 13800138001, None),  # phone typed as a number: fine, 11 digits
        ("王磊", "男", "", 6.10881199001011e17, "13800138002", None),  # ID lost to Excel
        ("赵敏", "女", "", c, "13800138003", None),
        ("刘洋", "", "", b, "13800138004", None),  # the same ID as row 6
        ("陈静", "女", "", registered, "13800138005", None),  # registered already, same name
        ("孙强", "男", "护照", "E12345678", "13800138006", 30000),  # born 1982-02-17, as an Excel serial
        (None, None, None, None, None, None),
        ("小明", "男", "居民身份证", d, "13800138007", None),  # under 14, no guardian
    ]
    return xlsx(rows, merge=["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"], text_columns="D")


@pytest.fixture
def numbers():
    return [id_number(), id_number(male=False), id_number(male=False), id_number(birth_date=CHILD_BIRTH)]


def test_a_messy_roll_is_previewed_row_by_row_and_nothing_is_written(engine, station, numbers):
    registered = id_number(male=False)
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, WORKER), station_id=station.id,
                           data=volunteer_data(name="陈静", id_number=registered))
    preview = _preview(engine, station, "volunteers", _messy_roll(registered, numbers))
    outcome = {row.row: row.outcome for row in preview.rows}
    # Rows as Excel numbers them: the header is row 3, blank rows 5 and 12 are left out.
    assert outcome == {4: ADD, 6: ADD, 7: REFUSE, 8: ADD, 9: REFUSE, 10: SKIP, 11: ADD, 13: REFUSE}
    text = {row.row: " ".join(error_lines(preview, row)) for row in preview.rows}
    assert "6.10881E+17" in text[7] and text[7].startswith("身份证号")
    assert "与第 6 行重复" in text[9]
    assert "监护人" in text[13]
    skipped = next(row for row in preview.rows if row.row == 10)
    assert skipped.note.key == "imports.already_registered"
    assert not preview.can_commit
    with pytest.raises(DomainError) as refused:
        _import(engine, station, "volunteers", _messy_roll(registered, numbers))
    assert sorted(error.params["row"] for error in refused.value.errors) == [7, 9, 13]
    assert _count(engine, Volunteer) == 1


def test_the_fixed_roll_goes_in_whole_and_a_second_import_adds_nothing(engine, station, numbers):
    a, b, c, _child = numbers
    rows = [VOLUNTEER_HEADERS,
            ("张伟", "男", "居民身份证", a, "13800138000", None),
            ("李秀英", "女", "", b, "13800138001", None),
            ("赵敏", "女", "", c, "13800138003", "1990-01-01"),  # a birth date that contradicts the ID
            ("孙强", "男", "护照", "E12345678", "13800138006", "1981年3月15日")]
    content = xlsx(rows, text_columns="D")
    preview = _preview(engine, station, "volunteers", content)
    assert [row.outcome for row in preview.rows] == [ADD, ADD, REFUSE, ADD]
    rows[3] = ("赵敏", "女", "", c, "13800138003", None)
    content = xlsx(rows, text_columns="D")
    result = _import(engine, station, "volunteers", content)
    assert (result.added, result.skipped) == (4, 0)
    with read_session(engine) as session:
        imported = session.exec(select(Volunteer).order_by(Volunteer.number)).all()
        assert [v.number for v in imported] == ["TST000001", "TST000002", "TST000003", "TST000004"]
        assert imported[3].birth_year == 1981 and imported[3].id_number_masked.endswith("5678")
    again = _import(engine, station, "volunteers", content)
    assert (again.added, again.skipped) == (0, 4)
    assert _count(engine, Volunteer) == 4


def test_a_registered_number_under_another_name_is_refused(engine, station):
    number = id_number()
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, WORKER), station_id=station.id,
                           data=volunteer_data(name="陈静", id_number=number))
    preview = _preview(engine, station, "volunteers",
                       xlsx([VOLUNTEER_HEADERS, ("陈晶", "男", "", number, "13800138009", None)], text_columns="D"))
    assert preview.rows[0].outcome == REFUSE
    assert "陈静" in error_lines(preview, preview.rows[0])[0]


def test_a_file_without_an_id_column_says_which_column_is_missing(engine, station):
    preview = _preview(engine, station, "volunteers", xlsx([("姓名", "手机号码"), ("张伟", "13800138000")]))
    assert [error.key for error in preview.file_errors] == ["imports.file.missing_column"]
    assert preview.file_errors[0].params["column"] == "证件号码"


def test_consent_must_be_confirmed_for_a_volunteers_file(engine, station):
    content = xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "", id_number(), "13800138000", None)], text_columns="D")
    with write_session(engine) as session, pytest.raises(DomainError) as refused:
        import_file(scope=Scope(session, WORKER), station_id=station.id, kind="volunteers", content=content,
                    filename="x.xlsx")
    assert refused.value.keys() == ["imports.consent_required"]


def test_a_csv_saved_by_excel_in_gbk_reads_like_the_xlsx(engine, station):
    number = id_number()
    text = "姓名,性别,身份证号,手机号码\r\n张伟,男,{},13800138000\r\n王磊,男,6.10881E+17,13800138002\r\n"
    preview = _preview(engine, station, "volunteers", text.format(number).encode("gb18030"), "名册.csv")
    assert [row.outcome for row in preview.rows] == [ADD, REFUSE]


HOURS_HEADERS = ("序号", "姓名", "身份证号", "活动名称", "服务日期", "认定时数（小时）")


def test_hours_from_the_national_system_arrive_approved_once(engine, station):
    first, second = id_number(), id_number(male=False)
    with write_session(engine) as session:
        for name, number in (("张伟", first), ("李秀英", second)):
            register_volunteer(scope=Scope(session, WORKER), station_id=station.id,
                               data=volunteer_data(name=name, id_number=number))
    rows = [HOURS_HEADERS,
            (1, "张伟", first, "周五爱国卫生大扫除", dt.date(2024, 3, 1), 2),
            (2, "李秀英", second, "周五爱国卫生大扫除", 45352, "1.5"),  # 2024-03-01 as an Excel serial
            (3, "李秀英", second, "法治讲座", "2024/3/1", "3小时"),  # the same day: laid after the first
            (4, "李秀英", second, "法治讲座", "2024/3/1", "3小时"),  # a pasted line twice
            (5, "张伟", second, "法治讲座", "2024-03-02", 1),  # the name is not the number's
            (6, "王五", id_number(), "法治讲座", "2024-03-02", 1),  # registered nowhere
            (7, "张伟", first, "法治讲座", "明天", 1)]
    preview = _preview(engine, station, "hours", xlsx(rows, text_columns="C"), "认定时数.xlsx")
    assert [row.outcome for row in preview.rows] == [ADD, ADD, ADD, REFUSE, REFUSE, REFUSE, REFUSE]
    messages = [" ".join(error_lines(preview, row)) for row in preview.rows]
    assert "与第 4 行重复" in messages[3] and "李秀英" in messages[4]
    assert "找不到这名志愿者" in messages[5] and "日期看不懂" in messages[6]
    fixed = xlsx(rows[:4], text_columns="C")
    assert _import(engine, station, "hours", fixed, "认定时数.xlsx").added == 3
    with read_session(engine) as session:
        records = session.exec(select(ServiceRecord).order_by(ServiceRecord.started_at, ServiceRecord.id)).all()
    assert [record.minutes for record in records] == [120, 90, 180]
    assert {record.status for record in records} == {RecordStatus.approved}
    assert all(record.is_backfill for record in records)
    lee = [record for record in records if record.minutes in (90, 180)]
    assert lee[0].ended_at <= lee[1].started_at  # one person's records never overlap
    assert _import(engine, station, "hours", fixed, "认定时数.xlsx").added == 0
    assert _count(engine, ServiceRecord) == 3


def test_hours_a_station_typed_arrive_pending(engine, station):
    number = id_number()
    with write_session(engine) as session:
        volunteer = register_volunteer(scope=Scope(session, WORKER), station_id=station.id,
                                       data=volunteer_data(name="张伟", id_number=number))
    content = xlsx([("志愿者编号", "活动名称", "日期", "服务时长"), (volunteer.number, "助老", "2024-05-04", 2.5)])
    assert _import(engine, station, "hours", content, "时长.xlsx").added == 1
    assert _count(engine, ServiceRecord, ServiceRecord.status == RecordStatus.pending,
                  ServiceRecord.minutes == 150) == 1


def test_the_command_prints_each_refused_row_and_imports_nothing(sqlite_url, tmp_path, capsys):
    from station_kit.cli import main

    assert main(["init", "--db", sqlite_url, "--name", "测试社区", "--code", "TST"]) == 0
    roll = tmp_path / "名册.xlsx"
    roll.write_bytes(xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "", id_number(), "13800138000", None),
                           ("王磊", "男", "", 6.10881199001011e17, "13800138002", None)], text_columns="D"))
    capsys.readouterr()
    assert main(["import", "--db", sqlite_url, "volunteers", str(roll), "--consent-on-file"]) == 2
    captured = capsys.readouterr()
    assert "第 3 行  身份证号：证件号码被 Excel 存成了数字" in captured.err
    assert "可导入 1 行" in captured.out and "有错 1 行" in captured.out
    assert main(["tally", "--json", "--db", sqlite_url]) == 0
    assert '"volunteers": 0' in capsys.readouterr().out


def test_a_header_over_two_rows_and_ids_written_the_excel_way_read_as_people_mean_them(engine, station):
    """A roll whose header cells are merged down over two rows (with 联系方式 split into 手机 and 备注
    underneath) has one person in it, not two; an ID typed as ="610881…" (so that Excel keeps it as
    text) is that number, in the .xlsx and in the CSV."""
    first, second = id_number(), id_number(male=False)
    content = xlsx([("姓名", "性别", "身份证号", "联系方式", None),
                    (None, None, None, "手机号码", "备注"),
                    ("张伟", "男", first, "13800138000", "")],
                   merge=("A1:A2", "B1:B2", "C1:C2", "D1:E1"), text_columns="C")
    preview = _preview(engine, station, "volunteers", content)
    assert [error_lines(preview, row) for row in preview.rows] == [[]]
    assert [row.outcome for row in preview.rows] == [ADD]
    assert preview.rows[0].row == 3
    text = f'姓名,性别,身份证号,手机号码\r\n李娜,女,="{second}",13800138001\r\n'
    from_csv = _preview(engine, station, "volunteers", text.encode(), "名册.csv")
    assert [error_lines(from_csv, row) for row in from_csv.rows] == [[]]
    assert [row.outcome for row in from_csv.rows] == [ADD]


def test_a_day_that_cannot_hold_the_hours_says_which_day_it_means(engine, station):
    """Hours are laid from 08:00 to midnight: 10 h and then 7 h on one day do not fit, and the
    message names that window rather than a 24-hour day."""
    number = id_number()
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, WORKER), station_id=station.id,
                           data=volunteer_data(name="张伟", id_number=number))
    rows = [HOURS_HEADERS, (1, "张伟", number, "防控值守", "2024-03-01", 10), (2, "张伟", number, "防控值守", "2024-03-01", 7)]
    preview = _preview(engine, station, "hours", xlsx(rows, text_columns="C"), "认定时数.xlsx")
    assert [row.outcome for row in preview.rows] == [ADD, REFUSE]
    assert "08:00 到 24:00" in " ".join(error_lines(preview, preview.rows[1]))
