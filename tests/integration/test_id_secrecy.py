"""No ID number can be rebuilt without the key (DESIGN.md §9).

An ID number is region (6) + birth date (8) + sequence and check digit (4). The attack tried here is
the one a reader of the database file, an export or a screen would try on the demo station: take
every plain column of a volunteer's row, the analysts' DataFrame row and what the 志愿者 list shows;
read the characters a mask reveals, every date and the birth year; grant the attacker the true
region code (the station's county is public); then count the numbers that agree with all of it,
the check digit included. A row whose count is 1 is rebuilt.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlmodel import select
from stdnum.cn import ric

from station_kit import analytics, clock
from station_kit.db import get_engine, read_session
from station_kit.models import Volunteer
from station_kit.models.people import IdType
from station_kit.services.context import vault_for
from station_kit.services.scope import Scope
from station_kit.services.volunteers import to_public
from tests.factories import READER

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MASKED = re.compile(r"^[0-9X*]{18}$")


def _days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def _candidates(region: str, birth_dates: list[dt.date], revealed: dict[int, str]) -> int:
    """How many 18-character numbers with this region agree with the revealed characters, one of
    the birth dates and the check digit."""
    sequences = [f"{n:03d}" for n in range(1000)
                 if all(revealed.get(14 + i, c) == c for i, c in enumerate(f"{n:03d}"))]
    count = 0
    for day in birth_dates:
        head = f"{region}{day:%Y%m%d}"
        if any(revealed.get(i, c) != c for i, c in enumerate(head)):
            continue
        for sequence in sequences:
            check = ric.calc_check_digit(head + sequence + "0")
            count += revealed.get(17, check) == check
    return count


def _what_is_visible(row: dict, frame_row: dict, shown: dict) -> tuple[dict[int, str], list[dt.date], set[int]]:
    values = [value for key, value in row.items() if not key.endswith(("_cipher", "_hash"))]
    values += list(frame_row.values()) + list(shown.values())
    revealed: dict[int, str] = {}
    for value in values:
        if isinstance(value, str) and MASKED.match(value):
            revealed.update({i: c for i, c in enumerate(value) if c != "*"})
    dates = [value if isinstance(value, dt.date) else dt.date.fromisoformat(value) for value in values
             if (isinstance(value, dt.date) and not isinstance(value, dt.datetime))
             or (isinstance(value, str) and ISO_DATE.match(value))]
    if "birth_year" in row:
        years = {row["birth_year"]}
    else:  # only the shown age: born this year minus the age, or the year before
        years = {clock.today().year - shown["age"], clock.today().year - shown["age"] - 1}
    return revealed, dates, years


def test_no_id_number_of_the_demo_rebuilds_from_what_is_stored_plain_or_shown(demo_url):
    engine = get_engine(demo_url)
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(text("SELECT * FROM volunteer"))]
    frame = analytics.volunteers(engine).set_index("number")
    with read_session(engine) as session:
        volunteers = session.exec(select(Volunteer)).all()
        shown = {v.number: v.model_dump() for v in to_public(Scope(session, READER), volunteers)}
        vault = vault_for(session)
        truth = {v.number: vault.decrypt(v.id_number_cipher) for v in volunteers
                 if v.id_type == IdType.resident_id}
    counts = []
    for row in rows:
        if row["number"] not in truth:
            continue
        revealed, dates, years = _what_is_visible(row, frame.loc[row["number"]].to_dict(), shown[row["number"]])
        birth_dates = [day for day in dates if day.year in years] or [d for y in sorted(years) for d in _days(y)]
        counts.append(_candidates(truth[row["number"]][:6], birth_dates, revealed))
    assert len(counts) == 755
    rebuilt = sum(count == 1 for count in counts)
    lucky_guesses = sum(1 / count for count in counts if count)
    # The true number is always a candidate; with only the birth year and the last 4 known, about 33
    # numbers fit each row, so a single guess is right about 3% of the time and none is certain.
    assert rebuilt == 0, f"{rebuilt} of {len(counts)} ID numbers rebuild from plain columns"
    assert min(counts) >= 10 and lucky_guesses < 0.05 * len(counts)
