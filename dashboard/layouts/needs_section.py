"""People in need (HNO) on the Lacunes page: how gaps are ranked, and the units with many people in need and few
organisations. Shown only when needs are imported; the page is otherwise as it was."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.i18n import format_number, translate
from dashboard.layouts.analysis_page import MapLayer
from dashboard.layouts.choropleth import Scale
from dashboard.layouts.controls import dropdown
from dashboard.layouts.shell import download_links, page_param
from dashboard.layouts.tables import report_table
from dashboard.reports import ReportParams, report_notes, run_report
from dashboard.reports.country_words import country_text
from dashboard.reports.needs import RANKS, gap_rank, has_needs
from dashboard.reports.security_layers import incidents_by_unit
from dashboard.reports.snapshot import Snapshot

#: rows of the need-coverage table on the page (the download has all of them)
SHOWN_ROWS = 15
#: the maps the Lacunes page offers (``map=`` in its address): its gaps, or people in need per organisation
MAPS = ("gaps", "need", "incidents")
#: people in need per organisation present: bins after "no figure" and "nobody present"
NEED_BINS = ((0, 999), (1_000, 4_999), (5_000, 19_999), (20_000, 49_999), (50_000, None))
NEED_COLOURS = ("#f4f4f4", "#67000d", "#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
NO_FIGURE, NOBODY = 0, 1


INCIDENT_BINS = ((0, 0), (1, 1), (2, 3), (4, 5), (6, None))
INCIDENT_COLOURS = ("#f4f4f4", "#fee391", "#fec44f", "#fe9929", "#cc4c02")


def available_maps(snapshot: Snapshot) -> list[str]:
    """The maps this data can draw: gaps always, people in need with needs imported, incidents when this view
    has them (the policy may keep them from the public)."""
    return ["gaps"] + (["need"] if has_needs(snapshot) else []) + (["incidents"] if snapshot.incidents is not None
                                                                     else [])


def map_choice(snapshot: Snapshot, params: ReportParams) -> str:
    """The map shown: the one asked for (``map=``) when the data can draw it, else the gaps."""
    asked = params.option("map")
    return asked if asked in available_maps(snapshot) else "gaps"


def need_rank_controls(snapshot: Snapshot, params: ReportParams) -> list:
    """What gaps are ranked by (people in need or population), when needs are imported; which map is drawn,
    when there is more than the gaps to draw."""
    lang, controls = params.lang, []
    if has_needs(snapshot):
        # the default of each (people in need, the gaps map) is "", so the address names only a choice made
        controls.append(html.Label([translate("gaps.rank", lang), dropdown(
            lang, id=page_param("rank"), value="" if gap_rank(snapshot, params) == "need" else "population",
            clearable=False, options=[{"label": translate(f"gaps.rank.{rank}", lang),
                                       "value": "" if rank == "need" else rank} for rank in RANKS])]))
    maps = available_maps(snapshot)
    if len(maps) > 1:
        chosen = map_choice(snapshot, params)
        controls.append(html.Label([translate("needs.map", lang), dropdown(
            lang, id=page_param("map"), value="" if chosen == "gaps" else chosen, clearable=False,
            options=[{"label": country_text(snapshot.profile, f"needs.map.{name}", lang), "value": "" if name == "gaps" else name}
                     for name in maps])]))
    return controls


def incidents_map_layer(snapshot: Snapshot, params: ReportParams) -> MapLayer:
    """Incidents affecting aid workers per cercle (or region), every year or ``year``; nothing finer: at the
    commune level every commune is drawn without a count."""
    lang = params.lang
    units = snapshot.units_in(params.level, params.area)
    counts = incidents_by_unit(snapshot, params).reindex(units).fillna(0).astype(int) if params.level < 3 \
        else pd.Series(0, index=units)
    categories = [next(index for index, (low, high) in enumerate(INCIDENT_BINS)
                       if count >= low and (high is None or count <= high)) for count in counts]
    labels = tuple(str(low) if low == high else f"{low} – {high}" if high is not None else f"{low}+"
                   for low, high in INCIDENT_BINS)
    scale = Scale(country_text(snapshot.profile, "report.incidents", lang), INCIDENT_COLOURS, labels)
    return MapLayer(units.tolist(), categories, [[int(count)] for count in counts], scale,
                    [translate("incidents.hover", lang, count="%{customdata[0]}")])


def _bin(value: float) -> int:
    for index, (low, high) in enumerate(NEED_BINS):
        if value >= low and (high is None or value <= high):
            return index
    return len(NEED_BINS) - 1


def need_map_layer(snapshot: Snapshot, params: ReportParams) -> MapLayer:
    """People in need per organisation present, per unit: of the one sector chosen, else the intersectoral
    figure against the organisations of every sector (the ``need_coverage`` report's numbers)."""
    lang = params.lang
    table = run_report("need_coverage", snapshot, params)
    sector = params.sectors[0] if len(params.sectors) == 1 else None
    rows = table[table["sector_code"] == sector] if sector else table[table["intersectoral"]]
    rows = rows.drop_duplicates("pcode").set_index("pcode")
    units = snapshot.units_in(params.level, params.area)
    need = rows["people_in_need"].reindex(units)
    present = rows["organisations"].reindex(units)
    per = rows["people_in_need_per_organisation"].reindex(units)
    categories = [NO_FIGURE if pd.isna(value) else NOBODY if count == 0 else 2 + _bin(float(ratio))
                  for value, count, ratio in zip(need, present, per)]

    def shown(values: pd.Series) -> list[str]:
        return ["—" if pd.isna(value) else format_number(int(value), lang) for value in values]

    labels = (translate("needs.map.no_figure", lang), translate("needs.map.nobody", lang),
              *[f"{format_number(low, lang)} – {format_number(high, lang)}" if high is not None
                else f"{format_number(low, lang)}+" for low, high in NEED_BINS])
    scale = Scale(translate("needs.map.title", lang), NEED_COLOURS, labels)
    hover = [translate("needs.hover.need", lang, count="%{customdata[0]}"),
             translate("needs.hover.organisations", lang, count="%{customdata[1]}"),
             translate("needs.hover.per_organisation", lang, count="%{customdata[2]}")]
    return MapLayer(units.tolist(), categories, [list(parts) for parts in zip(shown(need), shown(present), shown(per))],
                    scale, hover)


def gaps_or_need_map(gaps_map):
    """The Lacunes page's map: its gaps (``gaps_map``), or people in need per organisation (``map=need``)."""
    def layer(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
        chosen = map_choice(snapshot, params)
        if chosen == "need":
            return need_map_layer(snapshot, params)
        if chosen == "incidents":
            return incidents_map_layer(snapshot, params)
        return gaps_map(snapshot, params, frame)
    return layer


def food_insecurity_section(snapshot: Snapshot, params: ReportParams) -> list:
    """With food security among the sectors chosen: the Cadre Harmonisé's phase 3+ population beside the
    food-security organisations, and its downloads."""
    if "food_security" not in params.sectors or snapshot.food_insecurity is None or params.level == 3:
        return []
    return [_report_section("food_insecurity", snapshot, params, "food-insecurity")]


def access_section(snapshot: Snapshot, params: ReportParams) -> list:
    """With an access table (that the viewer may see): who is present in the constrained and no-go units."""
    if snapshot.access.empty:
        return []
    return [_report_section("access_presence", snapshot, params, "access-presence")]


def _report_section(report: str, snapshot: Snapshot, params: ReportParams, section_id: str) -> html.Section:
    """A report as a section of the page: its title, its notes, its first rows and its downloads."""
    lang = params.lang
    return html.Section([
        html.H3(country_text(snapshot.profile, f"report.{report}", lang)),
        *[html.P(note, className="note") for note in report_notes(report, snapshot, params)],
        report_table(run_report(report, snapshot, params), lang, max_rows=SHOWN_ROWS, profile=snapshot.profile),
        download_links(report, params),
    ], className="report-section", id=section_id)


def need_coverage_section(snapshot: Snapshot, params: ReportParams) -> list:
    """The units with most people in need per organisation present, by sector, and its downloads; then, with
    food security chosen, the Cadre Harmonisé beside the food-security organisations; then, with an access
    table, who is present where access is constrained."""
    more = food_insecurity_section(snapshot, params) + access_section(snapshot, params)
    if not has_needs(snapshot):
        return more
    lang = params.lang
    frame = run_report("need_coverage", snapshot, params)
    return [html.Section([
        html.H3(translate("report.need_coverage", lang)),
        html.P(translate("needs.coverage_note", lang), className="note"),
        report_table(frame, lang, max_rows=SHOWN_ROWS, profile=snapshot.profile),
        download_links("need_coverage", params),
    ], className="report-section", id="need-coverage"), *more]
