"""The duplicate review: an IMO marks a group "keep both" or "merge"; the decision is stored with the
records it was taken on, and the group leaves the pending list."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard.i18n import translate
from dashboard.store.duplicate_decisions import record_decision
from dashboard.text import clean_text
from dashboard.web_data import DashboardData


def register(app: Dash, data: DashboardData) -> None:
    @app.callback(
        Output("decision-feedback", "children"), Output({"type": "page-param", "name": "status"}, "value"),
        Input({"type": "duplicate-decision", "key": ALL, "decision": ALL}, "n_clicks"),
        State("decided-by", "value"), State({"type": "page-param", "name": "status"}, "value"),
        State("lang", "data"), prevent_initial_call=True)
    def decide(clicks, decided_by, status, lang):
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        who = clean_text(decided_by)
        if who is None:
            return translate("duplicates.name_needed", lang), no_update
        key, decision = ctx.triggered_id["key"], ctx.triggered_id["decision"]
        groups = data.snapshot().duplicate_groups
        group = groups[groups["group_key"] == key]
        if group.empty:
            return translate("duplicates.gone", lang), status
        record_decision(data.engine, key, group["activity_ids"].iloc[0], decision, who)
        # writing the status again makes the page recompute, so the decided group leaves the pending list
        return translate("duplicates.recorded", lang, decision=translate(f"duplicates.{decision}", lang)), status
