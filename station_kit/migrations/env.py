"""Alembic environment: the schema is SQLModel's metadata; SQLite gets batch mode for ALTERs."""

from alembic import context
from sqlmodel import SQLModel

import station_kit.models  # noqa: F401  (registers every table)
from station_kit.db import get_engine
from station_kit.models.read_schema import analysts_exist, create_read_schema, drop_read_schema
from station_kit.models.views import create_views, drop_views

config = context.config
target_metadata = SQLModel.metadata


def _target() -> set[str]:
    """The revisions this run ends at (alembic names head by its number, and base as None)."""
    argument = context.get_revision_argument()
    if argument is None:
        return set()
    return set(argument) if isinstance(argument, tuple) else {argument}


def _commit_sqlite(connection) -> None:
    """Alembic runs SQLite's DDL outside a transaction of its own (SQLite's DDL is not transactional to
    alembic), committing each migration; a statement run here began one, which nothing else commits.
    On PostgreSQL the statements belong to alembic's transaction, committed with the migrations."""
    if connection.dialect.name == "sqlite" and connection.in_transaction():
        connection.commit()


def run_migrations_online() -> None:
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table and drops the old one, which foreign keys would refuse
            # while rows point at it. The pragma only takes effect outside a transaction.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                heads = set(context.script.get_heads())
                moving = set(context.get_context().get_current_heads()) != _target()
                # the analysts' views step aside while tables change (models/views.py, read_schema.py)
                analysts = not sqlite and analysts_exist(connection.exec_driver_sql)
                if moving:
                    drop_views(connection.exec_driver_sql)
                    if analysts:
                        drop_read_schema(connection.exec_driver_sql)
                    _commit_sqlite(connection)
                context.run_migrations()
                if moving and set(context.get_context().get_current_heads()) == heads:
                    create_views(connection.exec_driver_sql)
                    if analysts:
                        create_read_schema(connection.exec_driver_sql)
                    _commit_sqlite(connection)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows pointing at rows that do not exist")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
