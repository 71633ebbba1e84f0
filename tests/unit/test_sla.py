"""Grid case deadlines (data/sla.toml) and ratings: any input ends in a value or a refusal."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_kit import clock
from station_kit.errors import DomainError
from station_kit.rules import load_rules
from station_kit.rules.calendar import is_working_day, working_days_after
from station_kit.rules.sla import accept_due, report_due, resolve_due
from station_kit.services.workflow import check_rating

moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31),
                       timezones=st.just(clock.CHINA))


@settings(max_examples=60, deadline=None)
@given(received=moments, is_complex=st.booleans())
def test_resolve_deadline_ends_the_nth_working_day_after_receipt_across_holidays(received, is_complex):
    days = 15 if is_complex else 7
    due = clock.local(resolve_due(received, is_complex=is_complex))
    last_day = due.date() - dt.timedelta(days=1)
    assert due.time() == dt.time(0, 0) and due > received
    assert is_working_day(last_day)
    assert working_days_after(received.date(), last_day) == days


def test_national_day_and_its_worked_weekend_move_the_deadline():
    received = dt.datetime(2022, 9, 29, 10, 0, tzinfo=clock.CHINA)
    assert resolve_due(received, is_complex=False) == dt.datetime(2022, 10, 14, tzinfo=clock.CHINA)
    assert accept_due(received) == received + dt.timedelta(hours=24)
    assert report_due(received) == received + dt.timedelta(minutes=30)


def test_a_locality_can_set_its_own_limits(tmp_path, monkeypatch):
    (tmp_path / "sla.toml").write_text("resolve_within_working_days = 5\naccept_within_hours = 12\n")
    monkeypatch.setenv("STATION_KIT_RULES_DIR", str(tmp_path))
    load_rules.cache_clear()
    try:
        received = dt.datetime(2022, 8, 1, 9, 0, tzinfo=clock.CHINA)  # a Monday
        assert resolve_due(received, is_complex=False) == dt.datetime(2022, 8, 9, tzinfo=clock.CHINA)
        assert accept_due(received) == received + dt.timedelta(hours=12)
        assert resolve_due(received, is_complex=True) > resolve_due(received, is_complex=False)  # 15 kept
    finally:
        monkeypatch.delenv("STATION_KIT_RULES_DIR")
        load_rules.cache_clear()


@settings(max_examples=80)
@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=3), st.booleans(), st.none()))
def test_a_rating_is_a_whole_number_from_1_to_5_or_refused(value):
    try:
        rating = check_rating(value)
    except DomainError as error:
        assert error.keys() == ["rating.out_of_range"]
    else:
        assert rating in range(1, 6) and type(value) is int


@pytest.mark.parametrize("value", [1, 5])
def test_the_ends_of_the_scale_are_ratings(value):
    assert check_rating(value) == value
