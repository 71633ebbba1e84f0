"""Property tests for reading spreadsheets (DESIGN.md §11): any cell a sheet may hold (text, number,
date, bool, nothing) ends in a value or a DomainError, and a header matches its field however it is
spaced or typed in full width."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_kit.errors import DomainError
from station_kit.io.cells import EXACT_DIGITS, date_value, id_like, match_headers, minutes_value
from station_kit.rules import load_rules
from tests.fuzz import FUZZ

cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.from_regex(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?", fullmatch=True),
    st.from_regex(r"\d+(\.\d+)?\s*(小时|分钟|h)?", fullmatch=True),
    st.dates(), st.datetimes(), st.times(),
)
SYNONYMS = load_rules("imports")["volunteers"]["columns"]
FULL_WIDTH = {code - 0xFEE0: code for code in range(0xFF01, 0xFF5F)}


def _value_or_refusal(read):
    try:
        return read()
    except DomainError as error:
        assert error.errors and all(item.key.startswith("imports.cell.") for item in error.errors)
        return None


@FUZZ
@given(cells)
def test_any_cell_reads_as_a_value_or_a_refusal(value):
    day = _value_or_refusal(lambda: date_value(value, field="date"))
    assert day is None or isinstance(day, dt.date)
    minutes = _value_or_refusal(lambda: minutes_value(value, field="hours"))
    assert minutes is None or 0 < minutes <= 24 * 60
    text = _value_or_refusal(lambda: id_like(value, field="id_number"))
    assert text is None or isinstance(text, str)


@FUZZ
@given(st.floats(min_value=10 ** EXACT_DIGITS, max_value=1e19) | st.integers(10 ** EXACT_DIGITS, 10 ** 19))
def test_an_id_number_stored_as_a_long_number_is_always_refused(value):
    try:
        id_like(value, field="id_number")
    except DomainError as error:
        assert error.keys() == ["imports.cell.id_as_number"]
    else:
        raise AssertionError(f"{value!r} was read as an ID number")


@FUZZ
@given(st.integers(0, 10 ** EXACT_DIGITS - 1))
def test_a_shorter_whole_number_reads_back_as_its_digits(value):
    assert id_like(value, field="phone") == str(value)
    assert id_like(float(value), field="phone") == str(value)  # below 2**53 a float is exact


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))  # several draws per example: slower ones
@given(st.sampled_from(sorted(SYNONYMS)), st.data())
def test_a_header_matches_its_field_however_it_is_spaced_or_typed(field_name, data):
    name = data.draw(st.sampled_from(SYNONYMS[field_name]))
    spaced = "".join(char + data.draw(st.sampled_from(["", " ", "\u3000"])) for char in name)
    typed = spaced.translate(FULL_WIDTH) if data.draw(st.booleans()) else spaced
    marked = typed + data.draw(st.sampled_from(["", "*", "（必填）", " "]))
    others = data.draw(st.lists(st.sampled_from(["序号", "备注", "", None, 3]), max_size=4))
    assert match_headers([*others, marked], SYNONYMS) == {field_name: len(others)}


@FUZZ
@given(st.lists(st.one_of(st.none(), st.text(), st.integers(), st.floats()), max_size=12))
def test_any_header_row_matches_each_field_to_one_column_at_most(headers):
    found = match_headers(headers, SYNONYMS)
    assert set(found) <= set(SYNONYMS)
    assert len(set(found.values())) == len(found)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["名册.xlsx", "名册.csv"]))
def test_any_file_reads_as_a_table_or_a_refusal(content, filename):
    from station_kit.io.sheets import read_table

    try:
        read_table(content, filename, SYNONYMS)
    except DomainError as error:
        assert error.keys()[0].startswith("imports.file.")


def _rezipped(content: bytes, change) -> bytes:
    """``content`` (an .xlsx) with each member's bytes passed through ``change(name, data)``."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
    return out.getvalue()


@functools.cache
def _good_roll() -> bytes:
    """One roll, written once: openpyxl stamps the time it writes a file, so a roll written anew for each
    example could differ in length from one example to the next and confuse hypothesis' replay."""
    from tests.sheets import VOLUNTEER_HEADERS, xlsx

    return xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "居民身份证", "610881198506150011", "13800138000", "1985-06-15")])


@FUZZ
@given(st.data())
def test_a_damaged_xlsx_reads_as_a_table_or_a_refusal(data):
    """A roll cut short by a failed copy, or one whose XML another program broke (a raw control
    character in a cell), is refused with a message: never a traceback."""
    from station_kit.io.sheets import read_table

    good = _good_roll()
    if data.draw(st.booleans(), label="cut short"):
        damaged = good[:data.draw(st.integers(0, len(good) - 1), label="bytes kept")]
    else:
        member = data.draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                                            "[Content_Types].xml", "xl/styles.xml"]), label="member")
        junk = data.draw(st.binary(min_size=1, max_size=3), label="junk")

        def change(name, content):
            if name != member:
                return content
            at = data.draw(st.integers(0, len(content)), label="at")
            return content[:at] + junk + content[at:]

        damaged = _rezipped(good, change)
    try:
        read_table(damaged, "名册.xlsx", SYNONYMS)
    except DomainError as error:
        assert error.keys()[0].startswith("imports.file.")


def test_a_control_character_in_a_cell_is_named_as_the_reason():
    from station_kit.io.sheets import read_table
    from tests.sheets import VOLUNTEER_HEADERS, xlsx

    good = xlsx([VOLUNTEER_HEADERS, ("张伟", "男", "居民身份证", "610881198506150011", "13800138000", "1985-06-15")])
    damaged = _rezipped(good, lambda name, content: content.replace("张伟".encode(), "张\x01伟".encode()))
    with pytest.raises(DomainError) as refused:
        read_table(damaged, "名册.xlsx", SYNONYMS)
    assert refused.value.keys() == ["imports.file.bad_characters"]


def test_a_csv_cell_of_megabytes_is_named_as_the_reason():
    from station_kit.io.sheets import read_table

    content = ("姓名,性别\n" + "张" * 5_000_000 + ",男\n").encode()
    with pytest.raises(DomainError) as refused:
        read_table(content, "名册.csv", SYNONYMS)
    assert refused.value.keys() == ["imports.file.cell_too_long"]
