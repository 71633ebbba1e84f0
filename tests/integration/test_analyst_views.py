"""The analysts' SQL views (station_kit/models/views.py), read the way an analyst reads them — raw SQL
through the read-only connection — on SQLite and PostgreSQL: every view is there after migrating, none
carries a phone, an ID number, a birth date or a resident, and their figures are the station's."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import inspect

from station_kit.db import alembic_config, get_read_only_engine, migrate, write_session
from station_kit.models.views import VIEWS
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import id_number, make_community, make_station, unique_phone, volunteer_data

PERSONAL_COLUMNS = ("phone", "id_number", "birth_date", "guardian", "resident", "content", "note")


@pytest.fixture
def filled(engine, db_url):
    """A station with residents, volunteers (full ID numbers and phones) and a community: what the views
    must not give away, in the values a person typed."""
    with write_session(engine) as session:
        station = make_station(session)
        make_community(session, station)
        number, phone = id_number(), unique_phone()
        register_volunteer(scope=Scope(session, Actor("王站长")), station_id=station.id,
                           data=volunteer_data(name="赵敏", id_number=number, phone=phone, guardian_name="赵大"))
    return db_url, number, phone


def _views(url) -> dict[str, pd.DataFrame]:
    engine = get_read_only_engine(url)
    with engine.connect() as connection:
        return {name: pd.read_sql(f"SELECT * FROM {name}", connection) for name in VIEWS}


def test_every_view_reads_without_a_personal_column_or_value(filled):
    url, number, phone = filled
    views = _views(url)
    volunteers = views["analyst_volunteers"]
    assert set(volunteers["name"]) == {"张伟", "李娜", "赵敏"} and set(volunteers["station"]) == {"TST"}
    assert set(volunteers["birth_year"]) == {1985}  # the year stays, for ages
    for name, frame in views.items():
        assert not [column for column in frame.columns if column.startswith(PERSONAL_COLUMNS)], name
        text = frame.astype(str).to_string()
        for secret in (number, number[-8:], phone, phone[-8:], "13912345678", "王小明", "赵大", "1985-06-15"):
            assert secret not in text, (name, secret)


def test_the_views_step_aside_for_a_downgrade_and_come_back(filled):
    url, _, _ = filled
    command.downgrade(alembic_config(url), "base")
    assert not set(inspect(get_read_only_engine(url)).get_view_names()) & set(VIEWS)
    migrate(url)
    migrate(url)  # at the newest revision already: nothing to redo
    assert set(VIEWS) <= set(inspect(get_read_only_engine(url)).get_view_names())


def test_the_demo_station_hours_read_through_a_view_are_the_articles(tmp_path):
    import shutil

    from station_kit import analytics
    from tests.databases import demo_station_url

    copy = tmp_path / "station.db"
    shutil.copyfile(demo_station_url().removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    migrate(url)
    with get_read_only_engine(url).connect() as connection:
        minutes = pd.read_sql("SELECT sum(minutes) AS m FROM analyst_service_records WHERE status = 'approved'",
                              connection)["m"].iloc[0]
    assert minutes / 60 == 323_416.0
    station = analytics.configured_station(get_read_only_engine(url))
    assert analytics.headline_figures(get_read_only_engine(url), station=station["id"])["approved_hours"] == 323_416.0
