"""What the fuzz suites share (DESIGN.md §11): hypothesis settings, strategies for what people type,
the check that nothing clearly bad was stored, and the tally of calls, refusals and crashes.

Any input must end in a value or a DomainError. ``attempt`` runs one call and counts which it was;
tests/conftest.py prints the counts at the end of the run ("fuzz figures"), per backend.
STATION_KIT_FUZZ_EXAMPLES sets how many examples each test tries (default 150; forms twice that).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from station_kit.clock import CHINA
from station_kit.demo.people import credit_code
from station_kit.errors import DomainError
from tests.factories import with_check_digit

FUZZ = settings(
    max_examples=int(os.environ.get("STATION_KIT_FUZZ_EXAMPLES", "150")),
    deadline=None,  # a busy 2-core machine is slow now and then; speed is for benchmarks
    # Each example opens its own transaction on the test's database and rolls it back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # a failure prints its example; nothing is written beside the sources
)
# A form has many fields and each example slips on a few: twice the examples reach each field as often.
FUZZ_FORMS = settings(FUZZ, max_examples=2 * FUZZ.max_examples)


@dataclass
class Tally:
    calls: int = 0
    refusals: int = 0
    crashes: int = 0


TALLIES: dict[tuple[str, str], Tally] = defaultdict(Tally)  # (backend or "validators", what was called)


@dataclass(frozen=True)
class Refused:
    error: DomainError


def attempt(backend: str, name: str, call):
    """Run ``call``: its value, or Refused for a DomainError; anything else is a crash, counted and raised.

    A form shape's own ValidationError (a VolunteerCreate with a name too long) counts as a refusal:
    the apps turn it into the same field messages (DomainError.from_validation)."""
    tally = TALLIES[(backend, name)]
    tally.calls += 1
    try:
        return call()
    except ValidationError as error:
        tally.refusals += 1
        return Refused(DomainError.from_validation(error))
    except DomainError as error:
        tally.refusals += 1
        return Refused(error)
    except Exception:
        tally.crashes += 1
        raise


def figures() -> list[str]:
    """One line per backend and per call, for the end of the test run."""
    lines = []
    for backend in sorted({backend for backend, _ in TALLIES}):
        rows = {name: tally for (b, name), tally in sorted(TALLIES.items()) if b == backend}
        total = Tally(*(sum(getattr(t, f) for t in rows.values()) for f in ("calls", "refusals", "crashes")))
        lines.append(f"{backend}: {total.calls} calls, {total.refusals} refusals, {total.crashes} crashes")
        lines += [f"    {name}: {t.calls} calls, {t.refusals} refusals, {t.crashes} crashes"
                  for name, t in rows.items()]
    return lines


# --- what people type ---------------------------------------------------------------------------

# Characters a probe found trouble with: NUL and other controls, zero-width and bidi characters,
# digits that are not ASCII (², ①, ٣, ۳, full-width), the ideographic space, LIKE wildcards, markup,
# a lone surrogate (a browser can send one), and the middle dot of minority names.
NASTY = ("\x00\x07\x1b\x7f\x85\u200b\u200c\u200d\u2060\ufeff\u202e\u00b2\u2460\u0663\u06f3"
         "\uff10\uff11\uff18\uff38\u3000\uff1a%_\\'\"<>&\ud800·")
EVERYDAY = "张伟李娜王芳兴神路社区 0123456789abcXx-+()#转:："


def typed_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Anything a text box can hold: any Unicode, tricky characters mixed with everyday ones, and
    Chinese text long enough to outgrow any column."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(st.sampled_from(NASTY + EVERYDAY), max_size=max_size),
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=max_size // 2,
                max_size=max_size * 10),
    )


# What a number box sees: ASCII digits, digits that are not ASCII (², ①, ③, Arabic-Indic, Devanagari,
# full-width), separators, letters that look like digits (O, l) and extension marks.
NUMBERISH = "0123456789" * 3 + "\u00b2\u2460\u2462\u0663\u06f3\u096a\uff10\uff15\uff19 -+()Xx.Oolext#转\u3000:："


def number_like(max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(NUMBERISH), max_size=max_size)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def mangled(draw, clean: str) -> str:
    """A good value as people really type it: full width, lower case, spaced, or with one slip."""
    how = draw(st.sampled_from(["as_is", "full_width", "lower", "spaced", "slip", "half_full_width"]))
    if how == "full_width":
        return _full_width(clean)
    if how == "half_full_width":
        return clean[: len(clean) // 2] + _full_width(clean[len(clean) // 2:])
    if how == "lower":
        return clean.lower()
    if how == "spaced":
        return " ".join([clean[:6], clean[6:14], clean[14:]])
    if how == "slip":
        at = draw(st.integers(0, max(len(clean) - 1, 0)))
        return clean[:at] + draw(st.sampled_from(NASTY + EVERYDAY)) + clean[at + 1:]
    return clean


@st.composite
def resident_ids(draw) -> str:
    """18-character resident IDs with a right check digit, from real, abolished and unknown regions."""
    known = st.sampled_from(["610881", "612722", "610821", "610899", "110199", "110105", "990101", "000000"])
    region = draw(st.one_of(known, known, st.from_regex(r"[0-9]{6}", fullmatch=True)))
    born = draw(st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2100, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return draw(mangled(with_check_digit(f"{region}{born:%Y%m%d}{sequence}")))


def id_numbers() -> st.SearchStrategy[str]:
    other = st.from_regex(r"[A-Za-z]{0,2}[0-9]{3,12}", fullmatch=True).flatmap(mangled)
    return st.one_of(resident_ids(), other, number_like(22), typed_text(30))


def phones() -> st.SearchStrategy[str]:
    mobile = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
    landline = st.from_regex(r"0[1-9][0-9]{1,2}-?[2-8][0-9]{6,7}", fullmatch=True)
    extension = st.tuples(mobile | landline, st.sampled_from(["转", " ext ", "#", " x", "分机"]),
                          st.from_regex(r"[0-9]{1,4}", fullmatch=True)).map("".join)
    return st.one_of((mobile | landline).flatmap(mangled), extension, number_like(), typed_text(25))


def credit_codes() -> st.SearchStrategy[str]:
    good = st.integers(0, 2**32).map(lambda seed: credit_code(random.Random(seed)))
    return st.one_of(good.flatmap(mangled), typed_text(25))


def clock_texts() -> st.SearchStrategy[str]:
    typed = st.builds("{}{}{:02d}".format, st.integers(0, 30), st.sampled_from([":", "：", " : "]),
                      st.integers(0, 70))
    return st.one_of(typed.flatmap(mangled), number_like(8), typed_text(12))


def minutes_texts() -> st.SearchStrategy[str]:
    whole = st.one_of(st.integers(0, 600), st.integers(0, 10**12))
    return st.one_of(whole.map(str).flatmap(mangled), number_like(8), typed_text(12))


def moments(around: dt.datetime | None = None, *, within_minutes: int = 3 * 60) -> st.SearchStrategy[dt.datetime]:
    """Station-time moments as the apps build them (a date picker and an HH:MM box): any year the
    picker offers, or mostly within ``within_minutes`` of ``around``."""
    anywhere = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 25),
                            timezones=st.just(CHINA))
    if around is None:
        return anywhere
    near = st.integers(-within_minutes, within_minutes).map(lambda minutes: around + dt.timedelta(minutes=minutes))
    return st.one_of(near, near, anywhere)


def ids(*known: int) -> st.SearchStrategy[int]:
    """Ids a form could send: mostly ones that exist, else ones that do not (deleted, another
    station's, made up)."""
    made_up = st.integers(min_value=-(2**31), max_value=2**31 - 1)  # an INTEGER column's range
    if not known:
        return made_up
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.sampled_from(known), made_up)


def whole_numbers(usual_most: int) -> st.SearchStrategy[int]:
    """Counts and minutes as typed: usual ones, negative ones, and ones past an INTEGER column's 2**31 - 1."""
    past_integer = st.integers(2**31 - 2, 2**63 - 1)
    return st.one_of(st.integers(0, usual_most), st.integers(-(2**31), -1), past_integer, past_integer)


OMIT = object()  # a form field left out altogether


@st.composite
def forms(draw, careful: dict, anyhow: dict) -> dict:
    """A form as a careful worker fills it (``careful``), with up to three fields typed anyhow.

    One slip at a time reaches checks that several slips at once would hide behind the first
    refusal, and an all-careful form gets written, so what is stored is checked too."""
    slips = draw(st.sets(st.sampled_from(sorted(anyhow)), max_size=3))
    values = {key: draw(anyhow[key] if key in slips else careful.get(key, st.just(OMIT)))
              for key in careful | anyhow}
    return {key: value for key, value in values.items() if value is not OMIT}


# --- what must never be stored ------------------------------------------------------------------

def _bad_character(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cf" and char not in "\u200c\u200d")


def stored_badly(session, models) -> list[str]:
    """Text in the rows of ``models`` that holds control characters or outgrows its column."""
    from sqlmodel import select

    problems = []
    for model in models:
        for row in session.exec(select(model)).all():
            for column in model.__table__.columns:
                value = getattr(row, column.key)
                if not isinstance(value, str):
                    continue
                length = getattr(column.type, "length", None)
                if any(_bad_character(char) for char in value):
                    problems.append(f"{model.__name__}.{column.key} holds a control character: {value!r}")
                if length and len(value) > length:
                    problems.append(f"{model.__name__}.{column.key} holds {len(value)} > {length} characters")
    return problems
