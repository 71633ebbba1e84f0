"""实时数据: figures from analytics, updated in place when anything is written, and only then."""

import datetime as dt
import math
import time

from hypothesis import given
from hypothesis import strategies as st

from station_kit import analytics
from station_kit.clock import CHINA
from station_kit.db import write_session
from station_kit.services import activities, records
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui import dashboard
from tests.factories import activity_data, volunteer_data
from tests.widgets import find


def number(app, key: str) -> str:
    value = find(app.widget if hasattr(app, "widget") else app, f"sk-dashboard-figure-{key}").value
    return value.split('class="sk-dash-number">')[1].split("<")[0]


def register(engine, station, **fields) -> int:
    with write_session(engine) as session:
        return register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                  data=volunteer_data(**fields)).id


def serve_hours(engine, station, volunteer_id: int, hours: float, day: dt.date = dt.date(2022, 8, 5)) -> None:
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=CHINA)
    with write_session(engine) as session:
        activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                            data=activity_data(starts_at=start, hours=hours))
        [record] = records.record_attendance(scope=Scope(session, Actor("t")), activity_id=activity.id,
                                             entries=[records.Attendance(volunteer_id)],
                                             entered_at=start + dt.timedelta(hours=5))
        records.approve_records(scope=Scope(session, Actor("站长")), record_ids=[record.id])


def test_shows_the_figures_and_charts_of_the_station(engine, station):
    volunteer = register(engine, station, is_party_member=True)
    serve_hours(engine, station, volunteer, 2.5)
    board = dashboard.Dashboard(engine)
    assert (number(board, "volunteers"), number(board, "party-members")) == ("1", "1")
    assert number(board, "approved-hours") == "2.5"
    assert [str(m)[:7] for m in board.month_chart.bars.x] == ["2022-08"] and list(board.month_chart.bars.y) == [2.5]
    assert "张伟" in board.top_table.value and "2022" in board.top_heading.value


def test_value_axes_start_at_zero_with_round_ticks(engine, station):
    volunteer = register(engine, station)
    serve_hours(engine, station, volunteer, 7.0)
    board = dashboard.Dashboard(engine)
    for chart in (board.month_chart, board.category_chart):
        scale = chart.value_axis.scale
        assert (scale.min, scale.max, scale.allow_padding) == (0, 8, False)
        assert list(chart.value_axis.tick_values) == [0, 2, 4, 6, 8]


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_round_ticks_read_at_a_glance(largest):
    ticks = dashboard.round_ticks(largest)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks[-1] >= largest and 2 <= len(ticks) <= 6
    assert all(abs((b - a) - step) <= 1e-6 * step for a, b in zip(ticks, ticks[1:]))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(abs(mantissa - nice) < 1e-6 for nice in (1, 2, 2.5, 5))


def test_the_demo_scale_reads_in_round_thousands():
    assert dashboard.round_ticks(13_877) == [0, 5_000, 10_000, 15_000]
    assert dashboard.round_ticks(178_050) == [0, 50_000, 100_000, 150_000, 200_000]


def test_the_month_chart_is_labelled_at_each_new_year_only(engine, station):
    volunteer = register(engine, station)
    for day in (dt.date(2021, 11, 5), dt.date(2022, 1, 7), dt.date(2022, 3, 4)):
        serve_hours(engine, station, volunteer, 1.0, day)
    board = dashboard.Dashboard(engine)
    assert [str(m)[:7] for m in board.month_chart.bars.x] == ["2021-11", "2022-01", "2022-03"]
    assert [str(m)[:7] for m in board.month_chart.figure.axes[0].tick_values] == ["2022-01"]


def test_a_write_elsewhere_updates_the_screen_in_place(engine, station):
    board = dashboard.Dashboard(engine)
    tile = find(board.widget, "sk-dashboard-figure-volunteers")
    assert number(board, "volunteers") == "0"
    register(engine, station)
    assert board.poll_once()
    assert find(board.widget, "sk-dashboard-figure-volunteers") is tile  # the same widget, updated
    assert number(board, "volunteers") == "1"


def test_a_registration_recounts_the_figures_and_approved_hours_redraw_the_charts(engine, station, monkeypatch):
    """A registration desk's changes show on the tiles without redrawing every chart (which is what
    keeps them within a second); hours approved elsewhere still reach the month chart and the top list."""
    volunteer = register(engine, station)
    board = dashboard.Dashboard(engine)
    hour_counts = []
    real = analytics.hours_by_month
    monkeypatch.setattr(dashboard, "hours_by_month", lambda *a, **k: hour_counts.append(1) or real(*a, **k))
    register(engine, station, name="李娜", phone="13900001111")
    assert board.poll_once() and number(board, "volunteers") == "2" and hour_counts == []
    serve_hours(engine, station, volunteer, 3)
    assert board.poll_once() and hour_counts == [1]
    assert list(board.month_chart.bars.y) == [3.0] and "张伟" in board.top_table.value


def test_nothing_is_recounted_while_nothing_changes(engine, station, monkeypatch):
    board = dashboard.Dashboard(engine)
    counts = []
    real = analytics.headline_figures
    monkeypatch.setattr(dashboard, "headline_figures", lambda *a, **k: counts.append(1) or real(*a, **k))
    assert [board.poll_once() for _ in range(5)] == [False] * 5
    assert counts == []


def test_the_background_poller_picks_up_a_change_within_seconds(engine, station):
    board = dashboard.Dashboard(engine)
    board.start(poll_seconds=0.2)
    try:
        register(engine, station)
        deadline = time.monotonic() + 5
        while number(board, "volunteers") != "1" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert number(board, "volunteers") == "1"
    finally:
        board.stop()


def test_a_failing_database_leaves_a_calm_note_and_the_poller_running(engine, station, monkeypatch):
    board = dashboard.Dashboard(engine)

    def broken(scope, since):
        raise RuntimeError("database went away")

    monkeypatch.setattr(dashboard, "changes_since", broken)
    board.start(poll_seconds=0.1)
    try:
        deadline = time.monotonic() + 5
        while not board.note.value and time.monotonic() < deadline:
            time.sleep(0.05)
        assert board.note.value
        monkeypatch.undo()
        register(engine, station)
        deadline = time.monotonic() + 5
        while number(board, "volunteers") != "1" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert number(board, "volunteers") == "1" and board.note.value == ""
    finally:
        board.stop()


def test_without_a_station_it_says_what_to_do(engine):
    from station_kit.i18n import t
    from station_kit.ui.kit.actions import walk
    from station_kit.ui.kit.format import esc

    text = " ".join(getattr(w, "value", "") for w in walk(dashboard.app(engine=engine))
                    if isinstance(getattr(w, "value", ""), str))
    assert esc(t("station.none")) in text
