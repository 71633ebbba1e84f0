"""`station-kit report`: a leader's month, quarter or year report of a station or a street, as PDF, .xlsx
and HTML. Its figures are checked against plain SQL over the raw rows of the test street (`station-kit
demo --stations 4`), its sentences against its own table, and its files are read back as a reader
would: the PDF's text and a drawn page, the workbook's cells, the page's markup."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from station_kit.cli import main
from station_kit.db import get_engine
from station_kit.errors import DomainError
from station_kit.reports import build_report, parse_period, report_bytes
from station_kit.reports.content import Cell, Chart, Report, Section, Table
from station_kit.reports.render import cell_text, to_html, to_xlsx
from station_kit.rules.hours import hours
from tests.databases import street_url
from tests.pdfs import ink, pdf_text, render_page

STREET_CODES = ["XSL", "DXJ", "BHL", "ELS"]


@pytest.fixture(scope="module")
def street():
    url = street_url()
    return url, get_engine(url), sqlite3.connect(url.removeprefix("sqlite:///"))


def _raw(connection, sql: str, *params):
    return connection.execute(sql, params).fetchone()[0]


def _approved_minutes(connection, code: str, first: str, last: str) -> int:
    return _raw(connection, """SELECT coalesce(sum(r.minutes), 0) FROM servicerecord r JOIN station s ON s.id = r.station_id
        WHERE s.code = ? AND r.status = 'approved'
          AND strftime('%Y-%m', r.started_at, '+8 hours') BETWEEN ? AND ?""", code, first, last)


def _served(connection, code: str, first: str, last: str) -> int:
    return _raw(connection, """SELECT count(DISTINCT r.volunteer_id) FROM servicerecord r
        JOIN station s ON s.id = r.station_id JOIN volunteer v ON v.id = r.volunteer_id
        WHERE s.code = ? AND r.status = 'approved' AND NOT r.no_show AND r.minutes > 0 AND v.active
          AND strftime('%Y-%m', r.started_at, '+8 hours') BETWEEN ? AND ?""", code, first, last)


def _registered(connection, code: str, last: str) -> int:
    return _raw(connection, """SELECT count(*) FROM volunteer v JOIN station s ON s.id = v.station_id
        WHERE s.code = ? AND v.active AND strftime('%Y-%m', v.registered_at, '+8 hours') <= ?""", code, last)


def _row(table: Table, label: str) -> list[Cell]:
    return next(row for row in table.rows if row[0].value == label)


def test_a_station_month_states_the_figures_of_its_rows_against_the_months_before(street):
    _, engine, raw = street
    report = build_report(engine, kind="month", period="2022-08", station="XSL")
    table = report.sections[0].blocks[0]
    assert table.header == ["指标", "2022年8月", "2022年7月", "环比", "2021年8月", "同比"]
    now, before, year_before = (hours(_approved_minutes(raw, "XSL", month, month))
                                for month in ("2022-08", "2022-07", "2021-08"))
    hours_row = _row(table, "服务时长（小时）")
    assert [cell.value for cell in hours_row[1:3]] == [now, before] and hours_row[4].value == year_before
    assert hours_row[3].value == pytest.approx(now / before - 1)
    served, registered = _served(raw, "XSL", "2022-08", "2022-08"), _registered(raw, "XSL", "2022-08")
    assert _row(table, "活跃度")[1].value == pytest.approx(served / registered)
    assert _row(table, "人均服务时长（小时）")[1].value == pytest.approx(now / registered)
    sentence = report.sections[0].sentences[0]
    assert f"审核通过的服务时长 {now:,.1f} 小时" in sentence
    assert f"{served:,} 名志愿者参与服务" in sentence and "上月" in sentence and "去年同月" in sentence
    assert report.title == "兴神路社区2022年8月志愿服务月度报告"


def test_a_quarter_and_a_year_add_up_their_months(street):
    url, engine, raw = street
    quarter = build_report(engine, kind="quarter", period="2022-Q2", station="XSL")
    assert quarter.sections[0].blocks[0].header[1:3] == ["2022年第二季度", "2022年第一季度"]
    assert _row(quarter.sections[0].blocks[0], "服务时长（小时）")[1].value == hours(
        _approved_minutes(raw, "XSL", "2022-04", "2022-06"))
    year = build_report(engine, kind="year", period="2021", station="XSL")
    assert year.sections[0].blocks[0].header == ["指标", "2021年", "2020年", "同比"]  # a year has one comparison
    assert _row(year.sections[0].blocks[0], "参与服务的志愿者")[1].value == _served(raw, "XSL", "2021-01", "2021-12")


def test_the_street_ranks_its_stations_by_hours_per_volunteer(street):
    _, engine, raw = street
    report = build_report(engine, kind="month", period="2022-08", street="")
    ranking = report.sections[-1]
    assert ranking.heading == "四、站点排名"
    table = ranking.blocks[0]
    assert len(table.rows) == len(STREET_CODES)
    per_volunteer = [row[5].value for row in table.rows]
    assert per_volunteer == sorted(per_volunteer, reverse=True)
    names = dict(raw.execute("SELECT name, code FROM station").fetchall())
    for row in table.rows:
        code = names[row[1].value]
        assert row[3].value == hours(_approved_minutes(raw, code, "2022-08", "2022-08"))
        assert row[2].value == _registered(raw, code, "2022-08")
    top = table.rows[0]
    assert f"最高的是{top[1].value}（{top[5].value:,.1f} 小时）" in ranking.sentences[0]
    total = sum(hours(_approved_minutes(raw, code, "2022-08", "2022-08")) for code in STREET_CODES)
    assert _row(report.sections[0].blocks[0], "服务时长（小时）")[1].value == pytest.approx(total, abs=0.05 * 4)


def test_a_period_with_nothing_says_so_instead_of_failing(street):
    _, engine, _ = street
    report = build_report(engine, kind="month", period="2009-01", station="XSL")
    text = "".join(sentence for section in report.sections for sentence in section.sentences)
    assert text.count("暂无数据") == 3
    assert {cell_text(cell) for cell in _row(report.sections[0].blocks[0], "活跃度")[1:]} <= {"—", "0.0%"}
    assert not any(isinstance(block, Chart) for section in report.sections for block in section.blocks)


def test_the_pdf_reads_and_draws(street, tmp_path):
    _, engine, _ = street
    report = build_report(engine, kind="month", period="2022-08", street="")
    data = report_bytes(report, tmp_path / "报告.pdf")
    text = pdf_text(data).replace("\n", "")
    assert report.title in text and "人均服务时长" in text and "站点排名" in text
    assert ink(render_page(data, tmp_path, page=1)) > 0.01  # the first page shows its tables, not a blank


def test_the_workbook_keeps_numbers_as_numbers_and_text_as_text(tmp_path):
    hostile = "=HYPERLINK(\"http://x\",\"点\")"
    report = Report(hostile, "统计期", [Section("一", [hostile], [Table("表", ["指标", "本期", "环比"], [
        [Cell(hostile), Cell(1234.5, "hours"), Cell(0.25, "change")],
        [Cell("活跃度"), Cell(0.5, "percent"), Cell(None, "points")]])])])
    sheet = load_workbook(__import__("io").BytesIO(to_xlsx(report))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert cells[hostile].data_type == "s"  # shown as typed, never run as a formula
    assert cells[1234.5].number_format == "#,##0.0" and cells[0.25].number_format.startswith("+0.0%")
    assert cells[0.5].number_format == "0.0%" and "—" in cells


def test_the_html_page_escapes_what_people_typed_and_needs_no_network():
    report = Report("<script>alert(1)</script>社区", "统计期", [Section("一", ["<b>粗</b>"], [
        Chart("走势", ["2022-01", "2022-02"], [1.0, 2.0], "小时")])])
    page = to_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;粗&lt;/b&gt;" in page
    assert "src='data:image/png;base64," in page and "http" not in page


@given(kind=st.sampled_from(["month", "quarter", "year", "week"]), text=st.text(max_size=12))
def test_any_period_text_is_a_period_or_a_message(kind, text):
    try:
        period = parse_period(kind, text)
    except DomainError as error:
        assert error.errors[0].key.startswith("report.")
    else:
        assert period.first_month <= period.last_month and period.before.last_month < period.first_month


@pytest.mark.parametrize("kind, text, first, last", [("month", "2024-3", "2024-03", "2024-03"),
                                                     ("quarter", "2022q4", "2022-10", "2022-12"),
                                                     ("year", " 2020 ", "2020-01", "2020-12")])
def test_periods_read_as_people_write_them(kind, text, first, last):
    period = parse_period(kind, text)
    assert (period.first_month, period.last_month) == (first, last)


def test_the_command_writes_the_file_or_says_why_and_writes_nothing(street, tmp_path, capsys):
    url, _, _ = street
    out = tmp_path / "月报.xlsx"
    assert main(["report", "month", "--period", "2022-08", "--station", "DXJ", "--out", str(out), "--db", url]) == 0
    assert "已写出报告" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet["A1"].value.endswith("2022年8月志愿服务月度报告") and oct(out.stat().st_mode)[-3:] == "600"
    for argv, message in ((["month", "--period", "2022-13"], "不是月份"), (["quarter", "--period", "2022-Q5"], "不是季度"),
                          (["month", "--period", "2022-08", "--station", "NOPE"], "没有代码为 NOPE 的实践站"),
                          (["month", "--period", "2022-08", "--street", "别处街道"], "没有街道“别处街道”的站点")):
        refused = tmp_path / "refused.pdf"
        assert main(["report", *argv, "--out", str(refused), "--db", url]) == 2
        assert message in capsys.readouterr().err and not refused.exists()
    assert main(["report", "year", "--period", "2022", "--out", str(tmp_path / "报告.docx"), "--db", url]) == 2
    assert ".pdf、.xlsx 或 .html" in capsys.readouterr().err


def test_the_registration_rate_counts_the_stations_whose_residents_are_recorded(street, tmp_path):
    import shutil

    from station_kit.db import write_session
    from station_kit.models.org import StationDetailsUpdate
    from station_kit.services.actor import Actor, Role
    from station_kit.services.org import current_station, update_station_details
    from station_kit.services.scope import Scope

    url, _, raw = street
    copy = tmp_path / "street.db"
    shutil.copyfile(url.removeprefix("sqlite:///"), copy)
    engine = get_engine(f"sqlite:///{copy}")
    with write_session(engine) as session:
        scope = Scope(session, Actor("高站长", Role.admin))
        station = current_station(scope)
        data = StationDetailsUpdate(name=station.name, person_in_charge=station.person_in_charge,
                                    contact=station.contact, population=12_000)
        update_station_details(scope=scope, station_id=station.id, data=data)
    report = build_report(engine, kind="month", period="2022-08", street="")
    rate = _registered(raw, station.code, "2022-08") / 12_000
    assert _row(report.sections[0].blocks[0], "注册率")[1].value == pytest.approx(rate)
    assert f"注册志愿者占常住人口的 {rate:.1%}（注册率）（只计填写了常住人口的 1 个站点）。" in report.sections[0].sentences
    ranking = report.sections[-1].blocks[0]
    rates = {row[1].value: cell_text(row[7]) for row in ranking.rows}
    assert rates.pop(station.name) == f"{rate:.1%}" and set(rates.values()) == {"—"}
