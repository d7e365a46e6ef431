"""What the coordination-table imports (cluster memberships, partnerships) share.

Both follow the rules of the 3W import (:mod:`dashboard.ingest.importer`): columns are found by HXL tag
first, then by French/English header; every non-empty row ends accepted or rejected with its reasons,
rejected rows are kept as uploaded; one import is one transaction and a file whose content was already
imported (same SHA-256, same kind) changes nothing. Organisations resolve through the same alias registry
(``org_alias``) as the 3W, so ``UNICEF`` in a membership list is the ``Unicef`` of the 3W.

Organisations are resolved and created by :mod:`dashboard.ingest.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.config import BOUNDARY_VERSION
from dashboard.ingest.columns import ColumnMapping, TableLayout, header_fit, map_table, mapping_record
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import (
    ImportResult,
    acronym_note,
    column_labels,
    file_issue,
    held_countries,
    issue_record,
    raw_values,
    read_acronym_column,
    reader_notes,
)
from dashboard.ingest.countries import file_countries, foreign_countries, named_country, refusal_params
from dashboard.ingest.organisations import AcronymReading
from dashboard.domain.places import Hierarchy, normalise_pcode
from dashboard.ingest.periods import infer_period
from dashboard.ingest.preview import preview_of
from dashboard.ingest.reader import RawTable, read_table
from dashboard.ingest.validate import CellIssue, parse_date, parse_number
from dashboard.store import audit
from dashboard.store.models import ImportBatch, ImportIssue, RejectedRow
from dashboard.store.reference import load_hierarchy, sector_vocabulary
from dashboard.domain.text import clean_text, fold
from dashboard.domain.vocabulary import Vocabulary


@dataclass(frozen=True)
class CoordinationImportResult(ImportResult):
    """An :class:`ImportResult` plus what happened to the stored records."""

    kind: str = ""
    records_created: int = 0
    #: stored records this import found again and rewrote (same membership, or same funder and reference)
    records_updated: int = 0


@dataclass
class CheckedRecord:
    """The issues found in one row; each kind of table adds the values it stores."""

    source_row: int
    issues: list[CellIssue] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    def error(self, name: str, value: object, problem: str, advice: str, /, **params: object) -> None:
        """A problem that rejects the row: catalogue keys of the problem and the advice, and their values."""
        self.issues.append(CellIssue.of("error", name, clean_text(value), problem, advice, **params))

    def warn(self, name: str, value: object, problem: str, advice: str | None = None, /, **params: object) -> None:
        self.issues.append(CellIssue.of("warning", name, clean_text(value), problem, advice, **params))


@dataclass(frozen=True)
class MappedTable:
    """A coordination table read and mapped, ready for its row checks."""

    table: RawTable
    mapping: ColumnMapping
    hierarchy: Hierarchy
    #: the sectors, with the spellings an IMO taught
    sectors: Vocabulary
    #: (spreadsheet row number, cells as read) of each non-empty row
    rows: list[tuple[int, list[object]]]
    #: the same rows as canonical field → value
    cells: list[dict[str, object]]
    #: why the organisation-name column was read as acronyms, when it was (see :func:`read_acronym_column`)
    acronym_reading: AcronymReading | None = None


def read_mapped_table(engine: Engine, path: Path, sheet: str | None, layout: TableLayout) -> MappedTable:
    """Read a membership or partnership table and map its columns; refuses (nothing written) an unusable file
    or a store without boundaries."""
    hierarchy = required_hierarchy(engine, path.name)
    table = read_table(path, sheet, fit=header_fit(layout))
    mapping, reading = read_acronym_column(engine, table, map_table(table, layout), layout)
    refuse_other_countrys_table(engine, table, mapping, hierarchy)
    rows = table.numbered_rows()
    return MappedTable(table, mapping, hierarchy, sector_vocabulary(engine), rows,
                       [row_cells(mapping, raw) for _, raw in rows], reading)


#: the fields of the coordination tables' layouts that hold P-codes
PLACE_CODE_FIELDS = ("region_code", "cercle_code", "commune_code", "pcode")


def refuse_other_countrys_table(engine: Engine, table: RawTable, mapping: ColumnMapping, hierarchy: Hierarchy) -> None:
    """Refuse, before any row is checked, a table whose P-codes are another country's: these tables are read on
    the default boundaries only (Mali's), so a Niger HNO's rows without a place were taken for Mali's national
    figures and replaced Mali's of the same year. A country the installation holds is named as such."""
    columns = [mapping.fields[name] for name in PLACE_CODE_FIELDS if name in mapping.fields]
    evidence = file_countries(cells[index] for cells in table.rows for index in columns)
    known = {code for code in (named_country(hierarchy.root),) if code}
    foreign = foreign_countries(evidence, known)
    if not foreign:
        return
    held = held_countries(engine)
    problem = "refusal.table_of_held_country" if foreign[0] in held else "refusal.other_country"
    raise ImportRefused.of(problem, file=table.file_name, sheet=table.sheet, reason="other_country",
                           **refusal_params(evidence, foreign, known))


def row_cells(mapping: ColumnMapping, cells: list[object]) -> dict[str, object]:
    """A row as canonical field → cell value."""
    return {name: cells[index] for name, index in mapping.fields.items()}


def previous_import(engine: Engine, sha256: str, kind: str) -> CoordinationImportResult | None:
    """The result of the earlier import of the same content, if there was one."""
    with Session(engine) as session:
        done = session.scalar(select(ImportBatch).where(ImportBatch.sha256 == sha256, ImportBatch.kind == kind)
                              .order_by(ImportBatch.id).limit(1))
    if done is None:
        return None
    return CoordinationImportResult(done.id, done.period, done.rows_read, done.rows_accepted, done.rows_rejected,
                                    0, 0, already_imported=True, kind=kind)


def checked_or_kept(session: Session, batch: ImportBatch, result: CoordinationImportResult,
                    check_only: bool) -> CoordinationImportResult:
    """The result of an import about to commit; for a check (``check_only``), its preview, with the
    transaction rolled back so that nothing is kept."""
    if not check_only:
        return result
    preview = preview_of(session, batch)
    session.rollback()
    return replace(result, preview=preview)


def required_hierarchy(engine: Engine, file_name: str) -> Hierarchy:
    """The boundary hierarchy place cells are checked against; refuses when it is not loaded."""
    hierarchy = load_hierarchy(engine, BOUNDARY_VERSION)
    if not len(hierarchy):
        raise ImportRefused(f"the boundaries {BOUNDARY_VERSION} are not loaded; run `python -m dashboard setup` "
                            "and import again.", file=file_name)
    return hierarchy


# --- cells -----------------------------------------------------------------------------------------------

def check_sector(record: CheckedRecord, name: str, value: object, *, required: bool,
                 sectors: Vocabulary) -> str | None:
    """The sector code a cell names; an unknown (or, when ``required``, missing) sector is an error."""
    text = clean_text(value)
    if text is None:
        if required:
            record.error(name, None, "msg.no_cluster", "advice.fill_sector")
        return None
    term = sectors.match(text)
    if term is None:
        record.error(name, text, "msg.unknown_cluster", "advice.use_cluster", cluster=text)
        return None
    return term.code


def place_code(value: object, hierarchy: Hierarchy, levels: tuple[int, ...]) -> str | None:
    """The P-code a cell designates: a P-code of one of ``levels``, or a region's name.

    Only region names are matched (14 commune names repeat in different cercles); ``MLI05`` reads ``ML05``.
    """
    code = normalise_pcode(value)
    if code is not None and hierarchy.level.get(code) in levels:
        return code
    if 1 not in levels:
        return None
    key = fold(value)
    regions = [pcode for pcode, level in hierarchy.level.items() if level == 1 and fold(hierarchy.name[pcode]) == key]
    return regions[0] if len(regions) == 1 else None


def check_date(record: CheckedRecord, name: str, value: object) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        record.warn(name, value, "msg.not_a_date", "advice.date", value=clean_text(value))
        return None


def check_number(record: CheckedRecord, name: str, value: object) -> float | None:
    try:
        return parse_number(value)
    except ValueError:
        record.warn(name, value, "msg.not_a_number", "advice.amount", value=clean_text(value), what=f"@what.{name}")
        return None


def bounded_text(record: CheckedRecord, name: str, value: object, limit: int) -> str | None:
    """A text cell cut to the stored length, with a warning when it had to be cut (``12.0`` reads ``12``)."""
    text = clean_text(int(value) if isinstance(value, float) and value.is_integer() else value)
    if text is not None and len(text) > limit:
        record.warn(name, text, "msg.text_cut", "advice.shorten", limit=limit)
        return text[:limit]
    return text


# --- the batch -------------------------------------------------------------------------------------------

def store_batch(session: Session, *, kind: str, path: Path, sha256: str, table: RawTable, mapping: ColumnMapping,
                records: list[CheckedRecord], raw_rows: list[list[object]], imported_by: str | None,
                source: str | None, period: str | None = None,
                acronym_reading: AcronymReading | None = None) -> tuple[ImportBatch, int]:
    """Add the batch, its rejected rows (as uploaded, with reasons) and its issues; returns the batch and
    its number of warnings.

    Columns the layout does not know get one warning each (row empty), since their values are not stored;
    an organisation-name column read as acronyms gets one too.
    The batch's period is ``period`` (what the table's rows cover, when the caller knows), else the one the
    file name says, else the month of the import.
    """
    now = datetime.now(timezone.utc)
    accepted = sum(not record.rejected for record in records)
    batch = ImportBatch(
        kind=kind, file_name=path.name, sheet=table.sheet, sha256=sha256,
        period=period or infer_period(path.name) or now.strftime("%Y-%m"), source=source, boundary_version=BOUNDARY_VERSION,
        imported_at=now, imported_by=imported_by, rows_read=len(records), rows_accepted=accepted,
        rows_rejected=len(records) - accepted,
        column_mapping=mapping_record(table, mapping))
    session.add(batch)
    session.flush()
    issues = [file_issue(batch.id, "msg.column_not_stored", "advice.rename_column", column=header, header=header)
              for header in mapping.unknown.values()] + reader_notes(batch.id, table)
    issues += acronym_note(batch.id, table, mapping, acronym_reading)
    rejected, labels = [], column_labels(table)
    for record, cells in zip(records, raw_rows):
        row_issues = [issue_record(batch.id, record.source_row, mapping, table, issue) for issue in record.issues]
        issues.extend(row_issues)
        if record.rejected:
            rejected.append({"batch_id": batch.id, "source_row": record.source_row,
                             "raw_values": raw_values(labels, cells),
                             "reasons": [f"column {issue['column']}: {issue['problem']}; {issue['suggestion']}"
                                         for issue in row_issues if issue["severity"] == "error"]})
    if rejected:
        session.execute(insert(RejectedRow), rejected)
    if issues:
        session.execute(insert(ImportIssue), issues)
    audit.record(session, None, f"import.{kind}", path.name, actor=imported_by,
                 after={"batch": batch.id, "period": batch.period, "source": source, "rows_read": len(records),
                        "rows_accepted": accepted, "rows_rejected": len(records) - accepted})
    return batch, sum(issue["severity"] == "warning" for issue in issues)
