"""Pending place suggestions: a row whose unit name was close to, but not exactly, a known unit waits at its
parent's level with a suggestion (see :mod:`dashboard.ingest.validate`). A reviewer accepts it (the row moves
to the suggested unit) or declines it (the row stays where it is); either way the decision is recorded on the
issue and in the audit trail, in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.config import BOUNDARY_VERSION
from dashboard.store import audit
from dashboard.domain.roles import Viewer
from dashboard.store.models import Activity, ImportBatch, ImportIssue, Organisation
from dashboard.store.reference import load_hierarchy
from dashboard.domain.enums import SuggestionChoice

DECISIONS = tuple(SuggestionChoice)
PENDING_COLUMNS = ["issue_id", "batch_id", "file_name", "source_row", "column", "value", "problem", "suggestion",
                   "message", "organisation_id", "acronym", "sector_code", "pcode"]


class ReviewRefused(PermissionError):
    """The viewer may not decide on this suggestion (outside their organisation or clusters)."""


def pending_suggestions(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """Suggestions waiting for a decision, within the viewer's organisation or clusters (all for an IMO)."""
    query = (select(ImportIssue.id, ImportIssue.batch_id, ImportBatch.file_name, ImportIssue.source_row,
                    ImportIssue.column, ImportIssue.value, ImportIssue.problem, ImportIssue.suggestion,
                    ImportIssue.message, Activity.organisation_id, Organisation.acronym, Activity.sector_code, Activity.pcode)
             .join(ImportBatch, ImportBatch.id == ImportIssue.batch_id)
             .join(Activity, (Activity.batch_id == ImportIssue.batch_id)
                   & (Activity.source_row == ImportIssue.source_row))
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .where(ImportIssue.severity == "review", ImportIssue.decision.is_(None))
             .order_by(ImportIssue.batch_id, ImportIssue.source_row))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=PENDING_COLUMNS)
    inside = [viewer.covers(int(org), str(sector)) for org, sector in zip(frame["organisation_id"], frame["sector_code"])]
    return frame[pd.Series(inside, index=frame.index, dtype=bool)].reset_index(drop=True)


def decide_suggestion(engine: Engine, issue_id: int, decision: str, viewer: Viewer, ip: str | None = None) -> None:
    """Accept (move the row to the suggested unit) or decline a pending suggestion."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")
    hierarchy = load_hierarchy(engine, BOUNDARY_VERSION)
    with Session(engine) as session, session.begin():
        issue = session.get(ImportIssue, issue_id)
        if issue is None or issue.severity != "review" or issue.decision is not None:
            raise LookupError(f"suggestion {issue_id} is not pending")
        row = session.scalar(select(Activity).where(Activity.batch_id == issue.batch_id,
                                                    Activity.source_row == issue.source_row))
        if row is None or not viewer.covers(row.organisation_id, row.sector_code):
            raise ReviewRefused("this row is outside your organisation or clusters")
        before = {"pcode": row.pcode, "location_level": row.location_level}
        if decision == SuggestionChoice.ACCEPTED:
            code = issue.suggestion
            level = hierarchy.level[code]
            row.location_level, row.pcode = level, code
            row.adm1_pcode, row.adm2_pcode, row.adm3_pcode = (
                hierarchy.ancestor(code, step) if step <= level else None for step in (1, 2, 3))
        issue.decision, issue.decided_by, issue.decided_at = decision, viewer.username, datetime.now(UTC)
        audit.record(session, viewer, f"suggestion.{decision}", f"import {issue.batch_id} row {issue.source_row}",
                     before=before, after={"pcode": row.pcode, "location_level": row.location_level,
                                           "suggestion": issue.suggestion}, ip=ip)
