"""Open-data shapes of what the dashboard holds: HDX HAPI's operational presence (from the presence cube,
under the viewer's policy) and the 3W itself with a HXL row (every accepted row, read from the store).

HAPI's operational presence is one row per organisation, sector and place at the finest of HAPI's levels
(1 region, 2 cercle): rows reported in a commune or a cercle give the cercle (``admin_level`` 2), rows
reported for a region only give the region (``admin_level`` 1), as HAPI's own pipeline does with a 3W. These
are the cube's distinct (cercle x sector, organisation) cells and, for rows at region level, its (region x
sector, organisation) cells: the same cells the presence by sector counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import counts
from dashboard.domain import hapi
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY
from dashboard.i18n import format_number, translate
from dashboard.domain.country import CountryProfile
from dashboard.reports.country_words import country_text
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot, StoreReader
from dashboard.security.policy import hide_names

#: HAPI's levels: rows finer than a cercle count in their cercle
HAPI_FINEST_LEVEL = 2


def reference_period(period: str | None) -> tuple[str, str]:
    """The first and last day of a reporting period ``YYYY-MM`` (ISO dates), as HAPI's reference period."""
    if not period:
        return "", ""
    month = pd.Period(period, freq="M")
    return month.start_time.date().isoformat(), month.end_time.date().isoformat()


def _hapi_cells(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Distinct (level, unit, sector, organisation) of the selection at HAPI's levels, with the number of
    organisations of the unit and sector (for the policy's names rule)."""
    cube = snapshot.cube
    selection = snapshot.rows(params.selection(snapshot))
    slots = len(cube.sectors)
    frames = []
    for level in (1, HAPI_FINEST_LEVEL):
        present = selection.cells(level, by_sector=True)
        # a unit's organisations: every row inside it (a region counts its cercles' organisations too)
        organisations = counts(present, len(cube.units.codes[level]) * slots)
        if level < HAPI_FINEST_LEVEL:  # the region's own rows only: finer rows are listed by cercle
            present = selection.where(selection.rows.location_level == level).cells(level, by_sector=True)
        frames.append(pd.DataFrame({"level": level, "unit": present.cell // slots, "sector": present.cell % slots,
                                    "organisation": present.organisation,
                                    "in_cell": organisations[present.cell]}))
    return pd.concat(frames, ignore_index=True)


def hapi_operational_presence_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Operational presence in HDX HAPI's 17 columns (see :mod:`dashboard.domain.hapi`) for the period and
    filters shown; sectors without a HAPI sector are left out (:func:`hapi_notes` says how many rows). In the
    public view an organisation's acronym and name are hidden where fewer than the policy's k organisations
    work in the unit and sector (its row stays, so the rows still count the organisations)."""
    cube = snapshot.cube
    cells = _hapi_cells(snapshot, params)
    sector_codes = np.array(cube.sectors, dtype=object)[cells["sector"].to_numpy()] if len(cells) else []
    cells["sector_code"] = pd.Series(sector_codes, index=cells.index, dtype=object)
    cells = cells[cells["sector_code"].isin(hapi.SECTORS)].reset_index(drop=True)
    if cells.empty:
        return pd.DataFrame(columns=list(hapi.COLUMN_NAMES))
    units = cube.units
    level, unit = cells["level"].to_numpy(), cells["unit"].to_numpy()
    region = np.where(level == 1, unit, units.ancestors(2, 1)[np.where(level == 2, unit, 0)])
    admin1_code = units.codes[1][region]
    admin1_name = units.names[1][region]
    admin2_code = np.where(level == 2, units.codes[2][np.where(level == 2, unit, 0)], None)
    admin2_name = np.where(level == 2, units.names[2][np.where(level == 2, unit, 0)], None)
    organisations = snapshot.organisations.set_index("organisation_id")
    ids = cube.organisation_ids[cells["organisation"].to_numpy()]
    acronyms = organisations["acronym"].reindex(ids).to_numpy(dtype=object)
    names = organisations["name"].reindex(ids).to_numpy(dtype=object)
    org_types = np.array(cube.types, dtype=object)[cube.organisation_type[cells["organisation"].to_numpy()]]
    start, end = reference_period(params.selection(snapshot).period)
    table = pd.DataFrame({
        **hapi.country_columns(snapshot.profile.iso3 if snapshot.profile is not None else "MLI"),  # the view's country
        "provider_admin1_name": admin1_name, "provider_admin2_name": admin2_name,
        "admin1_code": admin1_code, "admin1_name": admin1_name, "admin2_code": admin2_code,
        "admin2_name": admin2_name, "admin_level": level.astype(int),
        "org_acronym": [acronym if isinstance(acronym, str) and acronym else name
                        for acronym, name in zip(acronyms, names)],
        "org_name": [name if isinstance(name, str) and name else acronym for acronym, name in zip(acronyms, names)],
        "org_type_description": [hapi.ORG_TYPES.get(code, "Other") for code in org_types],
        "sector_code": [hapi.SECTORS[code][0] for code in cells["sector_code"]],
        "sector_name": [hapi.SECTORS[code][1] for code in cells["sector_code"]],
        "reference_period_start": start, "reference_period_end": end})
    if snapshot.public:
        hidden = translate("policy.hidden_names", params.lang, k=snapshot.public_policy.min_organisations_named)
        for column in ("org_acronym", "org_name"):
            table[column] = hide_names(table[column], cells["in_cell"], snapshot.public_policy, hidden)
    order = table.assign(_org=table["org_acronym"].str.casefold(), _admin2=table["admin2_code"].fillna(""))
    order = order.sort_values(["admin_level", "admin1_code", "_admin2", "_org", "sector_code"], kind="stable")
    return table.loc[order.index, list(hapi.COLUMN_NAMES)].reset_index(drop=True)


def hapi_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The rows of the period shown whose sector has no HAPI sector (multi-sector, coordination, not stated),
    left out of the HAPI export."""
    cube = snapshot.cube
    selection = snapshot.rows(params.selection(snapshot))
    left_out = [number for number, code in enumerate(cube.sectors) if code not in hapi.SECTORS]
    take = selection.mask & np.isin(selection.rows.sector, left_out)
    rows = int(selection.rows.rows[take].sum())
    if not rows:
        return []
    sectors = sorted({cube.sectors[number] for number in selection.rows.sector[take].tolist()})
    return [translate("hapi.left_out", params.lang, rows=format_number(rows, params.lang),
                      sectors=", ".join(SECTOR_VOCABULARY.label(code, params.lang) for code in sectors))]


# --- the 3W with a HXL row ----------------------------------------------------------------------------------

#: the columns of the HXL 3W export: (field of the stored row, HXL tag); headers come from the catalogue
#: (``hxl3w.<field>``), the people broken down by sex and age follow ``reached``
HXL_3W_COLUMNS: tuple[tuple[str, str], ...] = (
    ("org_acronym", "#org+acronym"),
    ("org_name", "#org+name"),
    ("org_type", "#org+type"),
    ("implementing_partner", "#org+impl+acronym"),
    ("funder", "#org+funder"),
    ("sector", "#sector"),
    ("activity", "#activity"),
    ("adm1_code", "#adm1+code"),
    ("adm1_name", "#adm1+name"),
    ("adm2_code", "#adm2+code"),
    ("adm2_name", "#adm2+name"),
    ("adm3_code", "#adm3+code"),
    ("adm3_name", "#adm3+name"),
    ("location", "#loc"),
    ("status", "#status"),
    ("start_date", "#date+start"),
    ("end_date", "#date+end"),
    ("targeted", "#targeted"),
    ("reached", "#reached"),
    ("physical_presence", "#meta+presence"),
)
_HXL_AGE = {"child": "children", "adult": "adults", "elderly": "elderly"}


def breakdown_tag(key: str) -> str:
    """``targeted_f_child`` → ``#targeted+f+children`` (the tag the importer reads back as that field)."""
    measure, *parts = key.split("_")
    return "#" + "+".join([measure, *(_HXL_AGE.get(part, part) for part in parts)])


def hxl_3w_report(snapshot: Snapshot, params: ReportParams, store: StoreReader) -> pd.DataFrame:
    """Every accepted row of the period shown (its current imports; the area, sector, type and organisation
    filters apply) with the product's columns, the people by sex and age where files gave them, and the columns
    no field holds under their own header. The HXL tags are :func:`hxl_3w_tags`; the importer reads the file
    back to the same presence."""
    selection = params.selection(snapshot)
    batches = snapshot.batches_of(selection.period)["batch_id"].astype(int).tolist()
    rows = store.accepted_rows(batches)
    if len(rows):
        keep = pd.Series(True, index=rows.index)
        if selection.sectors:
            keep &= rows["sector_code"].isin(selection.sectors)
        if selection.org_types:
            keep &= rows["org_type"].isin(selection.org_types)
        if selection.organisations:
            keep &= rows["organisation_id"].isin(selection.organisations)
        if selection.area:
            keep &= (rows[["adm1_pcode", "adm2_pcode", "adm3_pcode"]] == selection.area).any(axis=1)
        rows = rows[keep]
    lang = params.lang
    names = snapshot.unit_names()
    table = pd.DataFrame({
        "org_acronym": rows["acronym"], "org_name": rows["name"],
        "org_type": rows["org_type"].map(lambda code: ORG_TYPE_VOCABULARY.label(code, lang) if code else None),
        "implementing_partner": rows["partner"], "funder": rows["funder"],
        "sector": rows["sector_code"].map(lambda code: None if code == NO_SECTOR
                                          else SECTOR_VOCABULARY.label(code, lang)),
        "activity": rows["activity"],
        **{f"adm{level}_{part}": rows[f"adm{level}_pcode"] if part == "code" else rows[f"adm{level}_pcode"].map(names)
           for level in (1, 2, 3) for part in ("code", "name")},
        "location": rows["location"], "status": rows["status"],
        "start_date": rows["start_date"], "end_date": rows["end_date"],
        "targeted": rows["targeted"], "reached": rows["reached"],
        "physical_presence": rows["physical_presence"].map(
            lambda value: None if value is None or pd.isna(value) else translate(f"hxl3w.presence.{bool(value)}", lang)),
    }, index=rows.index)
    people = pd.DataFrame(rows["people"].map(lambda value: value or {}).tolist(), index=rows.index)
    extra = pd.DataFrame(rows["extra"].map(lambda value: value or {}).tolist(), index=rows.index)
    people = people[sorted(people.columns)] if len(people.columns) else people
    extra = extra[[column for column in extra.columns if column not in set(table.columns) | set(people.columns)]]
    return pd.concat([table, people, extra], axis=1).reset_index(drop=True)


#: the tag of the columns kept as uploaded (their header may be a known field's, ``Commune``: the tag, which no
#: field has, keeps the importer from reading them as one, and they are kept as uploaded again)
UPLOADED_TAG = "#meta+x_uploaded"


def hxl_3w_tags(frame: pd.DataFrame) -> dict[str, str]:
    """The HXL tag of each column of :func:`hxl_3w_report`."""
    tags = dict(HXL_3W_COLUMNS)
    return {column: tags.get(column) or (breakdown_tag(column) if column.startswith(("targeted_", "reached_"))
                                         else UPLOADED_TAG) for column in frame.columns}


def hxl_3w_headers(frame: pd.DataFrame, lang: str, profile: CountryProfile | None = None) -> list[str]:
    """The 3W export's headers: each known field's in the reader's language (levels named as the country of
    ``profile`` names them), the others as uploaded."""
    known = {field for field, _tag in HXL_3W_COLUMNS}
    return [country_text(profile, f"hxl3w.{column}", lang) if column in known else column for column in frame.columns]
