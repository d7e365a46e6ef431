"""Import a partnership table: funding or responsibility passed from a funder (donor or international
organisation), possibly through an executing agency, to a partner, e.g. the "Accords de Partenariat
Opérationnel" (APO) of a programme. It feeds the localisation view (share of funding passed to national
and local partners, against the Grand Bargain's 25%).

Columns (HXL tag first, then French/English header; case, accents and punctuation do not matter):

================  ==========================================  ==============================================
field             HXL                                         headers
================  ==========================================  ==============================================
funder            ``#org+funder``, ``#org+donor``             funder, Bailleur, Bailleur de fonds, Donor
intermediary      ``#org+prog``, ``#org+exec``                executing_agency, Agence d'exécution,
                                                              Intermédiaire
partner           ``#org+partner``, ``#org+impl``             partner, Partenaire, Implementing partner
partner type      ``#org+partner+type``, ``#org+impl+type``   Type de partenaire, Partner type
programme         ``#activity+programme``                     programme, Program, Projet, Project
reference         ``#activity+code``, ``#meta+ref``           reference, Référence, Numéro de l'accord
modality          ``#activity+modality``, ``#meta+modality``  modality, Modalité, Type d'accord
sector            ``#sector``                                 Cluster, Secteur, Sector
P-code            ``#adm1+code``, ``#adm2+code``,             region_pcode, P-code région, admin1Pcod,
                  ``#adm3+code``                              P-code
region            ``#adm1+name``, ``#adm1``                   region, Région
amount in FCFA    ``#value+xof``, ``#value+fcfa``             amount_fcfa, Montant (FCFA), Montant XOF
amount in EUR     ``#value+eur``                              amount_eur, Montant EUR, Montant en euros
amount            ``#value``                                  amount, Montant, Budget (with a currency)
currency          ``#currency``                               currency, Devise, Monnaie
duration          ``#meta+duration``                          duration_months, Durée (mois), Durée
start (signature) ``#date+start``, ``#date+signature``        signature_date, Date de signature, Date début
end               ``#date+end``                               end_date, Date de fin, Date fin
status            ``#status``                                 status, Statut, Etat
================  ==========================================  ==============================================

A funder or partner cell holds one organisation: one word is read as an acronym, several words as a name
(so both meet the 3W's registry). Amounts: the agreement's own amount and currency are stored (FCFA as
XOF) with ``amount_eur``, taken from the file's EUR column when it has one, else converted from XOF at the
fixed peg of 655.957 XOF per EUR; another currency without an EUR column leaves ``amount_eur`` empty with a
warning, and a given EUR amount more than 0.1% away from the FCFA amount at the peg is warned. A row
without funder or partner, or with an unknown sector, P-code or region, is rejected. An agreement whose
funder and reference were already stored (an earlier or corrected file) is updated, not duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased

from dashboard.ingest.columns import HEADER_ALIASES, TableLayout, organisation_cells
from dashboard.ingest.coordination_tables import (
    CheckedRecord,
    CoordinationImportResult,
    bounded_text,
    check_date,
    check_number,
    check_sector,
    place_code,
    checked_or_kept,
    previous_import,
    read_mapped_table,
    store_batch,
)
from dashboard.ingest.importer import file_sha256
from dashboard.domain.places import Hierarchy
from dashboard.ingest.periods import infer_period
from dashboard.ingest.registry import apply_registry_types, organisation_identities, register_organisations
from dashboard.store.database import serialise_imports
from dashboard.store.models import Organisation, Partnership
from dashboard.domain.text import clean_text, header_key
from dashboard.domain.vocabulary import Vocabulary
from dashboard.domain.enums import ImportKind

KIND = ImportKind.PARTNERSHIP
#: Fixed parity of the CFA franc of West Africa (XOF, "FCFA") to the euro.
XOF_PER_EUR = 655.957
#: A given EUR amount may differ from the FCFA amount at the peg by this share (rounding in the source).
EUR_TOLERANCE = 0.001
ORGANISATION_ROLES = ("funder", "intermediary", "partner")
_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "US$": "USD"}
_CURRENCY_WORDS = {header_key(spelling): code for code, spellings in {
    "XOF": ("XOF", "FCFA", "F CFA", "CFA", "franc CFA", "francs CFA"),
    "EUR": ("EUR", "euro", "euros"),
    "USD": ("USD", "dollar", "dollars", "dollars US", "US dollar", "US dollars"),
}.items() for spelling in spellings}

PARTNERSHIP_LAYOUT = TableLayout(
    kind=KIND,
    hxl_rules=(
        ("#org", frozenset({"funder"}), "funder"),
        ("#org", frozenset({"donor"}), "funder"),
        ("#org", frozenset({"prog"}), "intermediary"),
        ("#org", frozenset({"exec"}), "intermediary"),
        ("#org", frozenset({"partner"}), "partner"),
        ("#org", frozenset({"impl"}), "partner"),
        ("#org", frozenset({"partner", "type"}), "partner_type"),
        ("#org", frozenset({"impl", "type"}), "partner_type"),
        ("#activity", frozenset({"programme"}), "programme"),
        ("#activity", frozenset({"code"}), "reference"),
        ("#meta", frozenset({"ref"}), "reference"),
        ("#activity", frozenset({"modality"}), "modality"),
        ("#meta", frozenset({"modality"}), "modality"),
        ("#sector", frozenset(), "sector"),
        ("#adm1", frozenset({"code"}), "pcode"),
        ("#adm2", frozenset({"code"}), "pcode"),
        ("#adm3", frozenset({"code"}), "pcode"),
        ("#adm1", frozenset(), "region"),
        ("#value", frozenset({"xof"}), "amount_xof"),
        ("#value", frozenset({"fcfa"}), "amount_xof"),
        ("#value", frozenset({"eur"}), "amount_eur"),
        ("#value", frozenset(), "amount"),
        ("#currency", frozenset(), "currency"),
        ("#meta", frozenset({"duration"}), "duration_months"),
        ("#date", frozenset({"start"}), "start_date"),
        ("#date", frozenset({"signature"}), "start_date"),
        ("#date", frozenset({"end"}), "end_date"),
        ("#status", frozenset(), "status"),
    ),
    header_aliases={
        "funder": HEADER_ALIASES["funder"] + ("financeur", "bailleur ou organisation internationale"),
        "intermediary": ("executing agency", "agence d execution", "agence executive", "intermediaire",
                         "intermediary", "organisation intermediaire", "managing agency"),
        "partner": HEADER_ALIASES["implementing_partner"] + ("partner", "partenaire", "partenaire local",
                                                             "local partner", "organisation partenaire",
                                                             "partner organisation", "partner organization"),
        "partner_type": ("type de partenaire", "type partenaire", "partner type", "categorie de partenaire",
                         "partner category"),
        "programme": ("programme", "program", "projet", "project"),
        "reference": ("reference", "ref", "numero", "numero de l accord", "numero accord", "n accord",
                      "reference de l accord", "agreement number", "agreement reference", "contract number"),
        "modality": ("modality", "modalite", "modalite de partenariat", "type d accord", "type of agreement",
                     "agreement type", "type de partenariat", "partnership type"),
        "sector": HEADER_ALIASES["sector"],
        "pcode": ("region pcode", "pcode region", "code region", "admin1pcod", "admin1pcode", "admin2pcod",
                  "admin2pcode", "admin3pcod", "admin3pcode", "pcode", "p code"),
        "region": ("region", "admin1", "admin1name", "admin1 name", "nom region", "region name"),
        "amount_xof": ("amount fcfa", "amount xof", "amount cfa", "montant fcfa", "montant xof", "montant cfa",
                       "montant en fcfa", "montant f cfa", "budget fcfa", "budget xof"),
        "amount_eur": ("amount eur", "amount euro", "amount euros", "amount in eur", "montant eur", "montant euro",
                       "montant euros", "montant en euros", "montant en eur", "budget eur", "equivalent eur"),
        "amount": ("amount", "montant", "budget", "montant total", "total amount", "valeur", "value"),
        "currency": ("currency", "devise", "monnaie"),
        "duration_months": ("duration months", "duration in months", "duration", "duree mois", "duree en mois",
                            "duree", "nombre de mois", "duree prevue mois", "planned duration months"),
        "start_date": ("signature date", "date de signature", "date signature", "date signed", "start date",
                       "date debut", "date de debut", "debut"),
        "end_date": HEADER_ALIASES["end_date"] + ("date de cloture", "date d echeance", "end"),
        "status": ("status", "statut", "etat"),
    },
    required=(
        ("funder", ("funder",), "a funder column (HXL #org+funder, or a header such as 'funder', 'Bailleur')"),
        ("partner", ("partner",), "a partner column (HXL #org+partner, or a header such as 'partner', "
                                  "'Partenaire')"),
    ),
)
PARTNERSHIP_COLUMNS = ["partnership_id", "reference", "programme", "modality", "funder_id", "intermediary_id",
                       "partner_id", "partner_org_type", "partner_scope", "sector_code", "pcode", "amount", "currency",
                       "amount_eur", "duration_months", "start_date", "end_date", "status", "batch_id"]


@dataclass
class CheckedPartnership(CheckedRecord):
    reference: str | None = None
    programme: str | None = None
    modality: str | None = None
    sector_code: str | None = None
    pcode: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_eur: float | None = None
    duration_months: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None


def _currency(record: CheckedPartnership, cells: dict[str, object]) -> str | None:
    """The ISO code of the currency cell (FCFA → XOF); a missing or unknown currency is warned."""
    name = "currency" if "currency" in cells else "amount"
    text = clean_text(cells.get("currency"))
    code = None
    if text is not None:
        code = _CURRENCY_SYMBOLS.get(text) or _CURRENCY_WORDS.get(header_key(text))
        code = code or (text.upper() if len(text) == 3 and text.isalpha() else None)
    if code is None:
        record.warn(name, text, "msg.no_currency", "advice.give_currency")
    return code


def _amounts(record: CheckedPartnership, cells: dict[str, object]) -> None:
    """Set the amount, its currency and its EUR equivalent (see the module's rules)."""
    xof = check_number(record, "amount_xof", cells.get("amount_xof"))
    eur = check_number(record, "amount_eur", cells.get("amount_eur"))
    amount = check_number(record, "amount", cells.get("amount"))
    if xof is not None:
        record.amount, record.currency = xof, "XOF"
    elif amount is not None:
        record.amount, record.currency = amount, _currency(record, cells)
    elif eur is not None:
        record.amount, record.currency = eur, "EUR"
    if record.amount is None or record.currency is None:
        return
    if record.currency == "XOF":
        at_peg = record.amount / XOF_PER_EUR
        record.amount_eur = eur if eur is not None else round(at_peg, 2)
        if eur is not None and abs(eur - at_peg) > EUR_TOLERANCE * abs(at_peg):
            record.warn("amount_eur", eur, "msg.eur_differs", "advice.check_amounts", eur=eur, amount=record.amount,
                        rate=XOF_PER_EUR, at_peg=at_peg)
    elif record.currency == "EUR" or eur is not None:
        record.amount_eur = eur if eur is not None else record.amount
    else:
        record.warn("amount", record.amount, "msg.no_eur", "advice.add_eur", currency=record.currency)


def _place(record: CheckedPartnership, cells: dict[str, object], hierarchy: Hierarchy) -> str | None:
    """The P-code of the agreement: the P-code cell (region, cercle or commune), else the region name."""
    code_text, region_text = clean_text(cells.get("pcode")), clean_text(cells.get("region"))
    region = place_code(region_text, hierarchy, (1,)) if region_text else None
    if code_text is not None:
        code = place_code(code_text, hierarchy, (1, 2, 3))
        if code is None:
            record.error("pcode", code_text, "msg.agreement_pcode_unknown", "advice.check_pcode_gao", code=code_text,
                         version=hierarchy.version)
        elif region is not None and hierarchy.ancestor(code, 1) != region:
            record.warn("region", region_text, "msg.region_not_containing", "advice.check_region_columns",
                        region=region_text, code=code)
        return code
    if region_text is not None and region is None:
        record.error("region", region_text, "msg.unknown_region", "advice.write_region", region=region_text)
    return region


def check_partnership(source_row: int, cells: dict[str, object], hierarchy: Hierarchy,
                      sectors: Vocabulary) -> CheckedPartnership:
    """Check one row given as field → cell (only the fields the file has are keys); ``sectors`` may know
    spellings an IMO taught."""
    record = CheckedPartnership(source_row)
    for role in ("funder", "partner"):
        if not clean_text(cells.get(role)):
            record.error(role, None, f"msg.no_{role}", f"advice.fill_{role}")
    record.sector_code = check_sector(record, "sector", cells.get("sector"), required=False, sectors=sectors)
    record.pcode = _place(record, cells, hierarchy)
    _amounts(record, cells)
    record.duration_months = check_number(record, "duration_months", cells.get("duration_months"))
    record.start_date = check_date(record, "start_date", cells.get("start_date"))
    record.end_date = check_date(record, "end_date", cells.get("end_date"))
    if record.start_date and record.end_date and record.end_date < record.start_date:
        record.warn("end_date", cells.get("end_date"), "msg.end_before_start", "advice.check_dates",
                    end=record.end_date.isoformat(), start=record.start_date.isoformat())
    for name, limit in (("reference", 100), ("programme", 200), ("modality", 100), ("status", 40)):
        setattr(record, name, bounded_text(record, name, cells.get(name), limit))
    return record


def _organisation_rows(cells: list[dict[str, object]], positions: list[int]) -> list[tuple[object, object, object]]:
    """(acronym, name, type) of the funder, intermediary and partner of each row, in that order."""
    rows = []
    for position in positions:
        for role in ORGANISATION_ROLES:
            reported_type = cells[position].get("partner_type") if role == "partner" else None
            rows.append((*organisation_cells(cells[position].get(role)), reported_type))
    return rows


def _reject_repeats(records: list[CheckedPartnership], funders: dict[int, int]) -> None:
    """Reject a row repeating the funder and reference of an earlier row of the file."""
    first: dict[tuple, int] = {}
    for position, funder in funders.items():
        record = records[position]
        if record.reference is None:
            continue
        key = (funder, record.reference)
        if key in first:
            record.error("reference", record.reference, "msg.repeated_agreement", "advice.one_agreement",
                         row=first[key])
        else:
            first[key] = record.source_row


def _store_partnerships(session: Session, batch_id: int,
                        accepted: list[tuple[CheckedPartnership, tuple[int, int | None, int]]]) -> tuple[int, int]:
    """Insert new agreements and rewrite the stored ones with the same funder and reference; returns
    (created, updated)."""
    stored = {(p.funder_id, p.reference): p
              for p in session.scalars(select(Partnership).where(Partnership.reference.is_not(None)))}
    created = updated = 0
    for record, (funder_id, intermediary_id, partner_id) in accepted:
        values = {"funder_id": funder_id, "intermediary_id": intermediary_id, "partner_id": partner_id,
                  "batch_id": batch_id, **{name: getattr(record, name) for name in (
                      "programme", "modality", "reference", "sector_code", "pcode", "amount", "currency",
                      "amount_eur", "duration_months", "start_date", "end_date", "status")}}
        partnership = stored.get((funder_id, record.reference)) if record.reference else None
        if partnership is None:
            session.add(Partnership(**values))
            created += 1
            continue
        for name, value in values.items():
            setattr(partnership, name, value)
        updated += 1
    session.flush()
    return created, updated


def agreements_period(path: Path, records: list[CheckedPartnership]) -> str | None:
    """The period a partnership table covers: the one its file name says, else the month of its latest signed
    (or started) agreement; None when neither tells (the import's month is used then)."""
    starts = [record.start_date for record in records if record.start_date is not None]
    return infer_period(path.name) or (max(starts).strftime("%Y-%m") if starts else None)


def import_partnerships(engine: Engine, path: Path, *, sheet: str | None = None, imported_by: str | None = None,
                        source: str | None = None, check_only: bool = False) -> CoordinationImportResult:
    """Import a partnership workbook or CSV (batch kind ``partnership``), then type its organisations from the
    registry; raises :class:`~dashboard.ingest.errors.ImportRefused` (nothing written) for unusable files."""
    path = Path(path)
    sha256 = file_sha256(path)
    done = previous_import(engine, sha256, KIND)
    if done is not None:
        return done
    mapped = read_mapped_table(engine, path, sheet, PARTNERSHIP_LAYOUT)
    table, mapping, rows, cells = mapped.table, mapped.mapping, mapped.rows, mapped.cells
    records = [check_partnership(source_row, row, mapped.hierarchy, mapped.sectors) for (source_row, _), row in zip(rows, cells)]
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # another import may have committed since the checks above
        candidates = [position for position, record in enumerate(records) if not record.rejected]
        funders = organisation_identities(session, [(*organisation_cells(cells[p].get("funder")), None)
                                                    for p in candidates])
        _reject_repeats(records, dict(zip(candidates, funders)))
        candidates = [position for position in candidates if not records[position].rejected]
        ids, organisations_created = register_organisations(session, _organisation_rows(cells, candidates))
        roles = {position: tuple(ids[3 * n:3 * n + 3]) for n, position in enumerate(candidates)}
        apply_registry_types(session)
        batch, warnings = store_batch(session, kind=KIND, path=path, sha256=sha256, table=table, mapping=mapping,
                                      records=records, raw_rows=[raw for _, raw in rows], imported_by=imported_by,
                                      source=source, period=agreements_period(path, [records[p] for p in candidates]))
        created, updated = _store_partnerships(
            session, batch.id, [(records[p], roles[p]) for p in candidates])
        result = CoordinationImportResult(batch.id, batch.period, batch.rows_read, batch.rows_accepted,
                                          batch.rows_rejected, warnings, organisations_created, kind=KIND,
                                          records_created=created, records_updated=updated)
        return checked_or_kept(session, batch, result, check_only)


def partnership_frame(engine: Engine) -> pd.DataFrame:
    """Every stored agreement with its partner's type and scope, for the localisation analysis (share of
    funding, in EUR, passed to national and local partners)."""
    partner = aliased(Organisation)
    query = (select(Partnership.id, Partnership.reference, Partnership.programme, Partnership.modality,
                    Partnership.funder_id, Partnership.intermediary_id, Partnership.partner_id, partner.org_type,
                    partner.scope, Partnership.sector_code, Partnership.pcode, Partnership.amount,
                    Partnership.currency, Partnership.amount_eur, Partnership.duration_months,
                    Partnership.start_date, Partnership.end_date, Partnership.status, Partnership.batch_id)
             .join(partner, partner.id == Partnership.partner_id)
             .order_by(Partnership.id))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=PARTNERSHIP_COLUMNS)
    frame["intermediary_id"] = frame["intermediary_id"].astype("Int64")
    for column in ("amount", "amount_eur", "duration_months"):
        frame[column] = frame[column].astype("float64")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
