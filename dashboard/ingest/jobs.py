"""Imports started from the dashboard: the uploaded file is stored, a job row records its state, and a
background thread imports it, writing its progress to the job row so any server process can show it.

An upload is first checked: the import runs to its end and is rolled back, and the job keeps what it would do
(its preview: counts, problems by kind). The person then confirms, and the same file is imported for real,
or cancels, and the file is deleted. Nothing is kept of an upload nobody confirmed.

What each role may upload is decided here, on the server: IMOs any 3W, membership, partnership, needs or access table;
partner focal points a 3W holding their own organisation's rows only (other rows are rejected, and a new
upload for the same period replaces their earlier one).
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from dashboard.i18n import render_message
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import import_3w
from dashboard.ingest.membership import import_memberships
from dashboard.ingest.access import import_access
from dashboard.ingest.needs import import_needs
from dashboard.ingest.partnerships import import_partnerships
from dashboard.ingest.reader import MAX_UPLOAD_BYTES
from dashboard.ingest.validate import CODE_SETS
from dashboard.domain.roles import Permission, Role, Viewer
from dashboard.store.models import ImportJob
from dashboard.domain.enums import JobMode, JobState

KINDS = ("3w", "memberships", "partnerships", "needs", "access")
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
JOB_COLUMNS = ("id", "kind", "file_name", "state", "mode", "progress", "message", "batch_id", "submitted_by",
               "preview")
_log = logging.getLogger(__name__)


class UploadRefused(ValueError):
    """An upload that is not started; the message says why, for the person uploading."""


def _safe_name(file_name: str) -> str:
    """The file's own name, without any folder, reduced to harmless characters."""
    name = Path(file_name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", name)[:200] or "upload"


def submit(engine: Engine, upload_dir: Path, file_name: str, content: bytes, viewer: Viewer, *,
           kind: str = "3w", period: str | None = None, source: str | None = None, code_set: str = "auto",
           mode: str = JobMode.CHECK, run: bool = True) -> int:
    """Store the upload and start its check (``mode`` "check") or its import in the background; returns the
    job's id."""
    if kind not in KINDS:
        raise UploadRefused(f"unknown kind of table {kind!r}")
    if mode not in set(JobMode) or code_set not in CODE_SETS:
        raise UploadRefused(f"unknown mode {mode!r} or P-code set {code_set!r}")
    if viewer.can(Permission.IMPORT_3W):
        only_organisation = None
    elif viewer.can(Permission.IMPORT_OWN_ROWS) and kind == "3w":
        only_organisation, source = viewer.organisation_id, f"partner:{viewer.organisation_id}"
    else:
        raise UploadRefused(f"a {viewer.role} account may not import {kind} tables")
    if not file_name.lower().endswith(SUFFIXES):
        raise UploadRefused(f"{file_name}: only {', '.join(SUFFIXES)} files are imported")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{file_name}: {len(content) / 2**20:.0f} MB is more than the "
                            f"{MAX_UPLOAD_BYTES // 2**20} MB an upload may have")
    if not content:
        raise UploadRefused(f"{file_name}: the file is empty")
    stored = upload_dir / uuid.uuid4().hex / _safe_name(file_name)  # a folder per upload: names never collide
    stored.parent.mkdir(parents=True)
    stored.write_bytes(content)
    with Session(engine) as session, session.begin():
        job = ImportJob(kind=kind, file_name=_safe_name(file_name), stored_path=str(stored), period=period or None,
                        source=source or None, submitted_by=viewer.username, organisation_id=only_organisation,
                        state=JobState.QUEUED, mode=mode, code_set=code_set, progress=0.0, created_at=datetime.now(UTC))
        session.add(job)
        session.flush()
        job_id = job.id
    if run:
        _start(engine, job_id, viewer)
    return job_id


def _set(engine: Engine, job_id: int, **values) -> None:
    with engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def _start(engine: Engine, job_id: int, viewer: Viewer) -> None:
    threading.Thread(target=run_job, args=(engine, job_id, viewer), name=f"import-job-{job_id}", daemon=True).start()


def _delete_upload(path: Path) -> None:
    path.unlink(missing_ok=True)
    if path.parent.exists():
        path.parent.rmdir()


def run_job(engine: Engine, job_id: int, viewer: Viewer) -> None:
    """Check or import the job's file, recording progress, then its preview, its batch or the reason it was
    refused. The file is kept between a check and its confirmation, and deleted after an import."""
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        kind, path, period, source, only = job.kind, Path(job.stored_path), job.period, job.source, job.organisation_id
        checking, code_set = job.mode == JobMode.CHECK, job.code_set
    _set(engine, job_id, state=JobState.RUNNING, progress=0.01)
    keep_file = False
    try:
        options = {"source": source, "imported_by": viewer.username, "check_only": checking}
        if kind == "3w":
            result = import_3w(engine, path, period=period, role=str(viewer.role), only_organisation=only,
                               code_set=code_set, progress=lambda fraction, stage: _set(engine, job_id, progress=fraction),
                               **options)
        elif kind == "needs":  # the period box gives the plan year when the file does not say it
            year = int(period[:4]) if period and period[:4].isdigit() else None
            result = import_needs(engine, path, year=year, **options)
        else:
            run = {"memberships": import_memberships, "partnerships": import_partnerships,
                   "access": import_access}[kind]
            result = run(engine, path, **options)
        keep_file = checking and not result.already_imported
    except ImportRefused as error:
        _set(engine, job_id, state=JobState.FAILED, message=str(error), finished_at=datetime.now(UTC),
             preview={"failure": error.text} if error.text else None)
        return
    except Exception:  # the thread must always leave the job in a final state
        # the error (an SQL statement and its rows, say) goes to the log; the person reads one sentence
        _log.exception("import job %s failed", job_id)
        failure = {"problem": "upload.unexpected_error", "params": {"job": job_id}}
        _set(engine, job_id, state=JobState.FAILED, message=render_message(failure, "problem", "en"),
             preview={"failure": failure}, finished_at=datetime.now(UTC))
        return
    finally:  # the batch keeps the rows and the rejected rows as uploaded; the file itself is not kept
        if not keep_file:
            _delete_upload(path)
    if result.already_imported:
        _set(engine, job_id, state=JobState.DONE, progress=1.0, batch_id=result.batch_id, finished_at=datetime.now(UTC),
             message="already imported (same content)")
    elif checking:
        _set(engine, job_id, state=JobState.CHECKED, progress=1.0, preview=result.preview, finished_at=datetime.now(UTC),
             message=f"checked: read {result.rows_read}, would accept {result.rows_accepted}, "
                     f"reject {result.rows_rejected}")
    else:
        _set(engine, job_id, state=JobState.DONE, progress=1.0, batch_id=result.batch_id, finished_at=datetime.now(UTC),
             message=f"read {result.rows_read}, accepted {result.rows_accepted}, rejected {result.rows_rejected}")


def failure_message(job: dict, lang: str) -> str:
    """Why a failed job (as :func:`job_state` gives it) failed, in ``lang`` when the reason was written from
    the catalogue (an unexpected error, a file of another country), else as the refusal says it."""
    failure = (job.get("preview") or {}).get("failure")
    return render_message(failure, "problem", lang) if failure else job["message"]


def _own_job(session: Session, job_id: int, viewer: Viewer) -> ImportJob | None:
    """The job if its submitter (or an IMO) asks; None otherwise."""
    job = session.get(ImportJob, job_id)
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
    """Import for real a file whose check its submitter has read."""
    with Session(engine) as session, session.begin():
        job = _checked_job(session, job_id, viewer)
        job.state, job.mode, job.progress, job.finished_at = JobState.QUEUED, JobMode.IMPORT, 0.0, None
    if run:
        _start(engine, job_id, viewer)


def cancel(engine: Engine, job_id: int, viewer: Viewer) -> None:
    """Drop a checked upload: nothing was imported, and the file is deleted."""
    with Session(engine) as session, session.begin():
        job = _checked_job(session, job_id, viewer)
        job.state, job.finished_at = JobState.CANCELLED, datetime.now(UTC)
        path = Path(job.stored_path)
    _delete_upload(path)


def job_state(engine: Engine, job_id: int, viewer: Viewer) -> dict | None:
    """The job as its submitter (or an IMO) may see it; None otherwise."""
    with Session(engine) as session:
        job = _own_job(session, job_id, viewer)
        return None if job is None else {column: getattr(job, column) for column in JOB_COLUMNS}
