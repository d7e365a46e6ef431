"""The sector x area matrix: units of the level shown in rows, sectors in columns, organisations present in
each cell; an empty cell (no organisation) stands out, so a coordinator reads gaps and concentrations on one
screen. The download holds every unit."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.i18n import format_number, translate
from dashboard.layouts.analysis_page import AnalysisPage
from dashboard.layouts.tables import cell_text
from dashboard.reports import ReportParams
from dashboard.reports.country_words import level_plural
from dashboard.reports.describe import column_label
from dashboard.reports.overview import SECTOR_COLUMN
from dashboard.reports.snapshot import Snapshot

#: cercles fit on the page whole (53); communes (701) are cut there, the download has them all
MATRIX_ROWS = 120


def sector_columns(frame: pd.DataFrame) -> list[str]:
    return [column for column in frame.columns if str(column).startswith(SECTOR_COLUMN)]


def summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    sectors = sector_columns(frame)
    empty = int((frame[sectors] == 0).to_numpy().sum()) if sectors else 0
    return translate("matrix.summary", params.lang, units=format_number(len(frame), params.lang),
                     units_word=level_plural(snapshot.profile, params.level, params.lang), sectors=len(sectors),
                     empty=format_number(empty, params.lang), cells=format_number(len(frame) * len(sectors),
                                                                                   params.lang))


def _shade(count: int, widest: int) -> str:
    """A cell's class: empty (a gap), or one of four shades by count."""
    if count == 0:
        return "matrix-cell empty"
    return f"matrix-cell shade-{min(3, int(4 * (count - 1) / max(widest, 1)))}"


def table(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> html.Div:
    lang = params.lang
    sectors = set(sector_columns(frame))
    widest = int(frame[list(sectors)].to_numpy().max()) if sectors and len(frame) else 0
    shown = frame.head(MATRIX_ROWS)
    head = html.Thead(html.Tr([html.Th(column_label(str(column), lang, snapshot.profile),
                                       className="sector-head" if column in sectors else None)
                               for column in frame.columns]))
    body = html.Tbody([html.Tr([
        html.Td(format_number(int(value), lang), className=_shade(int(value), widest)) if column in sectors
        else html.Td(cell_text(column, value, lang), className="number" if column == "organisations" else None)
        for column, value in row.items()]) for _, row in shown.iterrows()])
    note = translate("table.count", lang, shown=format_number(len(shown), lang), total=format_number(len(frame), lang))
    return html.Div([html.P(note, className="hint"),
                     html.P(translate("matrix.legend", lang), className="note"),
                     html.Table([head, body], className="report-table matrix", id="sector-matrix")],
                    className="table-scroll")


MATRIX = AnalysisPage("matrix", "/matrice", "sector_matrix", summary, table=table, default_level=2)
