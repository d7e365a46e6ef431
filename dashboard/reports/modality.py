"""Presence modality as a report: physically present, remote or through partners, not stated
(:mod:`dashboard.analysis.modality`), per unit, or per unit and sector with ``by=sector``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import NOT_STATED
from dashboard.analysis.modality import MODALITY_COLUMNS, modality_table
from dashboard.domain.vocabulary import NO_SECTOR
from dashboard.i18n import translate
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot


def modality_by_sector(params: ReportParams) -> bool:
    return params.option("by") == "sector"


def presence_modality_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit (and sector with ``by=sector``) with organisations present: how many are physically there,
    how many only remotely or through partners, and how many rows say neither."""
    by_sector = modality_by_sector(params)
    selection = snapshot.rows(params.selection(snapshot))
    if by_sector:
        selection = selection.stated_sector(NO_SECTOR)
    cube = selection.cube
    units = np.flatnonzero(cube.units.inside(params.level, params.area))
    table = modality_table(selection, params.level, by_sector, units)
    frame = pd.DataFrame({"pcode": cube.units.codes[params.level][table["unit"].to_numpy()]})
    if by_sector:
        frame["sector_code"] = np.array(cube.sectors, dtype=object)[table["sector_slot"].to_numpy()]
    for column in MODALITY_COLUMNS:
        frame[column] = table[column].to_numpy()
    return with_unit_names(frame, snapshot)


def modality_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """Says so when no row of the period shown states the organisation's physical presence."""
    rows = snapshot.cube.period_rows(params.selection(snapshot).period)
    if rows.physical is None or bool((rows.physical == NOT_STATED).all()):
        return [translate("modality.none_stated", params.lang)]
    return []


def states_modality(snapshot: Snapshot, period: str | None) -> bool:
    """Whether any row of the period says whether its organisation is physically there."""
    rows = snapshot.cube.period_rows(period)
    return rows.physical is not None and bool((rows.physical != NOT_STATED).any())


def unit_modality(snapshot: Snapshot, selection, pcode: str, by_sector: bool) -> pd.DataFrame:
    """The modality counts of one unit (any level), indexed by sector code (or one row ``""`` across
    sectors): :data:`MODALITY_COLUMNS`."""
    cube = selection.cube
    found = cube.units.locate(pcode)
    if found is None or found[0] == 0:
        return pd.DataFrame(columns=MODALITY_COLUMNS)
    level, unit = found
    table = modality_table(selection, level, by_sector, np.array([unit]))
    index = (np.array(cube.sectors, dtype=object)[table["sector_slot"].to_numpy()] if by_sector
             else np.array([""] * len(table), dtype=object))
    return table[MODALITY_COLUMNS].set_index(pd.Index(index, name="sector_code"))
