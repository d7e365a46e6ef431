"""Presence reports: organisations per unit (and sector), split by type, with the national-NGO share."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.filters import filter_activities, with_stated_sector
from dashboard.analysis.presence import presence_by_type
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.web_data import Snapshot


def _presence(snapshot: Snapshot, params: ReportParams, by_sector: bool) -> pd.DataFrame:
    activities = filter_activities(snapshot.activities, params.selection(snapshot))
    if by_sector:
        activities = with_stated_sector(activities)
    table = presence_by_type(activities, snapshot.units_for(params.area), params.level,
                             by_sector=by_sector)
    table = table.rename(columns={"total": "organisations"})
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)


def presence_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit: distinct organisations present, by type, the national-NGO share, and the organisations
    reported only at a coarser level that contains the unit."""
    return _presence(snapshot, params, by_sector=False)


def presence_by_sector_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The same per unit and sector (rows that state no sector are left out: they count in the presence
    across all sectors)."""
    return _presence(snapshot, params, by_sector=True)
