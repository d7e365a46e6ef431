"""Report tables as HTML: translated headers, sector and organisation-type labels, the first rows only.

A ranked table of thousands of rows would be slow on a field connection and unreadable on a projector;
the page shows the first ``max_rows`` and the downloads carry the whole table.
"""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from dashboard.i18n import format_number, translate
from dashboard.domain.country import CountryProfile
from dashboard.reports.describe import column_label
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


#: a list longer than this is folded in a table cell: its first names, then the whole list on demand
FOLDED_AFTER = 4
#: how many names a folded list shows before its count
FOLDED_SHOWN = 2


def cell(column: str, value: object, lang: str) -> object:
    """A table cell's content: a long list (organisations of a cell, who did not report) shows its first
    names and how many more, and unfolds on a click, so a table of 50 rows stays readable on a projector."""
    if isinstance(value, (list, tuple)) and len(value) > FOLDED_AFTER:
        first = ", ".join(map(str, value[:FOLDED_SHOWN]))
        more = translate("table.more", lang, count=format_number(len(value) - FOLDED_SHOWN, lang))
        return html.Details([html.Summary(f"{first} {more}"), html.P(", ".join(map(str, value)))],
                            className="folded-list")
    return cell_text(column, value, lang)


def report_table(frame: pd.DataFrame, lang: str, max_rows: int = 50, fold: bool = True,
                 profile: CountryProfile | None = None) -> html.Div:
    """The first ``max_rows`` rows of a report, with a line saying how many there are in all; long lists folded
    (``fold``; a page meant for print, the cercle brief, shows them whole); headers in the words of the country
    of ``profile`` (a cercle is a département in Niger)."""
    shown = frame.head(max_rows)
    head = html.Thead(html.Tr([html.Th(column_label(str(column), lang, profile)) for column in frame.columns]))
    show = cell if fold else cell_text
    body = html.Tbody([html.Tr([html.Td(show(column, value, lang)) for column, value in row.items()])
                       for _, row in shown.iterrows()])
    note = translate("table.count", lang, shown=format_number(len(shown), lang), total=format_number(len(frame), lang))
    return html.Div([html.P(note, className="hint"), html.Table([head, body], className="report-table")],
                    className="table-scroll")
