"""Reports: each analysis as a named table computed from the same parameters everywhere.

The dashboard's pages, the download route (``/export/<report>.<csv|xlsx|json>?<query>``) and the command
line (``python -m dashboard <report>``) all call :func:`run_report`, so a number is the same wherever it is
read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard.reports import brief, coverage, localisation, presence, review
from dashboard.reports.describe import labelled, report_header
from dashboard.reports.params import ReportParams, params_from_query, params_to_query
from dashboard.security.roles import Permission
from dashboard.web_data import Snapshot


@dataclass(frozen=True)
class ReportOption:
    """A report-specific setting, kept in the URL and offered on the command line as ``--<name>``."""

    name: str
    help: str
    default: str | None = None


@dataclass(frozen=True)
class Report:
    compute: Callable[[Snapshot, ReportParams], pd.DataFrame]
    options: tuple[ReportOption, ...] = ()
    #: what a web viewer must be allowed to read it (None: public, under the data-responsibility policy)
    permission: Permission | None = None


REPORTS: dict[str, Report] = {
    "presence": Report(presence.presence_report),
    "presence_by_sector": Report(presence.presence_by_sector_report),
    "gaps": Report(coverage.gaps_report, (
        ReportOption("without", "an organisation type whose absence makes a gap, e.g. ngo_national "
                                "(default: no organisation at all)"),)),
    "overlaps": Report(coverage.overlaps_report, (
        ReportOption("k", "minimum number of organisations in a unit and sector", str(coverage.DEFAULT_OVERLAP_K)),)),
    "change": Report(coverage.change_report, (
        ReportOption("from", "earlier period YYYY-MM (default: the period before --period)"),)),
    "national_share_by_sector": Report(localisation.national_share_by_sector_report),
    "national_share_by_region": Report(localisation.national_share_by_region_report),
    "member_share": Report(localisation.member_share_report),
    "local_funding": Report(localisation.local_funding_report),
    "partner_network": Report(localisation.partner_network_report),
    "membership": Report(review.membership_report),
    "cercle_brief": Report(brief.cercle_brief_report),
    "duplicates": Report(review.duplicates_report, (
        ReportOption("status", "pending (default) or all", "pending"),), Permission.REVIEW_DUPLICATES),
}


#: reports that read something the dataset version does not cover (duplicate decisions), never cached
UNCACHED = {"duplicates"}


def run_report(name: str, snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """The report's table for these parameters (cached per dataset version, shared by server processes)."""
    if name not in REPORTS:
        raise KeyError(f"unknown report {name!r}; reports: {', '.join(sorted(REPORTS))}")

    def compute() -> pd.DataFrame:
        return REPORTS[name].compute(snapshot, params).reset_index(drop=True)

    if name in UNCACHED:
        return compute()
    return snapshot.cached(("report", name, tuple(sorted(params_to_query(params).items()))), compute)


__all__ = ["REPORTS", "Report", "ReportOption", "ReportParams", "labelled", "params_from_query", "params_to_query",
           "report_header", "run_report"]
