"""Coverage reports: gaps (where nobody works), overlaps (where many do the same), change between periods."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.analysis.change import presence_change
from dashboard.analysis.filters import filter_activities, latest_period
from dashboard.analysis.gaps import sector_gaps
from dashboard.analysis.overlaps import overlaps
from dashboard.reports.describe import with_unit_names
from dashboard.i18n import translate
from dashboard.reports.params import ReportParams
from dashboard.security.policy import hide_names
from dashboard.vocabulary import ORG_TYPE_VOCABULARY
from dashboard.web_data import Snapshot

DEFAULT_OVERLAP_K = 3
#: Sectors that are not a service to people, so their absence is no gap unless asked for by name.
NOT_A_SERVICE = {"coordination"}


def gap_sectors(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The sectors gaps are looked for in: those chosen, else every response sector of the period's 3W."""
    if params.sectors:
        return list(params.sectors)
    period = params.selection(snapshot).period
    reported = set(snapshot.activities.loc[snapshot.activities["period"] == period, "sector_code"].astype(str))
    return sorted(reported - NOT_A_SERVICE)


def gap_type(params: ReportParams) -> str | None:
    """The organisation type whose absence makes a gap (``without=ngo_national``), or None for "nobody"."""
    value = params.option("without")
    return value if value in ORG_TYPE_VOCABULARY.by_code else None


def gaps_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Unit x sector cells with no organisation (or none of the ``without`` type), largest population first."""
    activities = filter_activities(snapshot.activities, params.selection(snapshot))
    table = sector_gaps(activities, snapshot.units_for(params.area), params.level, gap_sectors(snapshot, params),
                        population=snapshot.population, org_type=gap_type(params))
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)


def hidden_below_k(names: pd.Series, counts: pd.Series, snapshot: Snapshot, params: ReportParams) -> pd.Series:
    """Names of a public report's cells, hidden where fewer organisations than the policy's k work."""
    policy = snapshot.public_policy
    return hide_names(names, counts, policy,
                      translate("policy.hidden_names", params.lang, k=policy.min_organisations_named))


def overlap_threshold(params: ReportParams) -> int:
    value = params.option("k", str(DEFAULT_OVERLAP_K))
    return int(value) if value.isdigit() and int(value) >= 1 else DEFAULT_OVERLAP_K


def overlaps_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Unit x sector cells where at least k organisations are present, with who they are."""
    activities = filter_activities(snapshot.activities, params.selection(snapshot))
    table = overlaps(activities, snapshot.organisations, params.level, overlap_threshold(params))
    if snapshot.public:
        table["acronyms"] = hidden_below_k(table["acronyms"], table["organisations"], snapshot, params)
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)


def change_periods(snapshot: Snapshot, params: ReportParams) -> tuple[str | None, str | None]:
    """(earlier, later) periods compared: ``from`` and the selected period, by default the one before it."""
    periods = sorted(snapshot.activities["period"].astype(str).unique())
    later = params.period or latest_period(snapshot.activities)
    earlier = params.option("from")
    if earlier not in periods or earlier == later:
        before = [period for period in periods if later is None or period < later]
        earlier = before[-1] if before else None
    return earlier, later


def compared_activities(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The rows of both compared periods, with every other filter applied."""
    selection = params.selection(snapshot)
    return pd.concat([filter_activities(snapshot.activities, replace(selection, period=period))
                      for period in change_periods(snapshot, params) if period is not None])


def change_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit and sector: organisations that arrived and left between two reporting periods."""
    earlier, later = change_periods(snapshot, params)
    if earlier is None:
        return pd.DataFrame(columns=["pcode", "sector_code", "organisations_from", "organisations_to", "arrived",
                                     "left", "arrived_count", "left_count", "net"])
    table = presence_change(compared_activities(snapshot, params), snapshot.organisations, params.level,
                            earlier, later)
    if snapshot.public:
        table["arrived"] = hidden_below_k(table["arrived"], table["organisations_to"], snapshot, params)
        table["left"] = hidden_below_k(table["left"], table["organisations_from"], snapshot, params)
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)
