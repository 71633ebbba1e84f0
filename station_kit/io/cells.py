"""What one spreadsheet cell holds, read as the value it means: text, an ID-like string, a date,
minutes. Each reader returns the value or raises a DomainError with a message key (field: the
column's field name); none crashes on what a cell may hold (text, int, float, date, bool, None).

Also how a header is matched to a field: tolerant of spaces, full-width characters, a trailing
"*" or "(必填)" and the synonyms a locality lists in its rules (rules/defaults/imports.toml).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping

from station_kit.errors import DomainError

# Excel keeps 15 significant digits: an 18-digit ID number typed into a number cell comes back as
# 6.10881E+17 or with its last digits turned to zeros. No digit of it can be trusted any more.
EXACT_DIGITS = 15
_EXCEL_TEXT = re.compile(r'=\s*"([^"]*)"')
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was: day 60. Serials
# from 61 on are days after 1899-12-30; the last date Excel shows is 9999-12-31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_LAST_SERIAL = 2_958_465
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_HOURS_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(小时|h|hr|hrs|hours?)?$", re.IGNORECASE)
_MINUTES_TEXT = re.compile(r"^(\d+)\s*(分钟|分|min|mins|minutes?)$", re.IGNORECASE)
MOST_MINUTES_A_DAY = 24 * 60


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and brackets become ASCII), every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_key(raw: object) -> str:
    """A header as it is compared: normalised, lower case, without a required-mark (*, 必填)."""
    text = normalise(cell_text(raw)).lower()
    text = text.replace("*", "").replace("(必填)", "").replace("必填", "")
    return text.strip(":")


def _without_brackets(key: str) -> str:
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", key)


def match_headers(headers: list[object], synonyms: Mapping[str, list[str]]) -> dict[str, int]:
    """Each field's column index. A header matches a field when it equals one of the field's
    synonyms once both are normalised; failing that, when it does with brackets removed, so that
    "服务时长（小时）" finds 服务时长 unless a synonym names "服务时长(分钟)" exactly. The first
    column that matches a field wins; a later one with the same field is left unread."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for field_name, names in synonyms.items():
        for name in names:
            exact.setdefault(header_key(name), field_name)
            loose.setdefault(_without_brackets(header_key(name)), field_name)
    found: dict[str, int] = {}
    for index, raw in enumerate(headers):
        key = header_key(raw)
        if not key:
            continue
        field_name = exact.get(key) or loose.get(_without_brackets(key))
        if field_name and field_name not in found:
            found[field_name] = index
    return found


def cell_text(value: object) -> str:
    """Any cell as text: a whole number without ".0", a date as YYYY-MM-DD, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def id_like(value: object, *, field: str) -> str:
    """An ID number, phone or other code, refused when Excel stored it as a number that lost digits
    (a number cell of more than 15 digits, or text like 6.10881E+17 copied from one)."""
    if isinstance(value, bool):
        raise DomainError.on(field, "imports.cell.not_text")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise DomainError.on(field, "imports.cell.id_as_number")
        if abs(int(value)) >= 10 ** EXACT_DIGITS:
            raise DomainError.on(field, "imports.cell.id_as_number")
        return str(int(value))
    text = cell_text(value)
    if wrapped := _EXCEL_TEXT.fullmatch(text):
        text = wrapped.group(1).strip()  # ="610881…": the usual way to keep Excel from turning it into a number
    if _SCIENTIFIC.match(normalise(text)):
        raise DomainError.on(field, "imports.cell.id_as_number")
    return text


def date_value(value: object, *, field: str) -> dt.date | None:
    """A date from a date cell, an Excel serial (a date cell formatted as a number), or text such as
    2023-05-04, 2023/5/4, 2023.5.4, 2023年5月4日 or 20230504. An empty cell is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DomainError.on(field, "imports.cell.date")
    if isinstance(value, (int, float)):
        return _serial_date(value, field=field)
    text = normalise(str(value))
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match is None:
        if re.fullmatch(r"\d+(\.0+)?", text):
            return _serial_date(float(text), field=field)
        raise DomainError.on(field, "imports.cell.date")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise DomainError.on(field, "imports.cell.date") from None


def _serial_date(serial: float, *, field: str) -> dt.date:
    serial = float(serial)
    if not (math.isfinite(serial) and serial.is_integer() and 61 <= serial <= _EXCEL_LAST_SERIAL):
        raise DomainError.on(field, "imports.cell.date")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def minutes_value(value: object, *, field: str, unit: str = "hours") -> int | None:
    """Service time as whole minutes. ``unit`` says what a bare number means ("hours": 2.5 is 150
    minutes, rounded to the minute; "minutes"); text may say 2小时 or 90分钟. Empty is None.
    Nothing, a negative, or more than a day is refused: no one serves 25 hours in one record."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise DomainError.on(field, "imports.cell.minutes")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise DomainError.on(field, "imports.cell.minutes")
        amount, as_unit = float(value), unit
    else:
        text = normalise(str(value))
        if match := _MINUTES_TEXT.match(text):
            amount, as_unit = float(match[1]), "minutes"
        elif (match := _HOURS_TEXT.match(text)) and len(match[1]) <= 12:
            amount, as_unit = float(match[1]), "hours" if match[2] else unit
        else:
            raise DomainError.on(field, "imports.cell.minutes")
    if not 0 < amount <= MOST_MINUTES_A_DAY:  # before multiplying: 1e306 hours is no number of minutes
        raise DomainError.on(field, "imports.cell.minutes")
    minutes = round(amount * 60) if as_unit == "hours" else round(amount)
    if not 0 < minutes <= MOST_MINUTES_A_DAY:
        raise DomainError.on(field, "imports.cell.minutes")
    return minutes


def choice_value(value: object, choices: Mapping[str, str], *, field: str, key: str) -> str | None:
    """A cell that names one of ``choices`` (label → value, matched normalised): the value, None
    when empty, else refused with ``key``."""
    text = header_key(value)
    if not text:
        return None
    for label, chosen in choices.items():
        if header_key(label) == text:
            return chosen
    raise DomainError.on(field, key)
