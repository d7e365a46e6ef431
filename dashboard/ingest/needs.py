"""Import a needs overview (HNO): people in need, targeted and population by unit and sector, for a plan year.

Built for the OCHA HPC caseload files HDX publishes per country (``hno-data-for-mli``: HXL row under the
headers, one row per unit x sector x breakdown), and for tables an IMO makes by hand. It follows the rules of
the 3W import through :mod:`dashboard.ingest.coordination_tables`: HXL tag first, then French or English header;
every non-empty row ends accepted or rejected with its reasons (rejected rows kept as uploaded); one import is
one transaction; the same file twice changes nothing; ``check_only`` keeps nothing.

Columns (HXL tag first, then French/English header; case, accents and punctuation do not matter):

=================  ====================================  ===============================================
field              HXL                                   headers
=================  ====================================  ===============================================
region P-code      ``#adm1+code``                        Admin 1 PCode, P-code région, Code région
region             ``#adm1+name``                        Région, Admin 1 name
cercle P-code      ``#adm2+code``                        Admin 2 PCode, P-code cercle, Code cercle
commune P-code     ``#adm3+code``                        Admin 3 PCode, P-code commune
sector             ``#sector``                           Sector, Secteur, Cluster
people in need     ``#inneed``                           In Need, PIN, Personnes dans le besoin
targeted           ``#targeted``                         Targeted, Ciblés, Personnes ciblées
population         ``#population``                       Population
affected, reached  ``#affected``, ``#reached``           Affected, Affectés; Reached, Atteints
breakdowns         ``#gender``, ``#age+range``,          Gender, Sexe; Age Range, Tranche d'âge; Min Age;
                   ``#age+min``, ``#age+max``,           Max Age; Disabled, Handicap; Population Group,
                   ``#is_disabled``, ``#population_group``  Groupe de population
year               ``#date+year``                        Year, Année, Année du plan
=================  ====================================  ===============================================

Rules:

- A row's unit is its finest place cell: commune, else cercle, else region; a row with no place at all is the
  country's (the HNO's national totals). Region rows stay at region level (the HNO gives food security and the
  protection areas of responsibility by region only): they are never spread over cercles.
- A P-code that is no unit of its column's level of the 2021 boundaries (``ML011`` in a region column)
  rejects the row, naming the row, the column and the code. A cercle outside the region cell keeps the cercle,
  with a warning.
- Sectors are read with the sector vocabulary, which knows the HNO codes (HEA, EDU, NUT, SHL, WSH, FSC, PRO
  and its areas of responsibility PRO_CPM, PRO_GBV, PRO_HLP, PRO_MIN; MS is multi-sector). ``ALL`` (or
  *intersectoriel*) is the intersectoral figure, stored apart (no sector): it is not the sum of the sectors.
  An unknown or missing sector rejects the row.
- A row is the unit's total when each breakdown cell is empty or "all" (``a``, ``ALL``, *total*); the other
  rows (by sex, age, population group) are kept as given. The same unit, sector and breakdown twice: the later
  row is rejected.
- Figures are read as the 3W reads numbers (spaces or separators between thousands); a cell that is not a
  number is left empty, with a warning.
- The plan year comes from the year column, else the ``year`` given to the import, else a year in the file
  name; a file that says none is refused. A new file for a plan year replaces the figures of that year that
  an earlier file gave (the result says how many).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from dashboard.domain.enums import ImportKind
from dashboard.domain.places import Hierarchy, normalise_pcode
from dashboard.domain.text import clean_text, header_key
from dashboard.domain.vocabulary import Vocabulary
from dashboard.ingest.columns import HEADER_ALIASES, TableLayout
from dashboard.ingest.coordination_tables import (
    CheckedRecord,
    CoordinationImportResult,
    check_number,
    checked_or_kept,
    previous_import,
    read_mapped_table,
    store_batch,
)
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import file_sha256
from dashboard.store.database import serialise_imports
from dashboard.store.models import ImportBatch, Need

KIND = ImportKind.NEEDS

#: place fields from the finest to the coarsest, with the level of the unit each names
PLACE_FIELDS = (("commune_code", 3), ("cercle_code", 2), ("region_code", 1))
FIGURES = ("population", "people_in_need", "targeted", "affected", "reached")
BREAKDOWNS = ("gender", "age_range", "age_min", "age_max", "disabled", "population_group")
#: what a breakdown cell says when the row is not broken down that way
ALL_WORDS = {header_key(word) for word in ("a", "all", "total", "tous", "toutes", "ensemble", "tout", "*")}
#: what a sector cell says for the intersectoral figure
INTERSECTORAL_WORDS = {header_key(word) for word in ("ALL", "intersectoral", "intersectoriel", "inter-sectoriel",
                                                      "inter-sectoral", "intersectorial", "tous secteurs",
                                                      "all sectors", "total")}

NEEDS_LAYOUT = TableLayout(
    kind=KIND,
    hxl_rules=(
        ("#adm1", frozenset({"code"}), "region_code"),
        ("#adm1", frozenset({"name"}), "region"),
        ("#adm1", frozenset(), "region"),
        ("#adm2", frozenset({"code"}), "cercle_code"),
        ("#adm3", frozenset({"code"}), "commune_code"),
        ("#sector", frozenset(), "sector"),
        ("#inneed", frozenset(), "people_in_need"),
        ("#targeted", frozenset(), "targeted"),
        ("#population", frozenset(), "population"),
        ("#affected", frozenset(), "affected"),
        ("#reached", frozenset(), "reached"),
        ("#gender", frozenset(), "gender"),
        ("#age", frozenset({"range"}), "age_range"),
        ("#age", frozenset({"min"}), "age_min"),
        ("#age", frozenset({"max"}), "age_max"),
        ("#is_disabled", frozenset(), "disabled"),
        ("#population_group", frozenset(), "population_group"),
        ("#date", frozenset({"year"}), "year"),
    ),
    header_aliases={
        "region_code": ("admin 1 pcode", "admin1pcode", "admin1pcod", "adm1 pcode", "pcode region", "code region",
                        "region pcode"),
        "region": ("region", "admin1", "admin1name", "admin 1 name", "nom region", "region name"),
        "cercle_code": ("admin 2 pcode", "admin2pcode", "admin2pcod", "adm2 pcode", "pcode cercle", "code cercle",
                        "cercle pcode"),
        "commune_code": ("admin 3 pcode", "admin3pcode", "admin3pcod", "adm3 pcode", "pcode commune",
                         "code commune", "commune pcode"),
        "sector": HEADER_ALIASES["sector"],
        "people_in_need": ("in need", "inneed", "pin", "people in need", "personnes dans le besoin",
                           "personnes ayant besoin d assistance", "besoins", "pin total"),
        "targeted": ("targeted", "people targeted", "cibles", "personnes ciblees", "cible"),
        "population": ("population", "population totale", "total population"),
        "affected": ("affected", "people affected", "affectes", "personnes affectees"),
        "reached": ("reached", "people reached", "atteints", "personnes atteintes"),
        "gender": ("gender", "sexe", "genre", "sex"),
        "age_range": ("age range", "tranche d age", "groupe d age", "age group"),
        "age_min": ("min age", "age min", "age minimum", "minimum age"),
        "age_max": ("max age", "age max", "age maximum", "maximum age"),
        "disabled": ("disabled", "handicap", "handicape", "disability", "personnes handicapees"),
        "population_group": ("population group", "groupe de population", "statut de population",
                             "categorie de population"),
        "year": ("year", "annee", "plan year", "annee du plan", "hno year", "annee hno"),
    },
    required=(
        ("place", ("region_code", "region", "cercle_code", "commune_code"),
         "a place column (HXL #adm1+code, #adm2+code or #adm3+code, or a header such as 'Admin 2 PCode', "
         "'P-code cercle')"),
        ("sector", ("sector",), "a sector column (HXL #sector, or a header such as 'Sector', 'Secteur')"),
        ("people in need", ("people_in_need",),
         "a people-in-need column (HXL #inneed, or a header such as 'In Need', 'Personnes dans le besoin')"),
    ),
)

#: columns of :func:`need_frame`
NEED_COLUMNS = ["batch_id", "year", "pcode", "level", "sector_code", "intersectoral", "population", "people_in_need",
                "targeted"]


@dataclass
class CheckedNeed(CheckedRecord):
    pcode: str | None = None
    level: int | None = None
    sector_code: str | None = None
    intersectoral: bool = False
    sector_as_written: str | None = None
    breakdown: tuple[str | None, ...] = ()
    is_total: bool = True
    figures: dict[str, float | None] | None = None
    year: int | None = None


def _place(record: CheckedNeed, cells: dict[str, object], hierarchy: Hierarchy) -> None:
    """The unit of the row: its finest place cell (a code of that column's level), else the country."""
    codes: dict[str, str] = {}
    for name, level in PLACE_FIELDS:
        text = clean_text(cells.get(name))
        if text is None:
            continue
        code = normalise_pcode(text)
        if hierarchy.level.get(code) != level:
            known = hierarchy.level.get(code)
            if known is None:
                record.error(name, text, "msg.pcode_unknown", "advice.need_pcode", code=code,
                             level=f"@unit.{level}", version=hierarchy.version)
            else:
                record.error(name, text, "msg.pcode_wrong_level", "advice.need_pcode", code=code,
                             known=f"@unit.{known}", level=f"@unit.{level}")
            return
        codes[name] = code
    region = clean_text(cells.get("region"))
    if not codes and region is not None:
        matches = [code for code, level in hierarchy.level.items()
                   if level == 1 and header_key(hierarchy.name[code]) == header_key(region)]
        if len(matches) != 1:
            record.error("region", region, "msg.level_unknown", "advice.need_pcode", text=region,
                         version=hierarchy.version)
            return
        codes["region_code"] = matches[0]
    for name, level in PLACE_FIELDS:
        if name in codes:
            record.pcode, record.level = codes[name], level
            break
    else:
        record.pcode, record.level = hierarchy.root, 0
        return
    for name, level in PLACE_FIELDS:  # a coarser cell that does not contain the unit: the finer one is kept
        if name in codes and level < record.level and hierarchy.ancestor(record.pcode, level) != codes[name]:
            record.warn(name, codes[name], "msg.need_parent_differs", "advice.check_parent", code=record.pcode,
                        parent=codes[name], actual=hierarchy.ancestor(record.pcode, level))


def _sector(record: CheckedNeed, cells: dict[str, object], sectors: Vocabulary) -> None:
    text = clean_text(cells.get("sector"))
    record.sector_as_written = text
    if text is None:
        record.error("sector", None, "msg.no_cluster", "advice.need_sector")
    elif header_key(text) in INTERSECTORAL_WORDS:
        record.intersectoral = True
    elif (term := sectors.match(text)) is None:
        record.error("sector", text, "msg.unknown_cluster", "advice.need_sector", cluster=text)
    else:
        record.sector_code = term.code


def _year(record: CheckedNeed, cells: dict[str, object], default: int | None) -> None:
    text = clean_text(cells.get("year"))
    if text is None:
        record.year = default
        return
    found = re.fullmatch(r"(?:HNO\s*)?((?:19|20)\d\d)(?:\.0)?", text, flags=re.IGNORECASE)
    if found is None:
        record.error("year", text, "msg.need_year", "advice.need_year", value=text)
    else:
        record.year = int(found.group(1))


def check_need(source_row: int, cells: dict[str, object], hierarchy: Hierarchy, sectors: Vocabulary,
               year: int | None = None) -> CheckedNeed:
    """Check one row given as field → cell (only the fields the file has are keys); ``year`` is the plan year
    of rows that do not give one."""
    record = CheckedNeed(source_row)
    _place(record, cells, hierarchy)
    _sector(record, cells, sectors)
    _year(record, cells, year)
    record.breakdown = tuple(clean_text(cells.get(name)) for name in BREAKDOWNS)
    record.is_total = all(value is None or header_key(value) in ALL_WORDS
                          for name, value in zip(BREAKDOWNS, record.breakdown) if name not in ("age_min", "age_max"))
    record.figures = {name: check_number(record, name, cells.get(name)) for name in FIGURES}
    if all(value is None for value in record.figures.values()):
        record.warn("people_in_need", None, "msg.need_no_figure", "advice.need_figure")
    return record


def _file_year(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    return int(found[-1]) if found else None


def _reject_repeats(records: list[CheckedNeed]) -> None:
    """The same unit, sector, year and breakdown as an earlier row: the later row is rejected."""
    first: dict[tuple, int] = {}
    for record in records:
        if record.rejected:
            continue
        key = (record.year, record.pcode, record.sector_code, record.intersectoral, record.breakdown)
        if key in first:
            record.error("sector", record.sector_as_written, "msg.need_repeated", "advice.need_one_row",
                         row=first[key])
        else:
            first[key] = record.source_row


def import_needs(engine: Engine, path: Path, *, year: int | None = None, sheet: str | None = None,
                 imported_by: str | None = None, source: str | None = None,
                 check_only: bool = False) -> CoordinationImportResult:
    """Import a needs overview (batch kind ``needs``); raises :class:`~dashboard.ingest.errors.ImportRefused`
    (nothing written) for an unusable file or one that says no plan year. ``records_updated`` counts the
    figures of the same plan year an earlier file gave, which this one replaces."""
    path = Path(path)
    sha256 = file_sha256(path)
    done = previous_import(engine, sha256, KIND)
    if done is not None:
        return done
    mapped = read_mapped_table(engine, path, sheet, NEEDS_LAYOUT)
    default_year = year or _file_year(path)
    if default_year is None and "year" not in mapped.mapping.fields:
        raise ImportRefused("the file does not say which plan year its figures are for (no year column, no year "
                            "in its name): give the year (--year 2024 on the command line) and import again.",
                            file=path.name)
    records = [check_need(source_row, row, mapped.hierarchy, mapped.sectors, default_year)
               for (source_row, _), row in zip(mapped.rows, mapped.cells)]
    for record in records:
        if record.year is None and not record.rejected:
            record.error("year", None, "msg.need_no_year", "advice.need_year")
    _reject_repeats(records)
    accepted = [record for record in records if not record.rejected]
    years = sorted({record.year for record in accepted})
    with Session(engine) as session, session.begin():
        serialise_imports(session)
        batch, warnings = store_batch(session, kind=KIND, path=path, sha256=sha256, table=mapped.table,
                                      mapping=mapped.mapping, records=records,
                                      raw_rows=[raw for _, raw in mapped.rows], imported_by=imported_by,
                                      source=source, period=f"{years[-1]}-01" if years else None)
        replaced = session.scalar(select(func.count(Need.id)).where(Need.year.in_(years), Need.batch_id != batch.id))
        if years:
            session.execute(delete(Need).where(Need.year.in_(years), Need.batch_id != batch.id))
        if accepted:
            session.execute(insert(Need), [_need_record(batch.id, record) for record in accepted])
        result = CoordinationImportResult(batch.id, batch.period, batch.rows_read, batch.rows_accepted,
                                          batch.rows_rejected, warnings, 0, kind=KIND,
                                          records_created=len(accepted), records_updated=int(replaced or 0))
        return checked_or_kept(session, batch, result, check_only)


def _need_record(batch_id: int, record: CheckedNeed) -> dict[str, object]:
    return {"batch_id": batch_id, "source_row": record.source_row, "year": record.year, "pcode": record.pcode,
            "level": record.level, "sector_code": record.sector_code, "intersectoral": record.intersectoral,
            "sector_as_written": record.sector_as_written[:100] if record.sector_as_written else None,
            **{name: (value[:limit] if value else None)
               for (name, limit), value in zip(zip(BREAKDOWNS, (20, 20, 10, 10, 20, 40)), record.breakdown)},
            "is_total": record.is_total, **record.figures}


def need_frame(engine: Engine) -> pd.DataFrame:
    """The unit totals of the latest plan year imported (:data:`NEED_COLUMNS`): one row per unit and sector,
    the intersectoral figure with ``intersectoral`` set and no sector. Empty when no needs were imported."""
    with engine.connect() as connection:
        latest = connection.scalar(select(func.max(Need.year)))
        if latest is None:
            return pd.DataFrame(columns=NEED_COLUMNS)
        query = (select(Need.batch_id, Need.year, Need.pcode, Need.level, Need.sector_code, Need.intersectoral,
                        Need.population, Need.people_in_need, Need.targeted)
                 .where(Need.year == latest, Need.is_total.is_(True)).order_by(Need.level, Need.pcode, Need.id))
        frame = pd.DataFrame(connection.execute(query).all(), columns=NEED_COLUMNS)
    frame["intersectoral"] = frame["intersectoral"].astype(bool)
    for name in ("population", "people_in_need", "targeted"):
        frame[name] = frame[name].astype("Float64")
    return frame


def need_import_of(engine: Engine, batch_id: int) -> dict[str, object] | None:
    """The file, source and date of a needs import (what a view's header names as the figures' source)."""
    with engine.connect() as connection:
        row = connection.execute(select(ImportBatch.file_name, ImportBatch.source, ImportBatch.imported_at)
                                 .where(ImportBatch.id == batch_id)).first()
    return None if row is None else {"file_name": row[0], "source": row[1], "imported_at": row[2]}
