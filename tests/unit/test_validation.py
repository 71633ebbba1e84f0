"""Checks on what people type, without a database."""

import datetime as dt

import pytest

from station_kit.errors import DomainError
from station_kit.models.people import Gender
from station_kit.validation import (
    REGION_UNVERIFIED,
    check_clock,
    check_credit_code,
    check_minutes,
    check_other_id,
    check_phone,
    check_resident_id,
    clean_text,
    name_pinyin,
    search_text,
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


@pytest.mark.parametrize("raw", ["1380013800", "12345678901", "+1 415 555 2671", "(0912)"])
def test_bad_phone_is_refused(raw):
    assert refusal(check_phone, raw) == "phone.invalid"


@pytest.mark.parametrize("raw", ["138OO138OOO", "1380013800o", "TEL 13800138000", "13800138000/139"])
def test_letters_in_a_phone_are_refused_not_read_as_a_keypad(raw):
    assert refusal(check_phone, raw) == "phone.characters"


@pytest.mark.parametrize("raw", ["13800138000 ext. 123", "0912-8321234转8001", "0912-8321234 分机 8001",
                                 "0912 8321234 x8001", "0912-8321234#8001", "0912-8321234\uff038001"])
def test_an_extension_is_refused_not_dropped(raw):
    assert refusal(check_phone, raw) == "phone.extension"


def test_brackets_and_plus_still_separate_a_phone():
    assert check_phone("(0912) 832-1234") == "09128321234"
    assert check_phone("+86 (138) 0013 8000") == "13800138000"


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


def full_width(text: str) -> str:
    """What a Chinese IME in full-width mode types for ``text``."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def test_full_width_digits_are_the_same_number():
    number = with_check_digit("61272219850615001")
    assert check_resident_id(full_width(number)).number == number
    assert check_resident_id(number[:2] + full_width(number[2:])).number == number
    assert check_phone(full_width("138 0013 8000")) == "13800138000"
    assert check_other_id(full_width("e1234567")) == "E1234567"
    assert check_clock(full_width("09:30"), field="starts_at") == dt.time(9, 30)
    assert check_minutes(full_width(" 90 ")) == 90


@pytest.mark.parametrize("odd", ["\u00b2", "\u2460", "\u0663", "\u06f3", "\u096a", "\U0001d7d1"])
def test_digits_that_are_not_ascii_are_refused_with_the_format_message(odd):
    # ², ①, Arabic-Indic ٣ and ۳, Devanagari ४, mathematical bold 3: str.isdigit() says yes to each.
    number = with_check_digit("61272219850615001")
    assert refusal(check_resident_id, number[:5] + odd + number[6:]) == "id_number.format"
    assert refusal(check_other_id, "E123" + odd + "567") == "id_number.other_format"
    assert refusal(check_phone, "1380013800" + odd) == "phone.characters"
    assert refusal(check_minutes, "6" + odd) == "activities.minutes_invalid"
    assert refusal(lambda raw: check_clock(raw, field="starts_at"), "09:3" + odd) == "activities.clock_invalid"


def test_minutes_left_empty_mean_the_whole_activity():
    assert check_minutes("  ") is None
    assert refusal(check_minutes, "1" * 5000) == "activities.minutes_invalid"


def test_clean_text_strips_and_keeps_what_names_need():
    assert clean_text("  阿依古丽·买买提 \u3000", field="name", max_length=50) == "阿依古丽·买买提"
    assert clean_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", field="name", max_length=50) == \
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a Persian word with its zero-width non-joiner
    assert clean_text("", field="skills", max_length=200) == ""


@pytest.mark.parametrize("raw", ["\x07\x00", "张\x00伟", "张\n伟", "张\u200b伟", "\u202e伟张", "张\ufeff", "\ud800"])
def test_clean_text_refuses_control_characters(raw):
    assert refusal(lambda text: clean_text(text, field="name", max_length=50), raw) == "text.control_characters"


def test_clean_text_refuses_text_longer_than_its_column():
    with pytest.raises(DomainError) as caught:
        clean_text("区" * 101, field="residence_area", max_length=100)
    [error] = caught.value.errors
    assert (error.field, error.key, error.params) == ("residence_area", "form.too_long", {"max_length": 100})
    assert clean_text(" " + "区" * 100 + " ", field="residence_area", max_length=100) == "区" * 100


def test_clean_text_says_which_text_is_required():
    assert refusal(lambda text: clean_text(text, field="reason", max_length=200, required="reason.required"),
                   " \u3000") == "reason.required"


def test_search_text_drops_control_characters_and_caps_the_length():
    assert search_text("\x00张\x07伟 ") == "张伟"
    assert len(search_text("张" * 1000)) == 50
