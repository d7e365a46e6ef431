"""People in need (HNO) on the Lacunes page: how gaps are ranked, and the units with many people in need and few
organisations. Shown only when needs are imported; the page is otherwise as it was."""

from __future__ import annotations

from dash import html

from dashboard.i18n import translate
from dashboard.layouts.controls import dropdown
from dashboard.layouts.shell import download_links, page_param
from dashboard.layouts.tables import report_table
from dashboard.reports import ReportParams, run_report
from dashboard.reports.needs import RANKS, gap_rank, has_needs
from dashboard.reports.snapshot import Snapshot

#: rows of the need-coverage table on the page (the download has all of them)
SHOWN_ROWS = 15


def need_rank_controls(snapshot: Snapshot, params: ReportParams) -> list:
    """What gaps are ranked by (people in need or population), when needs are imported."""
    if not has_needs(snapshot):
        return []
    lang = params.lang
    return [html.Label([translate("gaps.rank", lang), dropdown(
        lang, id=page_param("rank"), value=gap_rank(snapshot, params), clearable=False,
        options=[{"label": translate(f"gaps.rank.{rank}", lang), "value": rank} for rank in RANKS])])]


def need_coverage_section(snapshot: Snapshot, params: ReportParams) -> list:
    """The units with most people in need per organisation present, by sector, and its downloads."""
    if not has_needs(snapshot):
        return []
    lang = params.lang
    frame = run_report("need_coverage", snapshot, params)
    return [html.Section([
        html.H3(translate("report.need_coverage", lang)),
        html.P(translate("needs.coverage_note", lang), className="note"),
        report_table(frame, lang, max_rows=SHOWN_ROWS),
        download_links("need_coverage", params),
    ], className="report-section", id="need-coverage")]
