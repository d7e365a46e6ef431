"""Import a cluster membership table: which organisation is lead, co-lead, member or observer of which
cluster, nationally or in one region, and since when. It feeds the membership reconciliation (members who
report nothing, reporters who are not members) and the share of national NGOs among cluster members.

Columns (HXL tag first, then French/English header; case, accents and punctuation do not matter):

============  ================================  =============================================================
field         HXL                               headers
============  ================================  =============================================================
acronym       ``#org+acronym``                  Sigle, Acronyme, Acronym, Organisation Accronyme
name          ``#org+name``, ``#org``           Organisation, Nom Organisation, Organisation name, Membre
type          ``#org+type``                     Type Organisation, Organisation type
cluster       ``#sector``                       Cluster, Secteur, Sector
sub-cluster   ``#subsector``                    Sous-cluster, Sous-secteur, Sub-cluster
role          ``#org+role``, ``#role``          Rôle, Role, Fonction, Statut de membre
level         ``#meta+level``                   Niveau, Level, Niveau de coordination
region        ``#adm1+name``, ``#adm1``         Région, Region, admin1Name
region P-code ``#adm1+code``                    admin1Pcod, P-code région, Code région, P-code
since         ``#date+start``, ``#date``        Depuis, Since, Date d'adhésion, Membre depuis, Member since
============  ================================  =============================================================

Rules: a row without organisation, with an unknown or missing cluster, an unknown role or an unknown
region is rejected. An empty role is taken as "member" and an empty level as national, each with a
warning. The region is read from the region P-code, else the region name, else the level column; a region
(ML05 / Mopti) gives ``admin_pcode``, "National" (or the country, ML) gives ``None``. The same
organisation, cluster and level twice in one file: the later row is rejected. A membership already stored
(from an earlier file) is updated (role, and "since" when the new file gives it), never duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.ingest.columns import HEADER_ALIASES, TableLayout, organisation_field, row_organisation
from dashboard.ingest.coordination_tables import (
    CheckedRecord,
    CoordinationImportResult,
    check_date,
    check_sector,
    place_code,
    checked_or_kept,
    previous_import,
    read_mapped_table,
    store_batch,
)
from dashboard.ingest.importer import file_sha256, match_issue, match_labels
from dashboard.domain.places import Hierarchy, normalise_pcode
from dashboard.ingest.registry import Registration, apply_registry_types, organisation_identities, register
from dashboard.store.database import serialise_imports
from dashboard.store.models import ClusterMembership, Organisation
from dashboard.domain.text import clean_text, header_key
from dashboard.domain.vocabulary import SECTOR_VOCABULARY, Term, Vocabulary
from dashboard.domain.enums import ImportKind

KIND = ImportKind.MEMBERSHIP

ROLE_VOCABULARY = Vocabulary((
    Term("lead", "Chef de file", "Lead", ("chef de file", "agence chef de file", "cluster lead", "lead agency")),
    Term("co-lead", "Co-lead / co-facilitateur", "Co-lead",
         ("colead", "co-facilitateur", "cofacilitateur", "co-facilitatrice", "co-facilitator", "co-chef de file",
          "co-chair")),
    Term("member", "Membre", "Member", ("membre", "membres", "members", "membre actif", "partenaire", "partner")),
    Term("observer", "Observateur", "Observer", ("observateur", "observatrice", "observateurs", "observers")),
))
NATIONAL_WORDS = {header_key(word) for word in ("national", "nationale", "niveau national", "national level",
                                                "Mali", "Mali (le)", "pays", "country")}
REGIONAL_WORDS = {header_key(word) for word in ("régional", "régionale", "regional level", "niveau régional",
                                                "sous-national", "subnational", "sub-national")}
PLACE_FIELDS = ("region_code", "region", "level")

MEMBERSHIP_LAYOUT = TableLayout(
    kind=KIND,
    hxl_rules=(
        ("#org", frozenset({"acronym"}), "org_acronym"),
        ("#org", frozenset({"name"}), "org_name"),
        ("#org", frozenset(), "organisation"),
        ("#org", frozenset({"type"}), "org_type"),
        ("#org", frozenset({"role"}), "role"),
        ("#role", frozenset(), "role"),
        ("#sector", frozenset(), "sector"),
        ("#subsector", frozenset(), "subsector"),
        ("#meta", frozenset({"level"}), "level"),
        ("#adm1", frozenset({"code"}), "region_code"),
        ("#adm1", frozenset(), "region"),
        ("#date", frozenset(), "since"),
    ),
    header_aliases={
        "org_acronym": HEADER_ALIASES["org_acronym"],
        "org_name": HEADER_ALIASES["org_name"],
        "organisation": HEADER_ALIASES["organisation"] + ("membre", "member", "organisation membre",
                                                          "member organisation", "member organization"),
        "org_type": HEADER_ALIASES["org_type"],
        "sector": HEADER_ALIASES["sector"],
        "subsector": HEADER_ALIASES["subsector"],
        "role": ("role", "role dans le cluster", "role in the cluster", "role in cluster", "fonction",
                 "statut de membre", "membership role", "type de membre"),
        "level": ("niveau", "level", "niveau de coordination", "coordination level"),
        "region": ("region", "admin1", "admin1name", "admin1 name", "nom region", "region name"),
        "region_code": ("admin1pcod", "admin1pcode", "admin1 pcode", "pcode region", "region pcode", "code region",
                        "pcode", "p code"),
        "since": ("depuis", "since", "date d adhesion", "date adhesion", "membre depuis", "member since",
                  "membership date", "date"),
    },
    required=(
        ("organisation", ("org_acronym", "org_name", "organisation"),
         "an organisation column (HXL #org+acronym or #org+name, or a header such as 'Sigle', 'Acronyme', "
         "'Organisation')"),
        ("cluster", ("sector", "subsector"), "a cluster column (HXL #sector, or a header such as 'Cluster', "
                                             "'Secteur', 'Sector')"),
    ),
)
MEMBERSHIP_COLUMNS = ["organisation_id", "org_type", "scope", "sector_code", "role", "admin_pcode", "since",
                      "batch_id"]


@dataclass
class CheckedMembership(CheckedRecord):
    sector_code: str | None = None
    role: str | None = None
    #: region P-code; None for a national membership
    admin_pcode: str | None = None
    since: date | None = None


def _sector(record: CheckedMembership, cells: dict[str, object], sectors: Vocabulary) -> str | None:
    """The cluster, or the sub-cluster when one is given (a sub-cluster of another cluster is warned)."""
    subsector = clean_text(cells.get("subsector"))
    cluster = check_sector(record, "sector", cells.get("sector"), required=subsector is None, sectors=sectors)
    if subsector is None:
        return cluster
    code = check_sector(record, "subsector", subsector, required=False, sectors=sectors)
    if code and cluster and code != cluster and SECTOR_VOCABULARY.by_code[code].parent_code != cluster:
        record.warn("subsector", subsector, "msg.subsector_outside", "advice.check_cluster_columns",
                    subsector=subsector, cluster=clean_text(cells.get("sector")))
    return code


def _admin_scope(record: CheckedMembership, cells: dict[str, object], hierarchy: Hierarchy) -> str | None:
    """The region P-code the membership is for, ``None`` for national (see the module's rules)."""
    for name in PLACE_FIELDS:
        text = clean_text(cells.get(name))
        if text is None:
            continue
        code = normalise_pcode(text)
        if header_key(text) in NATIONAL_WORDS or hierarchy.level.get(code) == 0:
            return None
        region = place_code(text, hierarchy, (1,))
        if region is not None:
            return region
        if hierarchy.level.get(code) in (2, 3):
            record.error(name, text, "msg.membership_too_fine", "advice.give_region_code", code=code,
                         level=f"@unit.{hierarchy.level[code]}", region=hierarchy.ancestor(code, 1))
        elif name == "level" and header_key(text) in REGIONAL_WORDS:
            record.error(name, text, "msg.regional_without_region", "advice.fill_region_column")
        else:
            record.error(name, text, "msg.level_unknown", "advice.write_level", text=text, version=hierarchy.version)
        return None
    present = [name for name in PLACE_FIELDS if name in cells]
    if present:
        record.warn(present[0], None, "msg.no_level", "advice.write_national")
    return None


def check_membership(source_row: int, cells: dict[str, object], hierarchy: Hierarchy,
                     sectors: Vocabulary) -> CheckedMembership:
    """Check one row given as field → cell (only the fields the file has are keys); ``sectors`` may know
    spellings an IMO taught."""
    record = CheckedMembership(source_row)
    acronym, name, _ = row_organisation(cells)
    if not clean_text(acronym) and not clean_text(name):
        record.error(organisation_field(cells), None, "msg.no_organisation", "advice.fill_organisation")
    record.sector_code = _sector(record, cells, sectors)
    role = clean_text(cells.get("role"))
    if role is None:
        record.role = "member"
        if "role" in cells:
            record.warn("role", None, "msg.no_role", "advice.role")
    elif (term := ROLE_VOCABULARY.match(role)) is None:
        record.error("role", role, "msg.unknown_role", "advice.role", role=role)
    else:
        record.role = term.code
    record.admin_pcode = _admin_scope(record, cells, hierarchy)
    record.since = check_date(record, "since", cells.get("since"))
    return record


def _reject_repeats(records: list[CheckedMembership], identity_of: dict[int, int], org_field: str) -> None:
    """Reject a row giving the same organisation, cluster and level as an earlier row of the file."""
    first: dict[tuple, int] = {}
    for position, identity in identity_of.items():
        record = records[position]
        key = (identity, record.sector_code, record.admin_pcode)
        if key in first:
            record.error(org_field, None, "msg.repeated_membership", "advice.one_membership", row=first[key])
        else:
            first[key] = record.source_row


def _store_memberships(session: Session, batch_id: int,
                       accepted: list[tuple[CheckedMembership, int]]) -> tuple[int, int]:
    """Insert new memberships and update the stored ones; returns (created, updated)."""
    stored = {(m.organisation_id, m.sector_code, m.admin_pcode): m for m in session.scalars(select(ClusterMembership))}
    created = updated = 0
    for record, organisation_id in accepted:
        membership = stored.get((organisation_id, record.sector_code, record.admin_pcode))
        if membership is None:
            session.add(ClusterMembership(organisation_id=organisation_id, sector_code=record.sector_code,
                                          role=record.role, admin_pcode=record.admin_pcode, since=record.since,
                                          batch_id=batch_id))
            created += 1
            continue
        membership.role, membership.since = record.role, record.since or membership.since
        membership.batch_id = batch_id
        updated += 1
    session.flush()
    return created, updated


def reject_other_clusters(records: list[CheckedMembership], cells: list[dict[str, object]],
                          only_sectors: frozenset[str]) -> None:
    """Reject the rows of a cluster (or of a sub-cluster of a cluster) outside ``only_sectors``, the clusters
    of the coordinator importing the table."""
    def named(code: str) -> dict[str, str]:  # read in the reader's language (see i18n.render_message)
        return {lang: SECTOR_VOCABULARY.label(code, lang) for lang in ("fr", "en")}
    yours = {lang: ", ".join(SECTOR_VOCABULARY.label(code, lang) for code in sorted(only_sectors))
             for lang in ("fr", "en")}
    for record, row in zip(records, cells):
        code = record.sector_code
        if code is None or code in only_sectors or SECTOR_VOCABULARY.by_code[code].parent_code in only_sectors:
            continue
        field = "subsector" if clean_text(row.get("subsector")) else "sector"
        record.error(field, row.get(field), "msg.not_your_cluster", "advice.send_cluster_to_imo",
                     cluster=named(code), yours=yours)


def import_memberships(engine: Engine, path: Path, *, sheet: str | None = None, imported_by: str | None = None,
                       source: str | None = None, check_only: bool = False,
                       only_sectors: frozenset[str] | None = None) -> CoordinationImportResult:
    """Import a cluster membership workbook or CSV (batch kind ``membership``); raises
    :class:`~dashboard.ingest.errors.ImportRefused` (nothing written) for unusable files. With
    ``only_sectors`` (a coordinator's clusters), rows of other clusters are rejected."""
    path = Path(path)
    sha256 = file_sha256(path)
    done = previous_import(engine, sha256, KIND)
    if done is not None:
        return done
    mapped = read_mapped_table(engine, path, sheet, MEMBERSHIP_LAYOUT)
    table, mapping, rows, cells = mapped.table, mapped.mapping, mapped.rows, mapped.cells
    records = [check_membership(source_row, row, mapped.hierarchy, mapped.sectors) for (source_row, _), row in zip(rows, cells)]
    if only_sectors is not None:
        reject_other_clusters(records, cells, frozenset(only_sectors))
    organisations = [row_organisation(row) for row in cells]
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # another import may have committed since the checks above
        candidates = [position for position, record in enumerate(records) if not record.rejected]
        identities = organisation_identities(session, [organisations[p] for p in candidates])
        _reject_repeats(records, dict(zip(candidates, identities)), organisation_field(mapping.fields))
        candidates = [position for position in candidates if not records[position].rejected]
        registration = register(session, [organisations[p] for p in candidates])
        ids, organisations_created = registration.ids, registration.created
        _tell_matches(session, [records[p] for p in candidates], registration, organisation_field(mapping.fields))
        apply_registry_types(session)
        batch, warnings = store_batch(session, kind=KIND, path=path, sha256=sha256, table=table, mapping=mapping,
                                      records=records, raw_rows=[raw for _, raw in rows], imported_by=imported_by,
                                      source=source, acronym_reading=mapped.acronym_reading)
        created, updated = _store_memberships(
            session, batch.id, list(zip((records[p] for p in candidates), ids)))
        result = CoordinationImportResult(batch.id, batch.period, batch.rows_read, batch.rows_accepted,
                                          batch.rows_rejected, warnings, organisations_created, kind=KIND,
                                          records_created=created, records_updated=updated)
        return checked_or_kept(session, batch, result, check_only)


def _tell_matches(session: Session, records: list[CheckedMembership], registration: Registration,
                  field: str) -> None:
    """A repair (or a warning) on each row whose organisation spelling no file used before was matched, as the
    3W report has them (see :func:`dashboard.ingest.importer.match_issue`)."""
    labels = match_labels(session, registration.matches)
    told = set()
    for record, match in zip(records, registration.matches):
        if match is None or (match.organisation_id is None and match.spelling in told):
            continue
        if match.organisation_id is None:
            told.add(match.spelling)
        record.issues.append(match_issue(field, match, labels))


def membership_frame(engine: Engine) -> pd.DataFrame:
    """Every stored cluster membership with its organisation's type and scope (``admin_pcode`` missing:
    national), for the membership reconciliation and localisation analyses."""
    query = (select(ClusterMembership.organisation_id, Organisation.org_type, Organisation.scope,
                    ClusterMembership.sector_code, ClusterMembership.role, ClusterMembership.admin_pcode,
                    ClusterMembership.since, ClusterMembership.batch_id)
             .join(Organisation, Organisation.id == ClusterMembership.organisation_id)
             .order_by(ClusterMembership.id))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=MEMBERSHIP_COLUMNS)
    frame["since"] = pd.to_datetime(frame["since"])
    return frame
