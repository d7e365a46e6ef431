"""Insecurity and access beside presence: aid-worker incidents by cercle and year (a proxy for insecurity,
never shown as points), and the organisations present in constrained or no-go units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.access import SEVERITY, unit_access
from dashboard.analysis.cube import label_lists
from dashboard.domain.vocabulary import NO_SECTOR
from dashboard.geo.incidents import INCIDENT_COLUMNS
from dashboard.i18n import translate
from dashboard.reports.country_words import country_text
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot

INCIDENT_FIGURES = INCIDENT_COLUMNS[2:]


def incident_level(params: ReportParams) -> int:
    """Incidents are counted by region or cercle, never finer: the commune level shows cercles."""
    return min(params.level, 2)


def incidents_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per cercle (or region) and year with incidents: incidents and aid workers killed, injured, kidnapped,
    arrested; ``year=YYYY`` keeps one year. Most incidents first."""
    counts = snapshot.incidents
    if counts is None:
        return pd.DataFrame(columns=INCIDENT_COLUMNS)
    year = params.option("year")
    if year and year.isdigit():
        counts = counts[counts["year"] == int(year)]
    level = incident_level(params)
    if level == 1:
        region = snapshot.lineage["adm1_pcode"]
        counts = (counts.assign(pcode=counts["pcode"].map(region))
                  .groupby(["pcode", "year"], as_index=False)[INCIDENT_FIGURES].sum())
    counts = counts[counts["pcode"].isin(set(snapshot.units_in(level, params.area)))]
    counts = counts.sort_values(["incidents", "pcode", "year"], ascending=[False, True, True], kind="stable")
    return with_unit_names(counts[INCIDENT_COLUMNS].reset_index(drop=True), snapshot)


def incidents_by_unit(snapshot: Snapshot, params: ReportParams) -> pd.Series:
    """Incidents per unit of the level (all years, or ``year``), every unit of the area (0 without)."""
    table = incidents_report(snapshot, params)
    units = snapshot.units_in(incident_level(params), params.area)
    return units.map(table.groupby("pcode")["incidents"].sum()).fillna(0).astype(int).set_axis(units)


def incidents_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    lang = params.lang
    if snapshot.incidents is None:
        key = "incidents.hidden" if snapshot.public else "incidents.none"
        return [translate(key, lang)]
    notes = [country_text(snapshot.profile, "incidents.source", lang)]
    if params.level == 3:
        notes.append(country_text(snapshot.profile, "incidents.not_communes", lang))
    return notes


#: columns of :func:`access_presence_report` (before the unit names)
ACCESS_PRESENCE_COLUMNS = ["pcode", "access", "as_of", "source", "decided_by", "sector_code", "organisations",
                           "acronyms"]


def access_level(snapshot: Snapshot, params: ReportParams) -> int:
    """The level access is shown at: the one asked for, no finer than the cercle for the public."""
    return min(params.level, 2) if snapshot.public else params.level


def access_of_units(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Each unit of the level (inside the area) that the access table concerns, with its access."""
    level = access_level(snapshot, params)
    table = snapshot.cached(("unit_access", level), lambda: unit_access(snapshot.access, snapshot.lineage, level))
    table = table[table["pcode"].isin(set(snapshot.units_in(level, params.area)))]
    if snapshot.public:  # which commune decided would be finer than the cercle
        table = table.assign(decided_by=None)
    return table


def access_presence_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per constrained or no-go unit and sector: the organisations present (rows at the unit's level or finer),
    with their names where the policy allows; a unit where nobody is present has one row without a sector.
    No-go first."""
    level = access_level(snapshot, params)
    units = access_of_units(snapshot, params)
    units = units[units["access"] != "accessible"]
    if units.empty:
        return with_unit_names(pd.DataFrame(columns=ACCESS_PRESENCE_COLUMNS), snapshot)
    selection = snapshot.rows(params.selection(snapshot)).stated_sector(NO_SECTOR)
    cube = selection.cube
    cells = selection.cells(level, True)
    slots = len(cube.sectors)
    number = {code: n for n, code in enumerate(cube.units.codes[level])}
    wanted = np.array([number[code] for code in units["pcode"]], dtype=np.int64)
    take = np.isin(cells.cell // slots, wanted)
    present = pd.Series(cells.cell[take]).value_counts()
    names = label_lists(cube, cells, present.index.to_numpy())
    rows = []
    for unit in units.itertuples(index=False):
        mine = sorted(cell for cell in present.index if cell // slots == number[unit.pcode])
        for cell in mine or [None]:
            rows.append({**unit._asdict(), "sector_code": None if cell is None else cube.sectors[cell % slots],
                         "organisations": 0 if cell is None else int(present[cell]),
                         "acronyms": "" if cell is None else ", ".join(names.get(int(cell), []))})
    table = pd.DataFrame(rows, columns=ACCESS_PRESENCE_COLUMNS)
    if snapshot.public:
        from dashboard.reports.coverage import hidden_below_k
        table["acronyms"] = hidden_below_k(table["acronyms"], table["organisations"], snapshot, params)
    table["_severity"] = table["access"].map(SEVERITY)
    table = table.sort_values(["_severity", "pcode", "sector_code"], ascending=[False, True, True], kind="stable")
    return with_unit_names(table.drop(columns="_severity").reset_index(drop=True), snapshot)


def access_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    lang = params.lang
    if snapshot.access.empty:
        hidden = snapshot.public and snapshot.public_policy is not None and not snapshot.public_policy.show_access
        return [translate("access.hidden" if hidden else "access.none", lang)]
    notes = [translate("access.rule", lang)]
    if snapshot.public and params.level == 3:
        notes.append(country_text(snapshot.profile, "access.public_cercle", lang))
    return notes
