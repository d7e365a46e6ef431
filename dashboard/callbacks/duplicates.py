"""The duplicate review: a logged-in reviewer marks a group "keep both" or "merge"; the decision is stored
with the records it was taken on and the reviewer's name, and the group leaves the pending list. IMOs decide
on every group, coordinators on their clusters' groups, partner focal points on their organisation's."""

from __future__ import annotations

import flask
from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard.analysis.duplicates import CANNOT_TELL
from dashboard.i18n import translate
from dashboard.domain.roles import Permission
from dashboard.security.web import client_address, require
from dashboard.store.duplicate_decisions import record_decision
from dashboard.reports.snapshot import DashboardData


def register(app: Dash, data: DashboardData) -> None:
    @app.callback(
        Output("decision-feedback", "children"), Output({"type": "page-param", "name": "status"}, "value"),
        Input({"type": "duplicate-decision", "key": ALL, "decision": ALL}, "n_clicks"),
        State({"type": "page-param", "name": "status"}, "value"),
        State("lang", "data"), prevent_initial_call=True)
    def decide(clicks, status, lang):
        viewer = require(Permission.REVIEW_DUPLICATES)
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        key, decision = ctx.triggered_id["key"], ctx.triggered_id["decision"]
        groups = data.store.duplicate_groups(data.snapshot(viewer).version)
        group = groups[groups["group_key"] == key]
        if group.empty:
            return translate("duplicates.gone", lang), status
        if not viewer.covers(int(group["organisation_id"].iloc[0]), str(group["sector_code"].iloc[0])):
            flask.abort(403, "this group is outside your organisation or clusters")
        if group["kind"].iloc[0] == CANNOT_TELL:  # no button offers it: a forged request
            flask.abort(409, translate("duplicates.cannot_tell_refused", lang))
        record_decision(data.engine, key, group["activity_ids"].iloc[0], decision, viewer.username,
                        role=str(viewer.role), ip=client_address())
        # writing the status again makes the page recompute, so the decided group leaves the pending list
        return translate("duplicates.recorded", lang, decision=translate(f"duplicates.{decision}", lang)), status
