"""Callbacks of the presence page. A filter change sends colours and counts only (a ``Patch``); the
geometry stays in the browser. Changing the level or the area sends a new figure, whose geometry is
again only a URL the browser already has cached."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, ctx, no_update

from dashboard.layouts.choropleth import MapView
from dashboard.layouts.shell import header_facts, map_title
from dashboard.layouts.map_page import key_figures, map_figure, overview, presence_map, unit_labels, unit_table
from dashboard.layouts.modality_map import MODE_PARAM, modality_figure
from dashboard.layouts.shell import page_param
from dashboard.callbacks.filters import filter_inputs, params_from_values
from dashboard.security.web import current_viewer
from dashboard.reports.snapshot import DashboardData

FILTER_INPUTS = filter_inputs()
FILTER_COUNT = len(FILTER_INPUTS)
#: the presence map's mode control (kept in the address as ``mode``)
MODE = page_param(MODE_PARAM)


def register(app: Dash, data: DashboardData, view: MapView) -> None:
    @app.callback(Output("presence-map", "figure"), Output("map-summary", "children"),
                  Output("data-facts", "children"), *FILTER_INPUTS, Input(MODE, "value"),
                  State("lang", "data"), prevent_initial_call=True)
    def update_map(*values):
        params = params_from_values(values[:FILTER_COUNT], values[FILTER_COUNT + 1])
        snapshot = data.snapshot(current_viewer(), params.country)
        params = params.in_country(snapshot)
        facts = header_facts(snapshot, params)
        if values[FILTER_COUNT] == "modality":
            figure = modality_figure(snapshot, params, view, unit_labels)
            figure["layout"]["title"] = map_title(snapshot, params)
            return figure, presence_map(snapshot, params).summary, facts
        if ctx.triggered_id in ("level", "area", MODE):
            return *map_figure(snapshot, params, view), facts
        shown = presence_map(snapshot, params)
        colours = Patch()
        colours["data"][0]["z"] = shown.categories
        colours["data"][0]["customdata"] = shown.customdata
        colours["layout"]["title"] = map_title(snapshot, params)  # another period may be a draft
        return colours, shown.summary, facts

    @app.callback(Output("key-figures", "children"), Output("presence-overview", "children"), *FILTER_INPUTS,
                  State("lang", "data"), prevent_initial_call=True)
    def update_overview(*values):
        params = params_from_values(values[:FILTER_COUNT], values[FILTER_COUNT])
        snapshot = data.snapshot(current_viewer(), params.country)
        params = params.in_country(snapshot)
        return key_figures(snapshot, params), overview(snapshot, params)

    @app.callback(Output("unit-table", "children"),
                  Input("presence-map", "clickData"), *FILTER_INPUTS, State("lang", "data"),
                  prevent_initial_call=True)
    def show_unit(click, *values):
        if not click or not click.get("points"):
            return no_update
        params = params_from_values(values[:FILTER_COUNT], values[FILTER_COUNT])
        snapshot = data.snapshot(current_viewer(), params.country)
        return unit_table(snapshot, params.in_country(snapshot), click["points"][0].get("location"))
