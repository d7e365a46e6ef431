"""The audit trail: who did what, when, with the state before and after. Rows are only ever appended (the
database refuses UPDATE and DELETE on ``audit_event``, see migration 0004)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.domain.roles import Viewer
from dashboard.store.models import AuditEvent

AUDIT_COLUMNS = ["at", "actor", "role", "action", "target", "before", "after", "ip"]


def _plain(value: dict | None) -> dict | None:
    """JSON-safe copy (dates and numpy numbers written as text) of what is recorded."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def record(where: Engine | Connection | Session, viewer: Viewer | None, action: str, target: str | None = None,
           *, before: dict | None = None, after: dict | None = None, ip: str | None = None,
           actor: str | None = None, role: str | None = None) -> None:
    """Append one event. Pass the session or connection of the change itself, so that the change and its
    record commit together or not at all."""
    values = {"at": datetime.now(UTC), "actor": actor or (viewer.username if viewer else None),
              "role": role or (str(viewer.role) if viewer else None), "action": action,
              "target": None if target is None else str(target)[:400], "before": _plain(before),
              "after": _plain(after), "ip": ip}
    if isinstance(where, Engine):
        with where.begin() as connection:
            connection.execute(insert(AuditEvent), values)
    else:
        where.execute(insert(AuditEvent), values)


def audit_frame(engine: Engine, *, action: str | None = None, limit: int | None = 500) -> pd.DataFrame:
    """The newest events first (optionally of one action; all of them with ``limit=None``)."""
    query = select(*(getattr(AuditEvent, column) for column in AUDIT_COLUMNS)).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query.limit(limit)).all(), columns=AUDIT_COLUMNS)
