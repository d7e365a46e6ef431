"""Backup and restore of the whole database, on SQLite and on PostgreSQL, and the CLI commands.

What a restore must bring back is read from the database itself just before the backup (row counts of
every table, a checksum of the activity rows), never written down from an earlier run.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, insert, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.config import Settings
from dashboard.ingest.importer import import_3w
from dashboard.setup import prepare_database
from dashboard.store.audit import audit_frame
from dashboard.store.backup import BackupError, _pg_connection, backup, restore
from dashboard.store.database import alembic_config, make_engine, migrate, schema_is_current
from dashboard.store.duplicate_decisions import record_decision
from dashboard.store.models import Activity, DuplicateDecision, ImportBatch
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]
HXL = ["#org+acronym", "#org+name", "#org+type", "#adm1+code", "#adm2+code", "#adm3+code", "#sector"]
# 3 rows, all accepted (the P-codes exist in COD-AB 2021, the sectors are known)
SMALL = [["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", "ML050202", "Protection"],
         ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML06", "ML0601", None, "EHA"],
         ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", None, "Santé"]]
# one accepted row of an organisation that is in no other file
LATER = [["ZZTEST", "Organisation de test", "ONG Nat", "ML07", "ML0702", "ML070201", "Santé"]]
SAMPLE_ROWS = 24088  # SOURCE.md: rows of the December 2023 file, all accepted


def small_3w(folder: Path, name: str, rows: list[list]) -> Path:
    return write_workbook(folder / name, {"ML_5W": [HEADERS, HXL, *rows]})


def suffix(engine: Engine) -> str:
    return ".sqlite" if engine.dialect.name == "sqlite" else ".pgdump"


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows of every table in the database (whatever the schema revision), by table name."""
    names = inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}


def activity_checksum(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = sorted(connection.execute(select(Activity.id, Activity.batch_id, Activity.organisation_id,
                                                Activity.sector_code, Activity.pcode)).all())
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()


def batch_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return session.scalars(select(ImportBatch.id).order_by(ImportBatch.id)).all()


def test_restore_brings_back_every_row_as_it_was_at_the_backup(prepared_engine, sample_path, tmp_path):
    engine = prepared_engine
    sample = import_3w(engine, sample_path, period="2023-12", source="OCHA Mali")
    small = import_3w(engine, small_3w(tmp_path, "small.xlsx", SMALL), period="2024-03", source="Cluster")
    before, checksum = table_counts(engine), activity_checksum(engine)
    assert before["activity"] == SAMPLE_ROWS + len(SMALL)
    assert before["duplicate_decision"] == 0

    path = backup(engine, tmp_path / f"saved{suffix(engine)}")
    assert path == tmp_path / f"saved{suffix(engine)}" and path.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))
    if engine.dialect.name == "sqlite":  # one self-contained, sound file
        with closing(sqlite3.connect(path)) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # a user deletes the sample's rows, records a duplicate decision and imports another file
    with Session(engine) as session, session.begin():
        session.execute(delete(Activity).where(Activity.batch_id == sample.batch_id))
    with Session(engine) as session:
        kept_id = session.scalar(select(func.min(Activity.id)).where(Activity.batch_id == small.batch_id))
    record_decision(engine, "a" * 64, [kept_id], "keep_both", "imo@test")
    import_3w(engine, small_3w(tmp_path, "later.xlsx", LATER), period="2024-06", source="Cluster")
    changed = table_counts(engine)
    assert changed["activity"] == len(SMALL) + len(LATER)
    assert changed["duplicate_decision"] == 1
    assert changed["import_batch"] == before["import_batch"] + 1
    assert changed["organisation"] == before["organisation"] + 1  # ZZTEST

    restore(engine, path)
    restored = table_counts(engine)
    assert restored == {**before, "audit_event": before["audit_event"] + 1}  # the restore's own event
    assert activity_checksum(engine) == checksum
    assert batch_ids(engine) == sorted([sample.batch_id, small.batch_id])
    assert schema_is_current(engine)

    # the restored database takes new imports (ids and sequences came back with it)
    again = import_3w(engine, small_3w(tmp_path, "later.xlsx", LATER), period="2024-06", source="Cluster")
    assert not again.already_imported and again.rows_accepted == len(LATER)
    assert table_counts(engine)["activity"] == before["activity"] + len(LATER)


def test_a_backup_taken_while_a_user_writes_holds_whole_transactions(prepared_engine, tmp_path):
    """A writer commits pairs of decisions; whatever moment the backup reads, it holds whole pairs."""
    engine = prepared_engine
    first_commit, stop = threading.Event(), threading.Event()
    committed: list[int] = []
    errors: list[BaseException] = []

    def write_pairs() -> None:
        try:
            number = 0
            while not stop.is_set():
                with Session(engine) as session, session.begin():
                    for _ in range(2):
                        number += 1
                        session.execute(insert(DuplicateDecision).values(
                            group_key=f"{number:064x}", decision="keep_both", activity_ids=[number],
                            decided_by="writer", decided_at=datetime.now(timezone.utc)))
                        session.flush()
                        stop.wait(0.005)  # the pair's transaction stays open a moment
                committed.append(number)
                first_commit.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
            first_commit.set()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        assert first_commit.wait(30)
        at_start = committed[-1]
        path = backup(engine, tmp_path / f"during{suffix(engine)}")
        at_end = committed[-1]
        for _ in range(1000):  # let the writer commit once more after the backup
            if errors or committed[-1] > at_end:
                break
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(30)
    assert not errors, errors
    assert committed[-1] > at_end

    restore(engine, path)
    with Session(engine) as session:
        saved = session.scalar(select(func.count()).select_from(DuplicateDecision))
    # whole pairs only, all committed before the backup ended, none committed after it
    assert saved % 2 == 0 and at_start <= saved <= at_end


def test_cli_restore_asks_for_yes_before_replacing_the_data(prepared_engine, tmp_path, monkeypatch, capsys):
    engine = prepared_engine
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.chdir(tmp_path)
    import_3w(engine, small_3w(tmp_path, "small.xlsx", SMALL), period="2024-03", source="Cluster")
    before, checksum = table_counts(engine), activity_checksum(engine)

    assert cli.main(["backup"]) == 0
    written = [path for path in tmp_path.iterdir() if path.name.startswith("mali3w-backup-")]
    assert len(written) == 1
    name = written[0].name
    assert re.fullmatch(rf"mali3w-backup-\d{{8}}T\d{{6}}Z{re.escape(suffix(engine))}", name)
    assert f"{name} ({written[0].stat().st_size:,} bytes)" in capsys.readouterr().out

    import_3w(engine, small_3w(tmp_path, "later.xlsx", LATER), period="2024-06", source="Cluster")
    changed = table_counts(engine)
    assert changed != before

    assert cli.main(["restore", name]) == 2
    refusal = capsys.readouterr()
    assert "--yes" in refusal.err and "replaces ALL the current data" in refusal.err
    assert table_counts(engine) == changed  # nothing was restored

    assert cli.main(["restore", name, "--yes"]) == 0
    output = capsys.readouterr().out
    assert f"restored the database from {name}" in output
    assert "setup" not in output  # same schema revision
    engine.dispose()
    assert table_counts(engine) == {**before, "audit_event": before["audit_event"] + 1}
    assert activity_checksum(engine) == checksum
    # the probe: a restore wrote no audit event. The restored trail ends with it: who, which file, and what
    # the replaced trail held (the events of the later import, gone with it)
    event = audit_frame(engine, limit=1).iloc[0]
    assert (event["action"], event["target"]) == ("database.restore", name)
    assert event["actor"].startswith("command line (")
    assert event["after"]["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    assert event["before"]["audit_events"] == changed["audit_event"]


def test_restoring_a_backup_of_an_older_schema_says_to_run_setup(empty_engine, mirror, tmp_path, monkeypatch,
                                                                capsys):
    from alembic import command
    engine = empty_engine
    command.upgrade(alembic_config(engine), "0001")  # the first version of the schema
    old_tables = set(inspect(engine).get_table_names())
    path = backup(engine, tmp_path / f"old{suffix(engine)}")

    prepare_database(engine, Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=str(engine.url)))
    import_3w(engine, small_3w(tmp_path, "small.xlsx", SMALL), period="2024-03", source="Cluster")
    assert set(inspect(engine).get_table_names()) > old_tables  # later revisions added tables

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert cli.main(["restore", str(path), "--yes"]) == 0
    assert "python -m dashboard setup" in capsys.readouterr().out
    engine.dispose()
    assert set(inspect(engine).get_table_names()) == old_tables  # exactly the backup: newer tables gone
    assert not schema_is_current(engine)
    assert table_counts(engine)["import_batch"] == 0

    migrate(engine)  # what setup does first: it must succeed on the restored database
    assert schema_is_current(engine)


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(prepared_engine, tmp_path):
    engine = prepared_engine
    import_3w(engine, small_3w(tmp_path, "small.xlsx", SMALL), period="2024-03", source="Cluster")
    before = table_counts(engine)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")
    with pytest.raises(BackupError, match="not a"):
        restore(engine, notes)
    with pytest.raises(BackupError, match="there is no backup file"):
        restore(engine, tmp_path / "missing.sqlite")
    assert table_counts(engine) == before


def fake_client(folder: Path, name: str, version: str) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    script.chmod(0o755)


@pytest.fixture
def server_engine(postgres_server_url):
    engine = make_engine(postgres_server_url)
    yield engine
    engine.dispose()


def test_pg_dump_missing_or_older_than_the_server_is_said_clearly(server_engine, tmp_path, monkeypatch):
    with server_engine.connect() as connection:
        server_major = int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000
    tools = tmp_path / "bin"
    tools.mkdir()
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup(server_engine, tmp_path / "x.pgdump")

    fake_client(tools, "pg_dump", f"{server_major - 1}.3")
    with pytest.raises(BackupError, match=rf"pg_dump {server_major - 1} .* older than the PostgreSQL "
                                          rf"{server_major} server"):
        backup(server_engine, tmp_path / "x.pgdump")
    assert not (tmp_path / "x.pgdump").exists()


def test_the_password_goes_through_the_environment_not_the_command_line():
    url = make_url("postgresql+psycopg://imo:s3cret@db.example.org:5433/mali3w?sslmode=require")
    options, environment = _pg_connection(url)
    assert options == ["--no-password", "--host", "db.example.org", "--port", "5433", "--username", "imo"]
    assert (environment["PGPASSWORD"], environment["PGSSLMODE"]) == ("s3cret", "require")
    assert not any("s3cret" in option for option in options)
