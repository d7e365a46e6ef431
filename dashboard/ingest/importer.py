"""Import a 3W file: read, map, check every row, then store the batch in one transaction.

Every row read ends either accepted (table ``activity``) or rejected (table ``rejected_row``, as uploaded,
with its reasons); ``accepted + rejected = read`` always. Importing a file whose content was already
imported (same SHA-256) changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from dashboard.config import LEGACY_BOUNDARY_VERSION
from dashboard.ingest.cells import json_value, stored_text
from dashboard.ingest.columns import THREE_W_LAYOUT, ColumnMapping, TableLayout, column_letter, header_fit, \
    map_columns, mapping_record, name_column_alone, names_read_as_acronyms, organisation_field
from dashboard.ingest.countries import (
    CountryEvidence,
    choose_country,
    file_countries,
    foreign_countries,
    named_country,
    refusal_params,
)
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.organisations import AcronymReading, Match, names_hold_acronyms
from dashboard.domain.places import Hierarchy
from dashboard.domain.country import CountryProfile
from dashboard.geo.profiles import DEFAULT_COUNTRY, country_wording, installation_profiles, profile_of_version
from dashboard.ingest.periods import infer_period
from dashboard.ingest.preview import preview_of
from dashboard.ingest.reader import RawTable, check_file, read_table
from dashboard.ingest.registry import alias_registry, known_organisations, register
from dashboard.ingest.validate import CODE_SETS, CellIssue, CheckedRow, CheckedRows, check_rows
from dashboard.store import audit
from dashboard.store.database import bulk_insert, serialise_imports
from dashboard.store.rounds import ensure_round
from dashboard.store.models import Activity, ImportBatch, ImportIssue, Organisation, RejectedRow
from dashboard.ingest.organisation_matching import merge_proposals
from dashboard.store.reference import boundary_versions, load_crosswalk, load_hierarchy, place_keys, sector_vocabulary
from dashboard.domain.text import clean_text, fold
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY
from dashboard.domain.enums import ImportKind

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: told ``(fraction done, stage)`` as an import goes: read, check, write, done
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    period: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    warnings: int
    organisations_created: int
    already_imported: bool = False
    #: the earlier import of the same period and source this one replaced, and what changed (see ``changes``)
    replaced_batch_id: int | None = None
    changes: dict | None = None
    #: for an import only checked (``check_only``): what it would do (see :mod:`dashboard.ingest.preview`);
    #: nothing was kept and ``batch_id`` names no stored import
    preview: dict | None = None
    #: the file's country (ISO3), as given or found from the file
    country: str | None = None


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def column_labels(table: RawTable) -> list[str]:
    """A distinct name for each column, to keep rows as uploaded: its header (``column N`` without one); a
    header met before gets its column letter too, so two columns of one name both keep their values."""
    labels: list[str] = []
    for index, header in enumerate(table.headers):
        label = header or f"column {index + 1}"
        labels.append(label if label not in labels else f"{label} ({column_letter(index)})")
    return labels


def raw_values(labels: list[str], cells: list[object]) -> dict[str, object]:
    """A row as uploaded, by column (``labels`` from :func:`column_labels`), each value as JSON holds it
    (see :func:`dashboard.ingest.cells.json_value`)."""
    return {label: json_value(value) for label, value in zip(labels, cells)}


#: the longest column header an issue keeps (a header is rarely longer; the column letter locates it anyway)
COLUMN_LENGTH = ImportIssue.__table__.c["column"].type.length


def file_issue(batch_id: int, problem: str | list[str], advice: str | None = None, *, column: str | None = None,
               value: str | None = None, method: str | None = None, **params: object) -> dict:
    """An ``import_issue`` record about the file as a whole or a column (no row): a warning whose problem
    and advice are catalogue keys filled with ``params`` (see :meth:`CellIssue.of`)."""
    issue = CellIssue.of("warning", "", value, problem, advice, method=method, **params)
    return {"batch_id": batch_id, "severity": "warning", "source_row": None,
            "column": column[:COLUMN_LENGTH] if column else column, "value": value,
            "problem": issue.problem, "suggestion": issue.suggestion, "method": method, "confidence": None,
            "message": issue.message}


def reader_notes(batch_id: int, table: RawTable) -> list[dict]:
    """What the reader noticed about the file as a whole (e.g. a CSV read as Windows-1252), as warnings."""
    return [file_issue(batch_id, note["problem"], value=table.encoding, method="encoding", **note["params"])
            for note in table.notes]


def mapping_notes(batch_id: int, table: RawTable, mapping: ColumnMapping) -> list[dict]:
    """A warning for each column read in a way worth checking: a header only close to a known one, a
    column standing in for a missing one (``#org+impl`` as the organisation), an alternative column set
    aside. The report lists them first, so that a wrong reading is seen before the rows."""
    notes = []
    for name, index in mapping.fields.items():
        header = table.headers[index] or table.hxl_tags[index]
        if name in mapping.close:
            notes.append(file_issue(batch_id, "msg.column_close", "advice.check_column", column=header,
                                    method="column recognised", letter=column_letter(index), field=f"@field.{name}",
                                    known=mapping.close[name]))
        elif name in mapping.standins:
            notes.append(file_issue(batch_id, "msg.column_standin", "advice.check_column", column=header,
                                    method="column recognised", letter=column_letter(index), field=f"@field.{name}",
                                    missing=f"@field.{name}"))
    for index, name in mapping.set_aside.items():
        notes.append(file_issue(batch_id, "msg.column_set_aside", column=table.headers[index] or table.hxl_tags[index],
                                method="column recognised", letter=column_letter(index), field=f"@field.{name}",
                                used=column_letter(mapping.fields[name])))
    return notes


def read_acronym_column(engine: Engine, table: RawTable, mapping: ColumnMapping,
                        layout: TableLayout = THREE_W_LAYOUT) -> tuple[ColumnMapping, AcronymReading | None]:
    """The mapping with a column of organisation names read as the acronym column when its values are acronyms
    (see :func:`dashboard.ingest.organisations.names_hold_acronyms`), and why; the mapping as it was otherwise."""
    alone = name_column_alone(table, mapping, layout)
    if alone is None:
        return mapping, None
    index, header_says_acronym = alone
    with Session(engine) as session:
        aliases = alias_registry(session)
    reading = names_hold_acronyms((cells[index] for _, cells in table.numbered_rows()), aliases,
                                  header_says_acronym)
    return (mapping, None) if reading is None else (names_read_as_acronyms(mapping), reading)


def acronym_note(batch_id: int, table: RawTable, mapping: ColumnMapping, reading: AcronymReading | None) -> list[dict]:
    """A warning for the file as a whole when its organisation-name column was read as acronyms."""
    if reading is None:
        return []
    index = mapping.fields["org_acronym"]
    sentences = ["msg.names_as_acronyms"] + (["msg.names_as_acronyms_header"] if reading.header_says_acronym else [])
    return [file_issue(batch_id, sentences, "advice.check_column", column=table.headers[index] or table.hxl_tags[index],
                       method="organisation names read as acronyms", letter=column_letter(index),
                       tag=table.hxl_tags[index] or "", header=table.headers[index] or "", acronyms=reading.acronyms,
                       values=reading.values, examples=list(reading.examples))]


def boundary_note(batch_id: int, checked: CheckedRows) -> list[dict]:
    """A warning for the file as a whole when rows were coded with the 2015 P-codes (and translated)."""
    if not checked.translated:
        return []
    sentences = (["msg.codes_2015"] + (["msg.codes_2015_follow"] if checked.file_coded_2015 else [])
                 + (["msg.codes_2015_mixed"] if checked.rows_saying_2021 else []) + ["msg.codes_2015_translated"])
    return [file_issue(batch_id, sentences, "advice.recode_2021", value=LEGACY_BOUNDARY_VERSION,
                       method="2015 P-codes found", translated=checked.translated,
                       saying_2015=checked.rows_saying_2015, saying_2021=checked.rows_saying_2021)]


#: the fields a 3W row's sector is read from
SECTOR_FIELDS = ("sector", "sector_code", "subsector")
#: rows listed by number in a file-level notice before "and N more"
ROWS_LISTED = 10


def sector_note(batch_id: int, mapping: ColumnMapping, rows: list[tuple[int, CheckedRow]]) -> list[dict]:
    """One notice for the file as a whole when accepted rows state no sector: the file has no sector column,
    or some of its sector cells are empty. Those rows count in the views across all sectors, not by sector."""
    without = [number for number, row in rows if not row.rejected and row.sector_code == NO_SECTOR]
    if not without:
        return []
    if not any(name in mapping.fields for name in SECTOR_FIELDS):
        return [file_issue(batch_id, "msg.no_sector_column", "advice.sector_not_stated", method="sector vocabulary",
                           count=len(without))]
    listed = ", ".join(map(str, without[:ROWS_LISTED]))
    more = len(without) - ROWS_LISTED
    return [file_issue(batch_id, ["msg.sector_cells_empty"] + (["msg.and_more_rows"] if more > 0 else []),
                       "advice.sector_not_stated", column="sector", method="sector vocabulary", count=len(without),
                       rows=listed, more=more)]


def issue_record(batch_id: int, source_row: int, mapping: ColumnMapping, table: RawTable, issue) -> dict:
    """The ``import_issue`` row of an issue found in a row; its texts as a text column holds them (a value
    that is not text, such as a time, is written as text)."""
    index = mapping.fields.get(issue.field)
    column = (table.headers[index] if index is not None else issue.field)[:COLUMN_LENGTH]
    value = issue.value if issue.value is None or isinstance(issue.value, str) else clean_text(issue.value)
    return {"batch_id": batch_id, "severity": issue.severity, "source_row": source_row, "column": column,
            "value": stored_text(value), "problem": stored_text(issue.problem),
            "suggestion": stored_text(issue.suggestion), "method": issue.method, "confidence": issue.confidence,
            "message": issue.message}


#: 3W fields an activity stores in columns of its own (the others are kept in ``extra`` under their header)
STORED_FIELDS = frozenset({
    "org_acronym", "org_name", "organisation", "funder", "sector", "activity", "adm1_code", "adm2_code",
    "adm3_code", "location", "status", "start_date", "end_date", "targeted", "reached", "physical_presence",
    "implementing_partner", "implementing_partner_acronym", "implementing_partner_name"})


def stored_in_columns(name: str) -> bool:
    """Whether an activity keeps field ``name`` in columns of its own (people by sex and age are ``people``)."""
    return name in STORED_FIELDS or name.startswith(("targeted_", "reached_"))


class ExtraValues:
    """What an accepted row keeps beside its columns, by header as uploaded: the columns the product does not
    know, and the values of known ones it stores no column for (programme, sub-cluster, remarks, a type or
    partner type, a funder's full name), so that nothing a file said is lost. A unit name is kept only when
    it is not the name of the unit the row was placed in (a misspelling, a name without a match)."""

    def __init__(self, mapping: ColumnMapping, labels: list[str], rows: list[list[object]] | None = None):
        """``rows``, when given, are the file's cells: columns empty in every row are not looked at again."""
        columns = list(zip(*rows)) if rows else []
        filled = None if rows is None else {
            index for index in set(mapping.unknown) | set(mapping.fields.values())
            if index < len(columns) and not set(columns[index]) <= {None, ""}}
        self.unknown = [(index, header) for index, header in mapping.unknown.items()
                        if filled is None or index in filled]
        self.kept = [(name, index, labels[index]) for name, index in mapping.fields.items()
                     if not stored_in_columns(name) and (filled is None or index in filled)]
        #: (field, value, unit placed in) → whether the value says more than the row's columns (a 3W repeats
        #: its types and places: each is decided once)
        self._says_more: dict[tuple, bool] = {}

    def of(self, cells: list[object], row: CheckedRow, hierarchy: Hierarchy) -> dict[str, object]:
        extra = {}
        for index, header in self.unknown:
            if cells[index] is not None and cells[index] != "":
                value = json_value(cells[index])
                if value is not None:
                    extra[header] = value
        for name, index, label in self.kept:
            if cells[index] is None or cells[index] == "":
                continue
            value = json_value(cells[index])
            if value is None:
                continue
            placed = row.pcodes.get(int(name[3])) if name.startswith("adm") and name.endswith("_name") else None
            key = (name, value, placed)
            if key not in self._says_more:
                self._says_more[key] = not (
                    (name == "org_type" and ORG_TYPE_VOCABULARY.match(value) is not None)
                    or (placed is not None and fold(hierarchy.name.get(placed)) == fold(value)))
            if self._says_more[key]:
                extra[label] = value
        return extra


def activity_record(batch_id: int, source_row: int, values: dict[str, object], row: CheckedRow,
                    organisation_id: int, extra: dict[str, object] | None,
                    implementing_partner_id: int | None = None) -> dict:
    """The ``activity`` row of an accepted 3W row (``values``: field → cell, ``row``: its checks)."""
    type_term = ORG_TYPE_VOCABULARY.match(row.organisation[2])
    return {
        "batch_id": batch_id, "source_row": source_row, "organisation_id": organisation_id,
        "reported_org_type": type_term.code if type_term else None, "implementing_partner_id": implementing_partner_id,
        "funder": clean_text(values.get("funder")) or clean_text(values.get("funder_name")),
        "sector_code": row.sector_code,
        "activity": clean_text(values.get("activity")), "location_level": row.location_level,
        "pcode": row.pcodes[row.location_level], "adm1_pcode": row.pcodes[1], "adm2_pcode": row.pcodes[2],
        "adm3_pcode": row.pcodes[3], "location": clean_text(values.get("location")),
        "status": clean_text(values.get("status")), "start_date": row.start_date,
        "end_date": row.end_date, "targeted": row.targeted, "reached": row.reached,
        "physical_presence": row.physical_presence, "people": row.people or None, "extra": extra or None,
    }


#: the text columns of an activity whose length is bounded, and their length (PostgreSQL refuses a longer text)
BOUNDED_TEXTS = {name: Activity.__table__.c[name].type.length for name in ("funder", "location", "status")}


def cut_long_texts(activity: dict, mapping: ColumnMapping, labels: list[str]) -> list[CellIssue]:
    """Cut the texts of an ``activity`` record longer than their column holds, keeping the whole text with
    the row's ``extra`` values under its header; a warning for each one cut."""
    issues = []
    for name, limit in BOUNDED_TEXTS.items():
        text = activity[name]
        if text is None or len(text) <= limit:
            continue
        field = next((each for each in (name, f"{name}_name") if each in mapping.fields), name)
        activity[name] = text[:limit]
        if field in mapping.fields:
            activity["extra"] = {**(activity["extra"] or {}), labels[mapping.fields[field]]: text}
        issues.append(CellIssue.of("warning", field, text, "msg.text_cut", "advice.shorten", method="value format",
                                   limit=limit))
    return issues


@dataclass(frozen=True)
class RowOrganisations:
    """The organisations of checked rows, registered (see :func:`organisations_of_rows`)."""

    ids: list[int]
    partner_ids: list[int | None]
    created: int
    #: per row, how a spelling of its organisation (of its partner) no file used before was matched, if it was
    matches: list[Match | None]
    partner_matches: list[Match | None]


def organisations_of_rows(session: Session, rows: list[CheckedRow]) -> RowOrganisations:
    """The organisation of each checked row and its implementing partner (None when it names none),
    registered together so that an organisation named as a partner in one row and as itself in another is
    one."""
    partners = [row.partner for row in rows]
    named = [index for index, partner in enumerate(partners) if clean_text(partner[0]) or clean_text(partner[1])]
    registration = register(session, [row.organisation for row in rows] + [partners[index] for index in named])
    partner_ids: list[int | None] = [None] * len(rows)
    partner_matches: list[Match | None] = [None] * len(rows)
    for index, partner_id, match in zip(named, registration.ids[len(rows):], registration.matches[len(rows):]):
        partner_ids[index], partner_matches[index] = partner_id, match
    return RowOrganisations(registration.ids[:len(rows)], partner_ids, registration.created,
                            registration.matches[:len(rows)], partner_matches)


def register_row_organisations(session: Session, rows: list[CheckedRow]) -> tuple[list[int], list[int | None], int]:
    """:func:`organisations_of_rows`: both lists of ids and how many organisations were created."""
    registered = organisations_of_rows(session, rows)
    return registered.ids, registered.partner_ids, registered.created


def import_3w(engine: Engine, path: Path, *, period: str | None = None, sheet: str | None = None,
              source: str | None = None, imported_by: str | None = None, role: str | None = None,
              only_organisation: int | None = None, progress: Progress | None = None,
              boundary_version: str | None = None, code_set: str = "auto",
              check_only: bool = False) -> ImportResult:
    """Import a 3W workbook or CSV; raises :class:`ImportRefused` (nothing written) for unusable files.

    P-codes written with the 2015 boundary set are found from the names beside them (or ``code_set``
    "2015" says so) and translated to the 2021 set, each translation a repair on record. With
    ``check_only`` the import runs to its end and is rolled back: the result carries its preview.

    With a ``source``, a file for a period that source already has replaces the earlier import (a
    corrected file), in the same transaction; the result says what changed per organisation. With
    ``only_organisation`` (a partner focal point's upload), rows of any other organisation are rejected.
    The import and who made it (``imported_by``, ``role``) go to the audit trail in the same transaction;
    ``progress(fraction, stage)`` is told how far it got.

    The file's country is that of ``boundary_version`` (its boundary set) when given; otherwise it is found from
    the file among the countries the installation holds (:func:`file_country`), and the file is refused when
    its codes are another country's or, between several countries, nothing in it tells which.
    """
    progress = progress or (lambda fraction, stage: None)
    path = Path(path)
    if code_set not in CODE_SETS:
        raise ValueError(f"code_set must be one of {', '.join(CODE_SETS)}")
    period = period or infer_period(path.name)
    if period is None:
        raise ImportRefused("the file name does not say which reporting period the file covers (as in "
                            "3W_decembre_2023.xlsx or 3W_T4_2023.xlsx), so it was not read. Give the period as "
                            "YYYY-MM (e.g. 2023-12): in the Period box of the Imports page, or with --period.",
                            file=path.name, reason="no_period")
    if not _PERIOD.match(period):
        raise ImportRefused(f"the reporting period {period!r} is not of the form YYYY-MM (e.g. 2023-12 for "
                            "December 2023, or the last month of a quarter); give it again.", file=path.name,
                            reason="no_period")
    check_file(path)  # an empty or oversized file is refused on its size, before it is hashed
    sha256 = file_sha256(path)
    # a partner's upload is compared with its own uploads only: told that another's import holds the same
    # file, with its counts, it would learn what the IMO imported
    only_source = source if only_organisation is not None else None
    with Session(engine) as session:
        done = _already_imported(session, sha256, only_source)
        if done is not None:
            return done
    progress(0.05, "read")
    table = read_table(path, sheet, fit=header_fit(THREE_W_LAYOUT))
    mapping, acronym_reading = read_acronym_column(engine, table, mapping=map_columns(table))
    # what the file's codes say of its country, and the countries the installation holds: read once, for choosing
    # the file's country and for refusing another's
    held, evidence = held_countries(engine), _evidence(table, mapping)
    if boundary_version is None:
        boundary_version = file_country(engine, table, mapping, held, evidence).boundary_version
    hierarchy = load_hierarchy(engine, boundary_version)
    profile = profile_of_version(boundary_version)
    if profile is not None:  # messages name the country's levels (département, province) and the country
        hierarchy = replace(hierarchy, wording=country_wording(profile))
    mali = profile is None or profile.iso3 == DEFAULT_COUNTRY
    # the 2015 set and its translation are Mali's: another country's file is read with its own units only
    legacy = (load_hierarchy(engine, LEGACY_BOUNDARY_VERSION) or None) if mali else None
    crosswalk = load_crosswalk(engine, LEGACY_BOUNDARY_VERSION, boundary_version) if mali else {}
    if not len(hierarchy):
        country = "" if mali else f" --country {profile.iso3}"
        raise ImportRefused(f"the boundaries {boundary_version} are not loaded; run "
                            f"`python -m dashboard setup{country}`.")
    if code_set == "2015" and not crosswalk:
        raise ImportRefused("the 2015 boundaries are not loaded, so 2015 P-codes cannot be translated; run "
                            "`python -m dashboard setup` with the 2015 set in the data mirror.", file=path.name)
    refuse_other_country(table, (hierarchy, legacy), held, evidence)
    fields = mapping.fields
    progress(0.3, "check")
    data_rows = table.numbered_rows()
    sectors = sector_vocabulary(engine)
    names, take = list(fields), itemgetter(*fields.values())
    field_values = [dict(zip(names, take(cells) if len(names) > 1 else (take(cells),))) for _, cells in data_rows]
    file_checks = check_rows(field_values, hierarchy, legacy, crosswalk, sectors, code_set)
    checked: list[CheckedRow] = file_checks.rows
    if only_organisation is not None:
        reject_other_organisations(engine, only_organisation, field_values, checked)
    progress(0.7, "write")
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # another user's import may have committed since the checks above
        done = _already_imported(session, sha256, only_source)
        if done is not None:
            return done
        accepted_positions = [i for i, row in enumerate(checked) if not row.rejected]
        registered_before = set(session.scalars(select(Organisation.id)))
        registered = organisations_of_rows(session, [checked[i] for i in accepted_positions])
        organisation_ids, partner_ids, created = registered.ids, registered.partner_ids, registered.created
        iso3 = profile.iso3 if profile is not None else DEFAULT_COUNTRY
        replaced, rows_before, kept_for_public = _remove_earlier_import(session, period, source, iso3)
        ensure_round(session, period, imported_by, iso3)
        batch = ImportBatch(
            kind=ImportKind.THREE_W, file_name=path.name, sheet=table.sheet, sha256=sha256, period=period, source=source,
            boundary_version=boundary_version, country=iso3,
            codes_version=LEGACY_BOUNDARY_VERSION if file_checks.file_coded_2015 else None,
            imported_at=datetime.now(timezone.utc), imported_by=imported_by,
            rows_read=len(data_rows), rows_accepted=len(accepted_positions),
            rows_rejected=len(data_rows) - len(accepted_positions),
            column_mapping=mapping_record(table, mapping))
        session.add(batch)
        session.flush()
        if kept_for_public:  # published earlier files stay for the public until the round is published again
            session.execute(update(ImportBatch).where(ImportBatch.id.in_(kept_for_public)).values(superseded_by=batch.id))
        activities, rejected = [], []
        issues = (reader_notes(batch.id, table) + mapping_notes(batch.id, table, mapping)
                  + acronym_note(batch.id, table, mapping, acronym_reading) + boundary_note(batch.id, file_checks)
                  + sector_note(batch.id, mapping, [(number, row) for (number, _), row in zip(data_rows, checked)]))
        labels = column_labels(table)
        extra_values = ExtraValues(mapping, labels, [cells for _, cells in data_rows])
        accepted_index = {position: n for n, position in enumerate(accepted_positions)}
        for position, ((source_row, cells), row) in enumerate(zip(data_rows, checked)):
            issues.extend(issue_record(batch.id, source_row, mapping, table, issue) for issue in row.issues)
            if row.rejected:
                rejected.append({"batch_id": batch.id, "source_row": source_row,
                                 "raw_values": raw_values(labels, cells),
                                 "reasons": [f"{issue.field}: {issue.problem}" for issue in row.issues
                                             if issue.severity == "error"]})
                continue
            extra = extra_values.of(cells, row, hierarchy)
            activity = activity_record(batch.id, source_row, field_values[position], row,
                                       organisation_ids[accepted_index[position]], extra,
                                       partner_ids[accepted_index[position]])
            issues.extend(issue_record(batch.id, source_row, mapping, table, issue)
                          for issue in cut_long_texts(activity, mapping, labels))
            activities.append(activity)
        if created:
            first_rows = {}
            for organisation_id, position in zip(organisation_ids, accepted_positions):
                if organisation_id not in registered_before:
                    first_rows.setdefault(organisation_id, data_rows[position][0])
            issues.extend(_resemblance_issues(session, batch.id, first_rows, mapping, table))
        issues.extend(match_issues(session, batch.id, [data_rows[position][0] for position in accepted_positions],
                                   registered, mapping, table))
        if activities:
            bulk_insert(session, Activity.__table__, activities)  # the driver's executemany: no work per row
        if rejected:
            session.execute(insert(RejectedRow.__table__), rejected)
        if issues:
            session.execute(insert(ImportIssue.__table__), issues)
        if replaced is not None:
            batch.replaced_batch_id = replaced
            batch.changes = _changes(session, rows_before, Counter(row["organisation_id"] for row in activities))
        result = ImportResult(batch.id, period, len(data_rows), len(activities), len(rejected),
                              sum(issue["severity"] == "warning" for issue in issues), created,
                              replaced_batch_id=replaced, changes=batch.changes, country=iso3)
        if check_only:
            result = replace(result, preview=preview_of(session, batch))
            session.rollback()
            return result
        audit.record(session, None, "import.3w", path.name, actor=imported_by, role=role,
                     before={"replaced_batch": replaced} if replaced is not None else None,
                     after={"batch": batch.id, "period": period, "source": source, "rows_read": len(data_rows),
                            "rows_accepted": len(activities), "rows_rejected": len(rejected),
                            "only_organisation": only_organisation})
    progress(1.0, "done")
    return result


def held_countries(engine: Engine) -> dict[str, CountryProfile]:
    """The countries whose boundaries the installation holds, by alpha-2 code (``ML``), Mali first."""
    return {profile.iso2: profile for profile in installation_profiles(boundary_versions(engine))}


def _evidence(table: RawTable, mapping: ColumnMapping) -> CountryEvidence:
    """What the file's P-code cells and country column say of its country."""
    columns = [mapping.fields[name] for name in ("adm1_code", "adm2_code", "adm3_code") if name in mapping.fields]
    country_column = mapping.fields.get("country")
    return file_countries((cells[index] for cells in table.rows for index in columns),
                          () if country_column is None else (cells[country_column] for cells in table.rows))


def file_country(engine: Engine, table: RawTable, mapping: ColumnMapping, held: dict[str, CountryProfile],
                 evidence: CountryEvidence) -> CountryProfile:
    """The country a file is, among those the installation holds: the only one, or the one its codes name, or
    (a file with names only) the one whose place names it uses. Refused (:class:`ImportRefused`) when the
    installation holds no boundaries, or several countries and the file tells none of them. ``held``: the
    installation's countries (:func:`held_countries`); ``evidence``: what the file's codes say (:func:`_evidence`)."""
    if not held:
        raise ImportRefused("no boundaries are loaded; run `python -m dashboard setup` (or `setup --country NER`).",
                            file=table.file_name)
    names = ((level, cells[mapping.fields[f"adm{level}_name"]]) for cells in table.rows for level in (1, 2, 3)
             if f"adm{level}_name" in mapping.fields)
    keys = place_keys(engine, {code: profile.boundary_version for code, profile in held.items()}) if len(held) > 1 else {}
    choice = choose_country(evidence, names, keys or {code: {} for code in held})
    if choice.alpha_2 is None:
        raise ImportRefused.of("refusal.which_country", file=table.file_name, sheet=table.sheet,
                               reason="which_country", countries=", ".join(sorted(profile.iso3 for profile in held.values())))
    return held[choice.alpha_2]


def refuse_other_country(table: RawTable, hierarchies: tuple[Hierarchy | None, ...],
                         held: dict[str, CountryProfile], evidence: CountryEvidence) -> None:
    """Refuse, before any row is checked, a file whose codes belong to a country this installation holds no
    boundaries for (:mod:`dashboard.ingest.countries`): the countries it knows are those at the top of its
    boundary sets (``ML``), and the other countries it holds (``held``); ``evidence``: what its codes say."""
    known = {code for code in (named_country(each.root) for each in hierarchies if each is not None) if code}
    foreign = foreign_countries(evidence, known)
    if foreign and held and set(foreign) & set(held):
        # the file is of another country this installation holds, not the one it was imported as
        raise ImportRefused.of("refusal.held_country", file=table.file_name, sheet=table.sheet,
                               reason="other_country", country=held[foreign[0]].iso3,
                               **refusal_params(evidence, foreign, known))
    if foreign:
        raise ImportRefused.of("refusal.other_country", file=table.file_name, sheet=table.sheet,
                               reason="other_country", **refusal_params(evidence, foreign, known))
    if foreign:
        raise ImportRefused.of("refusal.other_country", file=table.file_name, sheet=table.sheet,
                               reason="other_country", **refusal_params(evidence, foreign, known))


def reject_other_organisations(engine: Engine, organisation_id: int, rows: list[dict[str, object]],
                               checked: list[CheckedRow]) -> None:
    """Reject the rows (field → cell) that do not name ``organisation_id`` by one of its known spellings."""
    with Session(engine) as session:
        known = known_organisations(session)
    for values, row in zip(rows, checked):
        acronym, name, _ = row.organisation
        if organisation_id not in known.designated(acronym, name):
            named = clean_text(acronym) or clean_text(name)
            row.issues.append(CellIssue.of("error", organisation_field(values), named, "msg.not_your_organisation",
                                           "advice.send_to_imo", method="partner's own rows"))


def _resemblance_issues(session: Session, batch_id: int, first_rows: dict[int, int], mapping: ColumnMapping,
                        table: RawTable) -> list[dict]:
    """A warning, on its first row, for each organisation this import created that resembles another one
    (see :mod:`dashboard.ingest.organisation_matching`): an IMO decides on the Registry page. A missing
    acronym or name (NaN in the proposals' frame) is left out of the message, never written ``nan``."""
    field = organisation_field(mapping.fields)
    issues = []
    for pair in merge_proposals(session, among=set(first_rows)).itertuples():
        new, other = ("first", "second") if pair.first_id in first_rows else ("second", "first")
        new_id = pair.first_id if new == "first" else pair.second_id
        label = clean_text(getattr(pair, f"{new}_acronym")) or clean_text(getattr(pair, f"{new}_name"))
        like = " ".join(part for part in (clean_text(getattr(pair, f"{other}_acronym")),
                                          clean_text(getattr(pair, f"{other}_name"))) if part)
        issues.append(issue_record(batch_id, first_rows[new_id], mapping, table, CellIssue.of(
            "warning", field, label, "msg.resembles", "advice.merge_or_distinct", method="organisation matching",
            label=label, like=like, why=[f"@organisations.reason.{reason}" for reason in pair.reasons])))
    return issues


#: how a spelling no file used before was matched, as the report's "rule or method" column says it
MATCH_METHODS = {"known_acronym": "known acronym written as a name", "known_name": "known name written as an acronym",
                 "equivalents": "UN acronyms in French and English", "hapi_mapping": "HDX HAPI name mapping",
                 "hapi_organisations": "HDX HAPI organisation list"}
PARTNER_FIELDS = ("implementing_partner_acronym", "implementing_partner_name", "implementing_partner")


def organisation_label(organisation: Organisation) -> str:
    """``PAM (Programme Alimentaire Modial)``, or the acronym or the name alone when only one is known."""
    acronym, name = clean_text(organisation.acronym), clean_text(organisation.name)
    if acronym and name and fold(acronym) != fold(name):
        return f"{acronym} ({name})"
    return acronym or name or f"#{organisation.id}"


def match_labels(session: Session, matches: list[Match | None]) -> dict[int, str]:
    """The label (:func:`organisation_label`) of each organisation ``matches`` name."""
    ids = {match.organisation_id for match in matches if match is not None} | {
        candidate for match in matches if match is not None for candidate in match.candidates}
    if not ids - {None}:
        return {}
    return {organisation.id: organisation_label(organisation)
            for organisation in session.scalars(select(Organisation).where(Organisation.id.in_(ids - {None})))}


def match_issue(field: str, match: Match, labels: dict[int, str]) -> CellIssue:
    """A repair for a row whose organisation spelling was matched (the organisation, the method, how sure);
    a warning when the spelling may be several organisations (a new one was created: an IMO merges it if
    it is one of them)."""
    how = {"how": f"@organisations.match.{match.method}", "spelling": match.spelling}
    if match.organisation_id is not None:
        return CellIssue.of("repair", field, match.spelling, "msg.organisation_matched",
                            suggestion=labels[match.organisation_id], method=MATCH_METHODS[match.method],
                            confidence=match.confidence, label=labels[match.organisation_id], **how)
    return CellIssue.of("warning", field, match.spelling, "msg.organisation_ambiguous", "advice.merge_if_one",
                        method=MATCH_METHODS[match.method], candidates=[labels[c] for c in match.candidates], **how)


def match_issues(session: Session, batch_id: int, source_rows: list[int], registered: RowOrganisations,
                 mapping: ColumnMapping, table: RawTable) -> list[dict]:
    """What the report says of spellings no file used before (:func:`match_issue`): a repair on each row whose
    organisation (or partner) was so found; a warning on the first row of a spelling that may be several."""
    labels = match_labels(session, registered.matches + registered.partner_matches)
    if not labels:
        return []
    partner_field = next((name for name in PARTNER_FIELDS if name in mapping.fields), "implementing_partner")
    issues, told = [], set()
    for source_row, match, partner_match in zip(source_rows, registered.matches, registered.partner_matches):
        for field, found in ((organisation_field(mapping.fields), match), (partner_field, partner_match)):
            if found is None or (found.organisation_id is None and (field, found.spelling) in told):
                continue
            if found.organisation_id is None:
                told.add((field, found.spelling))
            issues.append(issue_record(batch_id, source_row, mapping, table, match_issue(field, found, labels)))
    return issues


def _already_imported(session: Session, sha256: str, source: str | None = None) -> ImportResult | None:
    """The result of the earlier import of the same file content, if there is one (of ``source`` only, when
    given)."""
    query = select(ImportBatch).where(ImportBatch.sha256 == sha256, ImportBatch.kind == ImportKind.THREE_W)
    if source is not None:
        query = query.where(ImportBatch.source == source)
    done = session.scalar(query.order_by(ImportBatch.id).limit(1))
    if done is None:
        return None
    return ImportResult(done.id, done.period, done.rows_read, done.rows_accepted, done.rows_rejected, 0, 0,
                        already_imported=True)


def _remove_earlier_import(session: Session, period: str, source: str | None,
                           country: str = DEFAULT_COUNTRY) -> tuple[int | None, Counter, list[int]]:
    """Replace the 3W import of the same country, period and source (a corrected file), in the same transaction:
    returns its id, its rows per organisation, and the earlier imports kept for the public until the round is
    published again (a published file is superseded, not deleted; a draft is deleted, its rows, rejections and
    issues with it). Without a source nothing is replaced."""
    if source is None:
        return None, Counter(), []
    earlier = session.execute(select(ImportBatch.id, ImportBatch.published_at, ImportBatch.superseded_by).where(
        ImportBatch.kind == ImportKind.THREE_W, ImportBatch.period == period, ImportBatch.source == source,
        ImportBatch.country == country).order_by(ImportBatch.id.desc())).all()
    current = [row.id for row in earlier if row.superseded_by is None]
    if not current:
        return None, Counter(), [row.id for row in earlier]
    rows = session.execute(select(Activity.organisation_id, func.count()).where(Activity.batch_id.in_(current))
                           .group_by(Activity.organisation_id)).all()
    drafts = [row.id for row in earlier if row.superseded_by is None and row.published_at is None]
    if drafts:
        session.execute(delete(ImportBatch).where(ImportBatch.id.in_(drafts)))
    kept = [row.id for row in earlier if row.id not in drafts]
    return current[0], Counter(dict(rows)), kept


def _changes(session: Session, before: Counter, after: Counter) -> dict:
    """Rows before and after per organisation whose count changed, largest change first."""
    acronyms = dict(session.execute(select(Organisation.id, Organisation.acronym)
                                    .where(Organisation.id.in_(set(before) | set(after)))).all())
    changed = [{"organisation": acronyms.get(org) or str(org), "before": before[org], "after": after[org]}
               for org in set(before) | set(after) if before[org] != after[org]]
    changed.sort(key=lambda change: (-abs(change["after"] - change["before"]), change["organisation"]))
    return {"rows_before": sum(before.values()), "rows_after": sum(after.values()), "organisations": changed}
