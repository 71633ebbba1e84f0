"""The analysts' read-only way into a street's PostgreSQL (DESIGN.md §10): a schema of views, one per
table and named like it, that an analyst's database role reads instead of the tables.

An analyst's role (services/analysts.py) has ``search_path = station_kit_read``, may SELECT these views
and nothing else, and writes nothing. So ``station_kit.analytics`` and the notebooks run unchanged
(``FROM volunteer`` finds the view), while what they read is cut down twice:

- to the stations the role was given (``station_kit_private.analyst_access``, which analysts cannot
  read): a street's analyst sees the street's stations, a station's analyst one;
- to what analysis needs: ID numbers in every form, birth dates, phones, guardians, residents' names
  and homes, and the free text a worker typed about a person (case and wish titles, contents and
  notes) read as empty. The operation log and the key check are not there at all.

The documented ``analyst_*`` views (views.py) are there too, built on the cut-down views. Views are
``security_barrier``, so no function an analyst writes sees a row before the station filter has run.
Like the analysts' views, this schema is derived, not part of the schema's history: migrations/env.py
drops it before a migration and builds it again at the newest revision when analysts exist.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql
from sqlmodel import SQLModel

from station_kit.models.views import VIEWS

READ_SCHEMA = "station_kit_read"
PRIVATE_SCHEMA = "station_kit_private"
ACCESS_TABLE = f"{PRIVATE_SCHEMA}.analyst_access"
ANALYSTS = "station_kit_analyst"  # the group role every analyst's role belongs to; the grants go to it

# Columns an analyst's view shows empty: personal data and free text about a person (DESIGN.md §9).
HIDDEN = {
    "volunteer": {"phone", "guardian_name", "birth_date_cipher", "id_number_cipher", "id_number_hash",
                  "id_number_note"},
    "resident": {"name", "building", "unit", "phone"},
    "steward": {"phone"},
    "gridcase": {"title", "content", "whistle_note", "report_note", "resolution_note"},
    "request": {"title", "content", "closing_note", "cancel_reason"},
}
NOT_SHOWN = frozenset({"auditevent", "keycheck"})
# Tables without a station_id: the row of the table that says their station.
THROUGH = {"residentcaregroup": ("resident_id", "resident"), "requestclaim": ("request_id", "request"),
           "volunteerpost": ("volunteer_id", "volunteer"), "activitypartner": ("activity_id", "activity")}
_MINE = f"(SELECT station_id FROM {ACCESS_TABLE} WHERE role_name = current_user)"


def _column(table: str, column) -> str:
    if column.name not in HIDDEN.get(table, ()):
        return f"t.{column.name}"
    if _is_text(column.type):
        return f"CAST('' AS {column.type.compile(dialect=postgresql.dialect())}) AS {column.name}"
    return f"CAST(NULL AS {column.type.compile(dialect=postgresql.dialect())}) AS {column.name}"


def _is_text(kind) -> bool:
    return kind.compile(dialect=postgresql.dialect()).startswith(("VARCHAR", "TEXT"))


def view_sql(table) -> str:
    """``CREATE VIEW`` of one table's cut-down view."""
    columns = ", ".join(_column(table.name, column) for column in table.columns)
    if table.name == "station":
        where = f"t.id IN {_MINE}"
    elif "station_id" in table.columns:
        where = f"t.station_id IN {_MINE}"
    else:
        key, parent = THROUGH[table.name]
        where = f"t.{key} IN (SELECT id FROM public.{parent} WHERE station_id IN {_MINE})"
    return (f"CREATE VIEW {READ_SCHEMA}.{table.name} WITH (security_barrier) AS "
            f"SELECT {columns} FROM public.{table.name} t WHERE {where}")


def analysts_exist(execute: Callable) -> bool:
    """Whether an analyst was ever given this database (the private schema stays through migrations)."""
    return execute(f"SELECT 1 FROM pg_namespace WHERE nspname = '{PRIVATE_SCHEMA}'").first() is not None


def drop_read_schema(execute: Callable) -> None:
    execute(f"DROP SCHEMA IF EXISTS {READ_SCHEMA} CASCADE")


def create_read_schema(execute: Callable) -> None:
    """Build the schema afresh from the tables as they are, and grant it to the analysts' group role
    (``execute``: a callable that runs one SQL statement and returns its result)."""
    import station_kit.models  # noqa: F401  (every table on the metadata)

    drop_read_schema(execute)
    execute(f"CREATE SCHEMA IF NOT EXISTS {PRIVATE_SCHEMA}")
    execute(f"REVOKE ALL ON SCHEMA {PRIVATE_SCHEMA} FROM PUBLIC")
    execute(f"CREATE TABLE IF NOT EXISTS {ACCESS_TABLE} (role_name name NOT NULL, "
            "station_id integer NOT NULL REFERENCES public.station (id) ON DELETE CASCADE, "
            "PRIMARY KEY (role_name, station_id))")
    execute(f"CREATE SCHEMA {READ_SCHEMA}")
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in NOT_SHOWN:
            execute(view_sql(table))
    execute(f"SET LOCAL search_path TO {READ_SCHEMA}")  # the analyst_* views read the cut-down ones
    for name, query in VIEWS.items():
        execute(f"CREATE VIEW {name} WITH (security_barrier) AS {query}")
    execute("SET LOCAL search_path TO DEFAULT")
    execute(f"GRANT USAGE ON SCHEMA {READ_SCHEMA} TO {ANALYSTS}")
    execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {READ_SCHEMA} TO {ANALYSTS}")
