"""Checks on what people type, without a database."""

import datetime as dt

import pytest

from station_kit.errors import DomainError
from station_kit.models.people import Gender
from station_kit.validation import (
    REGION_UNVERIFIED,
    check_credit_code,
    check_phone,
    check_resident_id,
    name_pinyin,
)
from tests.factories import with_check_digit


def refusal(check, value) -> str:
    with pytest.raises(DomainError) as caught:
        check(value)
    return caught.value.keys()[0]


def test_resident_id_gives_birth_date_and_gender():
    number = with_check_digit("61088120180304321")
    parsed = check_resident_id(number.lower())
    assert (parsed.birth_date, parsed.gender, parsed.note) == (dt.date(2018, 3, 4), Gender.male, "")


def test_lowercase_x_check_digit_and_spaces_are_accepted():
    number = with_check_digit("61082120050304970")
    assert number.endswith("X")
    assert check_resident_id(" " + number.lower()[:6] + " " + number.lower()[6:]).number == number


@pytest.mark.parametrize("value, key", [
    ("", "id_number.required"),
    ("6127221985", "id_number.length"),
    ("61272219850615A01X", "id_number.format"),
    (with_check_digit("61272230000101001"), "id_number.birth_date"),
])
def test_resident_id_refusals(value, key):
    assert refusal(check_resident_id, value) == key


def test_region_out_of_its_period_is_noted_not_refused():
    # 612722 (神木县) was replaced in 1999; a card issued later under that code still exists.
    assert check_resident_id(with_check_digit("61272220050101001")).note == REGION_UNVERIFIED


@pytest.mark.parametrize("number", ["610899197101301509", "110199198506150014"])
def test_county_no_table_knows_is_noted_not_refused(number):
    # A real province (陕西, 北京) with a county code python-stdnum has no entry for at all.
    parsed = check_resident_id(number)
    assert (parsed.number, parsed.note) == (number, REGION_UNVERIFIED)


@pytest.mark.parametrize("first_17", ["99089919710130150", "00010119850615001"])
def test_province_digits_must_be_real(first_17):
    assert refusal(check_resident_id, with_check_digit(first_17)) == "id_number.province"


@pytest.mark.parametrize("raw, clean", [
    ("138 0013 8000", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("0912-8321234", "09128321234"),
])
def test_phone_is_normalised(raw, clean):
    assert check_phone(raw) == clean


@pytest.mark.parametrize("raw", ["1380013800", "12345678901", "+1 415 555 2671", "abc"])
def test_bad_phone_is_refused(raw):
    assert refusal(check_phone, raw) == "phone.invalid"


def test_credit_code_check_character():
    import random

    from station_kit.demo.people import credit_code

    good = credit_code(random.Random(1))
    assert check_credit_code(good) == good
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert refusal(check_credit_code, bad) == "credit_code.invalid"


@pytest.mark.parametrize("name, full, initials", [
    ("张伟", "zhangwei", "zw"),
    ("曾红", "zenghong", "zh"),
    ("单丽", "shanli", "sl"),
    ("尉迟敬德", "yuchijingde", "ycjd"),
])
def test_pinyin_reads_surnames_as_surnames(name, full, initials):
    assert name_pinyin(name) == (full, initials)
