"""Checks for what people type: ID numbers, phones, credit codes, names (DESIGN.md §4 Validation).

Each check returns the clean value or raises a DomainError naming the field and a message key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers
from pypinyin import lazy_pinyin
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.models.people import Gender
from station_kit.rules import load_rules

REGION_UNVERIFIED = "id_number.region_unverified"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    gender: Gender
    note: str  # "" or REGION_UNVERIFIED


def check_resident_id(raw: str, *, field: str = "id_number") -> ResidentId:
    """GB 11643: length, digits, check digit and birth date are strict; the province must exist.

    The county part is not refused when unknown or out of its period: real cards keep codes that were
    abolished or renamed after the holder's birth (python-stdnum issue 442). Such numbers get a note.
    """
    number = "".join((raw or "").split()).replace("-", "").upper()
    if not number:
        raise DomainError.on(field, "id_number.required")
    if len(number) != 18:
        raise DomainError.on(field, "id_number.length", length=len(number))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DomainError.on(field, "id_number.format")
    if number[-1] != ric.calc_check_digit(number):
        raise DomainError.on(field, "id_number.checksum")
    try:
        birth_date = ric.get_birth_date(number)
    except ValidationError:
        raise DomainError.on(field, "id_number.birth_date") from None
    if birth_date > clock.today() or birth_date.year < 1900:
        raise DomainError.on(field, "id_number.birth_date")
    if not _province_exists(number[:2]):
        raise DomainError.on(field, "id_number.province")
    note = "" if _county_known(number[:6], birth_date.year) else REGION_UNVERIFIED
    gender = Gender.male if int(number[16]) % 2 else Gender.female
    return ResidentId(number=number, birth_date=birth_date, gender=gender, note=note)


def _province_exists(digits: str) -> bool:
    parts = numdb.get("cn/loc").info(digits + "0000")
    return bool(parts and parts[0][1].get("province"))


def _county_known(digits: str, year: int) -> bool:
    """Whether the region table has this county code in use in ``year``.

    Read here rather than through ric.get_birth_place, which raises KeyError (not a ValidationError)
    when the province is known but the county has no entry at all."""
    counties = "".join(props.get("county", "") for _, props in numdb.get("cn/loc").info(digits))
    for county in filter(None, counties.split(",")):
        if not county.startswith("["):
            return True
        start, end = county[1:].split("]")[0].split("-")
        if (not start or year >= int(start)) and (not end or year <= int(end)):
            return True
    return False


def check_other_id(raw: str, *, field: str = "id_number") -> str:
    """Passports and permits: letters and digits, 5–20 of them (their formats are not checkable here)."""
    number = "".join((raw or "").split()).upper()
    if not number:
        raise DomainError.on(field, "id_number.required")
    if not (5 <= len(number) <= 20 and number.isalnum() and number.isascii()):
        raise DomainError.on(field, "id_number.format")
    return number


def check_phone(raw: str, *, field: str = "phone") -> str:
    """A mainland number (mobile or landline with area code), returned as digits only."""
    text = (raw or "").strip()
    if not text:
        raise DomainError.on(field, "phone.required")
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise DomainError.on(field, "phone.invalid") from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise DomainError.on(field, "phone.invalid")
    national = str(parsed.national_number)
    return national if national.startswith("1") else "0" + national


def check_credit_code(raw: str, *, field: str = "credit_code") -> str:
    """统一社会信用代码 (GB 32100), check character included."""
    try:
        return uscc.validate(raw or "")
    except ValidationError:
        raise DomainError.on(field, "credit_code.invalid") from None


CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")


def check_clock(raw: str, *, field: str) -> dt.time:
    """A time of day typed as "9:30" or "09：30" (the full-width colon of a Chinese keyboard)."""
    match = CLOCK.match(raw or "")
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise DomainError.on(field, "activities.clock_invalid")
    return dt.time(int(match[1]), int(match[2]))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials for search and sorting, reading the surname by the override table."""
    overrides: dict[str, str] = load_rules("names")["surname_pinyin"]
    for length in (2, 1):
        surname = name[:length]
        if len(surname) == length and surname in overrides:
            syllables = overrides[surname].split()
            rest = lazy_pinyin(name[length:], errors="ignore")
            break
    else:
        syllables, rest = [], lazy_pinyin(name, errors="ignore")
    words = syllables + rest
    return "".join(words), "".join(word[0] for word in words if word)

