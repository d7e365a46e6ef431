"""Review pages: cluster membership against reporting, and the duplicate-record review queue."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard.layouts.controls import dropdown
from dashboard.i18n import format_number, translate
from dashboard.layouts.analysis_page import AnalysisPage
from dashboard.layouts.shell import page_param
from dashboard.layouts.tables import cell_text
from dashboard.reports import ReportParams
from dashboard.reports.review import DUPLICATE_STATUSES, cannot_tell, duplicate_status
from dashboard.reports.snapshot import Snapshot, StoreReader
from dashboard.analysis.duplicates import CANNOT_TELL
from dashboard.domain.enums import DuplicateChoice

DUPLICATE_ROWS_SHOWN = 25
DECISIONS = tuple(DuplicateChoice)


# --- membership reconciliation ---------------------------------------------------------------------------------

def membership_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> object:
    lang = params.lang
    if snapshot.memberships.empty:
        return html.Span([translate("membership.none", lang), " ",
                          dcc.Link(translate("membership.upload_link", lang), href=f"/imports?lang={lang}",
                                   id="membership-upload-link"), " ", translate("membership.or_command", lang), " ",
                          html.Code("python -m dashboard import-memberships FICHIER.xlsx")])
    return translate("membership.summary", lang, clusters=len(frame),
                     silent=format_number(int(frame["silent_count"].sum()), lang),
                     outside=format_number(int(frame["non_member_count"].sum()), lang))


MEMBERSHIP = AnalysisPage("membership", "/membres", "membership", membership_summary)


# --- duplicate records ------------------------------------------------------------------------------------------

def duplicates_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    lang = params.lang
    key = "duplicates.summary_cannot_tell" if duplicate_status(params) == CANNOT_TELL else "duplicates.summary"
    return translate(key, lang, groups=format_number(len(frame), lang), rows=format_number(int(frame["count"].sum()), lang))


def duplicates_notes(snapshot: Snapshot, params: ReportParams, store: StoreReader) -> list[str]:
    """The groups that cannot be told apart, counted beside the list of those to review."""
    if duplicate_status(params) == CANNOT_TELL:
        return []
    groups, rows = cannot_tell(snapshot, params, store)
    lang = params.lang
    return [translate("duplicates.cannot_tell_note", lang, groups=format_number(groups, lang),
                      rows=format_number(rows, lang))] if groups else []


def duplicates_controls(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    return [html.Label([translate("duplicates.status", lang),
                        dropdown(lang, id=page_param("status"), clearable=False, value=duplicate_status(params),
                                 options=[{"label": translate(f"duplicates.status.{value}", lang), "value": value}
                                          for value in DUPLICATE_STATUSES])]),
            # outside the table, which the recomputed page replaces: the confirmation stays in sight
            html.P(id="decision-feedback", className="feedback", role="status")]


def duplicates_table(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> html.Div:
    """The first groups, each with its decision buttons."""
    lang = params.lang
    columns = ["organisation", "sector_code", "name", "cercle", "region", "count", "kind", "periods"]
    columns = [column for column in columns if column in frame.columns]
    head = html.Thead(html.Tr([html.Th(translate(f"column.{column}", lang)) for column in columns]
                              + [html.Th(translate("duplicates.decision", lang))]))
    rows = []
    for row in frame.head(DUPLICATE_ROWS_SHOWN).itertuples():
        cells = [html.Td(cell_text(column, getattr(row, column), lang)) for column in columns]
        cells[columns.index("kind")] = html.Td(translate(f"duplicates.kind.{row.kind}", lang))
        # a group of rows without activity or dates is not a finding: nothing to decide on it
        buttons = [] if row.kind == CANNOT_TELL else [
            html.Button(translate(f"duplicates.{decision}", lang), className="decision-button",
                        id={"type": "duplicate-decision", "key": row.group_key, "decision": decision})
            for decision in DECISIONS]
        rows.append(html.Tr(cells + [html.Td(buttons)]))
    note = translate("table.count", lang, shown=format_number(len(rows), lang), total=format_number(len(frame), lang))
    return html.Div([html.P(note, className="hint"), html.Table([head, html.Tbody(rows)], className="report-table")])


DUPLICATES = AnalysisPage("duplicates", "/doublons", "duplicates", duplicates_summary, duplicates_controls,
                          table=duplicates_table, store_notes=duplicates_notes)
