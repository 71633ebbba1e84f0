"""Figures counted from rows, per station, the same whether asked one station or a whole city."""

import re

import pytest
from sqlmodel import select

from station_kit import analytics, clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.services import volunteers as service
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from tests.factories import make_station, volunteer_data


def test_roll_up_across_stations_matches_each_station(engine, station):
    with write_session(engine) as session:
        other = make_station(session, code="HX", name="和谐社区")
        for _ in range(3):
            service.register_volunteer(scope=Scope(session, Actor("t")), station_id=other.id,
                                       data=volunteer_data(is_party_member=True, team_id=other.team_id))
        service.register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                   data=volunteer_data())
    frame = analytics.station_figures(engine).set_index("code")
    with read_session(engine) as session:
        for code, station_id in (("TST", station.id), ("HX", other.id)):
            figures = analytics.headline_figures(engine, station=station_id)
            assert {key: int(frame.loc[code, key]) for key in analytics.HEADLINE_KEYS} == {
                key: figures[key] for key in analytics.HEADLINE_KEYS}
    assert (frame.loc["HX", "volunteers"], frame.loc["HX", "party_members"]) == (3, 3)


def test_volunteers_frame_masks_personal_data(engine, station):
    data = volunteer_data(phone="13912345678")
    with write_session(engine) as session:
        service.register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id, data=data)
    frame = analytics.volunteers(engine)
    assert frame.loc[0, "phone"] == "139****5678"
    assert frame.loc[0, "id_number"] == "*" * 14 + data.id_number[-4:]
    assert frame.loc[0, "birth_year"] == int(data.id_number[6:10])
    assert not {"id_number_cipher", "birth_date", "birth_date_cipher"} & set(frame.columns)


def test_months_are_counted_in_china_time(engine, station):
    import datetime as dt

    from station_kit.clock import CHINA
    from station_kit.services import activities, records
    from tests.factories import activity_data

    with write_session(engine) as session:
        volunteer = service.register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                               data=volunteer_data())
        ids = []
        # 23:00 on 31 August and 01:00 on 1 September in China are both 31 August in UTC.
        for start in (dt.datetime(2022, 8, 31, 22, 0, tzinfo=CHINA), dt.datetime(2022, 9, 1, 0, 30, tzinfo=CHINA)):
            activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                                data=activity_data(starts_at=start, hours=1.5))
            ids += [r.id for r in records.record_attendance(
                scope=Scope(session, Actor("t")), activity_id=activity.id, entries=[records.Attendance(volunteer.id)],
                entered_at=start + dt.timedelta(hours=2))]
        records.approve_records(scope=Scope(session, Actor("t")), record_ids=ids)
    with read_session(engine) as session:
        months = analytics.hours_by_month(engine, station=station.id)
        assert months.to_dict("records") == [{"month": "2022-08", "hours": 1.5},
                                             {"month": "2022-09", "hours": 1.5}]
        assert analytics.latest_month_with_hours(engine, station=station.id) == "2022-09"
        top = analytics.top_volunteers(engine, station=station.id, period="2022-09")
        assert analytics.top_volunteers(engine, station=station.id, period="2022-9").equals(top)
        for not_a_month, key in (("2022", "period.not_a_month"), ("2022-Q3", "period.not_a_month"),
                                 ("2022-09-01", "period.invalid"), ("九月", "period.invalid")):
            with pytest.raises(DomainError) as refused:  # once an empty table, as if nobody served
                analytics.top_volunteers(engine, station=station.id, period=not_a_month)
            assert refused.value.keys() == [key]
    assert top["hours"].tolist() == [1.5]


def test_the_analysts_api_is_the_figures_and_frames_and_no_table_class():
    from sqlmodel import SQLModel

    public = {name: getattr(analytics, name) for name in analytics.__all__}
    assert {"headline_figures", "case_rates", "hours_by", "retention", "connect"} <= set(public)
    assert not [name for name, value in public.items() if isinstance(value, type) and issubclass(value, SQLModel)]


def _small_history(engine, station):
    """Two volunteers registered in July 2022; a health-hall session in July both served (approved,
    1.5 h each, with a partner unit and a project), and an August activity where one was approved
    and the other's record is still pending. Returns the volunteers' ids."""
    import datetime as dt

    from station_kit.clock import CHINA
    from station_kit.models import Project
    from station_kit.models.org import PartnerKind
    from station_kit.models.work import LectureHall, WorkTask
    from station_kit.services import activities, org, records
    from tests.factories import activity_data

    actor = Actor("t")
    with write_session(engine) as session:
        partner = org.add_partner_unit(scope=Scope(session, actor), station_id=station.id, name="神木惠民大药房",
                                       kind=PartnerKind.caring_enterprise, credit_code=None)
        project = org.add_unit(scope=Scope(session, actor), model=Project, station_id=station.id, name="健康义诊进小区",
                               post_id=station.post_ids[2])
        ids = []
        for squad_id in station.squad_ids:
            with clock.at(dt.datetime(2022, 7, 10, 9, tzinfo=CHINA)):
                volunteer = service.register_volunteer(scope=Scope(session, actor), station_id=station.id,
                                                       data=volunteer_data(team_id=station.team_id, squad_id=squad_id))
            ids.append(volunteer.id)
        july = activities.plan_activity(scope=Scope(session, actor), station_id=station.id, data=activity_data(
            starts_at=dt.datetime(2022, 7, 15, 9, tzinfo=CHINA), hours=1.5, title="老年人健康讲堂",
            category=WorkTask.customs, hall=LectureHall.health, speaker="李医生", beneficiaries=40,
            project_id=project.id, post_id=station.post_ids[2], partner_ids=[partner.id]))
        august = activities.plan_activity(scope=Scope(session, actor), station_id=station.id, data=activity_data(
            starts_at=dt.datetime(2022, 8, 5, 9, tzinfo=CHINA), hours=1.5, title="周末文化广场",
            category=WorkTask.culture, post_id=station.post_ids[0], beneficiaries=25))
        done = [r.id for r in records.record_attendance(
            scope=Scope(session, actor), activity_id=july.id, entries=[records.Attendance(i) for i in ids],
            entered_at=dt.datetime(2022, 7, 15, 12, tzinfo=CHINA))]
        later = records.record_attendance(
            scope=Scope(session, actor), activity_id=august.id, entries=[records.Attendance(i) for i in ids],
            entered_at=dt.datetime(2022, 8, 5, 12, tzinfo=CHINA))
        records.approve_records(scope=Scope(session, actor), record_ids=done + [later[1].id])
    return ids


FRAMES = ("volunteers", "service_records", "activities", "projects", "teams", "squads", "lecture_sessions",
          "partner_units")


def test_every_frame_keeps_its_pinned_columns_and_dtypes(engine, station):
    """Notebooks rely on these names and dtypes: enums are categoricals of the stored values, times
    China-time datetimes, text pandas strings. Changing one is changing the analysts' API."""
    _small_history(engine, station)
    expected_columns = {
        "volunteers": ["station", "volunteer_id", "number", "name", "gender", "birth_year", "id_type",
                       "id_number", "phone", "residence_area", "is_party_member", "team", "squad",
                       "registered_at", "active", "approved_hours", "star_level"],
        "service_records": ["station", "record_id", "volunteer_id", "activity_id", "activity", "category",
                            "hall", "post", "project", "role", "status", "started_at", "ended_at", "minutes",
                            "hours", "no_show", "is_backfill", "entered_at", "decided_at"],
        "activities": ["station", "activity_id", "title", "category", "hall", "activity_status", "post",
                       "project", "room", "place", "organiser", "speaker", "starts_at", "ends_at",
                       "beneficiaries", "volunteers", "approved_hours"],
        "projects": ["station", "project_id", "project", "is_brand", "post", "activities", "beneficiaries",
                     "approved_hours"],
        "teams": ["station", "team_id", "team", "squads", "volunteers", "party_members"],
        "squads": ["station", "squad_id", "squad", "team_id", "team", "volunteers", "party_members"],
        "lecture_sessions": ["station", "activity_id", "hall", "title", "speaker", "partners", "starts_at",
                             "activity_status", "audience"],
        "partner_units": ["station", "partner_id", "partner", "kind", "credit_code", "activities",
                          "lecture_sessions", "beneficiaries"],
    }
    for name in FRAMES:
        frame = getattr(analytics, name)(engine)
        assert list(frame.columns) == expected_columns[name], name
        assert len(frame) > 0, name
        for column, dtype in analytics.COLUMNS[name].items():
            assert frame[column].dtype == dtype, (name, column, frame[column].dtype)
    records = analytics.service_records(engine)
    assert str(records["started_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert records["started_at"].min().strftime("%Y-%m-%d %H:%M") == "2022-07-15 09:00"
    assert list(records["category"].cat.categories) == ["theory", "policy", "values", "culture", "customs",
                                                       "skills"]
    assert records["status"].value_counts().to_dict() == {"approved": 3, "pending": 1, "rejected": 0}
    assert str(analytics.volunteers(engine)["name"].dtype) == "string"
    session = analytics.lecture_sessions(engine).iloc[0]
    assert (session["hall"], session["partners"], session["audience"]) == ("health", "神木惠民大药房", 40)


def test_chinese_headers_come_from_the_catalog_with_chinese_categories(engine, station):
    _small_history(engine, station)
    frame = analytics.activities(engine, station=station.id, headers="zh")
    assert list(frame.columns[:6]) == ["实践站", "活动ID", "活动名称", "六大任务", "讲堂", "活动状态"]
    assert set(frame["六大任务"]) == {"涵育滋养文明新风", "丰富活跃文化生活"}
    assert frame["讲堂"].dropna().tolist() == ["健康讲堂"]
    people = analytics.volunteers(engine, headers="zh")
    assert {"出生年份", "证件号码", "联系电话"} <= set(people.columns)
    assert not {"出生日期", "birth_date"} & set(people.columns)
    months = analytics.hours_by("month", engine, headers="zh")
    assert list(months.columns) == ["实践站", "月份", "服务时长（小时）", "服务时长（分钟）", "记录条数", "志愿者人数"]


def test_roll_ups_group_in_the_database_and_count_only_approved_service(engine, station):
    ids = _small_history(engine, station)
    months = analytics.hours_by("month", engine)
    assert months[["month", "hours", "minutes", "records", "volunteers"]].to_dict("records") == [
        {"month": "2022-07", "hours": 3.0, "minutes": 180, "records": 2, "volunteers": 2},
        {"month": "2022-08", "hours": 1.5, "minutes": 90, "records": 1, "volunteers": 1}]
    squads = analytics.hours_by("squad", engine, station=station.id)
    assert squads.set_index("squad")["hours"].to_dict() == {"第2分队": 3.0, "第1分队": 1.5}
    assert analytics.hours_by("hall", engine, period=("2022-08", "2022"))["hours"].tolist() == []
    assert analytics.hours_by("post", engine, period="2022-07")["post"].tolist() == ["卫生健康服务"]
    assert analytics.hours_by("month", engine, station="TST", period="2022-Q3").equals(months)  # a code, a quarter
    monthly = analytics.monthly_figures(engine).set_index("month")
    assert monthly.loc["2022-07", ["activities", "beneficiaries", "new_volunteers"]].tolist() == [1, 40, 2]
    assert monthly.loc["2022-08", ["activities", "beneficiaries", "new_volunteers"]].tolist() == [1, 25, 0]
    by_task = analytics.activities_by("category", engine).set_index("category")["beneficiaries"].to_dict()
    assert by_task == {"customs": 40, "culture": 25}
    people = analytics.volunteers(engine).set_index("volunteer_id")["approved_hours"]
    assert people.to_dict() == {ids[0]: 1.5, ids[1]: 3.0}
    assert analytics.work_figures(engine, station=station.id)["approved_hours"] == months["hours"].sum()
    for by in ("month", "post", "project", "team", "squad", "category", "hall"):
        frame = analytics.hours_by(by, engine)
        assert list(frame.columns) == ["station", by, "hours", "minutes", "records", "volunteers"], by
        assert [str(dtype) for dtype in frame.dtypes] == [
            "string", "category" if by in ("category", "hall") else "string", "float64", "int64", "int64",
            "int64"], by
    for name, columns in analytics.ROLLUP_COLUMNS.items():
        frame = analytics.activities_by("post", engine) if name == "activities_by" else getattr(analytics, name)(engine)
        assert {column: frame[column].dtype for column in columns} == columns, name


def test_retention_counts_as_active_only_approved_service_in_the_month(engine, station):
    """Both July registrations served in July; in August one was approved and one is still pending,
    so August has one active volunteer of the cohort of two."""
    _small_history(engine, station)
    cohorts = analytics.retention(engine)
    assert cohorts[["cohort", "cohort_size", "month", "months_after", "active"]].to_dict("records") == [
        {"cohort": "2022-07", "cohort_size": 2, "month": "2022-07", "months_after": 0, "active": 2},
        {"cohort": "2022-07", "cohort_size": 2, "month": "2022-08", "months_after": 1, "active": 1}]
    assert analytics.star_changes(engine).empty  # 3 hours is far from the first star's 100


def test_every_pinned_column_has_its_own_chinese_header():
    """An export with headers="zh" must not show a raw English name, nor two columns under one header."""
    for name, columns in {**analytics.COLUMNS, **analytics.ROLLUP_COLUMNS}.items():
        headers = [t(f"analytics.columns.{column}", lang="zh_CN") for column in columns]
        assert all(re.search(r"[\u4e00-\u9fff]", header) for header in headers), (name, headers)
        assert len(set(headers)) == len(headers), (name, headers)


def test_every_figure_takes_an_engine_and_refuses_a_session_clearly(engine, station):
    """One calling style (DESIGN.md §7): a session handed to a figure that once took one is refused
    with a message, not read as nothing."""
    import inspect


    for name in ("headline_figures", "case_rates", "hours_by_month", "top_volunteers", "works_ledger"):
        figure = getattr(analytics, name)
        assert next(iter(inspect.signature(figure).parameters)) == "engine"
        with read_session(engine) as session, pytest.raises(TypeError, match="takes an engine"):
            figure(session, station=station.id, **({"period": "2022-09"} if name == "top_volunteers" else {}))
        with pytest.raises(TypeError):  # the station by keyword, never by position
            figure(engine, station.id)
    assert analytics.case_rates(engine, station=station.id).empty


def test_an_analyst_s_connection_reads_but_writes_nothing(db_url, engine, station, monkeypatch):
    """What an analyst types into a notebook by mistake — an UPDATE, a DataFrame saved as a table, an
    ORM commit — is refused by the database; the figures still read."""
    import pandas as pd
    from sqlalchemy import text
    from sqlmodel import Session

    from station_kit.config import get_settings
    from station_kit.models import Volunteer

    with write_session(engine) as session:
        service.register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id, data=volunteer_data())
    monkeypatch.setenv("STATION_KIT_DB_URL", db_url)
    get_settings.cache_clear()
    try:
        analyst = analytics.connect()
        assert analytics.headline_figures(analyst, station=station.id)["volunteers"] == 1
        attempts = [
            lambda: analyst.connect().execute(text("UPDATE volunteer SET name = '改了'")),
            lambda: pd.DataFrame({"a": [1]}).to_sql("scratch", analyst),
        ]
        for attempt in attempts:
            with pytest.raises(Exception, match="(?i)read.?only"):
                attempt()
        with pytest.raises(Exception, match="(?i)read.?only"), Session(analyst) as session:
            session.add(Volunteer.model_validate(session.exec(select(Volunteer)).one(), update={"id": None}))
            session.commit()
    finally:
        get_settings.cache_clear()
    with read_session(engine) as session:
        names = session.exec(select(Volunteer.name)).all()
    assert names == [volunteer_data().name]


def test_a_station_street_or_period_that_names_nothing_is_refused_not_answered_empty(engine, station):
    from station_kit.errors import DomainError

    for call, key in ((lambda: analytics.volunteers(engine, station="NOPE"), "station.unknown_code"),
                      (lambda: analytics.volunteers(engine, station=987654), "station.unknown_code"),
                      (lambda: analytics.hours_by("month", engine, street="别处街道"), "station.unknown_street"),
                      (lambda: analytics.grid_cases(engine, station="TST", street=""), "station.station_or_street"),
                      (lambda: analytics.service_records(engine, period="2022-13"), "period.invalid"),
                      (lambda: analytics.case_rates(engine, station="TST", period=("2022", "2021")),
                       "period.backwards"),
                      (lambda: analytics.month_report(engine, station="TST", period="2022"), "period.not_a_month")):
        try:
            call()
        except DomainError as error:
            assert error.keys() == [key]
        else:
            raise AssertionError(f"{key} was answered")
    assert analytics.volunteers(engine, street="").empty and analytics.volunteers(engine, station="TST").empty
