"""Coverage reports: gaps (where nobody works), overlaps (where many do the same), change between periods; all
read from the presence cube."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.change import change_columns, change_table, unit_change
from dashboard.analysis.gaps import gap_table
from dashboard.analysis.needs import INTERSECTORAL, need_coverage_table
from dashboard.analysis.overlaps import overlap_table
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY
from dashboard.i18n import translate
from dashboard.reports.describe import with_unit_names
from dashboard.reports.needs import gap_rank, need_ranking, needs_at
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot
from dashboard.security.policy import hide_names

DEFAULT_OVERLAP_K = 3
#: Sectors that are not a service to people, so their absence is no gap unless asked for by name; and rows
#: that state no sector, which no sector's gap can be made of.
NOT_A_SERVICE = {"coordination", NO_SECTOR}


def gap_sectors(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The sectors gaps are looked for in: those chosen, else every response sector of the period's 3W."""
    if params.sectors:
        return [sector for sector in params.sectors if sector != NO_SECTOR]
    rows = snapshot.cube.period_rows(params.selection(snapshot).period)
    reported = {snapshot.cube.sectors[number] for number in set(rows.sector.tolist())}
    return sorted(reported - NOT_A_SERVICE)


def gap_type(params: ReportParams) -> str | None:
    """The organisation type whose absence makes a gap (``without=ngo_national``), or None for "nobody"."""
    value = params.option("without")
    return value if value in ORG_TYPE_VOCABULARY.by_code else None


def gaps_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Unit x sector cells with no organisation (or none of the ``without`` type), most people in need first when
    needs (HNO) are imported, else (or with ``rank=population``) largest population first. Ranked by need, the
    table has the people in need and the population."""
    rows = snapshot.rows(params.selection(snapshot))
    sectors, org_type = gap_sectors(snapshot, params), gap_type(params)
    if gap_rank(snapshot, params) == "population":
        table = gap_table(rows, params.level, sectors, population=snapshot.population, org_type=org_type,
                          area=params.area)
        return with_unit_names(table, snapshot)
    table = gap_table(rows, params.level, sectors, population=need_ranking(snapshot, params), org_type=org_type,
                      area=params.area)
    population = (snapshot.population.set_index("pcode")["population"].convert_dtypes()
                  if snapshot.population is not None else pd.Series(dtype="Int64"))
    table["population"] = population.reindex(table["pcode"]).array
    table["population_known"] = table["population"].notna().astype(bool)
    return with_unit_names(table, snapshot)


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
    selection = params.selection(snapshot)
    rows = snapshot.rows(selection).stated_sector(NO_SECTOR)
    table = overlap_table(rows, params.level, overlap_threshold(params), area=params.area, period=selection.period)
    if snapshot.public:
        table["acronyms"] = hidden_below_k(table["acronyms"], table["organisations"], snapshot, params)
    return with_unit_names(table, snapshot)


def change_periods(snapshot: Snapshot, params: ReportParams) -> tuple[str | None, str | None]:
    """(earlier, later) periods compared: ``from`` and the selected period, by default the last two published
    rounds (the latest published round before the one shown). A ``from`` period asked for by name is kept
    even when it has no accepted rows, so that the view says so rather than compare other periods."""
    later = params.period or snapshot.latest_period
    earlier = params.option("from")
    if not earlier or earlier == later:
        before = [period for period in snapshot.published_periods or snapshot.periods
                  if later is None or period < later]
        earlier = before[-1] if before else None
    return earlier, later


def compared_rows(snapshot: Snapshot, params: ReportParams):
    """The cube rows of both compared periods, with every other filter applied."""
    selection = params.selection(snapshot)
    earlier, later = change_periods(snapshot, params)
    return snapshot.rows(selection, period=earlier), snapshot.rows(selection, period=later)


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
    table = change_table(*compared_rows(snapshot, params), params.level, by_sector=by_sector, area=params.area)
    if snapshot.public:
        for names, counts in (("arrived_names", "organisations_to"), ("left_names", "organisations_from"),
                              ("stayed_names", "organisations_to")):
            table[names] = hidden_below_k(table[names], table[counts], snapshot, params)
    return with_unit_names(table, snapshot)


def change_by_unit(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """For the change map: every unit of the level inside the area with the counts across all sectors (zeros
    when either period has no accepted rows)."""
    earlier, later = change_periods(snapshot, params)
    if not (snapshot.has_rows(earlier) and snapshot.has_rows(later)):
        units = snapshot.units_in(params.level, params.area)
        return pd.DataFrame({"pcode": units, "arrived": 0, "left": 0})
    return unit_change(*compared_rows(snapshot, params), params.level, area=params.area)


# --- need against presence ----------------------------------------------------------------------------------

def coverage_sectors(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The sectors of the need-coverage table: those chosen, else those gaps are looked for in (the sectors the
    3W reports: an area of responsibility the 3W does not name, such as GBV under Protection, would show
    nobody) with the intersectoral figure, against the organisations of every sector."""
    if params.sectors:
        return [sector for sector in params.sectors if sector != NO_SECTOR]
    return [*gap_sectors(snapshot, params), INTERSECTORAL]


def need_coverage_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per unit and sector with people in need: the organisations present and the people in need per
    organisation present; cells where nobody is present first (most people in need first), then the largest
    number of people in need per organisation."""
    selection = snapshot.rows(params.selection(snapshot))
    area_units = snapshot.units_in(params.level, params.area) if params.area else None
    table = need_coverage_table(selection, params.level, needs_at(snapshot, params.level),
                                coverage_sectors(snapshot, params), area_units)
    return with_unit_names(table, snapshot)
