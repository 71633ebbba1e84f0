"""Who may give which service, and how much, at what age, in the demo's history.

《志愿服务条例》(国务院令第685号, 2017) art. 15 asks that service be arranged to fit a volunteer's age,
knowledge, skills and health, and never beyond what they can do; children under 14 register with a
guardian's consent (PIPL art. 31), 14–17-year-olds with their legal guardian's too (《中国注册志愿者
管理办法》 art. 7). Neither sets hours, so the figures below are the demo's own reading, kept modest:

- no one registers or serves before 10, the age from which local rules let a child serve without a
  guardian beside them (东营's, 东农管办〔2021〕9号: under 10 only with a guardian, under 6 not at all);
- minors (under 18) are school pupils: they serve on days off school only, never at a checkpoint,
  an inspection or a mediation (ADULT_ONLY_POSTS); children (under 14) are home by evening;
- a child gives at most 3 h a day and 40 h a year (about one 2½-hour session a month in term and a
  few more in the holidays), a 14–17-year-old 5 h a day and 80 h a year. A year counts as a child's
  (a minor's) if the volunteer was under 14 (18) on any day of it: the cap follows the age on 1 January.

Adults have no hard cap, but nobody keeps up more than a working person can: the most an adult is
planned to give in a year is 1,000 h (about 20 h a week), 600 h from 60 and 300 h from 70 — and each
person's own most is a share of that (60–100 %, different for each person and year; minors' too), so
the busiest do not all stop at one round figure, nor at the same one each year.
"""

from __future__ import annotations

import datetime as dt

import holidays

from station_kit.validation import age_on

YOUNGEST = 10
CHILD_BELOW = 14
ADULT_FROM = 18
ADULT_ONLY_POSTS = frozenset({"疫情常态防控", "安全生产监管", "民事调解维权"})
CHILD_HOME_BY = dt.time(18, 0)
MINUTES_A_DAY = {"child": 3 * 60, "minor": 5 * 60, "adult": 10 * 60}
MINUTES_A_YEAR = {"child": 40 * 60, "minor": 80 * 60, "adult": None}
# Approximate school holidays in 陕西 (dates vary by year and school by a few days).
WINTER_HOLIDAY = ((1, 15), (2, 20))
SUMMER_HOLIDAY = ((7, 10), (8, 31))


def stage(age: int) -> str:
    return "child" if age < CHILD_BELOW else "minor" if age < ADULT_FROM else "adult"


def minutes_a_day_at(age: int) -> int:
    return MINUTES_A_DAY[stage(age)]


def minutes_a_year(birth_date: dt.date, year: int) -> int | None:
    return MINUTES_A_YEAR[stage(age_on(birth_date, dt.date(year, 1, 1)))]


# The most an adult is planned to give in a year, by their age on 1 January.
PLANNED_HOURS_A_YEAR = ((70, 300), (60, 600), (ADULT_FROM, 1_000))


def planned_minutes_a_year(birth_date: dt.date, year: int, person_id: int) -> int:
    """The most the demo plans for this person in ``year``: a share (60–100 %, fixed for the person and
    the year) of a minor's cap or of what an adult's age allows."""
    share = 0.6 + 0.4 * ((person_id * 2_654_435_761 + year * 40_503) % 1_000) / 1_000  # Knuth's hash
    most = minutes_a_year(birth_date, year)
    if most is None:
        age = age_on(birth_date, dt.date(year, 1, 1))
        most = 60 * next(hours for from_age, hours in PLANNED_HOURS_A_YEAR if age >= from_age)
    return int(most * share)


def youngest_for(*, post: str, day: dt.date, ends: dt.time, school_days: SchoolCalendar) -> int:
    """The youngest age at which a volunteer may take this activity."""
    if post in ADULT_ONLY_POSTS or school_days.is_school_day(day):
        return ADULT_FROM
    if ends > CHILD_HOME_BY:
        return CHILD_BELOW
    return YOUNGEST


class SchoolCalendar:
    """Days a pupil is in school: weekdays that are neither a public holiday nor in the holidays."""

    def __init__(self, years: range):
        self.public_holidays = holidays.China(years=years)

    def is_school_day(self, day: dt.date) -> bool:
        in_holidays = any(dt.date(day.year, *first) <= day <= dt.date(day.year, *last)
                          for first, last in (WINTER_HOLIDAY, SUMMER_HOLIDAY))
        return day.weekday() < 5 and day not in self.public_holidays and not in_holidays


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The day one turns ``age`` (1 March for a 29 February birthday in a common year)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return dt.date(birth_date.year + age, 3, 1)
