"""Access on a map: constrained and no-go units outlined (orange, dark red) over the map's colours, at the level
access is shown at (no finer than the cercle for the public: on a commune map, the cercles are outlined). Only
outlines: the colours keep saying what the map is about."""

from __future__ import annotations

from dashboard.i18n import format_date, translate
from dashboard.layouts.choropleth import MapView
from dashboard.reports import ReportParams
from dashboard.reports.security_layers import access_level, access_of_units
from dashboard.reports.snapshot import Snapshot

OUTLINE = {"constrained": ("#e6550d", 2.0), "no_go": ("#7f0000", 3.0)}
TRANSPARENT = "rgba(0,0,0,0)"


def with_access_outline(figure: dict, snapshot: Snapshot, params: ReportParams, view: MapView) -> dict:
    """``figure`` with a second trace outlining the constrained and no-go units, and a line saying so; the
    figure unchanged when no unit of the area is constrained (or the viewer may not see access)."""
    if snapshot.access.empty:
        return figure
    view = view.of(snapshot)
    units = access_of_units(snapshot, params)
    units = units[units["access"].isin(list(OUTLINE))]
    if units.empty:
        return figure
    level, lang = access_level(snapshot, params), params.lang
    colours = [OUTLINE[access][0] for access in units["access"]]
    widths = [OUTLINE[access][1] for access in units["access"]]
    figure["data"].append({
        "type": "choropleth", "geojson": view.geojson_url(level), "featureidkey": "id",
        "locations": units["pcode"].tolist(), "z": [1] * len(units), "showscale": False, "hoverinfo": "skip",
        "colorscale": [[0, TRANSPARENT], [1, TRANSPARENT]], "marker": {"line": {"color": colours, "width": widths}},
        "name": "access"})
    as_of = max(units["as_of"])
    figure["layout"]["annotations"] = [*figure["layout"].get("annotations", []), {
        "text": translate("access.outline", lang, date=format_date(as_of, lang)), "x": 0, "y": 0, "xref": "paper",
        "yref": "paper", "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}}]
    return figure
