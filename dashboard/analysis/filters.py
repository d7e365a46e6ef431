"""The global filters every view shares, applied to the activity frame."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.domain.places import LEVEL_BY_LENGTH
from dashboard.domain.vocabulary import NO_SECTOR


@dataclass(frozen=True)
class ActivityFilter:
    """Empty tuples mean "all"; ``period`` None means the latest period in the data."""

    sectors: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    period: str | None = None
    #: a region or cercle P-code: only activities inside it
    area: str | None = None


def latest_period(activities: pd.DataFrame) -> str | None:
    periods = activities["period"].dropna()
    return str(max(periods.unique())) if len(periods) else None


def filter_activities(activities: pd.DataFrame, selection: ActivityFilter) -> pd.DataFrame:
    """Rows of the selected period (the latest by default) matching every non-empty filter."""
    period = selection.period or latest_period(activities)
    mask = activities["period"] == period
    if selection.sectors:
        mask &= activities["sector_code"].isin(selection.sectors)
    if selection.org_types:
        mask &= activities["org_type"].isin(selection.org_types)
    if selection.organisations:
        mask &= activities["organisation_id"].isin(selection.organisations)
    if selection.area:
        mask &= activities[f"adm{LEVEL_BY_LENGTH[len(selection.area)]}_pcode"] == selection.area
    return activities[mask]


def with_stated_sector(activities: pd.DataFrame) -> pd.DataFrame:
    """The rows that state a sector: what a view by sector counts (rows without one count across sectors)."""
    return activities[activities["sector_code"].astype(object) != NO_SECTOR]
