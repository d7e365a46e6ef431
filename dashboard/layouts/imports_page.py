"""The imports page: every file imported, what became of its rows, and its validation report."""

from __future__ import annotations

from dash import html

from dashboard.i18n import format_number, translate
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.reports.imports import import_batches
from dashboard.web_data import Snapshot

COLUMNS = ("file_name", "kind", "period", "imported_at", "rows_read", "rows_accepted", "rows_rejected", "repairs",
           "reviews", "warnings")


def layout(snapshot: Snapshot, params: ReportParams) -> html.Div:
    lang = params.lang
    batches = import_batches(snapshot.engine)
    head = html.Thead(html.Tr([html.Th(translate("imports.kind" if name == "kind" else f"column.{name}", lang))
                               for name in COLUMNS]
                              + [html.Th(translate("imports.report", lang))]))
    rows = []
    for batch in batches.itertuples():
        links = [html.A(translate("imports.report_link", lang), href=f"/imports/{batch.batch_id}/report.xlsx?lang={lang}")]
        if batch.rows_rejected:
            links += [" · ", html.A(translate("imports.rejected_link", lang),
                                    href=f"/imports/{batch.batch_id}/rejected.csv")]
        name = batch.file_name
        if batch.replaced_batch_id:
            name = [batch.file_name, html.Br(), html.Small(translate(
                "imports.replaces", lang, batch=batch.replaced_batch_id, before=batch.changes["rows_before"],
                after=batch.changes["rows_after"], organisations=len(batch.changes["organisations"])))]
        cells = [name, translate(f"imports.kind.{batch.kind}", lang), batch.period,
                 batch.imported_at.strftime("%Y-%m-%d %H:%M") if batch.imported_at else "—",
                 *(format_number(int(getattr(batch, name)), lang) for name in COLUMNS[4:])]
        rows.append(html.Tr([html.Td(cell) for cell in cells] + [html.Td(links)]))
    return shell.page(snapshot, params, "imports", [
        html.P(translate("imports.summary", lang, count=len(batches)), className="summary", id="imports-summary"),
        html.P(translate("imports.how", lang), className="note"),
        html.Table([head, html.Tbody(rows)], className="report-table", id="imports-table"),
    ], show_filters=False)
