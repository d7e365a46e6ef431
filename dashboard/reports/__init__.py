"""Reports: each analysis as a named table computed from the same parameters everywhere.

The dashboard's pages, the download route (``/export/<report>.<csv|xlsx|json>?<query>``) and the command
line (``python -m dashboard <report>``) all call :func:`run_report`, so a number is the same wherever it is
read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.domain import hapi
from dashboard.domain.filters import FILTERS, ROW_FILTERS
from dashboard.exports import WRITERS, ExportHeader, hxl_writers
from dashboard.i18n import format_period, translate
from dashboard.reports import (
    brief,
    coverage,
    localisation,
    modality,
    needs,
    open_data,
    overview,
    people,
    presence,
    reporting,
    review,
    security_layers,
)
from dashboard.reports.country_words import country_text
from dashboard.reports.describe import (
    coarser_period_note,
    header_lines,
    labelled,
    period_without_rows,
    without_sector_note,
)
from dashboard.reports.params import ReportParams, params_from_query, params_to_query
from dashboard.domain.roles import Permission
from dashboard.reports.snapshot import Snapshot, StoreReader


@dataclass(frozen=True)
class ReportOption:
    """A report-specific setting, kept in the URL and offered on the command line as ``--<name>``."""

    name: str
    help: str
    default: str | None = None


def shown_period(snapshot: Snapshot, params: ReportParams) -> list[str | None]:
    """The period a report shows: the one chosen, else the latest with accepted rows."""
    return [params.selection(snapshot).period]


def always(params: ReportParams) -> bool:
    return True


def never(params: ReportParams) -> bool:
    return False


@dataclass(frozen=True)
class Report:
    compute: Callable[[Snapshot, ReportParams], pd.DataFrame]
    options: tuple[ReportOption, ...] = ()
    #: what a web viewer must be allowed to read it (None: public, under the data-responsibility policy)
    permission: Permission | None = None
    #: whether the table is by sector for these parameters (rows that state no sector are then left out,
    #: and the header says how many)
    by_sector: Callable[[ReportParams], bool] = never
    #: the reporting periods whose data the table shows (the header names them and their files); None for
    #: a report that does not come from the 3W (partnership agreements, memberships)
    periods: Callable[[Snapshot, ReportParams], list[str | None]] | None = shown_period
    #: whether it reads the store when asked (it is then given the :class:`StoreReader` as a third argument)
    reads_store: bool = False
    #: the filters (declared names) its table depends on, None for all: its cached tables are keyed by these
    #: only, so changing another filter reads them back (the partnership tables ignore the period)
    uses: tuple[str, ...] | None = None
    #: for a comparison of two periods, whether it compares places (a period reported only at coarser levels
    #: than the one shown then needs a note); who reported compares organisations, at any level
    compares_places: bool = True
    #: what it says when the period shown has no earlier one to compare with (a catalogue key)
    single_period: str = "change.single_period"
    #: for an open-data shape (HDX HAPI, a HXL 3W): the HXL tag of each column of its table; its files then
    #: keep the columns' own names (a standard's, not the catalogue's) and carry the tags as a second row
    hxl: Callable[[pd.DataFrame], Mapping[str, str]] | None = None
    #: the headers of its files in the reader's language (and the words of the view's country, its profile)
    #: when they are not the columns' names
    headers: Callable[[pd.DataFrame, str, object], list[str]] | None = None
    #: what else a reader must know beside its table (where the people in need come from...), one sentence a note
    notes: Callable[[Snapshot, ReportParams], list[str]] = lambda snapshot, params: []


#: the filters that select rows (every filter but the level a view is drawn at)
ROW_FILTER_NAMES = tuple(declared.name for declared in ROW_FILTERS)

REPORTS: dict[str, Report] = {
    "presence": Report(presence.presence_report),
    "presence_by_sector": Report(presence.presence_by_sector_report, by_sector=always),
    "organisations_by_type": Report(overview.organisations_by_type_report),
    "people": Report(people.people_report),
    "top_organisations": Report(overview.top_organisations_report),
    "sector_matrix": Report(lambda snapshot, params: overview.sector_matrix_report(
        snapshot, params, run_report("presence", snapshot, params), run_report("presence_by_sector", snapshot, params)),
        by_sector=always),
    "gaps": Report(coverage.gaps_report, (
        ReportOption("without", "an organisation type whose absence makes a gap, e.g. ngo_national "
                                "(default: no organisation at all)"),
        ReportOption("rank", "need: by people in need (the default when needs are imported: python -m dashboard "
                             "import-needs), or population")), by_sector=always, notes=needs.gap_notes),
    "need_coverage": Report(coverage.need_coverage_report, by_sector=always, notes=needs.needs_notes),
    "presence_modality": Report(modality.presence_modality_report, (
        ReportOption("by", "sector: per unit and sector (default: per unit, across all sectors)"),),
        by_sector=modality.modality_by_sector, notes=modality.modality_notes),
    "incidents": Report(security_layers.incidents_report, (
        ReportOption("year", "one year, e.g. 2023 (default: every year)"),), periods=None,
        uses=("level", "area"), notes=security_layers.incidents_notes),
    "access_presence": Report(security_layers.access_presence_report, by_sector=always,
                              notes=security_layers.access_notes),
    "food_insecurity": Report(needs.food_insecurity_report, notes=needs.food_insecurity_notes,
                              uses=("level", "period", "area", "org_types", "organisations")),
    "overlaps": Report(coverage.overlaps_report, (
        ReportOption("k", "minimum number of organisations in a unit and sector", str(coverage.DEFAULT_OVERLAP_K)),),
        by_sector=always),
    "change": Report(coverage.change_report, (
        ReportOption("from", "earlier period YYYY-MM (default: the latest period before --period with accepted "
                             "rows)"),
        ReportOption("by", "sector: arrivals and departures per unit and sector (default: per unit, across all "
                           "sectors)"),), by_sector=coverage.change_by_sector,
        periods=lambda snapshot, params: list(coverage.change_periods(snapshot, params))),
    "national_share_by_sector": Report(localisation.national_share_by_sector_report, by_sector=always),
    "national_share_by_region": Report(localisation.national_share_by_region_report),
    "member_share": Report(localisation.member_share_report, periods=None, uses=("sectors",)),
    "local_funding": Report(localisation.local_funding_report, periods=None, uses=("area", "sectors")),
    "partner_network": Report(localisation.partner_network_report, periods=None, uses=("area", "sectors")),
    "membership": Report(review.membership_report, by_sector=always),
    "cercle_brief": Report(brief.cercle_brief_report, by_sector=always),
    "reporting_status": Report(reporting.reporting_status_report, (
        ReportOption("from", "the round compared with, YYYY-MM (default: the latest published round before --period)"),
        ReportOption("by", "organisation (default): who did not report; sector or region: how many, per cluster or "
                           "region")), Permission.VIEW_REPORTING,
        periods=lambda snapshot, params: list(reporting.compared_rounds(snapshot, params)),
        uses=("period", "area", "sectors", "org_types", "organisations"), compares_places=False,
        single_period="reporting.single_period"),
    "round_sources": Report(reporting.round_sources_report, (), Permission.VIEW_REPORTING, uses=("period",)),
    "hapi_operational_presence": Report(open_data.hapi_operational_presence_report, uses=ROW_FILTER_NAMES,
                                        hxl=lambda frame: hapi.HXL_TAGS, notes=open_data.hapi_notes),
    "hxl_3w": Report(open_data.hxl_3w_report, permission=Permission.VIEW_DETAIL, reads_store=True,
                     uses=ROW_FILTER_NAMES, hxl=open_data.hxl_3w_tags, headers=open_data.hxl_3w_headers),
    "duplicates": Report(review.duplicates_report, (
        ReportOption("status", "pending (default), all, or cannot_tell (rows without activity or dates: never "
                               "proposed)", "pending"),), Permission.REVIEW_DUPLICATES,
        by_sector=always, reads_store=True),
}


def run_report(name: str, snapshot: Snapshot, params: ReportParams, store: StoreReader | None = None) -> pd.DataFrame:
    """The report's table for these parameters (cached per dataset version, shared by server processes). A
    report that reads the store when asked (the duplicate review) needs ``store``; its cached tables are keyed
    by the store's decisions too."""
    if name not in REPORTS:
        raise KeyError(f"unknown report {name!r}; reports: {', '.join(sorted(REPORTS))}")
    report = REPORTS[name]
    if report.reads_store and store is None:
        raise ValueError(f"the {name} report reads the store: pass the StoreReader")
    extra = (store,) if report.reads_store else ()
    if report.uses is not None:
        kept = {declared.name: getattr(params, declared.name) for declared in FILTERS if declared.name in report.uses}
        params = ReportParams(**kept, lang=params.lang, options=params.options)
    key = ("report", name, tuple(sorted(params_to_query(params).items())),
           store.decisions_version() if report.reads_store else None)
    return snapshot.cached(key, lambda: report.compute(snapshot, params, *extra).reset_index(drop=True))


def report_notes(name: str, snapshot: Snapshot, params: ReportParams) -> list[str]:
    """What a reader of the report must know beside its table: rows of the periods shown that state no sector,
    for a report by sector; for a comparison, a period reported only at coarser levels than the one shown."""
    report = REPORTS[name]
    if report.periods is None:
        return report.notes(snapshot, params)
    periods = report.periods(snapshot, params)
    notes = [without_sector_note(snapshot, params, periods) if report.by_sector(params) else None]
    if len(periods) > 1 and report.compares_places:
        notes += [coarser_period_note(snapshot, params, period) for period in periods]
    return [note for note in notes + report.notes(snapshot, params) if note]


def report_blank(name: str, snapshot: Snapshot, params: ReportParams) -> str | None:
    """Why the report cannot show anything for these parameters (a period shown without accepted rows, a
    comparison with nothing to compare with), in one sentence; None when it can."""
    report = REPORTS[name]
    if report.periods is None:
        return None
    periods = report.periods(snapshot, params)
    if any(period is None for period in periods):
        later = params.selection(snapshot).period
        return translate(report.single_period, params.lang, period=format_period(later, params.lang)) if later \
            else translate("header.no_data", params.lang)
    missing = [period for period in periods if not snapshot.has_rows(period)]
    return period_without_rows(snapshot, missing[0], params.lang) if missing else None


def report_header(name: str, snapshot: Snapshot, params: ReportParams) -> ExportHeader:
    """The title and the lines a download of the report starts with: filters, the periods shown and the files
    they come from, notes."""
    report = REPORTS[name]
    periods = report.periods(snapshot, params) if report.periods is not None else None
    # an open-data shape is drawn at its standard's levels, whatever the level of the page it was asked from
    used = report.uses if report.hxl is not None else None
    lines = header_lines(snapshot, params, periods, report_notes(name, snapshot, params), used)
    return ExportHeader(country_text(snapshot.profile, f"report.{name}", params.lang), tuple(lines))


def report_file(name: str, snapshot: Snapshot, params: ReportParams, fmt: str, store: StoreReader | None = None,
                labels: bool = True) -> bytes:
    """The report as a file (``csv``, ``xlsx``, ``json``) with its header (filters, "as of", sources, notes);
    column names in the reader's language when ``labels`` (the dashboard's downloads). An open-data shape keeps
    its own columns and writes its HXL row instead (CSV and Excel as HXL tools read them: headers, then tags,
    then rows; JSON with the tags beside the header)."""
    report = REPORTS[name]
    table = run_report(name, snapshot, params, store)
    header = report_header(name, snapshot, params)
    if report.hxl is None:
        return WRITERS[fmt][0](labelled(table, params.lang, snapshot.profile) if labels else table, header)
    tags = report.hxl(table)
    headers = report.headers(table, params.lang, snapshot.profile) if report.headers is not None else list(table.columns)
    return hxl_writers[fmt](table, header, [tags.get(column, "") for column in table.columns], headers)


__all__ = ["REPORTS", "Report", "ReportOption", "ReportParams", "labelled", "params_from_query", "params_to_query",
           "report_blank", "report_file", "report_header", "report_notes", "run_report"]
