"""Engine creation and schema migrations (Alembic) for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, Date, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: PostgreSQL advisory-lock key taken by every import (one key for all kinds: they share the organisations)
IMPORT_LOCK_KEY = zlib.crc32(b"mali3w:import")


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; SQLite files get WAL mode, foreign keys and a busy timeout."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on an empty database)."""
    command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


#: the largest id an Integer column holds on every backend (PostgreSQL's integer): an id from an address or
#: a browser beyond it names nothing, and asking the database for it fails (OverflowError, "out of range")
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether ``value`` can be the id of a stored row (a positive integer an Integer column holds)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def serialise_imports(session: Session) -> None:
    """Make this session's transaction wait until no other import is writing, and hold that until it ends.

    Must be the first statement of the import's transaction. An import reads before it writes (the same
    file already imported? which organisations exist? an earlier import of this period and source?), so
    two imports deciding on what they read at the same time would store a file twice, create an
    organisation twice, or leave two imports of one period and source. SQLite: ``BEGIN IMMEDIATE`` takes
    the write lock first (waiting up to the busy timeout); PostgreSQL: a transaction-level advisory lock.
    """
    backend = session.get_bind().dialect.name
    if backend == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif backend == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many rows of ``table`` (dicts by column name) in the session's transaction, through the database
    driver's own ``executemany``: SQLAlchemy's per-row parameter processing cost a quarter of the time of an
    import of 24,000 rows. Values are converted here the way the column types would: JSON as text (SQL NULL for
    None), dates as ISO text for SQLite (psycopg adapts Python dates itself), booleans as 0/1 for SQLite."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = [column for column in table.columns if any(column.name in row for row in rows[:1])]
    sqlite = dialect.name == "sqlite"
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(column.name) for column in columns)}) "
                 f"VALUES ({', '.join([marker] * len(columns))})")
    by_column = [[row.get(column.name) for row in rows] for column in columns]
    for position, column in enumerate(columns):
        convert = _converter(column, sqlite)
        if convert is not None:
            by_column[position] = [None if value is None else convert(value) for value in by_column[position]]
    values = list(zip(*by_column))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(statement, values)
    finally:
        cursor.close()


def _converter(column, sqlite: bool):
    """How one column's Python values (not None) are handed to the driver; None when as they are."""
    if isinstance(column.type, JSON):
        if sqlite:
            return lambda value: json.dumps(value, ensure_ascii=False)
        from psycopg.types.json import Json
        return Json
    if sqlite and isinstance(column.type, Date):
        return lambda value: value.isoformat()
    if sqlite and isinstance(column.type, Boolean):
        return int
    return None
