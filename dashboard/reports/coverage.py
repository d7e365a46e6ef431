"""Coverage reports: gaps (where nobody works), overlaps (where many do the same), change between periods."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.analysis.change import change_columns, presence_change
from dashboard.analysis.filters import filter_activities, latest_period, with_stated_sector
from dashboard.analysis.gaps import sector_gaps
from dashboard.analysis.overlaps import overlaps
from dashboard.reports.describe import with_unit_names
from dashboard.i18n import translate
from dashboard.reports.params import ReportParams
from dashboard.security.policy import hide_names
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY
from dashboard.web_data import Snapshot

DEFAULT_OVERLAP_K = 3
#: Sectors that are not a service to people, so their absence is no gap unless asked for by name; and rows
#: that state no sector, which no sector's gap can be made of.
NOT_A_SERVICE = {"coordination", NO_SECTOR}


def gap_sectors(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The sectors gaps are looked for in: those chosen, else every response sector of the period's 3W."""
    if params.sectors:
        return [sector for sector in params.sectors if sector != NO_SECTOR]
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
    activities = with_stated_sector(filter_activities(snapshot.activities, params.selection(snapshot)))
    table = overlaps(activities, snapshot.organisations, params.level, overlap_threshold(params))
    if snapshot.public:
        table["acronyms"] = hidden_below_k(table["acronyms"], table["organisations"], snapshot, params)
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)


def change_periods(snapshot: Snapshot, params: ReportParams) -> tuple[str | None, str | None]:
    """(earlier, later) periods compared: ``from`` and the selected period, by default the latest period
    before it that has accepted rows. A ``from`` period asked for by name is kept even when it has no
    accepted rows, so that the view says so rather than compare other periods."""
    periods = sorted(snapshot.activities["period"].astype(str).unique())
    later = params.period or latest_period(snapshot.activities)
    earlier = params.option("from")
    if not earlier or earlier == later:
        before = [period for period in periods if later is None or period < later]
        earlier = before[-1] if before else None
    return earlier, later


def compared_activities(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The rows of both compared periods, with every other filter applied."""
    selection = params.selection(snapshot)
    return pd.concat([filter_activities(snapshot.activities, replace(selection, period=period))
                      for period in change_periods(snapshot, params) if period is not None])


def change_by_sector(params: ReportParams) -> bool:
    """Whether the change is shown by sector (``by=sector``) rather than across all sectors (the default)."""
    return params.option("by") == "sector"


def change_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit (or unit and sector, with ``by=sector``): organisations that arrived, left and stayed between
    two reporting periods. Empty when either period has no accepted rows (the header says which)."""
    earlier, later = change_periods(snapshot, params)
    by_sector = change_by_sector(params)
    if not (snapshot.has_rows(earlier) and snapshot.has_rows(later)):
        return with_unit_names(pd.DataFrame(columns=change_columns(by_sector)), snapshot)
    table = presence_change(compared_activities(snapshot, params), snapshot.organisations, params.level,
                            earlier, later, by_sector=by_sector)
    if snapshot.public:
        for names, counts in (("arrived_names", "organisations_to"), ("left_names", "organisations_from"),
                              ("stayed_names", "organisations_to")):
            table[names] = hidden_below_k(table[names], table[counts], snapshot, params)
    return with_unit_names(table[snapshot.inside(table["pcode"], params.area)], snapshot)
