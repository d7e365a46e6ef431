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
from dashboard.reports.needs import RANKS, gap_rank, has_needs
from dashboard.reports.snapshot import Snapshot

#: rows of the need-coverage table on the page (the download has all of them)
SHOWN_ROWS = 15
#: the maps the Lacunes page offers (``map=`` in its address): its gaps, or people in need per organisation
MAPS = ("gaps", "need")
#: people in need per organisation present: bins after "no figure" and "nobody present"
NEED_BINS = ((0, 999), (1_000, 4_999), (5_000, 19_999), (20_000, 49_999), (50_000, None))
NEED_COLOURS = ("#f4f4f4", "#67000d", "#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
NO_FIGURE, NOBODY = 0, 1


def map_choice(snapshot: Snapshot, params: ReportParams) -> str:
    """The map shown: people in need per organisation when asked for (``map=need``) and needs are imported."""
    return "need" if params.option("map") == "need" and has_needs(snapshot) else "gaps"


def need_rank_controls(snapshot: Snapshot, params: ReportParams) -> list:
    """What gaps are ranked by (people in need or population), when needs are imported."""
    if not has_needs(snapshot):
        return []
    lang = params.lang
    return [html.Label([translate("gaps.rank", lang), dropdown(
        lang, id=page_param("rank"), value=gap_rank(snapshot, params), clearable=False,
        options=[{"label": translate(f"gaps.rank.{rank}", lang), "value": rank} for rank in RANKS])]),
        html.Label([translate("needs.map", lang), dropdown(
            lang, id=page_param("map"), value=map_choice(snapshot, params), clearable=False,
            options=[{"label": translate(f"needs.map.{name}", lang), "value": name} for name in MAPS])])]


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
        if map_choice(snapshot, params) == "need":
            return need_map_layer(snapshot, params)
        return gaps_map(snapshot, params, frame)
    return layer


def food_insecurity_section(snapshot: Snapshot, params: ReportParams) -> list:
    """With food security among the sectors chosen: the Cadre Harmonisé's phase 3+ population beside the
    food-security organisations, and its downloads."""
    if "food_security" not in params.sectors or snapshot.food_insecurity is None or params.level == 3:
        return []
    lang = params.lang
    frame = run_report("food_insecurity", snapshot, params)
    return [html.Section([
        html.H3(translate("report.food_insecurity", lang)),
        *[html.P(note, className="note") for note in report_notes("food_insecurity", snapshot, params)],
        report_table(frame, lang, max_rows=SHOWN_ROWS),
        download_links("food_insecurity", params),
    ], className="report-section", id="food-insecurity")]


def need_coverage_section(snapshot: Snapshot, params: ReportParams) -> list:
    """The units with most people in need per organisation present, by sector, and its downloads; then, with
    food security chosen, the Cadre Harmonisé beside the food-security organisations."""
    if not has_needs(snapshot):
        return food_insecurity_section(snapshot, params)
    lang = params.lang
    frame = run_report("need_coverage", snapshot, params)
    return [html.Section([
        html.H3(translate("report.need_coverage", lang)),
        html.P(translate("needs.coverage_note", lang), className="note"),
        report_table(frame, lang, max_rows=SHOWN_ROWS),
        download_links("need_coverage", params),
    ], className="report-section", id="need-coverage"), *food_insecurity_section(snapshot, params)]
