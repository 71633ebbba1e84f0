"""Engine and sessions for SQLite (one station) and PostgreSQL (a city), and schema migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions start with
``BEGIN IMMEDIATE`` so that two Voilà kernels writing at once queue on the busy timeout instead of
one failing with "database is locked" when it tries to upgrade a read lock.
"""

from __future__ import annotations

import functools
import itertools
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import TypeDecorator, event, insert, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine, select

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Let people write ``postgresql://`` and still get the psycopg 3 driver we ship."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@lru_cache(maxsize=16)
def get_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        _create_private(Path(database))
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows (an old plain column a migration drops) are overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@lru_cache(maxsize=16)
def get_read_only_engine(url: str) -> Engine:
    """An engine that reads ``url`` and cannot change it by mistake: for analysts (analytics.connect).

    SQLite opens the file read-only (``mode=ro``: no INSERT, UPDATE, DELETE, DDL or ``to_sql`` goes
    through, whatever SQL is sent, and a missing file is not created). PostgreSQL starts every
    transaction read-only; that stops an accident, and the street's read-only database role (issue
    "A street on one server") is what stops a person who means to write."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"options": "-c default_transaction_read_only=on"})
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("a read-only engine needs a database file")
    if not Path(database).is_file():
        raise FileNotFoundError(database)
    engine = create_engine(f"sqlite:///file:{Path(database).resolve()}?mode=ro&uri=true",
                           connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")

    return engine


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (0600): it holds names, phones and birth
    years. SQLite gives its -wal and -shm files the database file's own mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction that writes: committed when the block ends, rolled back on any error."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``: every schema change is an Alembic migration."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    engine = get_engine(url)
    if is_sqlite(engine):
        # Write what the migrations changed into the database file and empty the WAL, so that no
        # copy of a dropped plain column stays behind in it.
        connection = engine.raw_connection()  # outside any transaction, which a checkpoint needs
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()


# Ids are 32-bit integers on PostgreSQL: a larger one names no row (rather than a database error).
LARGEST_ID = 2**31 - 1


def is_id(value) -> bool:
    """Whether ``value`` could name a row: a whole number from 1 to the largest 32-bit id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_ID


def lock_rows(session: Session, model, ids) -> None:
    """Hold these rows until the transaction ends, so that a rule read-then-written under them
    (one registration number per station, no overlapping records of one volunteer) holds when two
    writers race. PostgreSQL locks them in id order, so two writers never deadlock; SQLite needs
    nothing, because a write transaction begins IMMEDIATE and holds the whole database. A value that
    cannot be an id names no row to hold; the use case refuses it when it loads the row."""
    wanted = sorted({value for value in ids if is_id(value)})
    if session.get_bind().dialect.name != "postgresql" or not wanted:
        return
    session.execute(select(model.id).where(model.id.in_(wanted)).order_by(model.id).with_for_update())


def insert_unique(session: Session, row, refuse: Callable[[], Exception]) -> None:
    """Insert ``row`` (or a list of rows, in one statement); when a unique constraint finds that another
    writer got there first, raise ``refuse()``: the same message the user gets when the check before the
    insert sees it."""
    try:
        with session.begin_nested():
            session.add_all(row if isinstance(row, list) else [row])
    except IntegrityError:
        raise refuse() from None


INSERTED_PER_STATEMENT = 20_000  # SQLite's multi-row INSERTs: small enough for its limits on variables


def new_row_values(row) -> dict:
    """A table row built in memory as ``insert_many`` takes it: every column but the id, which the
    database gives."""
    return {column.name: getattr(row, column.name) for column in row.__table__.columns if column.name != "id"}


def insert_many(session: Session, model, rows: Iterable[dict], *, with_ids: bool = False) -> list[int]:
    """Write many new rows of one table in the session's transaction, in bulk; their ids in order when
    ``with_ids``. A missing column takes its column default, as an INSERT would give it.

    On PostgreSQL this is ``COPY … FROM STDIN``, the database's own bulk load (a history of millions of
    records in minutes rather than hours); the ids are drawn from the table's sequence first, so no
    other writer is held up and none can take them. Elsewhere it is multi-row INSERTs."""
    rows = list(rows) if with_ids else rows
    session.flush()  # rows the session holds go first: the new ones may name them
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _execute_many(session, model, rows, with_ids=with_ids)
    if dialect != "postgresql":
        return _insert_statements(session, model, rows, with_ids=with_ids)
    from psycopg import sql as psycopg_sql  # PostgreSQL's driver, loaded only where it is used

    table = model.__table__
    ids: list[int] = []
    if with_ids:
        if not rows:
            return []
        ids = session.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                   "FROM generate_series(1, :count)"),
                              {"table": table.name, "count": len(rows)}).scalars().all()
    columns = [column for column in table.columns if column.name != "id" or with_ids]
    shaped = _bound_values(session, columns)
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(table.name),
        psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(column.name) for column in columns))
    connection = session.connection().connection.driver_connection
    numbered = zip(ids, rows) if with_ids else ((None, row) for row in rows)
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row_id, row in numbered:
            copy.write_row(shaped(row_id, row))
    return ids


def _execute_many(session: Session, model, rows: Iterable[dict], *, with_ids: bool) -> list[int]:
    """SQLite: one prepared INSERT that its driver runs for every row (``executemany``), each value shaped
    as SQLAlchemy would send it: the demo's 114,082 service records go in in 40% of the time of
    SQLAlchemy's own bulk INSERT (8 s against 19-21 s on a slow 2-core machine). The ids are SQLite's: in
    a write transaction, which holds the whole database, each new row takes the largest rowid so far plus
    one, so the rows' ids are the last one's and those just before."""
    table = model.__table__
    columns = [column for column in table.columns if column.name != "id"]
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(column.name) for column in columns)}) "
                 f"VALUES ({', '.join('?' * len(columns))})")
    shaped = _bound_values(session, columns, every_type=True)
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.executemany(statement, (shaped(None, row) for row in rows))
        if not with_ids:
            return []
        last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
    finally:
        cursor.close()
    return list(range(last - len(rows) + 1, last + 1)) if rows else []


def _insert_statements(session: Session, model, rows: Iterable[dict], *, with_ids: bool) -> list[int]:
    ids: list[int] = []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True) if with_ids else insert(model)
    rows = iter(rows)
    while batch := list(itertools.islice(rows, INSERTED_PER_STATEMENT)):
        result = session.execute(statement, batch)
        if with_ids:
            ids += result.scalars().all()
    return ids


def _default(column) -> Callable[[], object]:
    """The value an INSERT gives ``column`` when a row has none."""
    default = column.default
    if default is None:
        return lambda: None
    if default.is_callable:
        return functools.partial(default.arg, None)
    return lambda: default.arg


def _bound_values(session: Session, columns, *, every_type: bool = False) -> Callable[[int | None, dict], tuple]:
    """A function giving a row's values as an INSERT would send them: the column's default where the row
    has none, and our types' own conversion (aware times to UTC; a naive one is refused). PostgreSQL's
    COPY adapts the plain types itself; SQLite's driver is given what SQLAlchemy would give it for
    ``every_type`` (times as its text, for one)."""
    dialect = session.get_bind().dialect
    names = [column.name for column in columns]
    defaults = [_default(column) for column in columns]
    converters = [(index, convert) for index, column in enumerate(columns)
                  if (every_type or isinstance(column.type, TypeDecorator))
                  and (convert := (column.type.dialect_impl(dialect) if every_type else column.type)
                       .bind_processor(dialect)) is not None]
    given = [name for name in names if name != "id"]
    take = operator.itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
    id_at = names.index("id") if "id" in names else None

    def values(row_id: int | None, row: dict) -> tuple:
        try:  # every column given: taken at once (a city's load is millions of rows)
            shaped = list(take(row))
            if id_at is not None:
                shaped.insert(id_at, row_id)
        except KeyError:
            shaped = [row_id if name == "id" else row[name] if name in row else default()
                      for name, default in zip(names, defaults)]
        for index, convert in converters:
            if shaped[index] is not None:
                shaped[index] = convert(shaped[index])
        return tuple(shaped)

    return values
