"""Backups of the whole database, and restoring one, on SQLite and on PostgreSQL.

SQLite uses the online backup API: a consistent copy taken while the dashboard keeps serving and
importing (WAL mode: the copy reads one snapshot, writers are not blocked). PostgreSQL uses ``pg_dump
--format=custom`` (one snapshot) and ``pg_restore`` in a single transaction, so a restore that fails
leaves the database as it was (a backup of another schema revision goes through ``psql``, see
:func:`_pg_restore`). Restoring replaces everything: the database then holds exactly the backup.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import URL

from dashboard.domain.roles import Viewer
from dashboard.store import audit
from dashboard.store.models import AuditEvent

#: first bytes of a SQLite database file and of a ``pg_dump --format=custom`` archive
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
SUFFIXES = {"sqlite": ".sqlite", "postgresql": ".pgdump"}


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says what to do."""


def default_backup_name(engine: Engine, now: datetime | None = None) -> str:
    """``mali3w-backup-<UTC timestamp>.sqlite`` (or ``.pgdump``): the names sort by date and time."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"mali3w-backup-{stamp}{SUFFIXES.get(_backend(engine), '.backup')}"


def backup(engine: Engine, destination: Path) -> Path:
    """Write a consistent backup of the whole database to ``destination`` and return its path.

    The file is written beside the destination under a temporary name and renamed when complete, so a
    failed backup never leaves a truncated file that looks like a backup.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    backend = _backend(engine)
    try:
        if backend == "sqlite":
            _sqlite_backup(engine, destination, partial)
        elif backend == "postgresql":
            _pg_dump(engine, partial)
        else:
            raise BackupError(f"backups are made for SQLite and PostgreSQL, not {backend}")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def restore(engine: Engine, source: Path, *, by: Viewer | None = None) -> None:
    """Replace the whole database with the backup ``source`` (made by :func:`backup` on the same back end).

    The restored audit trail then ends with a ``database.restore`` event by ``by``: which file, and how many
    events the replaced trail held and until when (those are gone with the data they described).
    Pooled connections are closed afterwards so that every later query reads the restored data. The
    backup may be of an older schema: check :func:`dashboard.store.database.schema_is_current` after.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    replaced = _trail_summary(engine)
    backend = _backend(engine)
    with source.open("rb") as stream:
        header = stream.read(len(SQLITE_HEADER))
    if backend == "sqlite":
        if not header.startswith(SQLITE_HEADER):
            raise BackupError(f"{source} is not a SQLite backup (a .pgdump file restores into PostgreSQL only)")
        _sqlite_restore(engine, source)
    elif backend == "postgresql":
        if not header.startswith(PGDUMP_HEADER):
            raise BackupError(f"{source} is not a pg_dump custom-format backup (a .sqlite file restores into "
                              "SQLite only)")
        _pg_restore(engine, source)
    else:
        raise BackupError(f"backups are restored into SQLite and PostgreSQL, not {backend}")
    engine.dispose()
    if _trail_summary(engine) is not None:  # a backup older than the audit trail has none to write to
        audit.record(engine, by, "database.restore", source.name,
                     before={"audit_events": replaced["events"], "last_event_at": replaced["last"]}
                     if replaced else None,
                     after={"backup": source.name, "bytes": source.stat().st_size, "sha256": _sha256(source)})


def _trail_summary(engine: Engine) -> dict | None:
    """How many events the audit trail holds and the time of the last one; None without a trail."""
    if "audit_event" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        events, last = connection.execute(select(func.count(), func.max(AuditEvent.at))).one()
    return {"events": events, "last": last}


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _backend(engine: Engine) -> str:
    return engine.url.get_backend_name()


# --- SQLite -----------------------------------------------------------------------------------------

def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only a SQLite database in a file can be backed up or restored")
    return Path(database).resolve()


def _sqlite_backup(engine: Engine, destination: Path, partial: Path) -> None:
    """Copy every page in one step of the backup API: one read snapshot, so the copy is consistent even
    while another connection commits (WAL mode lets that writer go on)."""
    if destination.resolve() == _sqlite_file(engine):
        raise BackupError(f"the backup would overwrite the database itself ({destination}); choose another file")
    pooled = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            pooled.driver_connection.backup(target)
            # one self-contained file: no -wal/-shm beside it is needed to read it
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        pooled.close()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    """Copy the backup over the database with the backup API: the database's pages become the backup's,
    under the database's own locks, so other processes see either the old data or the restored data."""
    if source.resolve() == _sqlite_file(engine):
        raise BackupError(f"{source} is the database itself, not a backup of it")
    backup_db = sqlite3.connect(source)
    try:
        tables = {name for (name,) in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise BackupError(f"{source} is a SQLite file but not a backup of this dashboard's database")
        pooled = engine.raw_connection()
        try:
            backup_db.backup(pooled.driver_connection)
        finally:
            pooled.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} could not be restored: {error}") from error
    finally:
        backup_db.close()


# --- PostgreSQL -------------------------------------------------------------------------------------

def _pg_connection(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq options for ``url`` and the environment to run a client with: the password goes through
    ``PGPASSWORD`` (never on the command line, where other users can read it)."""
    if not url.database:
        raise BackupError("the database URL names no database")
    options = ["--no-password"]  # never wait for a password prompt
    host = url.host or url.query.get("host")
    if host:
        options += ["--host", str(host)]
    if url.port:
        options += ["--port", str(url.port)]
    if url.username:
        options += ["--username", url.username]
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    if url.query.get("sslmode"):
        environment["PGSSLMODE"] = str(url.query["sslmode"])
    return options, environment


def _pg_client(engine: Engine, program: str) -> str:
    """The path of a PostgreSQL client (``pg_dump``, ``pg_restore``, ``psql``), checked to be installed and
    not older than the server (an older ``pg_dump`` refuses a newer server, or misses what it stores)."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} is not installed: install the PostgreSQL client tools "
                          f"(Debian/Ubuntu: apt-get install postgresql-client)")
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version)
    if match is None:
        raise BackupError(f"could not read the version of {path}: {version.strip()!r}")
    with engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    client = int(match.group(1))
    if client < server:
        raise BackupError(f"{program} {client} ({path}) is older than the PostgreSQL {server} server: install "
                          f"postgresql-client-{server} (or newer) and put it first on PATH")
    return path


def _run(command: list[str], environment: dict[str, str]) -> str:
    """Run a PostgreSQL client; its standard output, or :class:`BackupError` with what it said."""
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {finished.returncode}): "
                          f"{finished.stderr.strip() or finished.stdout.strip()}")
    return finished.stdout


def _pg_dump(engine: Engine, partial: Path) -> None:
    program = _pg_client(engine, "pg_dump")
    options, environment = _pg_connection(engine.url)
    _run([program, "--format=custom", f"--file={partial}", *options, "--dbname", engine.url.database],
         environment)


#: Drops the tables, views, sequences and functions of the current schema, except those of extensions:
#: what a backup of another schema revision does not hold (e.g. a table or trigger function a later
#: migration added) must go, so that the database is exactly the backup and ``setup`` can migrate it.
_EMPTY_SCHEMA = """
DO $$
DECLARE statement text;
BEGIN
    FOR statement IN
        SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
END $$;
"""


def _pg_restore(engine: Engine, source: Path) -> None:
    """Drop what the backup holds and create it again from the backup, in one transaction (a failure
    rolls everything back). Objects are owned by the restoring user (``--no-owner``).

    ``--clean`` drops only what the backup holds. A backup of another schema revision lacks tables,
    constraints or functions the database has; these would block the drops or stay behind and make
    ``setup`` fail. Then the schema is emptied first, in the same transaction (``psql`` runs both).
    """
    program = _pg_client(engine, "pg_restore")
    options, environment = _pg_connection(engine.url)
    archived = _archived_tables(program, source, environment)
    if "alembic_version" not in archived:
        raise BackupError(f"{source} is a pg_dump archive but not a backup of this dashboard's database")
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    restore_options = ["--clean", "--if-exists", "--no-owner"]
    if revision is None or revision == _archived_revision(program, source, environment):
        _run([program, *restore_options, "--single-transaction", *options, "--dbname", engine.url.database,
              str(source)], environment)
        return
    psql = _pg_client(engine, "psql")
    with tempfile.TemporaryDirectory(prefix="mali3w-restore-") as folder:
        script = Path(folder) / "restore.sql"  # written whole first: psql never runs a truncated script
        _run([program, *restore_options, f"--file={script}", str(source)], environment)
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", *options,
              "--dbname", engine.url.database, "--command", _EMPTY_SCHEMA, "--file", str(script)], environment)


def _archived_tables(program: str, source: Path, environment: dict[str, str]) -> set[str]:
    """Names of the tables in a custom-format archive, from its table of contents (``pg_restore --list``)."""
    listing = _run([program, "--list", str(source)], environment)
    # e.g. "218; 1259 16425 TABLE public activity postgres"
    return set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, flags=re.MULTILINE))


def _archived_revision(program: str, source: Path, environment: dict[str, str]) -> str | None:
    """The schema revision (Alembic) the backup was taken at, read from its ``alembic_version`` rows."""
    rows = _run([program, "--data-only", "--table=alembic_version", "--file=-", str(source)], environment)
    match = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.$", rows,
                      flags=re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match and match.group(1).strip() else None
