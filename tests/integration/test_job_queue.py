"""Uploads imported by a runner outside the web process, from a queue in the database (SQLite and PostgreSQL):
a job whose runner died is found out and fails with a sentence, a real worker process killed in the middle
of an import loses nothing and stores nothing, and another worker takes the queue on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dashboard.config import PROJECT_ROOT
from dashboard.domain.roles import Role, Viewer
from dashboard.ingest import job_queue
from dashboard.ingest.jobs import confirm, failure_message, job_state, submit
from dashboard.store.models import Activity, ImportBatch, ImportJob, ImportUpload, JobRunner
from tests.integration.test_upload_and_review import HEADERS, ROWS, uploads_kept
from tests.workbooks import write_workbook

IMO = Viewer(Role.IMO, "imo")
RUNNER_DIED_FR = ("le processus qui vérifiait ou importait le fichier s'est arrêté avant la fin (le serveur a "
                  "redémarré, ou le processus a été arrêté) ; rien n'a été importé. Déposez le fichier à nouveau.")


def small_upload(engine, tmp_path) -> int:
    content = write_workbook(tmp_path / "made.xlsx", {"3W": [HEADERS, *ROWS]}).read_bytes()
    return submit(engine, "3W Bankass 2024-03.xlsx", content, IMO, run=False)


def dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def take(engine, job_id, runner, heartbeat_age=timedelta(0)):
    assert job_queue.claim(engine, job_id, runner)
    with engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id)
                           .values(heartbeat_at=datetime.now(UTC) - heartbeat_age))


def test_a_job_whose_runner_process_died_fails_with_a_sentence(prepared_engine, tmp_path):
    job = small_upload(prepared_engine, tmp_path)
    take(prepared_engine, job, f"{socket.gethostname()}:{dead_pid()}:gone")
    state = job_state(prepared_engine, job, IMO)  # what the page reads every few seconds
    assert state["state"] == "failed"
    assert failure_message(state, "fr") == RUNNER_DIED_FR
    assert failure_message(state, "en").startswith("the process that was checking or importing the file stopped")
    assert uploads_kept(prepared_engine) == 0
    with pytest.raises(Exception, match="failed, not waiting"):
        confirm(prepared_engine, job, IMO, run=False)


def test_a_job_on_another_machine_fails_once_its_beats_stop(prepared_engine, tmp_path):
    beating, silent = small_upload(prepared_engine, tmp_path), small_upload(prepared_engine, tmp_path)
    take(prepared_engine, beating, "other-host:123:a", heartbeat_age=timedelta(seconds=10))
    take(prepared_engine, silent, "other-host:123:b",
         heartbeat_age=job_queue.STALE_AFTER + timedelta(seconds=1))
    assert job_state(prepared_engine, beating, IMO)["state"] == "running"
    assert job_state(prepared_engine, silent, IMO)["state"] == "failed"


def test_a_queued_job_nobody_takes_up_fails_after_the_patience(prepared_engine, tmp_path):
    job = small_upload(prepared_engine, tmp_path)
    assert job_state(prepared_engine, job, IMO)["state"] == "queued"  # just queued: waits
    with prepared_engine.begin() as connection:
        connection.execute(update(ImportJob).values(
            heartbeat_at=datetime.now(UTC) - job_queue.QUEUE_PATIENCE - timedelta(seconds=1)))
    # a living runner (busy with another job) keeps it waiting
    job_queue.beat_runner(prepared_engine, "other-host:1:busy", datetime.now(UTC))
    assert job_state(prepared_engine, job, IMO)["state"] == "queued"
    job_queue.forget_runner(prepared_engine, "other-host:1:busy")
    state = job_state(prepared_engine, job, IMO)
    assert state["state"] == "failed"
    assert "python -m dashboard worker" in failure_message(state, "en") and "2 minutes" in failure_message(state, "en")


def test_two_runners_never_take_the_same_job(prepared_engine, tmp_path):
    job = small_upload(prepared_engine, tmp_path)
    assert job_queue.claim(prepared_engine, job, "host:1:a")
    assert not job_queue.claim(prepared_engine, job, "host:2:b")
    with Session(prepared_engine) as session:
        assert session.get(ImportJob, job).runner == "host:1:a"


def test_a_check_nobody_confirms_is_cancelled_after_a_week(prepared_engine, tmp_path):
    from dashboard.ingest.jobs import run_job, run_queue
    old, recent = small_upload(prepared_engine, tmp_path), small_upload(prepared_engine, tmp_path)
    for job in (old, recent):
        run_job(prepared_engine, job)
    with prepared_engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == old).values(
            finished_at=datetime.now(UTC) - job_queue.CHECKED_KEPT - timedelta(hours=1)))
    assert uploads_kept(prepared_engine) == 2
    run_queue(prepared_engine, until_empty=True)  # what every runner does between two jobs
    assert [job_state(prepared_engine, job, IMO)["state"] for job in (old, recent)] == ["cancelled", "checked"]
    with Session(prepared_engine) as session:
        assert session.scalars(select(ImportUpload.job_id)).all() == [recent]


# ---------------------------------------------------------------- a real worker process

def start_worker(engine) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                   "MALI3W_JOB_RUNNER": "worker"}
    return subprocess.Popen([sys.executable, "-m", "dashboard", "worker"], cwd=PROJECT_ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(predicate, seconds=120.0, every=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("waited in vain")


def table_count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_worker_killed_during_an_import_loses_nothing_and_another_takes_over(prepared_engine, sample_path):
    engine = prepared_engine
    content = sample_path.read_bytes()
    first = start_worker(engine)
    try:
        job = submit(engine, sample_path.name, content, IMO, mode="import", period="2023-12", run=False)
        # the worker takes it: running, with its name, beating; killed once it has read and checked the rows
        wait_for(lambda: job_state(engine, job, IMO)["progress"] >= 0.3)
        with Session(engine) as session:
            assert session.get(ImportJob, job).runner.split(":")[1] == str(first.pid)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    state = job_state(engine, job, IMO)
    assert state["state"] == "failed" and failure_message(state, "fr") == RUNNER_DIED_FR
    # all or nothing: not one row of the import was kept
    assert table_count(engine, ImportBatch) == 0 and table_count(engine, Activity) == 0

    second = start_worker(engine)
    try:
        again = submit(engine, sample_path.name, content, IMO, mode="import", period="2023-12", run=False)
        done = wait_for(lambda: job_state(engine, again, IMO)["state"] in ("done", "failed")
                        and job_state(engine, again, IMO), seconds=600)
        assert done["state"] == "done", done["message"]
        # every row of the sample's data sheet (its second row is HXL tags)
        expected = len(pd.read_excel(sample_path, sheet_name="ML_5W", engine="calamine", skiprows=[1], dtype=str))
        with Session(engine) as session:
            assert session.get(ImportBatch, done["batch_id"]).rows_read == expected
        assert uploads_kept(engine) == 0
        with Session(engine) as session:  # the second worker, alive; the killed one forgotten
            assert [name.split(":")[1] for name in session.scalars(select(JobRunner.name))] == [str(second.pid)]
        second.send_signal(signal.SIGTERM)  # stops between two jobs, and says so in the table
        assert second.wait(timeout=30) == 0
        assert table_count(engine, JobRunner) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()


def test_uploads_waiting_on_disk_move_into_the_database_on_upgrade(empty_engine, tmp_path):
    from alembic import command

    from dashboard.store.database import alembic_config, migrate
    engine = empty_engine
    command.upgrade(alembic_config(engine), "0009")  # the version that kept uploads on the server's disk
    waiting = tmp_path / "uploads" / "abc" / "3W_2024-03.xlsx"
    waiting.parent.mkdir(parents=True)
    waiting.write_bytes(b"the checked file")
    now = datetime.now(UTC)
    job = {"kind": "3w", "file_name": "3W_2024-03.xlsx", "submitted_by": "imo", "mode": "check", "code_set": "auto",
           "progress": 0.5, "created_at": now}
    with engine.begin() as connection:
        connection.execute(ImportJob.__table__.insert(), [
            {**job, "id": 1, "state": "checked", "stored_path": str(waiting)},
            {**job, "id": 2, "state": "checked", "stored_path": str(tmp_path / "gone.xlsx")},
            {**job, "id": 3, "state": "running", "stored_path": str(waiting)},
            {**job, "id": 4, "state": "done", "stored_path": str(waiting)}])
    migrate(engine)
    with Session(engine) as session:
        states = dict(session.execute(select(ImportJob.id, ImportJob.state)).all())
        assert states == {1: "checked", 2: "failed", 3: "failed", 4: "done"}
        assert session.get(ImportUpload, 1).content == b"the checked file"
        assert session.scalars(select(ImportUpload.job_id)).all() == [1]
    # the job left running by the previous version says why it failed
    state = job_state(engine, 3, IMO)
    assert failure_message(state, "fr") == RUNNER_DIED_FR
