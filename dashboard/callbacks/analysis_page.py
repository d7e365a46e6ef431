"""One callback for every analysis page: a filter or a page control changes, the page is recomputed.

The map's geometry stays in the browser: unless the level or the area changed, only colours and hover
values are sent (a ``Patch``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import flask
from dash import ALL, Dash, Input, Output, Patch, State, ctx

from dashboard.callbacks.filters import params_from_values
from dashboard.callbacks.map_page import FILTER_COUNT, FILTER_INPUTS
from dashboard.layouts.analysis_page import AnalysisPage, content
from dashboard.layouts.choropleth import MapView
from dashboard.security.web import current_viewer, require
from dashboard.reports.snapshot import DashboardData


def register(app: Dash, data: DashboardData, view: MapView, pages: Mapping[str, AnalysisPage]) -> None:
    @app.callback(
        Output("analysis-summary", "children"), Output("analysis-map", "figure"),
        Output("analysis-extra", "children"), Output("analysis-table", "children"), Output("data-facts", "children"),
        *FILTER_INPUTS, Input({"type": "page-param", "name": ALL}, "value"),
        State({"type": "page-param", "name": ALL}, "id"), State("lang", "data"), State("analysis-page", "data"),
        prevent_initial_call=True)
    def update_analysis(*arguments):
        filter_values, (values, ids, lang, page_name) = arguments[:FILTER_COUNT], arguments[FILTER_COUNT:]
        page = pages.get(page_name) if isinstance(page_name, str) else None
        if page is None:  # the page name comes from the browser
            flask.abort(404)
        if page.permission is not None:  # the page name comes from the browser: a forged one is refused here
            require(page.permission)
        options = {key["name"]: str(value) for key, value in zip(ids, values) if value not in (None, "", [])}
        params = replace(params_from_values(filter_values, lang), options=options)
        snapshot = data.snapshot(current_viewer(), params.country)
        shown = content(page, snapshot, params.in_country(snapshot), view, data.store)
        figure = shown.figure
        if page.map_layer is not None and ctx.triggered_id not in ("level", "area"):
            figure = Patch()
            figure["data"][0]["z"] = shown.figure["data"][0]["z"]
            figure["data"][0]["customdata"] = shown.figure["data"][0]["customdata"]
            figure["layout"]["title"] = shown.figure["layout"]["title"]  # a draft round says so
        return shown.summary, figure, shown.extra, shown.table, shown.facts
