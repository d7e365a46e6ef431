"""The imports page: upload a file (imported in the background, with progress), decide on pending place
suggestions, and every file imported with what became of its rows and its validation report.

Each part shows only to the roles allowed to use it, and the callbacks behind them check again.
"""

from __future__ import annotations

from sqlalchemy import Engine

from dash import dcc, html

from dashboard.i18n import catalogue, format_number, issue_text, kind_text, translate
from dashboard.ingest.reader import MAX_UPLOAD_BYTES
from dashboard.ingest.review import pending_suggestions
from dashboard.ingest.validate import CODE_SETS
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.reports.imports import import_batches
from dashboard.domain.roles import Permission, Role, Viewer
from dashboard.security.web import current_viewer
from dashboard.domain.text import clean_text
from dashboard.reports.snapshot import Snapshot

#: pending suggestions listed at once (the oldest first); deciding on them brings the next ones
SUGGESTIONS_SHOWN = 100

COLUMNS = ("file_name", "kind", "period", "imported_at", "rows_read", "rows_accepted", "rows_repaired", "rows_rejected",
           "reviews_pending", "warnings")


def upload_section(viewer: Viewer, lang: str, countries: tuple = ()) -> html.Section | None:
    """The upload form; with several ``countries`` (profiles), the 3W's country to choose, found from the file
    unless chosen."""
    kinds = viewer.upload_kinds
    if not kinds:
        return None
    imo = viewer.can(Permission.IMPORT_3W)
    how = "upload.how_imo" if imo else "upload.how_partner" if "3w" in kinds else "upload.how_coordinator"
    return html.Section([
        html.H3(translate("upload.title", lang)),
        html.P(translate(how, lang), className="note"),
        html.Label([translate("upload.kind", lang), dcc.RadioItems(
            id="upload-kind", value=kinds[0], inline=True,
            options=[{"label": translate(f"upload.kind.{kind}", lang), "value": kind} for kind in kinds])]),
        html.Label([translate("upload.period", lang), dcc.Input(id="upload-period", type="text", maxLength=7,
                                                              placeholder="2024-03", className="text-input")]),
        html.Label([translate("upload.source", lang), dcc.Input(
            id="upload-source", type="text", maxLength=200, className="text-input", disabled=not imo,
            placeholder=translate("upload.source_hint" if imo else "upload.source_partner", lang))]),
        html.Label([translate("upload.code_set", lang), dcc.RadioItems(
            id="upload-code-set", value="auto", inline=True,
            options=[{"label": translate(f"upload.code_set.{code}", lang), "value": code} for code in CODE_SETS])]),
        html.Label([translate("upload.country", lang), dcc.RadioItems(
            id="upload-country", value="", inline=True,
            options=[{"label": translate("upload.country.found", lang), "value": ""},
                     *({"label": profile.name(lang), "value": profile.iso3} for profile in countries)])],
                   hidden=len(countries) < 2),
        dcc.Upload(id="upload-file", max_size=MAX_UPLOAD_BYTES, multiple=False, className="upload-zone",
                   accept=".xlsx,.xlsm,.xls,.csv", children=html.Div(translate("upload.drop", lang))),
        html.Div(id="upload-status", role="status", className="feedback"),
        html.Div([html.Button(translate("upload.confirm", lang), id="upload-confirm", className="decision-button"),
                  html.Button(translate("upload.cancel", lang), id="upload-cancel", className="decision-button")],
                 id="upload-decision", hidden=True),
        dcc.Store(id="upload-job"),
        dcc.Interval(id="upload-poll", interval=1000, disabled=True),
    ], className="report-section", id="upload-section")


def preview_section(preview: dict, lang: str) -> html.Div:
    """What a checked upload would do: its counts and its problems by kind, before the person confirms."""
    def count(name: str) -> str:
        return translate(f"preview.{name}", lang, count=format_number(int(preview[name]), lang))

    # rows with repaired values are accepted rows: said beside the accepted ones, not as a count of their own
    counts = " · ".join([count("rows_read"), f"{count('rows_accepted')} ({count('rows_repaired')})",
                         *(count(name) for name in ("reviews", "rows_rejected", "warnings"))])
    parts = [html.P(counts, id="preview-counts")]
    if preview.get("replaced_batch_id"):
        changes = preview["changes"]
        parts.append(html.P(translate("preview.replaces", lang, batch=preview["replaced_batch_id"],
                                      before=changes["rows_before"], after=changes["rows_after"])))
    if preview["groups"]:
        head = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in
                                   ("issue.severity", "issue.column", "issue.count", "issue.problem", "issue.first_row",
                                    "issue.example", "issue.suggestion")]))
        rows = [html.Tr([html.Td(translate(f"severity.{group['severity']}", lang)), html.Td(group["column"] or "—"),
                         html.Td(format_number(group["count"], lang)),
                         html.Td(group_kind_text(group, lang)),
                         html.Td(str(group["first_row"]) if group["first_row"] is not None
                                 else translate("issue.whole_file", lang)),
                         html.Td(issue_text(group["message"], "problem", group["problem"], lang)),
                         html.Td(issue_text(group["message"], "advice", group["suggestion"], lang) or "—")])
                for group in preview["groups"]]
        parts.append(html.Table([head, html.Tbody(rows)], className="report-table", id="preview-groups"))
    parts.append(html.P(translate("preview.how", lang), className="note"))
    return html.Div(parts, id="upload-preview")


def group_kind_text(group: dict, lang: str) -> str:
    """The text of a preview's group of problems: its kind's (a preview stored before groups had kinds, or an
    issue without a catalogue key, shows the rule that found them)."""
    kind = group.get("kind")
    text = kind_text(kind, lang) if kind else None
    return text or catalogue(lang).get(f"method.{group['method']}", group["method"]) or "—"


def suggestions_table(viewer: Viewer, engine, lang: str) -> html.Div:
    pending = pending_suggestions(engine, viewer)
    if pending.empty:
        return html.Div(html.P(translate("review.none", lang)), id="suggestions-list")
    head = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in
                               ("review.file", "review.row", "table.acronym", "review.problem", "review.decision")]))
    rows = [html.Tr([
        html.Td(row.file_name), html.Td(str(row.source_row)), html.Td(clean_text(row.acronym) or ""),
        html.Td(issue_text(row.message, "problem", row.problem, lang)),
        html.Td([html.Button(translate(f"review.{decision}", lang), className="decision-button",
                             id={"type": "suggestion", "issue": int(row.issue_id), "decision": decision})
                 for decision in ("accepted", "declined")]),
    ]) for row in pending.head(SUGGESTIONS_SHOWN).itertuples()]
    return html.Div([html.P(translate("review.summary", lang, count=len(pending))),
                     html.Table([head, html.Tbody(rows)], className="report-table")], id="suggestions-list")


def review_section(viewer: Viewer, engine, lang: str) -> html.Section | None:
    if not viewer.can(Permission.REVIEW_SUGGESTIONS):
        return None
    return html.Section([html.H3(translate("review.title", lang)),
                         html.P(translate("review.how", lang), className="note"),
                         html.P(id="suggestion-feedback", role="status", className="feedback"),
                         suggestions_table(viewer, engine, lang)], className="report-section")


def layout(snapshot: Snapshot, params: ReportParams, engine: Engine) -> html.Div:
    lang, viewer = params.lang, current_viewer()
    batches = import_batches(engine)
    if viewer.role is Role.PARTNER:  # a partner follows its own uploads
        batches = batches[batches["imported_by"] == viewer.username]
    head = html.Thead(html.Tr([html.Th(translate("imports.kind" if name == "kind" else f"column.{name}", lang))
                               for name in COLUMNS]
                              + [html.Th(translate("imports.report", lang))]))
    rows = []
    for batch in batches.itertuples():
        links = [dcc.Link(translate("imports.report_page", lang), href=f"/imports/rapport?import={batch.batch_id}&lang={lang}"),
                 " · ", html.A(translate("imports.report_link", lang),
                               href=f"/imports/{batch.batch_id}/report.xlsx?lang={lang}")]
        if batch.rows_rejected:
            links += [" · ", html.A(translate("imports.rejected_link", lang),
                                    href=f"/imports/{batch.batch_id}/rejected.csv")]
        name = batch.file_name
        if batch.replaced_batch_id:
            name = [batch.file_name, html.Br(), html.Small(translate(
                "imports.replaces", lang, batch=batch.replaced_batch_id, before=batch.changes["rows_before"],
                after=batch.changes["rows_after"], organisations=len(batch.changes["organisations"])))]
        # the country beside the period, in an installation of several countries
        period = f"{batch.period} · {batch.country}" if len(snapshot.countries) > 1 and batch.period else batch.period
        cells = [name, translate(f"imports.kind.{batch.kind}", lang), period,
                 batch.imported_at.strftime("%Y-%m-%d %H:%M") if batch.imported_at else "—",
                 *(format_number(int(getattr(batch, name)), lang) for name in COLUMNS[4:])]
        rows.append(html.Tr([html.Td(cell) for cell in cells] + [html.Td(links)]))
    return shell.page(snapshot, params, "imports", [
        upload_section(viewer, lang, snapshot.countries),
        review_section(viewer, engine, lang),
        html.H3(translate("imports.list", lang)),
        html.P(translate("imports.summary", lang, count=len(batches)), className="summary", id="imports-summary"),
        html.P(translate("imports.how", lang), className="note"),
        html.Table([head, html.Tbody(rows)], className="report-table", id="imports-table"),
    ], show_filters=False)
