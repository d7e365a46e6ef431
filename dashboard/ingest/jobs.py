"""Imports started from the dashboard: the uploaded file waits in the database, a job row records its state,
and a runner outside the web request takes it from the queue (:mod:`dashboard.ingest.job_queue`) and imports
it, writing its progress to the job row so any server process can show it.

Runners: ``python -m dashboard worker`` (a process of its own: ``make production`` starts one, and starts it
again if it dies) when ``MALI3W_JOB_RUNNER=worker``; otherwise (``make run``, one process) a thread of the
web process itself takes the queue whenever something is submitted. Either way a job whose runner died is
found out and fails with a sentence, and the upload can be made again.

An upload is first checked: the import runs to its end and is rolled back, and the job keeps what it would do
(its preview: counts, problems by kind). The person then confirms, and the same file is imported for real
(by whichever server's runner), or cancels, and the file is deleted. Nothing is kept of an upload nobody
confirmed.

What each role may upload is decided here, on the server: IMOs any 3W, membership, partnership, needs or access table;
partner focal points a 3W holding their own organisation's rows only (other rows are rejected, and a new
upload for the same period replaces their earlier one).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from dashboard.i18n import render_message
from dashboard.ingest import job_queue
from dashboard.ingest.errors import ImportRefused
from dashboard.domain.country import ProfileError
from dashboard.geo.profiles import DEFAULT_COUNTRY, available_countries, load_profile
from dashboard.ingest.importer import import_3w
from dashboard.ingest.membership import import_memberships
from dashboard.ingest.access import import_access
from dashboard.ingest.needs import import_needs
from dashboard.ingest.partnerships import import_partnerships
from dashboard.ingest.reader import MAX_UPLOAD_BYTES
from dashboard.ingest.validate import CODE_SETS
from dashboard.domain.roles import UPLOAD_KINDS, Permission, Role, Viewer
from dashboard.store.database import is_row_id
from dashboard.store.models import ImportJob, ImportUpload, UserAccount
from dashboard.domain.enums import JobMode, JobState

KINDS = UPLOAD_KINDS
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
JOB_COLUMNS = ("id", "kind", "file_name", "state", "mode", "progress", "message", "batch_id", "submitted_by",
               "preview")
#: who runs the queue: "inline" (a thread of the process that submitted) or "worker" (a separate process)
RUNNER_MODE_VARIABLE = "MALI3W_JOB_RUNNER"
#: seconds an idle worker waits before looking at the queue again
POLL_SECONDS = 1.0
_log = logging.getLogger(__name__)


class UploadRefused(ValueError):
    """An upload that is not started; the message says why, for the person uploading."""


def _safe_name(file_name: str) -> str:
    """The file's own name, without any folder, reduced to harmless characters."""
    name = Path(file_name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", name)[:200] or "upload"


def submit(engine: Engine, file_name: str, content: bytes, viewer: Viewer, *, kind: str = "3w",
           period: str | None = None, source: str | None = None, code_set: str = "auto",
           mode: str = JobMode.CHECK, run: bool = True, country: str | None = None) -> int:
    """Put the upload in the queue for its check (``mode`` "check") or its import; returns the job's id.
    ``run``: wake this process's runner (see :func:`wake`). ``country`` (ISO3): the 3W's country as chosen
    (None: found from the file among the installation's)."""
    if kind not in KINDS:
        raise UploadRefused(f"unknown kind of table {kind!r}")
    if mode not in set(JobMode) or code_set not in CODE_SETS:
        raise UploadRefused(f"unknown mode {mode!r} or P-code set {code_set!r}")
    if kind not in viewer.upload_kinds:
        raise UploadRefused(f"a {viewer.role} account may not import {kind} tables")
    if country:
        # the browser sends it: a value that is no configured country's ISO3 is refused before any file is read
        # (a long one made the profile's file name too long for the system: a server error)
        known = available_countries()
        if not isinstance(country, str) or country.strip().upper() not in known:
            raise UploadRefused(f"no country profile for {str(country)[:12]!r}: the countries configured are {', '.join(known)}")
        try:
            country = load_profile(country).iso3
        except ProfileError as error:
            raise UploadRefused(str(error)) from None
        if kind != "3w" and country != DEFAULT_COUNTRY:  # read on Mali's units only: it would be taken for Mali's
            raise UploadRefused(f"a {kind} table is read for {DEFAULT_COUNTRY} only so far, not for {country}")
    only_organisation = None
    if not viewer.can(Permission.IMPORT_3W) and kind == "3w":
        only_organisation, source = viewer.organisation_id, f"partner:{viewer.organisation_id}"
    elif not viewer.can(Permission.IMPORT_3W):  # a coordinator's membership table: their clusters' own source
        source = f"coordinator:{viewer.username}"
    if not file_name.lower().endswith(SUFFIXES):
        raise UploadRefused(f"{file_name}: only {', '.join(SUFFIXES)} files are imported")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{file_name}: {len(content) / 2**20:.0f} MB is more than the "
                            f"{MAX_UPLOAD_BYTES // 2**20} MB an upload may have")
    if not content:
        raise UploadRefused(f"{file_name}: the file is empty")
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        job = ImportJob(kind=kind, file_name=_safe_name(file_name), period=period or None, source=source or None,
                        submitted_by=viewer.username, submitted_role=str(viewer.role),
                        organisation_id=only_organisation, state=JobState.QUEUED, mode=mode, code_set=code_set,
                        country=country or None,
                        progress=0.0, created_at=now, heartbeat_at=now)
        session.add(job)
        session.flush()
        job_id = job.id
        session.add(ImportUpload(job_id=job_id, content=content))
    if run:
        wake(engine)
    return job_id


def _set(engine: Engine, job_id: int, runner: str | None = None, **values) -> bool:
    """Write ``values`` on the job, if it is still the runner's (a job found abandoned is not written over)."""
    query = update(ImportJob).where(ImportJob.id == job_id)
    if runner is not None:
        query = query.where(ImportJob.runner == runner, ImportJob.state == JobState.RUNNING)
    with engine.begin() as connection:
        return connection.execute(query.values(**values)).rowcount == 1


def _finish(engine: Engine, job_id: int, runner: str, delete_upload: bool, **values) -> None:
    """The job's final state, and its file deleted unless it waits for a confirmation, in one transaction."""
    with engine.begin() as connection:
        written = connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.runner == runner,
                                                             ImportJob.state == JobState.RUNNING)
                                     .values(finished_at=datetime.now(UTC), **values)).rowcount
        if not written:
            _log.warning("import job %s ended after it was marked abandoned; its result was not written", job_id)
        if delete_upload or not written:
            connection.execute(delete(ImportUpload).where(ImportUpload.job_id == job_id))


def _coordinator_sectors(engine: Engine, username: str | None, role: str | None) -> frozenset[str] | None:
    """The clusters a coordinator's membership upload may hold (None: any, for an IMO)."""
    if role != Role.COORDINATOR:
        return None
    with Session(engine) as session:
        sectors = session.scalar(select(UserAccount.sectors).where(UserAccount.username == username))
    return frozenset(sectors or ())


def run_job(engine: Engine, job_id: int, runner: str | None = None) -> bool:
    """Take the queued job ``job_id`` (as the runner ``runner``) and check or import its file, recording
    progress, then its preview, its batch or the reason it was refused. The file is kept between a check and
    its confirmation, and deleted after an import. False when the job was not waiting (another runner took it)."""
    runner = runner or job_queue.runner_name()
    if not job_queue.claim(engine, job_id, runner):
        return False
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        kind, period, source, only = job.kind, job.period, job.source, job.organisation_id
        checking, code_set, file_name = job.mode == JobMode.CHECK, job.code_set, job.file_name
        country = job.country
        imported_by, role = job.submitted_by, job.submitted_role
        upload = session.get(ImportUpload, job_id)
        content = upload.content if upload is not None else None
    if content is None:
        failure = {"problem": job_queue.RUNNER_DIED, "params": {}}
        _finish(engine, job_id, runner, True, state=JobState.FAILED, preview={"failure": failure},
                message="the uploaded file is no longer kept; upload it again")
        return True
    keep_file = False
    with job_queue.Heartbeat(engine, job_id, runner, datetime.now(UTC)), \
            tempfile.TemporaryDirectory(prefix="mali3w-upload-") as folder:
        path = Path(folder) / file_name  # the name says the period (3W_decembre_2023.xlsx)
        path.write_bytes(content)
        try:
            options = {"source": source, "imported_by": imported_by, "check_only": checking}
            if kind == "3w":
                chosen = {"boundary_version": load_profile(country).boundary_version} if country else {}
                result = import_3w(engine, path, period=period, role=role, only_organisation=only, **chosen,
                                   code_set=code_set, progress=lambda fraction, stage: _set(
                                       engine, job_id, runner, progress=fraction, heartbeat_at=datetime.now(UTC)),
                                   **options)
            elif kind == "needs":  # the period box gives the plan year when the file does not say it
                year = int(period[:4]) if period and period[:4].isdigit() else None
                result = import_needs(engine, path, year=year, **options)
            elif kind == "memberships":
                # a coordinator imports their own clusters' members only (rows of other clusters are
                # rejected): their clusters as their account says when the job runs
                result = import_memberships(engine, path, only_sectors=_coordinator_sectors(
                    engine, imported_by, role), **options)
            else:
                run = {"partnerships": import_partnerships, "access": import_access}[kind]
                result = run(engine, path, **options)
            keep_file = checking and not result.already_imported
        except ImportRefused as error:
            _finish(engine, job_id, runner, True, state=JobState.FAILED, message=str(error),
                    preview={"failure": error.text} if error.text else None)
            return True
        except Exception:  # the runner must always leave the job in a final state
            # the error (an SQL statement and its rows, say) goes to the log; the person reads one sentence
            _log.exception("import job %s failed", job_id)
            failure = {"problem": "upload.unexpected_error", "params": {"job": job_id}}
            _finish(engine, job_id, runner, True, state=JobState.FAILED,
                    message=render_message(failure, "problem", "en"), preview={"failure": failure})
            return True
    # the batch keeps the rows and the rejected rows as uploaded; the file itself is not kept
    if result.already_imported:
        _finish(engine, job_id, runner, True, state=JobState.DONE, progress=1.0, batch_id=result.batch_id,
                message="already imported (same content)")
    elif checking:
        _finish(engine, job_id, runner, not keep_file, state=JobState.CHECKED, progress=1.0, preview=result.preview,
                message=f"checked: read {result.rows_read}, would accept {result.rows_accepted}, "
                        f"reject {result.rows_rejected}")
    else:
        _finish(engine, job_id, runner, True, state=JobState.DONE, progress=1.0, batch_id=result.batch_id,
                message=f"read {result.rows_read}, accepted {result.rows_accepted}, rejected {result.rows_rejected}")
    return True


def run_queue(engine: Engine, runner: str | None = None, *, stop: threading.Event | None = None,
              until_empty: bool = False) -> None:
    """Be a runner: take the queued jobs one after the other, oldest first, beating between them, dropping
    abandoned ones and cancelling checks nobody confirmed within a week; wait for more (or return once the queue is empty with ``until_empty``, or when ``stop``
    is set: a job under way is finished first)."""
    runner = runner or job_queue.runner_name()
    started = datetime.now(UTC)
    stop = stop or threading.Event()
    job_queue.forget_dead_runners(engine)
    try:
        while not stop.is_set():
            job_queue.beat_runner(engine, runner, started)
            job_queue.drop_abandoned(engine)
            job_queue.cancel_forgotten_checks(engine)
            job_id = job_queue.next_queued(engine)
            if job_id is not None:
                run_job(engine, job_id, runner)
            elif until_empty:
                return
            else:
                stop.wait(POLL_SECONDS)
    finally:
        job_queue.forget_runner(engine, runner)


_inline_lock = threading.Lock()
#: this process's runner thread per database, and whether something was queued since it last looked
_inline: dict[str, tuple[threading.Thread, list[bool]]] = {}


def runner_mode() -> str:
    return "worker" if os.environ.get(RUNNER_MODE_VARIABLE, "inline") == "worker" else "inline"


def wake(engine: Engine) -> None:
    """Something was queued. With a worker process (``MALI3W_JOB_RUNNER=worker``) it will be taken from the
    queue there; otherwise this process runs a thread that takes the queue until it is empty."""
    if runner_mode() == "worker":
        return
    key = engine.url.render_as_string(hide_password=False)
    with _inline_lock:
        thread, pending = _inline.get(key, (None, [False]))
        pending[0] = True
        if thread is not None and thread.is_alive():
            return

        def drain() -> None:
            while True:
                with _inline_lock:
                    pending[0] = False
                try:
                    run_queue(engine, until_empty=True)
                except Exception:  # a database that went away: the jobs are dropped by the next reader
                    _log.exception("the import runner thread stopped")
                with _inline_lock:
                    if not pending[0]:
                        _inline.pop(key, None)
                        return

        thread = threading.Thread(target=drain, name="import-runner", daemon=True)
        _inline[key] = (thread, pending)
        thread.start()


def resume(engine: Engine) -> None:
    """At a web process's start: wake the runner if uploads wait in the queue (see :func:`wake`)."""
    if job_queue.next_queued(engine) is not None:
        wake(engine)


def serve_worker(engine: Engine, stop: threading.Event | None = None) -> None:
    """``python -m dashboard worker``: run the queue until stopped."""
    runner = job_queue.runner_name()
    _log.info("import worker %s takes the queue of %s", runner, engine.url.render_as_string())
    run_queue(engine, runner, stop=stop)


def failure_message(job: dict, lang: str) -> str:
    """Why a failed job (as :func:`job_state` gives it) failed, in ``lang`` when the reason was written from
    the catalogue (an unexpected error, a file of another country), else as the refusal says it."""
    failure = (job.get("preview") or {}).get("failure")
    return render_message(failure, "problem", lang) if failure else job["message"]


def _own_job(session: Session, job_id: int, viewer: Viewer) -> ImportJob | None:
    """The job if its submitter (or an IMO) asks; None otherwise."""
    job = session.get(ImportJob, job_id) if is_row_id(job_id) else None
    return job if job is not None and (viewer.role is Role.IMO or job.submitted_by == viewer.username) else None


def _checked_job(session: Session, job_id: int, viewer: Viewer) -> ImportJob:
    """A checked job its submitter (or an IMO) decides on; refuses any other."""
    job = _own_job(session, job_id, viewer)
    if job is None:
        raise UploadRefused("no such upload")
    if job.state != JobState.CHECKED:
        raise UploadRefused(f"this upload is {job.state}, not waiting for a confirmation")
    return job


def confirm(engine: Engine, job_id: int, viewer: Viewer, *, run: bool = True) -> None:
    """Import for real a file whose check its submitter has read (on this server or another)."""
    with Session(engine) as session, session.begin():
        job = _checked_job(session, job_id, viewer)
        if session.get(ImportUpload, job_id) is None:
            raise UploadRefused("the file of this upload is no longer kept; upload it again")
        job.state, job.mode, job.progress, job.finished_at = JobState.QUEUED, JobMode.IMPORT, 0.0, None
        job.runner, job.heartbeat_at = None, datetime.now(UTC)
    if run:
        wake(engine)


def cancel(engine: Engine, job_id: int, viewer: Viewer) -> None:
    """Drop a checked upload: nothing was imported, and the file is deleted."""
    with Session(engine) as session, session.begin():
        job = _checked_job(session, job_id, viewer)
        job.state, job.finished_at = JobState.CANCELLED, datetime.now(UTC)
        session.execute(delete(ImportUpload).where(ImportUpload.job_id == job_id))


def job_state(engine: Engine, job_id: int, viewer: Viewer) -> dict | None:
    """The job as its submitter (or an IMO) may see it; None otherwise. A job whose runner died is marked
    failed first (the page following it then stops waiting)."""
    if is_row_id(job_id):
        job_queue.drop_abandoned(engine, [job_id])
    with Session(engine) as session:
        job = _own_job(session, job_id, viewer)
        return None if job is None else {column: getattr(job, column) for column in JOB_COLUMNS}
