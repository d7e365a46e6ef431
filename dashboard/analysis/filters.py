"""The global filters every view shares, applied to the activity frame (the filters are declared once, in
:mod:`dashboard.domain.filters`)."""

from __future__ import annotations

from dataclasses import field, make_dataclass

import pandas as pd

from dashboard.domain.filters import ROW_FILTERS, FilterKind
from dashboard.domain.vocabulary import NO_SECTOR

#: the unit columns of the activity frame, coarsest first
UNIT_COLUMNS = ("adm1_pcode", "adm2_pcode", "adm3_pcode")

ActivityFilter = make_dataclass(
    "ActivityFilter", [(declared.name, object, field(default=declared.default)) for declared in ROW_FILTERS],
    frozen=True, namespace={"__doc__": "The rows a view reads: one field per row filter of "
                                       ":data:`dashboard.domain.filters.FILTERS`; empty means all, a period of "
                                       "None the latest in the data.", "__module__": __name__})


def latest_period(activities: pd.DataFrame) -> str | None:
    periods = activities["period"].dropna()
    return str(max(periods.unique())) if len(periods) else None


def inside_area(activities: pd.DataFrame, area: str) -> pd.Series:
    """Whether each row lies in ``area`` (a unit of any level: its code is in one of the row's unit columns)."""
    mask = pd.Series(False, index=activities.index)
    for column in UNIT_COLUMNS:
        mask |= activities[column] == area
    return mask


def filter_activities(activities: pd.DataFrame, selection: ActivityFilter) -> pd.DataFrame:
    """Rows of the selected period (the latest by default) matching every non-empty filter."""
    mask = pd.Series(True, index=activities.index)
    for declared in ROW_FILTERS:
        value = getattr(selection, declared.name)
        if declared.kind is FilterKind.PERIOD:
            mask &= activities[declared.field] == (value or latest_period(activities))
        elif declared.kind is FilterKind.AREA:
            if value:
                mask &= inside_area(activities, value)
        elif value:
            mask &= activities[declared.field].isin(value)
    return activities[mask]


def with_stated_sector(activities: pd.DataFrame) -> pd.DataFrame:
    """The rows that state a sector: what a view by sector counts (rows without one count across sectors)."""
    return activities[activities["sector_code"].astype(object) != NO_SECTOR]
