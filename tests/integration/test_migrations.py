"""The schema is what the migrations build, from the first one on, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import station_kit.models  # noqa: F401
from station_kit.db import alembic_config, get_engine, migrate


def _differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_build_exactly_the_models(db_url):
    migrate(db_url)
    assert _differences(get_engine(db_url)) == []


def test_downgrade_to_nothing_and_back(db_url):
    migrate(db_url)
    command.downgrade(alembic_config(db_url), "base")
    assert set(inspect(get_engine(db_url)).get_table_names()) <= {"alembic_version"}
    migrate(db_url)
    assert "volunteer" in inspect(get_engine(db_url)).get_table_names()


def test_migrating_twice_changes_nothing(db_url):
    migrate(db_url)
    migrate(db_url)
    assert _differences(get_engine(db_url)) == []
