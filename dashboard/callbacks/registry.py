"""Callbacks of the registry page: merge a proposed pair of organisations (after the browser's
confirmation), mark it distinct, merge two chosen by hand, teach a sector spelling. Each checks the viewer's
permission itself."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard.i18n import translate
from dashboard.ingest.sector_spellings import teach_sector_spelling
from dashboard.layouts.registry_page import content
from dashboard.domain.roles import Permission
from dashboard.security.web import client_address, require
from dashboard.store.organisation_decisions import mark_distinct, merge_organisations
from dashboard.reports.snapshot import DashboardData


def register(app: Dash, data: DashboardData) -> None:
    def decide(kept: int, other: int, decision: str, lang: str):
        viewer = require(Permission.MANAGE_REGISTRY)
        try:
            if decision == "merge":
                moved = merge_organisations(data.engine, kept, other, viewer, ip=client_address())["moved"]
                message = translate("organisations.merged", lang, rows=moved["activities"],
                                    spellings=moved["aliases"])
            else:
                mark_distinct(data.engine, kept, other, viewer, ip=client_address())
                message = translate("organisations.marked_distinct", lang)
        except LookupError:
            message = translate("organisations.gone", lang)
        return message, content(data.engine, lang)

    @app.callback(Output("organisation-feedback", "children"), Output("organisations-content", "children"),
                  Input({"type": "organisation-decision", "kept": ALL, "other": ALL, "decision": "merge"},
                        "submit_n_clicks"),
                  Input({"type": "organisation-decision", "kept": ALL, "other": ALL, "decision": "distinct"},
                        "n_clicks"),
                  State("lang", "data"), prevent_initial_call=True)
    def decide_on_proposal(merges, distincts, lang):
        if not ctx.triggered_id or not any((*merges, *distincts)):
            return no_update, no_update
        chosen = ctx.triggered_id
        return decide(int(chosen["kept"]), int(chosen["other"]), chosen["decision"], lang)

    @app.callback(Output("organisation-feedback", "children", allow_duplicate=True),
                  Output("organisations-content", "children", allow_duplicate=True),
                  Input("merge-by-hand", "submit_n_clicks"), State("merge-kept", "value"),
                  State("merge-other", "value"), State("lang", "data"), prevent_initial_call=True)
    def merge_by_hand(clicks, kept, other, lang):
        if not clicks:
            return no_update, no_update
        if kept is None or other is None or kept == other:
            require(Permission.MANAGE_REGISTRY)
            return translate("organisations.choose_two", lang), no_update
        return decide(int(kept), int(other), "merge", lang)

    @app.callback(Output("organisation-feedback", "children", allow_duplicate=True),
                  Output("organisations-content", "children", allow_duplicate=True),
                  Input({"type": "sector-teach", "spelling": ALL}, "n_clicks"),
                  State({"type": "sector-choice", "spelling": ALL}, "value"),
                  State({"type": "sector-choice", "spelling": ALL}, "id"), State("lang", "data"),
                  prevent_initial_call=True)
    def teach(clicks, choices, choice_ids, lang):
        viewer = require(Permission.MANAGE_REGISTRY)
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        spelling = ctx.triggered_id["spelling"]
        chosen = {choice["spelling"]: value for choice, value in zip(choice_ids, choices)}.get(spelling)
        if not chosen:
            return translate("sectors.choose_first", lang), no_update
        try:
            accepted = teach_sector_spelling(data.engine, spelling, chosen, viewer, ip=client_address())
        except ValueError:
            return translate("sectors.known", lang, spelling=spelling), content(data.engine, lang)
        return translate("sectors.taught_now", lang, spelling=spelling, rows=accepted), content(data.engine, lang)
