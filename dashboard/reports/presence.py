"""Presence reports: organisations per unit (and sector), split by type, with the national-NGO share, read from
the presence cube; the presence map's colours are this report's ``organisations`` and ``coarser_only``."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.presence import presence_table
from dashboard.domain.vocabulary import NO_SECTOR
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot


def _presence(snapshot: Snapshot, params: ReportParams, by_sector: bool) -> pd.DataFrame:
    rows = snapshot.rows(params.selection(snapshot))
    if by_sector:
        rows = rows.stated_sector(NO_SECTOR)
    table = presence_table(rows, params.level, by_sector=by_sector, area=params.area)
    return with_unit_names(table.rename(columns={"total": "organisations"}), snapshot)


def presence_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit: distinct organisations present, by type, the national-NGO share, and the organisations
    reported only at a coarser level that contains the unit."""
    return _presence(snapshot, params, by_sector=False)


def presence_by_sector_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The same per unit and sector (rows that state no sector are left out: they count in the presence
    across all sectors)."""
    return _presence(snapshot, params, by_sector=True)
