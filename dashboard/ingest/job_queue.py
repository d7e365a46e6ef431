"""The queue of import jobs, kept in the database (the ``import_job`` table, the files in ``import_upload``),
so that it outlives any process and every server shares it, on SQLite as on PostgreSQL.

A runner takes the oldest queued job with one conditional UPDATE (two runners never take the same job),
writes its name on it, and beats while the job runs: the job's ``heartbeat_at`` and the runner's own row
(``job_runner``) every few seconds. A job whose runner died is found out and marked failed with a sentence:

- its runner's process is gone (same machine: the process id no longer exists), or
- no beat came for :data:`STALE_AFTER` (another machine, or the process cannot be asked);

and a queued job that no living runner took up within :data:`QUEUE_PATIENCE` fails too, so the page that
follows it stops waiting and says why. Anyone who reads a job's state (the page, every few seconds) and
every runner between two jobs make these checks.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from dashboard.domain.enums import JobState
from dashboard.store.models import ImportJob, ImportUpload, JobRunner

#: how often a runner beats while it lives and while a job runs
BEAT_SECONDS = 5.0
#: a running job without a beat for this long has lost its runner
STALE_AFTER = timedelta(seconds=90)
#: a queued job that no living runner took up for this long is dropped
QUEUE_PATIENCE = timedelta(minutes=2)
#: how long a checked upload waits for its submitter's confirmation before it is cancelled (its file is
#: kept in the database until then)
CHECKED_KEPT = timedelta(days=7)
#: the two reasons a job is dropped (catalogue keys of the sentence the page shows)
RUNNER_DIED = "upload.runner_died"
NO_RUNNER = "upload.no_runner"
_log = logging.getLogger(__name__)


def runner_name() -> str:
    """A name for a new runner: its machine, its process id and a random tag (``host:pid:tag``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def process_alive(name: str | None) -> bool | None:
    """Whether the process of the runner ``name`` is alive: True or False on this machine, None when it
    cannot be told (another machine, or no name)."""
    host, _, rest = (name or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back times without their zone; they are stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def beat_runner(engine: Engine, name: str, started_at: datetime) -> None:
    """The runner ``name`` is alive now."""
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    now = _now()
    with engine.begin() as connection:
        connection.execute(insert(JobRunner).values(name=name, started_at=started_at, seen_at=now)
                           .on_conflict_do_update(index_elements=["name"], set_={"seen_at": now}))


def forget_runner(engine: Engine, name: str) -> None:
    """The runner ``name`` stops (it is no longer counted as alive)."""
    with engine.begin() as connection:
        connection.execute(delete(JobRunner).where(JobRunner.name == name))


def forget_dead_runners(engine: Engine) -> None:
    """Forget the runners whose process is known to be gone, or that were not seen for a day."""
    with engine.begin() as connection:
        names = connection.scalars(select(JobRunner.name)).all()
        dead = [name for name in names if process_alive(name) is False]
        connection.execute(delete(JobRunner).where(JobRunner.name.in_(dead)
                                                   | (JobRunner.seen_at < _now() - timedelta(days=1))))


def runner_alive(engine: Engine) -> bool:
    """Whether some runner beat recently and is not known to be dead."""
    with engine.connect() as connection:
        names = connection.scalars(select(JobRunner.name).where(JobRunner.seen_at >= _now() - STALE_AFTER)).all()
    return any(process_alive(name) is not False for name in names)


def next_queued(engine: Engine) -> int | None:
    """The oldest job waiting in the queue."""
    with engine.connect() as connection:
        return connection.scalar(select(ImportJob.id).where(ImportJob.state == JobState.QUEUED)
                                 .order_by(ImportJob.id).limit(1))


def claim(engine: Engine, job_id: int, name: str) -> bool:
    """Take the queued job ``job_id`` for the runner ``name``; False when it is not queued (any more): another
    runner took it, or it was dropped."""
    with engine.begin() as connection:
        taken = connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == JobState.QUEUED)
                                   .values(state=JobState.RUNNING, runner=name, heartbeat_at=_now(), progress=0.01))
        return taken.rowcount == 1


def beat_job(engine: Engine, job_id: int, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.runner == name,
                                                   ImportJob.state == JobState.RUNNING)
                           .values(heartbeat_at=_now()))


class Heartbeat:
    """While a job runs: the job's and its runner's beats, from a thread of their own (the import itself
    may hold the database for a while: a beat that cannot be written now is written at the next one)."""

    def __init__(self, engine: Engine, job_id: int, name: str, started_at: datetime):
        self.engine, self.job_id, self.name, self.started_at = engine, job_id, name, started_at
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                beat_job(self.engine, self.job_id, self.name)
                beat_runner(self.engine, self.name, self.started_at)
            except OperationalError as error:  # SQLite busy while the import writes
                _log.info("heartbeat of job %s postponed: %s", self.job_id, error)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


def abandoned_reason(job: ImportJob, any_runner_alive: bool | None, now: datetime | None = None) -> str | None:
    """Why the job ``job`` will never end on its own (:data:`RUNNER_DIED`, :data:`NO_RUNNER`), or None."""
    now = now or _now()
    last = _aware(job.heartbeat_at) or _aware(job.created_at)
    if job.state == JobState.RUNNING:
        alive = process_alive(job.runner)
        if alive is False or (alive is None and last < now - STALE_AFTER):
            return RUNNER_DIED
    elif job.state == JobState.QUEUED and last < now - QUEUE_PATIENCE and not any_runner_alive:
        return NO_RUNNER
    return None


def drop_abandoned(engine: Engine, job_ids: list[int] | None = None) -> list[int]:
    """Mark failed, with the sentence saying why, the waiting or running jobs (of ``job_ids``, or all) that
    will never end on their own; their files are deleted. The jobs so marked."""
    query = select(ImportJob).where(ImportJob.state.in_((JobState.QUEUED, JobState.RUNNING)))
    if job_ids is not None:
        query = query.where(ImportJob.id.in_(job_ids))
    with Session(engine, expire_on_commit=False) as session:
        jobs = session.scalars(query).all()
        session.expunge_all()
    if not jobs:
        return []
    any_alive = runner_alive(engine) if any(job.state == JobState.QUEUED for job in jobs) else None
    dropped = []
    for job in jobs:
        reason = abandoned_reason(job, any_alive)
        if reason is None:
            continue
        failure = {"problem": reason, "params": {"minutes": int(QUEUE_PATIENCE.total_seconds() // 60)}}
        with engine.begin() as connection:
            changed = connection.execute(
                update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == job.state,
                                        ImportJob.heartbeat_at.is_(None) if job.heartbeat_at is None
                                        else ImportJob.heartbeat_at == job.heartbeat_at)
                .values(state=JobState.FAILED, preview={"failure": failure}, finished_at=_now(),
                        message="its runner stopped before the end; nothing was imported" if reason == RUNNER_DIED
                        else "no runner took it up; nothing was imported"))
            if changed.rowcount == 1:
                connection.execute(delete(ImportUpload).where(ImportUpload.job_id == job.id))
                dropped.append(job.id)
                _log.warning("import job %s dropped: %s (runner %s)", job.id, reason, job.runner)
    return dropped


def cancel_forgotten_checks(engine: Engine) -> int:
    """Cancel the checked uploads nobody confirmed or cancelled within :data:`CHECKED_KEPT`, deleting their
    files; how many."""
    with engine.begin() as connection:
        forgotten = connection.scalars(select(ImportJob.id).where(
            ImportJob.state == JobState.CHECKED, ImportJob.finished_at < _now() - CHECKED_KEPT)).all()
        if forgotten:
            connection.execute(update(ImportJob).where(ImportJob.id.in_(forgotten), ImportJob.state == JobState.CHECKED)
                               .values(state=JobState.CANCELLED, message="not confirmed in time"))
            connection.execute(delete(ImportUpload).where(ImportUpload.job_id.in_(forgotten)))
    return len(forgotten)
