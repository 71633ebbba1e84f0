"""Alembic environment: the schema is SQLModel's metadata; SQLite gets batch mode for ALTERs."""

from alembic import context
from sqlmodel import SQLModel

import station_kit.models  # noqa: F401  (registers every table)
from station_kit.db import get_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
