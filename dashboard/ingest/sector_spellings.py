"""Sector spellings the vocabulary does not know: the ones past imports met, and an IMO teaching one.

A 3W row whose sector is an unknown spelling (``Eau hygiène``, ``Sécurité alimentaire et moyens de
subsistance``) is rejected and kept as uploaded, with the closest known sector offered. When an IMO says
what the spelling means, it is stored (``sector_alias``) and applies to the past and the future at once:
the rejected rows that spelling alone kept out are checked again and accepted into their import, and later
files with it are accepted. All in one audited transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.config import LEGACY_BOUNDARY_VERSION
from dashboard.i18n import render_message
from dashboard.ingest.importer import activity_record, register_row_organisations, reject_other_organisations, \
    stored_in_columns
from dashboard.ingest.validate import UNKNOWN_SECTOR, boundary_evidence, check_row, closest_sector, coded_2015
from dashboard.store import audit
from dashboard.domain.roles import Permission, Viewer
from dashboard.store.database import serialise_imports
from dashboard.store.models import Activity, ImportBatch, ImportIssue, RejectedRow, SectorAlias
from dashboard.store.reference import load_crosswalk, load_hierarchy, sector_vocabulary
from dashboard.domain.text import clean_text, header_key
from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.domain.enums import ImportKind

UNKNOWN_COLUMNS = ["spelling_key", "spelling", "rows", "imports", "suggested_code"]
TAUGHT_COLUMNS = ["spelling", "sector_code", "added_by", "added_at"]


class TeachingRefused(PermissionError):
    """Only an IMO teaches the importer a sector spelling."""


def _unknown_sector_issues(session: Session):
    """The rejections of 3W rows for an unknown sector spelling, with the row and its import."""
    return session.execute(
        select(ImportIssue, RejectedRow, ImportBatch)
        .join(RejectedRow, (RejectedRow.batch_id == ImportIssue.batch_id)
              & (RejectedRow.source_row == ImportIssue.source_row))
        .join(ImportBatch, ImportBatch.id == ImportIssue.batch_id)
        .where(ImportIssue.severity == "error", ImportIssue.problem.startswith(UNKNOWN_SECTOR),
               ImportBatch.kind == ImportKind.THREE_W)
        .order_by(ImportIssue.batch_id, ImportIssue.source_row)).all()


def unknown_sector_spellings(engine: Engine) -> pd.DataFrame:
    """The sector spellings nobody taught yet that keep rows rejected, most rows first (``UNKNOWN_COLUMNS``):
    the spelling as most often written, the rejected rows and imports, the sector it most likely means."""
    with Session(engine) as session:
        found = [(header_key(issue.value), clean_text(issue.value), batch.id)
                 for issue, _, batch in _unknown_sector_issues(session)]
    spellings: dict[str, Counter] = {}
    batches: dict[str, set[int]] = {}
    vocabulary = sector_vocabulary(engine)
    for key, written, batch_id in found:
        if vocabulary.match(key) is not None:  # taught since: the row is still out for another reason
            continue
        spellings.setdefault(key, Counter())[written] += 1
        batches.setdefault(key, set()).add(batch_id)
    rows = []
    for key, written in spellings.items():
        closest = closest_sector(key, vocabulary)
        rows.append([key, written.most_common(1)[0][0], sum(written.values()), len(batches[key]),
                     closest.code if closest else None])
    frame = pd.DataFrame(rows, columns=UNKNOWN_COLUMNS)
    return frame.sort_values(["rows", "spelling"], ascending=[False, True], ignore_index=True)


def taught_spellings(engine: Engine) -> pd.DataFrame:
    """The spellings IMOs taught, the newest first (``TAUGHT_COLUMNS``)."""
    query = select(SectorAlias.spelling, SectorAlias.sector_code, SectorAlias.added_by,
                   SectorAlias.added_at).order_by(SectorAlias.added_at.desc())
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=TAUGHT_COLUMNS)


def teach_sector_spelling(engine: Engine, spelling: str, sector_code: str, viewer: Viewer,
                          ip: str | None = None) -> int:
    """Record that ``spelling`` means ``sector_code`` and accept the past rows it alone kept out; returns how
    many rows were accepted. Raises :class:`TeachingRefused` for a viewer who may not, :class:`ValueError`
    for an unknown sector code or a spelling the vocabulary already knows."""
    if not viewer.can(Permission.MANAGE_REGISTRY):
        raise TeachingRefused("only an information management officer teaches sector spellings")
    written, key = clean_text(spelling), header_key(spelling)
    if sector_code not in SECTOR_VOCABULARY.by_code:
        raise ValueError(f"unknown sector code {sector_code!r}; use one of {', '.join(SECTOR_VOCABULARY.codes())}")
    if not key:
        raise ValueError("give the spelling to teach")
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # an import checking rows now would not see the new spelling
        known = sector_vocabulary(engine).match(key)
        if known is not None:
            raise ValueError(f"{written!r} already means {known.code}")
        session.add(SectorAlias(spelling_key=key, spelling=written, sector_code=sector_code,
                                added_by=viewer.username, added_at=datetime.now(UTC)))
        session.flush()
        vocabulary = SECTOR_VOCABULARY.with_spellings({written: sector_code})
        accepted = _accept_past_rows(engine, session, key, vocabulary, viewer)
        audit.record(session, viewer, "sector.spelling", written,
                     after={"sector_code": sector_code, "rows_accepted": accepted}, ip=ip)
    return accepted


def _accept_past_rows(engine: Engine, session: Session, key: str, vocabulary, viewer: Viewer) -> int:
    """Check again the rejected rows whose sector was ``key``; accept those with no other error."""
    hierarchies = {}
    legacy = load_hierarchy(engine, LEGACY_BOUNDARY_VERSION) or None
    crosswalks = {}
    accepted = 0
    for issue, rejected, batch in _unknown_sector_issues(session):
        if header_key(issue.value) != key:
            continue
        version = batch.boundary_version
        if version not in hierarchies:
            hierarchies[version] = load_hierarchy(engine, version)
            crosswalks[version] = load_crosswalk(engine, LEGACY_BOUNDARY_VERSION, version)
        columns = {field: spec["column"] for field, spec in batch.column_mapping.items()}
        values = {field: rejected.raw_values.get(column) for field, column in columns.items()}
        # read in the boundary set the import read the row in (its own names, else the file's verdict)
        in_2015 = coded_2015(boundary_evidence(values, hierarchies[version], legacy),
                             batch.codes_version == LEGACY_BOUNDARY_VERSION)
        row = check_row(values, hierarchies[version], legacy, sectors=vocabulary, crosswalk=crosswalks[version],
                        coded_2015=in_2015)
        if batch.source and batch.source.startswith("partner:"):  # a partner's upload: its own rows only
            reject_other_organisations(engine, int(batch.source.split(":", 1)[1]), [values], [row])
        if row.rejected:
            continue
        (organisation_id,), (partner_id,), _ = register_row_organisations(session, [row])
        stored = {column for field, column in columns.items() if stored_in_columns(field)}
        extra = {column: value for column, value in rejected.raw_values.items()
                 if column not in stored and value is not None}
        session.execute(insert(Activity), [activity_record(batch.id, rejected.source_row, values, row,
                                                           organisation_id, extra, partner_id)])
        session.delete(rejected)
        taught = {"code": row.sector_code, "date": f"{datetime.now(UTC):%Y-%m-%d}", "user": viewer.username}
        issue.severity, issue.suggestion, issue.method = "repair", row.sector_code, "sector taught"
        issue.problem += render_message({"problem": "msg.sector_taught", "params": taught}, "problem", "en")
        if issue.message:  # the report reads it in its reader's language
            issue.message = {"problem": [issue.message["problem"], "msg.sector_taught"], "advice": None,
                             "params": {**issue.message["params"], **taught}}
        batch.rows_accepted += 1
        batch.rows_rejected -= 1
        accepted += 1
    session.flush()
    return accepted
