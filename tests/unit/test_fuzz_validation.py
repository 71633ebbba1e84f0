"""Property tests for every check on what people type (DESIGN.md §11): any input ends in a clean
value or a DomainError, never another exception, and a value that passes is one we can store."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.privacy import mask_id_number, mask_phone
from station_kit.validation import (
    REGION_UNVERIFIED,
    check_clock,
    check_contact,
    check_credit_code,
    check_minutes,
    check_other_id,
    check_phone,
    check_resident_id,
    clean_text,
    search_text,
)
from tests.fuzz import (
    FUZZ,
    Refused,
    attempt,
    clock_texts,
    credit_codes,
    id_numbers,
    minutes_texts,
    phones,
    typed_text,
)

ASCII_ALNUM = set(string.ascii_uppercase + string.digits)


def check(name: str, call):
    result = attempt("validators", name, call)
    if isinstance(result, Refused):
        assert result.error.keys(), "a refusal names what is wrong"
        return None
    return result


def invisible(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") or (unicodedata.category(c) == "Cf"
                                                           and c not in "\u200c\u200d") for c in text)


@FUZZ
@given(id_numbers())
def test_resident_id(raw):
    parsed = check("check_resident_id", lambda: check_resident_id(raw))
    if parsed is not None:
        assert len(parsed.number) == 18 and set(parsed.number) <= ASCII_ALNUM
        assert dt.date(1900, 1, 1) <= parsed.birth_date <= clock.today()
        assert parsed.note in ("", REGION_UNVERIFIED)


@FUZZ
@given(id_numbers())
def test_other_id(raw):
    number = check("check_other_id", lambda: check_other_id(raw))
    if number is not None:
        assert 5 <= len(number) <= 20 and set(number) <= ASCII_ALNUM


@FUZZ
@given(phones())
def test_phone(raw):
    phone = check("check_phone", lambda: check_phone(raw))
    if phone is not None:
        assert phone.isascii() and phone.isdigit() and len(phone) <= 20
        # Every digit kept was typed, in order, and nothing typed after it was dropped (an extension,
        # or letters read as a keypad: 138OO138OOO is not 13866138666).
        typed = "".join(str(unicodedata.digit(c)) for c in raw if unicodedata.digit(c, None) is not None)
        assert typed.endswith(phone)


@FUZZ
@given(st.one_of(phones(), typed_text(), st.tuples(typed_text(), phones()).map("".join)))
def test_contact(raw):
    """A station's 联系方式 is kept as typed once it holds a dialable number; else refused on its field."""
    text = check("clean_text", lambda: clean_text(raw, field="contact", max_length=100))
    if text:
        contact = check("check_contact", lambda: check_contact(text))
        assert contact is None or contact == text


@FUZZ
@given(credit_codes())
def test_credit_code(raw):
    code = check("check_credit_code", lambda: check_credit_code(raw))
    if code is not None:
        assert len(code) == 18 and set(code) <= ASCII_ALNUM


@FUZZ
@given(clock_texts())
def test_clock(raw):
    moment = check("check_clock", lambda: check_clock(raw, field="starts_at"))
    assert moment is None or isinstance(moment, dt.time)


@FUZZ
@given(minutes_texts())
def test_minutes(raw):
    minutes = check("check_minutes", lambda: check_minutes(raw))
    assert minutes is None or 0 <= minutes < 10**6


@FUZZ
@given(typed_text(), st.integers(1, 200), st.sampled_from([None, "name.required"]))
def test_clean_text(raw, max_length, required):
    text = check("clean_text", lambda: clean_text(raw, field="name", max_length=max_length, required=required))
    if text is not None:
        assert len(text) <= max_length and not invisible(text)
        assert text == text.strip()
        assert text or not required


@FUZZ
@given(typed_text())
def test_search_text_never_refuses(raw):
    text = check("search_text", lambda: search_text(raw))
    assert text is not None and len(text) <= 50 and not invisible(text)


@FUZZ
@given(st.one_of(id_numbers(), typed_text()))
def test_masked_id_number_hides_the_birth_date(raw):
    masked = check("mask_id_number", lambda: mask_id_number(raw))
    assert len(masked) == len(raw)
    if len(raw) >= 12:
        assert set(masked[6:-4]) <= {"*"}


@FUZZ
@given(st.one_of(phones(), typed_text()))
def test_masked_phone_hides_the_middle(raw):
    masked = check("mask_phone", lambda: mask_phone(raw))
    digits = raw.replace("-", "").replace(" ", "")
    if len(digits) == 11 and digits.startswith("1"):
        assert masked == digits[:3] + "****" + digits[-4:]


def test_a_refusal_is_a_domain_error():
    assert isinstance(attempt("validators", "check_phone", lambda: check_phone("abc")), Refused)
    assert issubclass(DomainError, Exception)
