"""The duplicate review queue in the store: the records it is computed from, and the IMO's decisions.

A decision is stored per group key (see :mod:`dashboard.analysis.duplicates`) with the activity ids it was
taken on, so that :func:`dashboard.analysis.duplicates.pending_groups` can bring a group back when a new
record joins it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.domain.frames import RECORD_COLUMNS
from dashboard.store import audit
from dashboard.store.models import Activity, DuplicateDecision, ImportBatch
from dashboard.domain.enums import DuplicateChoice, ImportKind

DECISIONS = frozenset(DuplicateChoice)
DECISION_COLUMNS = ["group_key", "decision", "activity_ids", "decided_by", "decided_at", "note"]
_GROUP_KEY = re.compile(r"^[0-9a-f]{64}$")


def duplicate_records_frame(engine: Engine) -> pd.DataFrame:
    """Every stored 3W activity with its import's period: the input of
    :func:`dashboard.analysis.duplicates.duplicate_groups` (columns ``RECORD_COLUMNS``).

    Read column by column as the database gives them (no per-row type conversion: at 2.4 million rows that
    took 20 seconds), then typed as a whole: texts as categories, dates parsed once per distinct value."""
    query = (select(Activity.id, Activity.batch_id, ImportBatch.period, Activity.source_row, Activity.organisation_id,
                    Activity.implementing_partner_id, Activity.funder, Activity.sector_code, Activity.activity,
                    Activity.pcode, Activity.start_date, Activity.end_date)
             .join(ImportBatch, ImportBatch.id == Activity.batch_id)
             .where(ImportBatch.kind == ImportKind.THREE_W)
             .order_by(Activity.id))
    with engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute(str(compiled))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=RECORD_COLUMNS, coerce_float=False)
    frame["implementing_partner_id"] = pd.to_numeric(frame["implementing_partner_id"]).astype("Int64")
    for column in ("period", "funder", "sector_code", "activity", "pcode"):
        frame[column] = frame[column].astype("category")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column].astype("category"), errors="coerce")
    return frame


def record_decision(engine: Engine, group_key: str, activity_ids: Iterable[int], decision: str,
                    decided_by: str | None, note: str | None = None, *, role: str | None = None,
                    ip: str | None = None) -> int:
    """Store (or replace) the decision on a group, and its audit event in the same transaction; returns the
    decision's id.

    ``decision`` must be ``keep_both`` or ``merge``; ``group_key`` the 64-character hex key of the group;
    ``activity_ids`` the ids of the records the decision was taken on (stored sorted, without repeats).
    Raises :class:`ValueError` otherwise.
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {sorted(DECISIONS)}, not {decision!r}")
    if not isinstance(group_key, str) or not _GROUP_KEY.match(group_key):
        raise ValueError(f"group_key must be a 64-character lower-case hex digest, not {group_key!r}")
    ids = sorted({int(identifier) for identifier in activity_ids})
    if not ids:
        raise ValueError("a decision needs the activity ids it was taken on")
    values = {"decision": decision, "activity_ids": ids, "decided_by": decided_by, "note": note,
              "decided_at": datetime.now(timezone.utc)}
    for attempt in range(2):  # a concurrent insert of the same key makes the first attempt fail: update then
        try:
            with Session(engine) as session, session.begin():
                stored = session.scalars(select(DuplicateDecision)
                                         .where(DuplicateDecision.group_key == group_key)).one_or_none()
                before = None if stored is None else {"decision": stored.decision, "activity_ids": stored.activity_ids,
                                                      "decided_by": stored.decided_by}
                audit.record(session, None, "duplicates.decide", group_key, before=before,
                             after={"decision": decision, "activity_ids": ids, "note": note},
                             actor=decided_by, role=role, ip=ip)
                if stored is None:
                    stored = DuplicateDecision(group_key=group_key, **values)
                    session.add(stored)
                else:
                    for name, value in values.items():
                        setattr(stored, name, value)
                session.flush()
                return stored.id
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def decision_frame(engine: Engine) -> pd.DataFrame:
    """Every stored decision: ``group_key``, ``decision``, ``activity_ids`` (list), ``decided_by``,
    ``decided_at``, ``note``."""
    query = select(DuplicateDecision.group_key, DuplicateDecision.decision, DuplicateDecision.activity_ids,
                   DuplicateDecision.decided_by, DuplicateDecision.decided_at,
                   DuplicateDecision.note).order_by(DuplicateDecision.id)
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=DECISION_COLUMNS)
    frame["activity_ids"] = frame["activity_ids"].map(lambda ids: [int(i) for i in ids or []])
    return frame


def decisions_version(engine: Engine) -> str:
    """Changes whenever a decision is stored or replaced (their number and the newest one's id and time)."""
    with engine.connect() as connection:
        count, last, at = connection.execute(select(func.count(DuplicateDecision.id), func.max(DuplicateDecision.id),
                                                    func.max(DuplicateDecision.decided_at))).one()
    return f"{count}-{last}-{at}"
