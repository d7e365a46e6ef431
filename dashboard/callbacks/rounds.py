"""Publishing and withdrawing a reporting round from the Rapportage page (an IMO only; audited by
:mod:`dashboard.store.rounds`). The round acted on is the one the page shows (the period filter)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from dashboard.domain.roles import Permission
from dashboard.i18n import format_period, translate
from dashboard.layouts.shell import page_param, period_options
from dashboard.reports.snapshot import DashboardData
from dashboard.security.web import client_address, require
from dashboard.store.rounds import publish_round, withdraw_round


def register(app: Dash, data: DashboardData) -> None:
    @app.callback(
        Output("round-feedback", "children"), Output(page_param("by"), "value"), Output("period", "options"),
        Input("round-publish", "submit_n_clicks"), Input("round-withdraw", "submit_n_clicks"),
        State("period", "value"), State(page_param("by"), "value"), State("lang", "data"), State("country", "value"),
        prevent_initial_call=True)
    def act_on_round(_publish, _withdraw, period, by, lang, country):
        viewer = require(Permission.PUBLISH_ROUNDS)
        if ctx.triggered_id not in ("round-publish", "round-withdraw"):
            return no_update, no_update, no_update
        publishing = ctx.triggered_id == "round-publish"
        country = data.country(country if isinstance(country, str) else None).iso3  # the round is this country's
        period = period or data.snapshot(viewer, country).latest_period
        if not isinstance(period, str) or not period:
            return translate("rounds.nothing", lang), no_update, no_update
        try:
            (publish_round if publishing else withdraw_round)(data.engine, period, viewer, ip=client_address(),
                                                              country=country)
        except LookupError:
            key = "rounds.nothing_to_publish" if publishing else "rounds.not_published"
            return translate(key, lang, period=format_period(period, lang)), no_update, no_update
        done = translate("rounds.published" if publishing else "rounds.withdrawn", lang,
                         period=format_period(period, lang))
        # writing the grouping again makes the page recompute with the round's new state; the period list
        # says the round's new state at once ("mars 2024 · publié")
        return done, by, period_options(data.snapshot(viewer, country), lang)
