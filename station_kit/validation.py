"""Checks for what people type: ID numbers, phones, credit codes, times and minutes, names and any
other free text (DESIGN.md §4 Validation).

Each check returns the clean value or raises a DomainError naming the field and a message key.
Numbers pass through ``typed_number`` and free text through ``clean_text``: one place each.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from station_kit import clock
from station_kit.errors import DomainError, FieldError
from station_kit.models.org import POPULATION_MOST
from station_kit.models.people import Gender
from station_kit.rules import load_rules

REGION_UNVERIFIED = "id_number.region_unverified"

# What a Chinese IME types in full-width mode: the full-width forms of ASCII (U+FF01–U+FF5E) and the
# ideographic space. They mean the same as their ASCII twins, so they become ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}


def typed_number(raw: str | None, *, field: str, key: str, allowed: str = "") -> str:
    """The one normaliser for every number a person types (ID numbers, phones, minutes, times…).

    Full-width characters become ASCII and the ends are stripped. Then only ASCII digits and the
    characters in ``allowed`` may remain: ², ① or Arabic-Indic digits pass str.isdigit() but are no
    number anyone can dial or store, so they are refused with ``key``, the field's format message.
    """
    text = (raw or "").translate(_FULL_WIDTH).strip()
    if any(char not in string.digits and char not in allowed for char in text):
        raise DomainError.on(field, key)
    return text


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
    typed = typed_number(raw, field=field, key="id_number.format", allowed=" -Xx")
    number = typed.replace(" ", "").replace("-", "").upper()
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
    if not plausible_birth_date(birth_date):
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
    typed = typed_number(raw, field=field, key="id_number.other_format", allowed=" " + string.ascii_letters)
    number = typed.replace(" ", "").upper()
    if not number:
        raise DomainError.on(field, "id_number.required")
    if not 5 <= len(number) <= 20:
        raise DomainError.on(field, "id_number.other_format")
    return number


# How people write an extension: 转 / 分机 on a Chinese card, ext / x / # elsewhere.
_EXTENSION = re.compile(r"转|分机|ext|[x#]", re.IGNORECASE)


def check_phone(raw: str, *, field: str = "phone") -> str:
    """A mainland number (mobile or landline with area code), returned as digits only."""
    if _EXTENSION.search((raw or "").translate(_FULL_WIDTH)):
        raise DomainError.on(field, "phone.extension")
    # Letters are refused here: phonenumbers would read them as a keypad (138OO… → 13866…).
    text = typed_number(raw, field=field, key="phone.characters", allowed=" -+()")
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


def check_contact(text: str, *, field: str = "contact") -> str:
    """联系方式 as a station prints it on a certificate: free text ("兴神路社区办公室 0912-1234567 转
    8001", "13800138000"), kept as typed, that must hold one number someone elsewhere could dial: a
    mobile, or a landline with its area code. ``text`` has passed clean_text; empty stays empty."""
    if not text:
        return text
    numbers = phonenumbers.PhoneNumberMatcher(text.translate(_FULL_WIDTH), "CN", leniency=phonenumbers.Leniency.VALID)
    if next(iter(numbers), None) is None:
        raise DomainError.on(field, "station_details.contact_invalid")
    return text


def check_credit_code(raw: str, *, field: str = "credit_code") -> str:
    """统一社会信用代码 (GB 32100), check character included."""
    text = typed_number(raw, field=field, key="credit_code.invalid", allowed=" -" + string.ascii_letters)
    try:
        return uscc.validate(text)
    except ValidationError:
        raise DomainError.on(field, "credit_code.invalid") from None


# Zero-width non-joiner and joiner: format characters that Persian and Indic names need inside them.
NAME_JOINERS = "\u200c\u200d"
# Refused in free text: control characters (NUL, which PostgreSQL cannot store, bell, newline…),
# every other format character (zero-width space, word joiner, byte-order mark, the bidi overrides
# that turn a name around on screen) and lone surrogates, which no UTF-8 database can store.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs"}
_ENDS = re.compile(f"^[\\s{NAME_JOINERS}]+|[\\s{NAME_JOINERS}]+$")
REASON_MOST = 200  # as the reason columns (deactivation, back-fill, decision) hold
SEARCH_MOST = 50  # longer than any name (50) or volunteer number (20)


def _refused(char: str) -> bool:
    return unicodedata.category(char) in _REFUSED_CATEGORIES and char not in NAME_JOINERS


def clean_text(raw: str | None, *, field: str, max_length: int, required: str | None = None) -> str:
    """The one check for free text a person types (names, reasons, places…): stripped, with no
    control or invisible characters, no longer than ``max_length`` (its column's length).

    Text that is only spaces and joiners counts as empty; ``required`` is the message key to refuse
    empty text with. The middle dot of minority names (·) is an ordinary character and is kept.
    """
    text = _ENDS.sub("", raw or "")
    if any(_refused(char) for char in text):
        raise DomainError.on(field, "text.control_characters")
    if required and not text:
        raise DomainError.on(field, required)
    if len(text) > max_length:
        raise DomainError.on(field, "form.too_long", max_length=max_length)
    return text


def clean_texts(errors: list[FieldError], values: Mapping[str, str | None], table,
                *, required: Mapping[str, str] | None = None) -> dict[str, str]:
    """clean_text over several fields, each limited by its column in ``table`` (a table model).

    Refusals are added to ``errors``; the result holds the fields that passed, cleaned."""
    cleaned = {}
    for name, raw in values.items():
        try:
            cleaned[name] = clean_text(raw, field=name, max_length=column_length(table, name),
                                       required=(required or {}).get(name))
        except DomainError as error:
            errors.extend(error.errors)
    return cleaned


def column_length(table, name: str) -> int:
    """How many characters a text column holds: PostgreSQL refuses more, SQLite would keep them."""
    return table.__table__.c[name].type.length


def search_text(raw: str | None) -> str:
    """A search box's text, made safe to search with: control characters dropped, length capped.

    Unlike clean_text this never refuses: a stray character in a search is no reason to stop work."""
    kept = "".join(char for char in (raw or "") if not _refused(char))
    return _ENDS.sub("", kept)[:SEARCH_MOST]


CLOCK = re.compile(r"^([0-9]{1,2}) *: *([0-9]{2})$")


def check_clock(raw: str, *, field: str) -> dt.time:
    """A time of day typed as "9:30" or "09：30" (the full-width colon of a Chinese keyboard)."""
    text = typed_number(raw, field=field, key="activities.clock_invalid", allowed=" :")
    match = CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise DomainError.on(field, "activities.clock_invalid")
    return dt.time(int(match[1]), int(match[2]))


MINUTES_MOST_DIGITS = 6  # 999,999 minutes is far beyond any activity; longer is a slip of the keyboard


def check_minutes(raw: str | None, *, field: str = "minutes") -> int | None:
    """Whole minutes typed in a box; left empty, None (the service then counts the whole activity)."""
    text = typed_number(raw, field=field, key="activities.minutes_invalid")
    if len(text.lstrip("0")) > MINUTES_MOST_DIGITS:
        raise DomainError.on(field, "activities.minutes_invalid")
    return int(text) if text else None


EARLIEST_BIRTH_YEAR = 1900  # nobody born before it volunteers today; earlier years are typing slips


def plausible_birth_date(day: dt.date) -> bool:
    """Born in 1900 or later, and not in the future."""
    return day.year >= EARLIEST_BIRTH_YEAR and day <= clock.today()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials for search and sorting, reading the surname by the override table."""
    # Imported here: its phrase dictionary costs a page about 57 MB and a quarter of a second to load,
    # and only registering or renaming someone needs it (issue "Fast pages on a small PC").
    from pypinyin import lazy_pinyin

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


def population_value(text: str) -> int | None:
    """常住人口 as typed (12000, 12,000, 1.2万): a whole number of people, or None when left empty."""
    cleaned = "".join(text.split()).replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        number = float(cleaned[:-1]) * 10_000 if cleaned.endswith("万") else float(cleaned)
    except ValueError:
        raise DomainError.on("population", "station_details.population_invalid") from None
    if not number.is_integer() or not 1 <= number <= POPULATION_MOST:
        raise DomainError.on("population", "station_details.population_invalid")
    return int(number)
