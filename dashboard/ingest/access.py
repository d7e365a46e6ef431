"""Import an access table: which units are accessible, constrained or no-go, as of when, by whose account.

OCHA Mali publishes its access maps as PDF only, so the IMO keeps this table (CSV or XLSX). Same intake as the
3W through :mod:`dashboard.ingest.coordination_tables`: HXL tag first, then French or English header; every
non-empty row ends accepted or rejected with its reasons; one import is one transaction; the same file twice
changes nothing; ``check_only`` keeps nothing.

=============  ===============================  ==========================================================
field          HXL                              headers
=============  ===============================  ==========================================================
P-code         ``#adm3+code``, ``#adm2+code``,  P-code commune / cercle / région, Admin 3 PCode..., P-code
               ``#adm1+code``, ``#adm+code``
access level   ``#access``, ``#status+access``  Accès, Niveau d'accès, Accessibilité, Access, Access level
as of          ``#date``                        Date, À la date du, Mise à jour, As of
source         ``#meta+source``                 Source
=============  ===============================  ==========================================================

Rules: a row's unit is its finest P-code (a commune, a cercle or a region of the 2021 boundaries); a code that is
no unit of its column's level, an unknown access level (``Accessible`` / ``Accès contraint`` / ``Inaccessible``,
``no-go``...) or a unit given twice reject the row. A row without a date is dated the day of the import, with a
warning; a row without a source takes the import's ``source``. The views read, for each unit, its row of the
latest date (of the latest import on a tie); a cercle's level applies to its communes, and a commune's
constraint makes its cercle "constrained or worse somewhere".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.domain.enums import ImportKind
from dashboard.domain.places import Hierarchy, normalise_pcode
from dashboard.domain.text import clean_text
from dashboard.domain.vocabulary import ACCESS_VOCABULARY
from dashboard.ingest.columns import TableLayout
from dashboard.ingest.coordination_tables import (
    CheckedRecord,
    CoordinationImportResult,
    bounded_text,
    check_date,
    checked_or_kept,
    previous_import,
    read_mapped_table,
    store_batch,
)
from dashboard.ingest.importer import file_sha256
from dashboard.store.database import serialise_imports
from dashboard.store.models import AccessConstraint, ImportBatch

KIND = ImportKind.ACCESS
PLACE_FIELDS = (("commune_code", 3), ("cercle_code", 2), ("region_code", 1), ("pcode", None))
#: columns of :func:`access_frame`
ACCESS_COLUMNS = ["pcode", "unit_level", "access", "as_of", "source", "batch_id"]

ACCESS_LAYOUT = TableLayout(
    kind=KIND,
    hxl_rules=(
        ("#adm3", frozenset({"code"}), "commune_code"),
        ("#adm2", frozenset({"code"}), "cercle_code"),
        ("#adm1", frozenset({"code"}), "region_code"),
        ("#adm", frozenset({"code"}), "pcode"),
        ("#access", frozenset(), "access"),
        ("#status", frozenset({"access"}), "access"),
        ("#date", frozenset(), "as_of"),
        ("#meta", frozenset({"source"}), "source"),
    ),
    header_aliases={
        "commune_code": ("admin 3 pcode", "admin3pcode", "admin3pcod", "adm3 pcode", "pcode commune", "code commune",
                         "commune pcode"),
        "cercle_code": ("admin 2 pcode", "admin2pcode", "admin2pcod", "adm2 pcode", "pcode cercle", "code cercle",
                        "cercle pcode"),
        "region_code": ("admin 1 pcode", "admin1pcode", "admin1pcod", "adm1 pcode", "pcode region", "code region",
                        "region pcode"),
        "pcode": ("pcode", "p code", "code", "code unite", "unit pcode", "pcode unite"),
        "access": ("acces", "niveau d acces", "accessibilite", "statut d acces", "access", "access level",
                   "accessibility", "access status", "niveau acces"),
        "as_of": ("date", "a la date du", "au", "mise a jour", "date de mise a jour", "as of", "date of update",
                  "updated"),
        "source": ("source", "sources", "selon", "according to"),
    },
    required=(
        ("place", ("commune_code", "cercle_code", "region_code", "pcode"),
         "a P-code column (HXL #adm2+code or #adm3+code, or a header such as 'P-code commune', 'P-code')"),
        ("access", ("access",), "an access column (HXL #access, or a header such as 'Accès', 'Niveau d'accès', "
                                "'Access')"),
    ),
)


@dataclass
class CheckedAccess(CheckedRecord):
    pcode: str | None = None
    unit_level: int | None = None
    access: str | None = None
    as_of: date | None = None
    source: str | None = None


def _place(record: CheckedAccess, cells: dict[str, object], hierarchy: Hierarchy) -> None:
    for name, level in PLACE_FIELDS:
        text = clean_text(cells.get(name))
        if text is None:
            continue
        code = normalise_pcode(text)
        known = hierarchy.level.get(code)
        if known is None or known == 0 or (level is not None and known != level):
            if level is None:
                record.error(name, text, "msg.access_unknown_pcode", "advice.access_pcode", code=code,
                             version=hierarchy.version)
            elif known is None or known == 0:
                record.error(name, text, "msg.pcode_unknown", "advice.access_pcode", code=code,
                             level=f"@unit.{level}", version=hierarchy.version)
            else:
                record.error(name, text, "msg.pcode_wrong_level", "advice.access_pcode", code=code,
                             known=f"@unit.{known}", level=f"@unit.{level}")
            return
        record.pcode, record.unit_level = code, known
        return
    record.error(next((name for name, _ in PLACE_FIELDS if name in cells), "pcode"), None, "msg.access_no_place",
                 "advice.access_pcode")


def check_access(source_row: int, cells: dict[str, object], hierarchy: Hierarchy, today: date,
                 source: str | None = None) -> CheckedAccess:
    """Check one row given as field → cell (only the fields the file has are keys)."""
    record = CheckedAccess(source_row)
    _place(record, cells, hierarchy)
    text = clean_text(cells.get("access"))
    term = ACCESS_VOCABULARY.match(text) if text else None
    if text is None:
        record.error("access", None, "msg.access_missing", "advice.access_level")
    elif term is None:
        record.error("access", text, "msg.access_unknown", "advice.access_level", value=text)
    else:
        record.access = term.code
    record.as_of = check_date(record, "as_of", cells.get("as_of"))
    if record.as_of is None:
        record.as_of = today
        record.warn("as_of", None, "msg.access_no_date", "advice.access_date", day=today.isoformat())
    record.source = bounded_text(record, "source", cells.get("source"), 200) or source
    return record


def _reject_repeats(records: list[CheckedAccess]) -> None:
    first: dict[str, int] = {}
    for record in records:
        if record.rejected:
            continue
        if record.pcode in first:
            record.error("access", record.access, "msg.access_repeated", "advice.access_one_row",
                         row=first[record.pcode])
        else:
            first[record.pcode] = record.source_row


def import_access(engine: Engine, path: Path, *, sheet: str | None = None, imported_by: str | None = None,
                  source: str | None = None, check_only: bool = False) -> CoordinationImportResult:
    """Import an access table (batch kind ``access``); raises :class:`~dashboard.ingest.errors.ImportRefused`
    (nothing written) for an unusable file."""
    path = Path(path)
    sha256 = file_sha256(path)
    done = previous_import(engine, sha256, KIND)
    if done is not None:
        return done
    mapped = read_mapped_table(engine, path, sheet, ACCESS_LAYOUT)
    today = datetime.now(timezone.utc).date()
    records = [check_access(source_row, row, mapped.hierarchy, today, source)
               for (source_row, _), row in zip(mapped.rows, mapped.cells)]
    _reject_repeats(records)
    with Session(engine) as session, session.begin():
        serialise_imports(session)
        batch, warnings = store_batch(session, kind=KIND, path=path, sha256=sha256, table=mapped.table,
                                      mapping=mapped.mapping, records=records,
                                      raw_rows=[raw for _, raw in mapped.rows], imported_by=imported_by, source=source)
        accepted = [record for record in records if not record.rejected]
        if accepted:
            session.execute(insert(AccessConstraint), [
                {"pcode": record.pcode, "level": record.access, "as_of": record.as_of, "source": record.source,
                 "batch_id": batch.id, "unit_level": record.unit_level} for record in accepted])
        result = CoordinationImportResult(batch.id, batch.period, batch.rows_read, batch.rows_accepted,
                                          batch.rows_rejected, warnings, 0, kind=KIND, records_created=len(accepted))
        return checked_or_kept(session, batch, result, check_only)


def access_frame(engine: Engine) -> pd.DataFrame:
    """Each unit's current access (:data:`ACCESS_COLUMNS`): its row of the latest date, of the latest import on
    a tie. Empty when no access table was imported."""
    query = (select(AccessConstraint.pcode, AccessConstraint.unit_level, AccessConstraint.level,
                    AccessConstraint.as_of, AccessConstraint.source, AccessConstraint.batch_id)
             .join(ImportBatch, ImportBatch.id == AccessConstraint.batch_id)
             .order_by(AccessConstraint.as_of, AccessConstraint.batch_id, AccessConstraint.id))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=ACCESS_COLUMNS)
    return frame.drop_duplicates("pcode", keep="last").sort_values("pcode", ignore_index=True)
