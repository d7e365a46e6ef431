"""The audit trail page (IMOs only): the newest events, who did what and when, with before and after.
Nothing on it can be changed; it is read from a table the database keeps append-only."""

from __future__ import annotations

from sqlalchemy import Engine

import json

from dash import html

from dashboard.i18n import translate
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.store.audit import audit_frame
from dashboard.reports.snapshot import Snapshot

EVENTS_SHOWN = 500
COLUMNS = ("at", "actor", "role", "action", "target", "before", "after", "ip")


def _cell(value) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def layout(snapshot: Snapshot, params: ReportParams, engine: Engine) -> html.Div:
    lang = params.lang
    events = audit_frame(engine, limit=EVENTS_SHOWN)
    head = html.Thead(html.Tr([html.Th(translate(f"audit.{column}", lang)) for column in COLUMNS]))
    body = html.Tbody([html.Tr([html.Td(_cell(getattr(event, column))) for column in COLUMNS])
                       for event in events.itertuples()])
    return shell.page(snapshot, params, "audit", [
        html.P(translate("audit.summary", lang, count=len(events)), className="summary", id="audit-summary"),
        html.P([translate("audit.how", lang), " ", html.A("CSV", href="/audit.csv", download="")], className="note"),
        html.Table([head, body], className="report-table", id="audit-table"),
    ], show_filters=False)
