"""Rule files: China's working days with 调休, and star levels a locality may change."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from station_kit.rules import calendar, load_rules, stars
from station_kit.rules.hours import hours, hours_text


def test_adjusted_weekend_days_are_working_days_and_holidays_are_not():
    assert calendar.is_working_day(dt.date(2022, 1, 29))  # Saturday worked before 春节 2022
    assert not calendar.is_working_day(dt.date(2022, 2, 1))  # 春节
    assert not calendar.is_working_day(dt.date(2022, 8, 6))  # an ordinary Saturday


def test_spring_festival_week_does_not_count_towards_the_backfill_window():
    # Fri 28 Jan 2022 → Fri 11 Feb: 29 and 30 Jan worked, 31 Jan–6 Feb off, 7–11 Feb worked.
    assert calendar.working_days_after(dt.date(2022, 1, 28), dt.date(2022, 2, 11)) == 7
    assert not calendar.is_backfill(dt.date(2022, 1, 28), dt.date(2022, 2, 11))
    assert calendar.is_backfill(dt.date(2022, 8, 5), dt.date(2022, 8, 22))


@given(activity_day=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), days_later=st.integers(-30, 4000))
def test_the_quick_backfill_count_agrees_with_counting_every_working_day(activity_day, days_later):
    """is_backfill stops counting past the limit; it must say what counting every day says."""
    entry_day = activity_day + dt.timedelta(days=days_later)
    limit = load_rules("records")["backfill_after_working_days"]
    assert calendar.is_backfill(activity_day, entry_day) == (calendar.working_days_after(activity_day, entry_day)
                                                            > limit)


def test_default_star_thresholds_are_the_national_ones():
    assert [hours // 60 for _, hours in stars.star_thresholds_minutes()] == [100, 300, 600, 1000, 1500]
    assert stars.star_level(99 * 60 + 59) == 0
    assert stars.star_level(100 * 60) == 1
    assert stars.star_level(1500 * 60) == 5


def test_a_locality_can_use_its_own_thresholds(tmp_path, monkeypatch):
    (tmp_path / "stars.toml").write_text("[thresholds_hours]\n1 = 100\n2 = 200\n3 = 500\n4 = 800\n5 = 1000\n")
    monkeypatch.setenv("STATION_KIT_RULES_DIR", str(tmp_path))
    load_rules.cache_clear()
    try:
        assert stars.star_level(1000 * 60) == 5
    finally:
        monkeypatch.delenv("STATION_KIT_RULES_DIR")
        load_rules.cache_clear()


def test_hours_are_rounded_half_up_as_a_worker_rounds_by_hand():
    # 135 min = 2.25 h and 15 min = 0.25 h: float rounding would show 2.2 and 0.2.
    assert [hours_text(minutes) for minutes in (135, 15, 45, 20, 0)] == ["2.3", "0.3", "0.8", "0.3", "0.0"]
    assert hours(19_404_960) == 323_416.0
    assert hours(134) == 2.2


def test_a_locality_overrides_only_the_keys_it_names(tmp_path, monkeypatch):
    (tmp_path / "names.toml").write_text('[surname_pinyin]\n"石" = "dan"\n')
    monkeypatch.setenv("STATION_KIT_RULES_DIR", str(tmp_path))
    load_rules.cache_clear()
    try:
        readings = load_rules("names")["surname_pinyin"]
        assert (readings["石"], readings["曾"], readings["单"]) == ("dan", "zeng", "shan")
    finally:
        monkeypatch.delenv("STATION_KIT_RULES_DIR")
        load_rules.cache_clear()
