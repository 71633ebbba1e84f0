"""An analyst's own read-only PostgreSQL role (DESIGN.md §10): what their JupyterLab connects as.

The role may log in, reads the cut-down views of ``station_kit_read`` (models/read_schema.py) for the
stations it was given and nothing else, and every transaction it opens is read-only. Giving it again
sets a fresh password and the stations anew: the street's hub gives it each time an analyst's server
starts, so a password never outlives the server it was made for.

Only an admin gives it, for stations they work for, on PostgreSQL, with a database user that may
create roles (CREATEROLE; the street's own server's superuser does).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import text

from station_kit.errors import DomainError
from station_kit.models.read_schema import ACCESS_TABLE, ANALYSTS, READ_SCHEMA, create_read_schema
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope

ROLE_PREFIX = "analyst_"
NAME = re.compile(r"[a-z][a-z0-9_.@-]{0,40}")  # a hub user name (NativeAuthenticator keeps them lower case)


@dataclass(frozen=True)
class AnalystAccess:
    role: str
    password: str
    url: str  # the database URL the analyst's server connects with (password included)
    station_ids: tuple[int, ...]


def role_name(name: str) -> str:
    if not NAME.fullmatch(name or ""):
        raise DomainError.on("name", "analyst.bad_name", name=name)
    return ROLE_PREFIX + name


def grant_analyst(*, scope: Scope, name: str, station_ids: list[int]) -> AnalystAccess:
    """Give the analyst ``name`` a read-only role that sees ``station_ids``: made if missing, with a
    fresh password, and its stations replaced by these."""
    scope.require(Role.admin)
    session = scope.session
    role = role_name(name)
    if not station_ids:
        raise DomainError.on("station", "analyst.no_station")
    for station_id in station_ids:
        scope.require_station(station_id)
    if session.get_bind().dialect.name != "postgresql":
        raise DomainError.on("db", "analyst.needs_postgresql")
    quoted = session.get_bind().dialect.identifier_preparer.quote(role)
    password = secrets.token_urlsafe(24)  # letters, digits, - and _: nothing to escape in SQL
    connection = session.connection()

    def execute(statement: str):
        return connection.exec_driver_sql(statement)

    if not execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{ANALYSTS}'").first():
        execute(f"CREATE ROLE {ANALYSTS} NOLOGIN")
    exists = execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'").first()
    execute(f"{'ALTER' if exists else 'CREATE'} ROLE {quoted} LOGIN PASSWORD '{password}'")
    execute(f"GRANT {ANALYSTS} TO {quoted}")
    execute(f"ALTER ROLE {quoted} SET search_path = {READ_SCHEMA}")
    execute(f"ALTER ROLE {quoted} SET default_transaction_read_only = on")
    create_read_schema(execute)
    session.execute(text(f"DELETE FROM {ACCESS_TABLE} WHERE role_name = :role"), {"role": role})
    for station_id in sorted(set(station_ids)):
        session.execute(text(f"INSERT INTO {ACCESS_TABLE} (role_name, station_id) VALUES (:role, :station)"),
                        {"role": role, "station": station_id})
    for station_id in sorted(set(station_ids)):
        log_event(scope, action="analyst.grant", entity="analyst", station_id=station_id, analyst=name)
    url = session.get_bind().url.set(username=role, password=password)
    return AnalystAccess(role=role, password=password, url=url.render_as_string(hide_password=False),
                         station_ids=tuple(sorted(set(station_ids))))
