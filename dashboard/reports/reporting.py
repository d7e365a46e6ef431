"""Reporting-status reports: per round, the imports it is made of, and the organisations that reported in the
round compared with (by default the previous published one) and not in this one: by organisation, by cluster,
by region."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.reporting import silent_by, silent_organisations
from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.reports.coverage import change_periods
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot

SOURCE_COLUMNS = ["period", "source", "file_name", "imported_at", "rows_read", "rows_accepted", "published"]
#: what a reporting-status table lists: organisations (the default), clusters or regions
BY = ("organisation", "sector", "region")


def compared_rounds(snapshot: Snapshot, params: ReportParams) -> tuple[str | None, str | None]:
    """(round compared with, round shown): as the change page compares, ``from`` and the selected period, by
    default the latest published round before the one shown."""
    return change_periods(snapshot, params)


def reporting_by(params: ReportParams) -> str:
    value = params.option("by", "organisation")
    return value if value in BY else "organisation"


def reporting_status_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The organisations that reported in the round compared with and not in the one shown (``by=organisation``,
    with their type, clusters, regions and last round), or per cluster (``by=sector``) or region
    (``by=region``) how many did so. Every other filter (sector, type, area) applies to both rounds."""
    earlier, shown = compared_rounds(snapshot, params)
    selection = params.selection(snapshot)
    before, now = snapshot.rows(selection, period=earlier), snapshot.rows(selection, period=shown)
    by = reporting_by(params)
    if by == "organisation":
        table = silent_organisations(before, now, [period for period in snapshot.periods if shown and period <= shown])
        names = dict(zip(snapshot.organisations["organisation_id"], snapshot.organisations["name"]))
        table.insert(2, "name", table["organisation_id"].map(names))
        table["sectors"] = table["sectors"].map(lambda codes: [SECTOR_VOCABULARY.label(code, params.lang)
                                                                for code in codes])
        units = snapshot.unit_names()
        table["regions"] = table["regions"].map(lambda codes: [units.get(code, code) for code in codes])
        return table.drop(columns="organisation_id")
    table = silent_by(before, now, by)
    if by == "region":
        table.insert(1, "region", table["adm1_pcode"].map(snapshot.unit_names()))
    return table


def round_sources_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The 3W imports the round shown is made of (one per source): file, source, when, rows, published or not."""
    period = params.period or snapshot.latest_period
    batches = snapshot.batches_of(period)
    return pd.DataFrame({"period": batches["period"], "source": batches["source"], "file_name": batches["file_name"],
                         "imported_at": batches["imported_at"], "rows_read": batches["rows_read"],
                         "rows_accepted": batches["rows_accepted"],
                         "published": batches["published_at"].notna()}, columns=SOURCE_COLUMNS)
