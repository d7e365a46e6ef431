"""The presence map's second mode: who is physically there. Offered only when the period's 3W states physical
presence (the December 2023 sample does not); the control is always in the page, hidden otherwise, since the
map's callback reads it."""

from __future__ import annotations

from collections.abc import Callable

from dash import dcc, html

from dashboard.i18n import translate
from dashboard.layouts.choropleth import MapView, Scale, stepped_figure
from dashboard.layouts.shell import map_params, page_param
from dashboard.reports import ReportParams, run_report
from dashboard.reports.modality import states_modality
from dashboard.reports.snapshot import Snapshot

MODES = ("presence", "modality")
#: no organisation, none stating, then the share of the organisations stating that are physically there
MODALITY_COLOURS = ("#f4f4f4", "#d9d9d9", "#b2182b", "#ef8a62", "#67a9cf", "#2166ac")
NOBODY, UNSTATED = 0, 1


#: the map's mode is kept in the page's address as ``mode`` (a page setting, like the overlaps' k)
MODE_PARAM = "mode"


def map_mode(snapshot: Snapshot, params: ReportParams) -> str:
    """The mode the address asks for, when the period's 3W can show it (else the presence of organisations)."""
    mode = params.option(MODE_PARAM, "presence")
    if mode == "modality" and states_modality(snapshot, params.selection(snapshot).period):
        return mode
    return "presence"


def mode_control(snapshot: Snapshot, params: ReportParams) -> html.Div:
    shown = states_modality(snapshot, params.selection(snapshot).period)
    lang = params.lang
    return html.Div([html.Label([translate("modality.mode", lang), dcc.RadioItems(
        id=page_param(MODE_PARAM), value=map_mode(snapshot, params), inline=True,
        options=[{"label": translate(f"modality.mode.{mode}", lang), "value": mode} for mode in MODES])])],
        id="presence-mode-control", hidden=not shown)


def _category(present: int, physical: int, remote: int) -> int:
    stating = physical + remote
    if not present:
        return NOBODY
    if not stating:
        return UNSTATED
    share = physical / stating
    return 2 if share == 0 else 3 if share < 0.5 else 4 if share < 1 else 5


def modality_figure(snapshot: Snapshot, params: ReportParams, view: MapView,
                    unit_labels: Callable[[Snapshot, list[str]], list[str]]) -> dict:
    """Per unit of the level: the share of its organisations (stating it) that are physically there, from the
    ``presence_modality`` report; ``unit_labels`` names the units as the presence map does. A level without
    polygons is drawn at the finest that has."""
    params = map_params(snapshot, params)
    lang, view = params.lang, view.of(snapshot)
    table = run_report("presence_modality", snapshot, params).set_index("pcode")
    units = snapshot.units_in(params.level, params.area)
    values = table.reindex(units)[["organisations", "physically_present", "remote_or_partners", "not_stated"]]
    values = values.fillna(0).astype(int)
    categories = [_category(*row) for row in values[["organisations", "physically_present",
                                                     "remote_or_partners"]].itertuples(index=False)]
    scale = Scale(translate("modality.map.title", lang), MODALITY_COLOURS,
                  tuple(translate(f"modality.map.{key}", lang) for key in
                        ("nobody", "unstated", "none", "under_half", "over_half", "all")))
    hover = [translate("modality.hover.physical", lang, count="%{customdata[0]}"),
             translate("modality.hover.remote", lang, count="%{customdata[1]}"),
             translate("modality.hover.unstated", lang, count="%{customdata[2]}")]
    pcodes = units.tolist()
    return stepped_figure(view, params.level, pcodes, unit_labels(snapshot, pcodes), categories,
                          values[["physically_present", "remote_or_partners", "not_stated"]].values.tolist(),
                          scale, hover, params.area)
