"""What each import did: counts, every problem with its row and column and the fix to make, and the rejected
rows exactly as they were uploaded (so they can be corrected and imported again)."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Font
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from dashboard.exports import neutralise
from dashboard.i18n import translate
from dashboard.store.models import ImportBatch, ImportIssue, RejectedRow

BATCH_COLUMNS = ["batch_id", "kind", "file_name", "sheet", "period", "imported_at", "imported_by", "rows_read",
                 "rows_accepted", "rows_rejected", "replaced_batch_id", "changes", "warnings", "repairs", "reviews"]
ISSUE_COLUMNS = ["source_row", "column", "value", "severity", "problem", "suggestion"]
SUMMARY_FIELDS = ("file_name", "sheet", "period", "rows_read", "rows_accepted", "rows_rejected", "repairs", "reviews",
                  "warnings")


def import_batch(engine: Engine, batch_id: int) -> ImportBatch | None:
    """One import's record (its counts, who made it), or None when there is no such import."""
    with Session(engine) as session:
        return session.get(ImportBatch, batch_id)


def import_batches(engine: Engine) -> pd.DataFrame:
    """Every import, newest first, with its counts of rows and of problems found."""
    warnings = func.sum(case((ImportIssue.severity == "warning", 1), else_=0))
    repairs = func.sum(case((ImportIssue.severity == "repair", 1), else_=0))
    reviews = func.sum(case((ImportIssue.severity == "review", 1), else_=0))
    issues = (select(ImportIssue.batch_id, warnings.label("warnings"), repairs.label("repairs"),
                     reviews.label("reviews")).group_by(ImportIssue.batch_id).subquery())
    query = (select(ImportBatch.id, ImportBatch.kind, ImportBatch.file_name, ImportBatch.sheet, ImportBatch.period,
                    ImportBatch.imported_at, ImportBatch.imported_by, ImportBatch.rows_read,
                    ImportBatch.rows_accepted, ImportBatch.rows_rejected, ImportBatch.replaced_batch_id,
                    ImportBatch.changes, func.coalesce(issues.c.warnings, 0), func.coalesce(issues.c.repairs, 0),
                    func.coalesce(issues.c.reviews, 0))
             .outerjoin(issues, issues.c.batch_id == ImportBatch.id).order_by(ImportBatch.id.desc()))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=BATCH_COLUMNS)


def batch_issues(engine: Engine, batch_id: int) -> pd.DataFrame:
    """Every problem and repair of one import, by spreadsheet row."""
    query = (select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value, ImportIssue.severity,
                    ImportIssue.problem, ImportIssue.suggestion)
             .where(ImportIssue.batch_id == batch_id).order_by(ImportIssue.source_row, ImportIssue.id))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=ISSUE_COLUMNS)


def rejected_rows(engine: Engine, batch_id: int) -> pd.DataFrame:
    """The rejected rows as uploaded (same headers, same values), with their row number and reasons."""
    query = (select(RejectedRow.source_row, RejectedRow.raw_values, RejectedRow.reasons)
             .where(RejectedRow.batch_id == batch_id).order_by(RejectedRow.source_row))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows:
        return pd.DataFrame(columns=["source_row", "reasons"])
    values = pd.DataFrame([row.raw_values for row in rows])
    return pd.concat([pd.DataFrame({"source_row": [row.source_row for row in rows],
                                    "reasons": ["; ".join(row.reasons) for row in rows]}), values], axis=1)


def rejected_rows_csv(engine: Engine, batch_id: int) -> bytes:
    """Rejected rows ready to correct and import again: the uploaded headers and values only."""
    table = rejected_rows(engine, batch_id).drop(columns=["source_row", "reasons"])
    return table.map(neutralise).to_csv(index=False).encode("utf-8-sig")


def validation_report_xlsx(engine: Engine, batch_id: int, lang: str) -> bytes:
    """The import's report as a workbook: a summary sheet, the problems, the rejected rows as uploaded."""
    batch = import_batches(engine).set_index("batch_id").loc[batch_id]
    summary = pd.DataFrame({
        translate("imports.field", lang): [translate(f"column.{name}", lang) for name in
                                            SUMMARY_FIELDS],
        translate("imports.value", lang): [batch[name] for name in SUMMARY_FIELDS],
    })
    sheets = [(translate("imports.sheet.summary", lang), summary),
              (translate("imports.sheet.problems", lang), batch_issues(engine, batch_id)),
              (translate("imports.sheet.rejected", lang), rejected_rows(engine, batch_id))]
    if batch["changes"]:
        sheets.append((translate("imports.sheet.changes", lang), pd.DataFrame(batch["changes"]["organisations"],
                                                                           columns=["organisation", "before", "after"])))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in sheets:
            frame.map(neutralise).to_excel(writer, sheet_name=sheet[:31], index=False)
            for cell in writer.sheets[sheet[:31]][1]:
                cell.font = Font(bold=True)
    return buffer.getvalue()
