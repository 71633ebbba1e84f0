"""Each rule with a Python and an SQL form (DESIGN.md §5: written once, both forms built from one
definition) gives the same answer on random rows, on SQLite and PostgreSQL:

- lateness of grid cases (rules.sla): the predicate the 民呼我应 list uses and the SQL the tally,
  实时数据 and the grid_cases frame use; and the places a worker or an analyst reads "超时" agree;
- the China-time month a moment counts in (rules.calendar), which every monthly figure groups by;
- which service records count (models.work): approved ones for hours, served ones for participation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from station_kit import analytics, clock
from station_kit.db import read_session, write_session
from station_kit.models import Activity, GridCase, ServiceRecord, Volunteer
from station_kit.models.community import OPEN_CASES, CaseChannel, CaseKind, CaseStatus
from station_kit.models.work import RecordStatus, WorkTask, approved_sql, is_approved, is_served, served_sql
from station_kit.rules.calendar import china_month, china_month_sql
from station_kit.rules.sla import CASE_STEPS, case_late_sql, late_steps, step_late, step_on_time_sql
from station_kit.services.cases import list_cases
from station_kit.services.scope import Scope
from tests.factories import READER, make_community
from tests.fuzz import FUZZ

BASE = dt.datetime(2022, 6, 1, 9, 0, tzinfo=clock.CHINA)
# Half-hours around one morning: done, due and now meet often, so the boundary (done exactly at the
# deadline is in time) is tried in most examples.
moments = st.integers(-8, 8).map(lambda half_hours: BASE + dt.timedelta(minutes=30 * half_hours))
maybe = st.none() | moments


@st.composite
def case_times(draw) -> dict:
    return {"accepted_at": draw(maybe), "accept_due_at": draw(moments), "reported_at": draw(maybe),
            "report_due_at": draw(maybe), "resolved_at": draw(maybe), "resolve_due_at": draw(moments),
            "status": draw(st.sampled_from(list(CaseStatus)))}


@pytest.fixture
def grid(engine, station):
    with write_session(engine) as session:
        place = make_community(session, station)
    return place["station"], place["grids"][0]


def _add(session: Session, station_id: int, grid_id: int, times: list[dict]) -> list[GridCase]:
    rows = [GridCase(station_id=station_id, grid_id=grid_id, kind=CaseKind.request, channel=CaseChannel.phone,
                     title="路灯不亮", received_at=BASE - dt.timedelta(days=1), **fields) for fields in times]
    session.add_all(rows)
    session.flush()
    return rows


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))
@given(times=st.lists(case_times(), min_size=1, max_size=12), now=moments)
def test_the_predicate_and_its_sql_agree_on_random_cases(engine, grid, times, now):
    station_id, grid_id = grid
    with Session(engine) as session:
        try:
            rows = _add(session, station_id, grid_id, times)
            on_time = [step_on_time_sql(getattr(GridCase, done), getattr(GridCase, due), now) for _, done, due
                       in CASE_STEPS]
            found = {row[0]: row[1:] for row in session.exec(
                select(GridCase.id, case_late_sql(GridCase, now), *on_time)
                .where(GridCase.id.in_([row.id for row in rows]))).all()}
            for row in rows:
                late, *steps_on_time = found[row.id]
                assert bool(late) == bool(late_steps(row, now)), row
                for (step, done, due), sql_on_time in zip(CASE_STEPS, steps_on_time, strict=True):
                    done_at, due_at = getattr(row, done), getattr(row, due)
                    expected = (None if due_at is None else False if step_late(done_at, due_at, now)
                                else True if done_at is not None else None)
                    assert (None if sql_on_time is None else bool(sql_on_time)) == expected, (step, row)
        finally:
            session.rollback()


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))
@given(times=st.lists(case_times(), min_size=1, max_size=12), now=moments)
def test_the_tally_and_the_list_count_the_same_overdue_cases_on_random_cases(engine, grid, times, now):
    """What 实时数据 and the tally say is overdue is what the 民呼我应 list flags, whatever the cases."""
    station_id, grid_id = grid
    with Session(engine) as session, clock.at(now):
        try:
            _add(session, station_id, grid_id, times)
            tally = analytics.case_figures.in_session(session, station_id)
            listed = list_cases(scope=Scope(session, READER), station_id=station_id)
            assert tally["open"] == sum(1 for case in listed if case.status in OPEN_CASES)
            assert tally["overdue"] == sum(1 for case in listed if case.status in OPEN_CASES and case.overdue)
        finally:
            session.rollback()


def test_the_tally_the_list_and_the_frame_count_the_same_overdue_cases(engine, grid, monkeypatch):
    """An open case accepted late is overdue everywhere, and so is one whose deadline passed while
    it waits; a case resolved late is late in the list and the frame but no longer open."""
    station_id, grid_id = grid
    now = BASE + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: now)
    hour = dt.timedelta(hours=1)
    with write_session(engine) as session:
        _add(session, station_id, grid_id, [
            # accepted late, still open: overdue (the tally used to miss it)
            dict(status=CaseStatus.accepted, accept_due_at=BASE, accepted_at=BASE + hour,
                 resolve_due_at=now + 24 * hour),
            # waiting past its accept deadline: overdue
            dict(status=CaseStatus.received, accept_due_at=now - hour, resolve_due_at=now + 24 * hour),
            # whistled, the department not yet reported past its 30 minutes: overdue
            dict(status=CaseStatus.whistled, accept_due_at=BASE, accepted_at=BASE, report_due_at=now - hour,
                 resolve_due_at=now + 24 * hour),
            # everything in time: not overdue
            dict(status=CaseStatus.accepted, accept_due_at=BASE, accepted_at=BASE, resolve_due_at=now + hour),
            # resolved late: late in the ledger, but not open
            dict(status=CaseStatus.resolved, accept_due_at=BASE, accepted_at=BASE, resolve_due_at=BASE + hour,
                 resolved_at=BASE + 2 * hour),
        ])
    with read_session(engine) as session:
        tally = analytics.case_figures(engine, station=station_id)["overdue"]
        listed = list_cases(scope=Scope(session, READER), station_id=station_id)
    flagged_open = sum(1 for case in listed if case.status in OPEN_CASES and case.overdue)
    frame = analytics.grid_cases(engine, station=station_id)
    frame_open = frame[frame["case_status"].isin([str(status) for status in OPEN_CASES])]
    late_in_frame = (frame_open[[f"{step}_on_time" for step, _, _ in CASE_STEPS]] == False).any(axis=1)  # noqa: E712
    assert tally == flagged_open == int(late_in_frame.sum()) == 3
    assert sum(1 for case in listed if case.overdue) == 4


# Any moment from 2000 to 2035, to the second, in any zone a server or a browser might hand over.
any_moment = st.builds(
    lambda seconds, offset_minutes: (dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds))
    .astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes))),
    st.integers(0, 35 * 366 * 86400), st.integers(-12 * 60, 14 * 60))
# Month ends in China time, where UTC and China disagree on the month.
month_edges = st.builds(lambda year, month, seconds: dt.datetime(year, month, 1, tzinfo=clock.CHINA)
                        + dt.timedelta(seconds=seconds),
                        st.integers(2000, 2035), st.integers(1, 12), st.integers(-9 * 3600, 9 * 3600))


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))
@given(moments=st.lists(any_moment | month_edges, min_size=1, max_size=20))
def test_the_china_month_of_a_moment_is_the_same_in_python_and_in_sql(engine, grid, moments):
    station_id, grid_id = grid
    times = [dict(status=CaseStatus.received, accept_due_at=BASE, resolve_due_at=BASE) for _ in moments]
    with Session(engine) as session:
        try:
            rows = _add(session, station_id, grid_id, times)
            for row, moment in zip(rows, moments, strict=True):
                row.received_at = moment
            session.flush()
            found = dict(session.exec(select(GridCase.id, china_month_sql(session.get_bind(), GridCase.received_at))
                                      .where(GridCase.id.in_([row.id for row in rows]))).all())
            assert [found[row.id] for row in rows] == [china_month(moment) for moment in moments]
        finally:
            session.rollback()


@st.composite
def record_fields(draw) -> dict:
    no_show = draw(st.booleans())
    return {"status": draw(st.sampled_from(list(RecordStatus))), "no_show": no_show,
            "minutes": 0 if no_show else draw(st.integers(0, 240))}


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 20))
@given(fields=st.lists(record_fields(), min_size=1, max_size=12))
def test_approved_and_served_are_the_same_in_python_and_in_sql(engine, grid, fields):
    """The hours every figure sums (approved) and the participations it counts (served: approved, not a
    no-show, of some minutes) are read alike by the tally, the frames, the awards and the certificates."""
    station_id, _ = grid
    with Session(engine) as session:
        try:
            volunteer = Volunteer(station_id=station_id, number="TST900001", name="张伟", gender="male",
                                  birth_year=1985, id_type="resident_id", id_number_cipher="x", id_number_hash="x",
                                  id_number_masked="*", birth_date_cipher="x", phone="13800138000",
                                  consent_at=BASE.date())
            activity = Activity(station_id=station_id, title="测试", category=WorkTask.customs,
                                starts_at=BASE, ends_at=BASE + dt.timedelta(hours=4))
            session.add_all([volunteer, activity])
            session.flush()
            rows = [ServiceRecord(station_id=station_id, volunteer_id=volunteer.id, activity_id=activity.id,
                                  started_at=BASE, ended_at=BASE, **each) for each in fields]
            session.add_all(rows)
            session.flush()
            found = {row[0]: row[1:] for row in session.exec(
                select(ServiceRecord.id, approved_sql(), served_sql())
                .where(ServiceRecord.id.in_([row.id for row in rows]))).all()}
            for row in rows:
                assert tuple(map(bool, found[row.id])) == (is_approved(row), is_served(row)), row
        finally:
            session.rollback()
