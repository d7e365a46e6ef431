"""The HDX page's one action: list the dataset's releases when the IMO asks (HDX is read then, not on opening)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from dashboard.domain.roles import Permission
from dashboard.layouts import hdx_page
from dashboard.reports.snapshot import DashboardData
from dashboard.security.web import require


def register(app: Dash, data: DashboardData) -> None:
    @app.callback(Output("hdx-releases", "children"), Input("hdx-list", "n_clicks"), State("lang", "data"),
                  prevent_initial_call=True)
    def list_releases(_clicks, lang):
        return hdx_page.releases(data.snapshot(require(Permission.IMPORT_3W)), lang)
