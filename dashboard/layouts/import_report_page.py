"""One import's validation report in the dashboard (``/imports/rapport?import=N``): what a coordinator reads
before the meeting, and what to send back to the partner whose file it was.

The counts (read, accepted, repaired, waiting for a decision, rejected), the columns recognised and how,
the problems by kind with how many rows each and an example, the first problems row by row, and the
downloads: the whole report (Excel) and the rejected rows as uploaded (CSV), to correct and import again.
"""

from __future__ import annotations

from sqlalchemy import Engine

import pandas as pd
from dash import html

from dashboard.i18n import format_number, format_period, translate
from dashboard.ingest.preview import group_issues
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.reports.imports import (
    batch_issues,
    batch_profile,
    column_mapping,
    import_batch,
    import_batches,
    may_read,
    readable_groups,
    readable_issues,
    readable_mapping,
)
from dashboard.security.web import current_viewer
from dashboard.reports.snapshot import Snapshot
from dashboard.domain.enums import ImportKind

#: problems listed row by row on the page (the Excel report has them all)
ISSUES_SHOWN = 200
COUNTS = ("rows_read", "rows_accepted", "rows_repaired", "reviews_pending", "rows_rejected", "warnings")


def _table(frame: pd.DataFrame, table_id: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(str(column)) for column in frame.columns]))
    body = html.Tbody([html.Tr([html.Td("—" if pd.isna(value) else str(value)) for value in row])
                       for row in frame.itertuples(index=False)])
    return html.Table([head, body], className="report-table", id=table_id)


def percent(share: float | None, lang: str) -> str | None:
    """``0.889`` → ``89 %`` (French) or ``89%`` (English): how sure a repair or a suggestion is."""
    if share is None or pd.isna(share):
        return None
    return f"{round(100 * share)}\u202f%" if lang == "fr" else f"{round(100 * share)}%"


def _counts(batch: pd.Series, lang: str) -> html.Ul:
    return html.Ul([html.Li([html.Strong(format_number(int(batch[name]), lang)), " ",
                             translate(f"column.{name}", lang)], className=f"count count-{name}")
                    for name in COUNTS], className="import-counts", id="import-counts")


def layout(snapshot: Snapshot, params: ReportParams, engine: Engine) -> html.Div:
    lang, viewer = params.lang, current_viewer()
    number = params.option("import", "")
    batch = import_batch(engine, int(number)) if number.isdigit() else None
    if batch is None or not may_read(viewer, batch):
        return shell.page(snapshot, params, "imports", [
            html.P(translate("report.unknown_import", lang), id="import-report-missing"),
            html.A(translate("report.back_to_imports", lang), href=f"/imports?lang={lang}")], show_filters=False)
    counts = import_batches(engine, batch.id).iloc[0]
    issues = batch_issues(engine, batch.id, lang)  # read once: the groups are made from it
    groups = readable_groups(group_issues(issues), lang)
    issues = issues.drop(columns="kind")
    issues["confidence"] = issues["confidence"].map(lambda share: percent(share, lang))
    downloads = [html.A(translate("imports.report_link", lang), href=f"/imports/{batch.id}/report.xlsx?lang={lang}",
                        id="import-report-xlsx")]
    if batch.rows_rejected:
        downloads += [" · ", html.A(translate("imports.rejected_link", lang), href=f"/imports/{batch.id}/rejected.csv",
                                    id="import-rejected-csv")]
    content = [
        html.H2(translate("report.title", lang, file=batch.file_name)),
        html.P(translate("report.facts", lang, period=format_period(batch.period, lang), sheet=batch.sheet or "—",
                         who=batch.imported_by or "—", when=f"{batch.imported_at:%Y-%m-%d %H:%M}"), className="note"),
        _counts(counts, lang),
        html.P(downloads, className="downloads"),
        html.H3(translate("report.groups", lang)),
        html.P(translate("report.groups_how", lang), className="note"),
        (_table(readable_issues(groups, lang), "import-issue-groups") if not groups.empty
         else html.P(translate("report.no_problem", lang), id="import-issue-groups")),
        html.H3(translate("imports.sheet.columns", lang)),
        _table(readable_mapping(column_mapping(engine, batch.id), lang, batch_profile(batch)), "import-columns"),
        html.H3(translate("report.issues", lang, shown=format_number(min(len(issues), ISSUES_SHOWN), lang),
                          total=format_number(len(issues), lang))),
        _table(readable_issues(issues.head(ISSUES_SHOWN), lang), "import-issues"),
        html.A(translate("report.back_to_imports", lang), href=f"/imports?lang={lang}"),
    ]
    # the header names the period this import is for (a 3W), not the period the dashboard shows by default
    periods = [batch.period] if batch.kind == ImportKind.THREE_W else None
    return shell.page(snapshot, params, "imports", content, show_filters=False, periods=periods)
