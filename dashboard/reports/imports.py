"""What each import did: counts, every problem with its row and column and the fix to make, and the rejected
rows exactly as they were uploaded (so they can be corrected and imported again)."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Font
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from dashboard.exports import neutralise
import re

from dashboard.i18n import catalogue, issue_text, kind_text, translate
from dashboard.ingest.columns import AS_ACRONYMS
from dashboard.ingest.preview import group_issues, issue_kind
from dashboard.store.database import is_row_id
from dashboard.domain.roles import Permission, Role, Viewer
from dashboard.store.models import ImportBatch, ImportIssue, RejectedRow
from dashboard.domain.country import CountryProfile
from dashboard.geo.profiles import profile_of_version
from dashboard.reports.country_words import country_text

BATCH_COLUMNS = ["batch_id", "kind", "file_name", "sheet", "period", "imported_at", "imported_by", "rows_read",
                 "rows_accepted", "rows_rejected", "replaced_batch_id", "changes", "codes_version", "warnings",
                 "repairs", "rows_repaired", "reviews", "reviews_pending", "country"]
ISSUE_COLUMNS = ["source_row", "letter", "column", "value", "severity", "problem", "suggestion", "method",
                 "confidence", "decision"]
#: what the summary of a report says, in this order (the counts the issue asks for: read, accepted,
#: repaired, pending review, rejected)
SUMMARY_FIELDS = ("file_name", "sheet", "period", "imported_at", "imported_by", "rows_read", "rows_accepted",
                  "rows_repaired", "reviews_pending", "rows_rejected", "warnings")
MAPPING_COLUMNS = ["field", "letter", "column", "method"]



def may_read(viewer: Viewer, batch: ImportBatch) -> bool:
    """IMOs and coordinators read every import's report; a partner focal point only those of its own uploads."""
    return viewer.can(Permission.VIEW_IMPORTS) and (viewer.role is not Role.PARTNER
                                                    or batch.imported_by == viewer.username)


def import_batch(engine: Engine, batch_id: int) -> ImportBatch | None:
    """One import's record (its counts, who made it), or None when there is no such import."""
    if not is_row_id(batch_id):
        return None
    with Session(engine) as session:
        return session.get(ImportBatch, batch_id)


def import_batches(engine: Engine, batch_id: int | None = None) -> pd.DataFrame:
    """Every import (or the one ``batch_id`` names), newest first, with its counts of rows and of problems
    found."""
    warnings = func.sum(case((ImportIssue.severity == "warning", 1), else_=0))
    repairs = func.sum(case((ImportIssue.severity == "repair", 1), else_=0))
    reviews = func.sum(case((ImportIssue.severity == "review", 1), else_=0))
    pending = func.sum(case(((ImportIssue.severity == "review") & ImportIssue.decision.is_(None), 1), else_=0))
    # rows with repaired values: accepted rows (no error) with a repair
    by_row = (select(ImportIssue.batch_id.label("batch_id"),
                     func.max(case((ImportIssue.severity == "repair", 1), else_=0)).label("repaired"),
                     func.max(case((ImportIssue.severity == "error", 1), else_=0)).label("rejected"))
              .where(ImportIssue.source_row.is_not(None))
              .group_by(ImportIssue.batch_id, ImportIssue.source_row).subquery())
    rows_repaired = (select(by_row.c.batch_id, func.sum(case(((by_row.c.repaired == 1) & (by_row.c.rejected == 0), 1),
                                                             else_=0)).label("rows_repaired"))
                     .group_by(by_row.c.batch_id).subquery())
    issues = (select(ImportIssue.batch_id, warnings.label("warnings"), repairs.label("repairs"),
                     rows_repaired.c.rows_repaired, reviews.label("reviews"), pending.label("pending"))
              .outerjoin(rows_repaired, rows_repaired.c.batch_id == ImportIssue.batch_id)
              .group_by(ImportIssue.batch_id, rows_repaired.c.rows_repaired).subquery())
    query = (select(ImportBatch.id, ImportBatch.kind, ImportBatch.file_name, ImportBatch.sheet, ImportBatch.period,
                    ImportBatch.imported_at, ImportBatch.imported_by, ImportBatch.rows_read,
                    ImportBatch.rows_accepted, ImportBatch.rows_rejected, ImportBatch.replaced_batch_id,
                    ImportBatch.changes, ImportBatch.codes_version, func.coalesce(issues.c.warnings, 0),
                    func.coalesce(issues.c.repairs, 0), func.coalesce(issues.c.rows_repaired, 0),
                    func.coalesce(issues.c.reviews, 0), func.coalesce(issues.c.pending, 0), ImportBatch.country)
             .outerjoin(issues, issues.c.batch_id == ImportBatch.id).order_by(ImportBatch.id.desc()))
    if batch_id is not None:
        query = query.where(ImportBatch.id == batch_id)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=BATCH_COLUMNS)


def _letters(batch: ImportBatch) -> dict[str, str]:
    """Header → column letter of the columns the import recognised (older imports did not keep letters)."""
    return {spec["column"]: spec["letter"] for spec in (batch.column_mapping or {}).values() if spec.get("letter")}


def batch_issues(engine: Engine, batch_id: int, lang: str | None = None) -> pd.DataFrame:
    """Every problem and repair of one import, by spreadsheet row (problems of the whole file first), with
    the column's letter, how each repair was made and how sure it is, the decision on a suggestion, and its
    kind (:func:`dashboard.ingest.preview.issue_kind`). With ``lang``, problems, advice and methods are in that
    language (as stored, in English, otherwise)."""
    query = (select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value, ImportIssue.severity,
                    ImportIssue.problem, ImportIssue.suggestion, ImportIssue.method, ImportIssue.confidence,
                    ImportIssue.decision, ImportIssue.message)
             .where(ImportIssue.batch_id == batch_id)
             .order_by(ImportIssue.source_row.is_not(None), ImportIssue.source_row, ImportIssue.id))
    batch = import_batch(engine, batch_id)
    letters = _letters(batch) if batch is not None else {}
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(),
                             columns=[name for name in ISSUE_COLUMNS if name != "letter"] + ["message"])
    methods = frame["method"].tolist()  # as stored: the kind of an issue without a message is its rule
    if lang is not None and not frame.empty:
        words = catalogue(lang)
        messages = frame["message"]
        frame["problem"] = [issue_text(message, "problem", problem, lang)
                            for message, problem in zip(messages, frame["problem"])]
        frame["suggestion"] = [issue_text(message, "advice", suggestion, lang)
                               for message, suggestion in zip(messages, frame["suggestion"])]
        frame["method"] = frame["method"].map(lambda method: words.get(f"method.{method}", method)
                                              if isinstance(method, str) else method)
    frame.insert(1, "letter", frame["column"].map(letters))
    frame["kind"] = [issue_kind(message, method) for message, method in zip(frame["message"], methods)]
    return frame.drop(columns="message")


def issue_groups(engine: Engine, batch_id: int, lang: str | None = None) -> pd.DataFrame:
    """The problems of one import by kind (the catalogue key of the problem, in its column), most serious and
    most frequent first, with the first row of each and what it said: what a coordinator reads first to know
    what to fix."""
    return group_issues(batch_issues(engine, batch_id, lang)).drop(columns="message")


#: the columns of a group of problems as the report page shows them
GROUP_SHOWN = ["severity", "column", "count", "problem", "first_row", "value", "example", "suggestion", "method"]


def readable_groups(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Groups of problems (:func:`issue_groups`) as a reader sees them: each kind in its own words ("P-code of
    another level than its column"; for issues stored without a kind, the rule that found them), and the first
    row's own problem beside it as the example."""
    words = catalogue(lang)
    kinds = [kind_text(kind, lang) or words.get(f"method.{method}", method) or "—"
             for kind, method in zip(groups["kind"], groups["method"])]
    return groups.assign(example=groups["problem"], problem=kinds)[GROUP_SHOWN]


def column_mapping(engine: Engine, batch_id: int) -> pd.DataFrame:
    """Which column of the file was read as which field, and how it was recognised (HXL tag, header...)."""
    batch = import_batch(engine, batch_id)
    rows = [(name, spec.get("letter"), spec["column"], spec["method"])
            for name, spec in ((batch.column_mapping or {}) if batch else {}).items()]
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


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


def field_label(name: str, lang: str, profile: CountryProfile | None = None) -> str:
    """A field in the reader's words: ``adm2_code`` → "P-code cercle" ("P-code département" for the country
    of a Niger ``profile``), ``targeted_f_child`` → "Personnes ciblées : filles (< 18 ans)"."""
    words = catalogue(lang)
    if f"field.{name}" in words:
        return country_text(profile, f"field.{name}", lang)
    measure, _, group = name.partition("_")
    if measure in ("targeted", "reached") and f"people.{group}" in words:
        return f"{words[f'field.{measure}']} : {words[f'people.{group}']}" if lang == "fr" else \
            f"{words[f'field.{measure}']}: {words[f'people.{group}']}"
    return name


def readable_issues(issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Issues (or groups of issues) with their kind and decision in words, and translated column headers."""
    words = catalogue(lang)
    frame = issues.copy()
    if "severity" in frame:
        frame["severity"] = frame["severity"].map(lambda value: words.get(f"severity.{value}", value))
    if "decision" in frame:
        frame["decision"] = frame["decision"].map(lambda value: words.get(f"decision.{value}", value)
                                                  if isinstance(value, str) else value)
    if "source_row" in frame:
        frame["source_row"] = frame["source_row"].astype("Int64").astype(object).where(
            frame["source_row"].notna(), words["issue.whole_file"])
    return frame.rename(columns={name: words[f"issue.{name}"] for name in frame.columns if f"issue.{name}" in words})


_CLOSE = re.compile(r"^header \(close to '(?P<known>.*)'\)$")
_STANDIN = re.compile(r"^(?P<how>.*) \(as (?P<field>.*): no (?P<missing>.*) column\)$")


def recognition_label(how: str, lang: str) -> str:
    """How a column was recognised (as :mod:`dashboard.ingest.columns` records it) in the reader's words."""
    words = catalogue(lang)
    if f"recognised.{how}" in words:
        return words[f"recognised.{how}"]
    if how.endswith(AS_ACRONYMS):
        return words["recognised.as_acronyms"].format(how=recognition_label(how[:-len(AS_ACRONYMS)], lang))
    close = _CLOSE.match(how)
    if close:
        return words["recognised.close"].format(known=close["known"])
    standin = _STANDIN.match(how)
    if standin:
        return words["recognised.standin"].format(how=recognition_label(standin["how"], lang),
                                                  missing=words.get(f"field.{standin['missing']}", standin["missing"]))
    return how


def readable_mapping(mapping: pd.DataFrame, lang: str, profile: CountryProfile | None = None) -> pd.DataFrame:
    """An import's columns and the fields they were read as, in the reader's words (levels as the country of
    ``profile`` names them)."""
    frame = mapping.assign(field=mapping["field"].map(lambda name: field_label(name, lang, profile)),
                           method=mapping["method"].map(lambda how: recognition_label(how, lang)))
    return frame.rename(columns={name: translate(f"mapping.{name}", lang) for name in MAPPING_COLUMNS})


def summary_table(batch: pd.Series, lang: str) -> pd.DataFrame:
    """The summary of an import (its row of :func:`import_batches`): file, sheet, period, who and when, and the
    counts of rows read, accepted, repaired, waiting for a review of a suggestion, rejected, and of warnings."""
    values = [batch[name] for name in SUMMARY_FIELDS]
    names = list(SUMMARY_FIELDS)
    if batch["codes_version"]:
        names.append("codes_version")
        values.append(batch["codes_version"])
    return pd.DataFrame({translate("imports.field", lang): [translate(f"column.{name}", lang) for name in names],
                         translate("imports.value", lang): [value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime")
                                                            else value for value in values]})


def batch_profile(batch: ImportBatch) -> CountryProfile | None:
    """The country whose boundaries an import was placed on (None: Mali's older ones), for its report's words."""
    return profile_of_version(batch.boundary_version)


def validation_report_xlsx(engine: Engine, batch_id: int, lang: str) -> bytes:
    """The import's report as a workbook: a summary, the columns recognised, the problems (whole-file ones
    first, then by row: column, value, problem, suggested fix, how a repair was made and how sure it is),
    the rejected rows as uploaded and, for a replacement, what changed per organisation. Levels are named as
    the country of the import's boundaries names them."""
    profile = batch_profile(import_batch(engine, batch_id))
    batch = import_batches(engine, batch_id).iloc[0]
    problems = batch_issues(engine, batch_id, lang).drop(columns="kind")
    problems.insert(0, "sheet", batch["sheet"])  # for each problem: sheet, row, column, value, problem, fix
    sheets = [(translate("imports.sheet.summary", lang), summary_table(batch, lang)),
              (translate("imports.sheet.columns", lang), readable_mapping(column_mapping(engine, batch_id), lang, profile)),
              (translate("imports.sheet.problems", lang), readable_issues(problems, lang)),
              (translate("imports.sheet.rejected", lang), rejected_rows(engine, batch_id))]
    if batch["changes"]:
        sheets.append((translate("imports.sheet.changes", lang), pd.DataFrame(batch["changes"]["organisations"],
                                                                           columns=["organisation", "before", "after"])))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in sheets:
            frame.map(neutralise).to_excel(writer, sheet_name=sheet[:31], index=False)
            worksheet = writer.sheets[sheet[:31]]
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            worksheet.freeze_panes = "A2"
    return buffer.getvalue()
