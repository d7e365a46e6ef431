"""Engine creation and schema migrations (Alembic) for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
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
