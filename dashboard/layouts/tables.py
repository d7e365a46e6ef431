"""Report tables as HTML: translated headers, sector and organisation-type labels, the first rows only.

A ranked table of thousands of rows would be slow on a field connection and unreadable on a projector;
the page shows the first ``max_rows`` and the downloads carry the whole table.
"""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from dashboard.i18n import catalogue, format_number, language, translate
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY

LABELLED_CODES = {"sector_code": SECTOR_VOCABULARY, "org_type": ORG_TYPE_VOCABULARY}


def cell_text(column: str, value: object, lang: str) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if column in LABELLED_CODES:
        return LABELLED_CODES[column].label(str(value), lang)
    if isinstance(value, bool):
        return translate("value.yes" if value else "value.no", lang)
    if isinstance(value, float):
        if column.endswith("share") or column == "target":
            return f"{value:.0%}"
        return format_number(int(round(value)), lang) if value.is_integer() or abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return format_number(value, lang)
    return str(value)


def report_table(frame: pd.DataFrame, lang: str, max_rows: int = 50) -> html.Div:
    """The first ``max_rows`` rows of a report, with a line saying how many there are in all."""
    labels = catalogue(language(lang))
    shown = frame.head(max_rows)
    head = html.Thead(html.Tr([html.Th(labels.get(f"column.{column}", column)) for column in frame.columns]))
    body = html.Tbody([html.Tr([html.Td(cell_text(column, value, lang)) for column, value in row.items()])
                       for _, row in shown.iterrows()])
    note = translate("table.count", lang, shown=format_number(len(shown), lang), total=format_number(len(frame), lang))
    return html.Div([html.P(note, className="hint"), html.Table([head, body], className="report-table")])
