"""Insecurity and access beside presence: aid-worker incidents by cercle and year (a proxy for insecurity,
never shown as points), and the organisations present in constrained or no-go units."""

from __future__ import annotations

import pandas as pd

from dashboard.geo.incidents import INCIDENT_COLUMNS
from dashboard.i18n import translate
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
    notes = [translate("incidents.source", lang)]
    if params.level == 3:
        notes.append(translate("incidents.not_communes", lang))
    return notes
