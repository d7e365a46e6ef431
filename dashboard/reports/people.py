"""People targeted and reached, and activity status, per unit, for the rows the filters select (see
:mod:`dashboard.analysis.people`)."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.filters import filter_activities
from dashboard.analysis.people import people_by_unit
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot


def selected_people(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The people frame's rows the filters select (the period shown, by default the latest)."""
    return filter_activities(snapshot.people, params.selection(snapshot))


def people_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit of the level shown (every one in the area): people targeted and reached, the share reached,
    and the 3W rows by activity status (ongoing, planned, completed, other)."""
    units = snapshot.units_in(params.level, params.area)
    return with_unit_names(people_by_unit(selected_people(snapshot, params), units, params.level), snapshot)
