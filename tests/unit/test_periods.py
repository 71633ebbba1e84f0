"""How a period is written (rules.calendar.period_months): any value an analyst might pass reads as its
first and last month, or is refused with a message; never a crash, never an empty answer."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from station_kit.errors import DomainError
from station_kit.rules.calendar import period_months

MONTH = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
WRITTEN = st.one_of(st.text(max_size=10), st.integers(), st.none(),
                    st.from_regex(r"20\d\d(-(Q|q)?\d{1,2})?", fullmatch=True))


@given(st.one_of(WRITTEN, st.tuples(WRITTEN, WRITTEN)))
def test_a_period_is_its_months_or_a_message(period):
    try:
        first, last = period_months(period)
    except DomainError as error:
        assert error.keys()[0] in ("period.invalid", "period.backwards")
    else:
        assert MONTH.fullmatch(first) and MONTH.fullmatch(last) and first <= last


def test_periods_are_read_as_people_write_them():
    assert period_months("2022") == ("2022-01", "2022-12") and period_months(2022) == ("2022-01", "2022-12")
    assert period_months("2022-Q3") == ("2022-07", "2022-09") == period_months("2022q3")
    assert period_months("2024-3") == ("2024-03", "2024-03")
    assert period_months(("2021-11", "2022-Q1")) == ("2021-11", "2022-03")
