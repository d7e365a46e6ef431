"""What an import would do, seen before it is kept: the importers can run to the end in their transaction and
roll it back (``check_only``), returning this preview instead of a stored batch. The dashboard shows it after
an upload and imports only when the person confirms.

The problems are grouped by kind (the catalogue key of the problem, in its column) with their number and
first row, as the report of a stored import groups them (:func:`group_issues` serves both).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.store.models import ImportBatch, ImportIssue

GROUP_COLUMNS = ["severity", "column", "kind", "method", "count", "first_row", "value", "problem", "suggestion",
                 "message"]
SEVERITY_ORDER = {"error": 0, "review": 1, "warning": 2, "repair": 3}
#: kinds of problems a preview carries (the report has them all)
PREVIEW_GROUPS = 30


def issue_kind(message: dict | None, method: str | None) -> str:
    """The kind of an issue: the catalogue key of its problem (``msg.pcode_wrong_level``; the first key of a
    problem told in several sentences), or for an issue stored without one, its rule (``method:P-code check``).
    Its text is the catalogue's ``kind.<key>`` (see :func:`dashboard.i18n.kind_text`)."""
    problem = (message or {}).get("problem") if isinstance(message, dict) else None
    if isinstance(problem, list):
        problem = problem[0] if problem else None
    return problem or f"method:{method or ''}"


def group_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """Issues (columns ``source_row, column, value, severity, problem, suggestion, method``, and ``message`` or
    ``kind``) by kind of problem and column: rejections first, then suggestions, warnings and repairs, the most
    frequent first; each with its count, and its first row as an example (its value, its own problem text
    and suggestion, its message). Two problems of one column are two kinds ("P-code ML0901 is a cercle code"
    and "P-code ML11 is not a region") even when the same rule found both."""
    if issues.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    frame = issues.assign(method=issues["method"].fillna(""), column=issues["column"].fillna(""))
    if "message" not in frame:
        frame = frame.assign(message=None)
    if "kind" not in frame:
        frame = frame.assign(kind=[issue_kind(message, method) for message, method
                                   in zip(frame["message"], frame["method"])])
    groups = frame.groupby(["severity", "column", "kind"], sort=False).agg(
        method=("method", "first"), count=("problem", "size"), first_row=("source_row", "first"),
        value=("value", "first"), problem=("problem", "first"), suggestion=("suggestion", "first"),
        message=("message", "first")).reset_index()
    groups["order"] = groups["severity"].map(SEVERITY_ORDER).fillna(9)
    groups = groups.sort_values(["order", "count"], ascending=[True, False]).drop(columns="order")
    groups["first_row"] = groups["first_row"].astype("Int64")
    return groups[GROUP_COLUMNS].reset_index(drop=True)


def rows_with(issues: pd.DataFrame, severity: str) -> set[int]:
    """The rows that have an issue of ``severity``: an accepted row with a repair is one with repaired values
    (rejected rows are counted as rejected only, whatever was repaired in them)."""
    return set(issues.loc[issues["severity"] == severity, "source_row"].dropna().astype(int))


def preview_of(session: Session, batch: ImportBatch) -> dict:
    """The import about to be rolled back, as the dashboard shows it before the person confirms: its counts,
    what it would replace, the columns recognised and its problems by kind (JSON-ready)."""
    session.flush()
    rows = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value,
                                  ImportIssue.severity, ImportIssue.problem, ImportIssue.suggestion,
                                  ImportIssue.method, ImportIssue.message)
                           .where(ImportIssue.batch_id == batch.id)
                           .order_by(ImportIssue.source_row.is_not(None), ImportIssue.source_row, ImportIssue.id)).all()
    issues = pd.DataFrame(rows, columns=["source_row", "column", "value", "severity", "problem", "suggestion",
                                         "method", "message"])
    groups = group_issues(issues).head(PREVIEW_GROUPS)
    repaired = len(rows_with(issues, "repair") - rows_with(issues, "error"))
    return {
        "kind": batch.kind, "file_name": batch.file_name, "sheet": batch.sheet, "period": batch.period,
        "rows_read": batch.rows_read, "rows_accepted": batch.rows_accepted, "rows_rejected": batch.rows_rejected,
        "rows_repaired": int(repaired), "reviews": int((issues["severity"] == "review").sum()),
        "warnings": int((issues["severity"] == "warning").sum()), "codes_version": batch.codes_version,
        "replaced_batch_id": batch.replaced_batch_id, "changes": batch.changes, "columns": batch.column_mapping,
        "groups": [{key: _json_ready(key, value) for key, value in group.items()}
                   for group in groups.to_dict("records")],
    }


def _json_ready(key: str, value: object) -> object:
    """A value of a group of issues as the job row stores it (JSON): counts as ints, missing values as None."""
    if isinstance(value, dict):  # the message
        return value
    if pd.isna(value):
        return None
    return int(value) if key in ("count", "first_row") else value
