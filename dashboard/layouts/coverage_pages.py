"""Pages about coverage: gaps (where nobody works), overlaps (where many do the same), change over time."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard.layouts.controls import dropdown
from dashboard.i18n import format_number, format_period, translate
from dashboard.layouts.analysis_page import AnalysisPage, MapLayer
from dashboard.layouts.choropleth import Scale
from dashboard.layouts.needs_section import gaps_or_need_map, need_coverage_section, need_rank_controls
from dashboard.layouts.shell import page_param, round_label
from dashboard.reports import ReportParams
from dashboard.reports.country_words import country_text, level_plural
from dashboard.reports.coverage import (
    change_by_sector,
    change_periods,
    change_by_unit,
    gap_sectors,
    gap_type,
    overlap_threshold,
)
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY
from dashboard.reports.snapshot import Snapshot

NO_GAP, COARSER_ONLY = 0, 1
GAP_BINS = ((1, 1), (2, 2), (3, 4), (5, None))
GAP_COLOURS = ("#f4f4f4", "#d8cfe6", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000")
OVERLAP_BINS = ((0, 0), (1, 1), (2, 2), (3, 3), (4, None))
OVERLAP_COLOURS = ("#f4f4f4", "#dadaeb", "#9e9ac8", "#6a51a3", "#3f007d")
CHANGE_BINS = ((None, -5), (-4, -2), (-1, -1), (0, 0), (1, 1), (2, 4), (5, None))
CHANGE_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")


def _bin(value: int, bins) -> int:
    for index, (low, high) in enumerate(bins):
        if (low is None or value >= low) and (high is None or value <= high):
            return index
    raise ValueError(value)


def _bin_labels(bins, signed: bool = False) -> tuple[str, ...]:
    """Legend labels of count bins: ``1``, ``3–4``, ``5+``; with ``signed``, ``≤ −5``, ``+2–+4``, ``+5+``."""
    def number(value: int) -> str:
        return f"{value:+d}".replace("-", "−") if signed and value else str(value)

    def label(low, high):
        if low is None:
            return f"≤ {number(high)}"
        if high is None:
            return f"{number(low)}+" if not signed else f"≥ {number(low)}"
        return number(low) if low == high else f"{number(low)} – {number(high)}"
    return tuple(label(low, high) for low, high in bins)


# --- gaps ---------------------------------------------------------------------------------------------------

def _gap_counts(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> pd.DataFrame:
    units = snapshot.units_in(params.level, params.area)
    true_gaps = frame[frame["coarser_only"] == 0].groupby("pcode").size()
    coarser = frame[frame["coarser_only"] > 0].groupby("pcode").size()
    return pd.DataFrame({"pcode": units, "gaps": units.map(true_gaps).fillna(0).astype(int).values,
                         "covered_coarser": units.map(coarser).fillna(0).astype(int).values})


def gaps_map(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
    counts = _gap_counts(snapshot, params, frame)
    categories = [2 + _bin(gaps, GAP_BINS) if gaps else COARSER_ONLY if coarser else NO_GAP
                  for gaps, coarser in zip(counts["gaps"], counts["covered_coarser"])]
    lang = params.lang
    scale = Scale(translate("gaps.map.title", lang), GAP_COLOURS,
                  (translate("gaps.map.none", lang), translate("gaps.map.coarser", lang), *_bin_labels(GAP_BINS)))
    hover = [translate("gaps.hover.gaps", lang, count="%{customdata[0]}"),
             translate("gaps.hover.coarser", lang, count="%{customdata[1]}")]
    return MapLayer(counts["pcode"].tolist(), categories, counts[["gaps", "covered_coarser"]].values.tolist(),
                    scale, hover)


def gaps_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    lang = params.lang
    units = snapshot.units_in(params.level, params.area)
    sectors = gap_sectors(snapshot, params)
    missing = gap_type(params)
    by_need = "people_in_need_known" in frame  # ranked by people in need (HNO imported)
    text = translate("gaps.summary_need" if by_need else "gaps.summary", lang, gaps=format_number(len(frame), lang),
                     cells=format_number(len(units) * len(sectors), lang),
                     units=format_number(frame["pcode"].nunique(), lang), total=format_number(len(units), lang),
                     level=level_plural(snapshot.profile, params.level, lang),
                     coarser=format_number(int((frame["coarser_only"] > 0).sum()), lang),
                     who=ORG_TYPE_VOCABULARY.label(missing, lang) if missing else translate("gaps.nobody", lang))
    unknown = frame.loc[~frame["people_in_need_known" if by_need else "population_known"].astype(bool), "pcode"].nunique()
    if unknown:
        text += " " + country_text(snapshot.profile, "gaps.need_unknown" if by_need else "gaps.population_unknown", lang,
                                count=format_number(unknown, lang),
                                level=level_plural(snapshot.profile, params.level, lang))
    return text


def gaps_controls(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    options = [{"label": translate("gaps.nobody", lang), "value": ""}] + [
        {"label": ORG_TYPE_VOCABULARY.label(code, lang), "value": code}
        for code in ORG_TYPE_VOCABULARY.codes() if code in set(snapshot.activities["org_type"].astype(str))]
    return [html.Label([translate("gaps.without", lang),
                        dropdown(lang, id=page_param("without"), options=options, value=gap_type(params) or "",
                                     clearable=False)])]


# cercles: population (and need) are known for cercles, not communes, and a gap is ranked by them
GAPS = AnalysisPage("gaps", "/lacunes", "gaps", gaps_summary,
                    lambda snapshot, params: gaps_controls(snapshot, params) + need_rank_controls(snapshot, params),
                    gaps_or_need_map(gaps_map), extra=need_coverage_section, default_level=2)


# --- overlaps -----------------------------------------------------------------------------------------------

def overlaps_map(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
    units = snapshot.units_in(params.level, params.area)
    sectors = frame.groupby("pcode")["sector_code"].nunique()
    largest = frame.groupby("pcode")["organisations"].max()
    count = units.map(sectors).fillna(0).astype(int)
    lang = params.lang
    scale = Scale(translate("overlaps.map.title", lang), OVERLAP_COLOURS, _bin_labels(OVERLAP_BINS))
    hover = [translate("overlaps.hover.sectors", lang, count="%{customdata[0]}"),
             translate("overlaps.hover.largest", lang, count="%{customdata[1]}")]
    return MapLayer(units.tolist(), [_bin(value, OVERLAP_BINS) for value in count],
                    [[int(c), int(m)] for c, m in zip(count, units.map(largest).fillna(0))], scale, hover)


def overlaps_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    lang = params.lang
    return translate("overlaps.summary", lang, cells=format_number(len(frame), lang), k=overlap_threshold(params),
                     units=format_number(frame["pcode"].nunique(), lang),
                     level=level_plural(snapshot.profile, params.level, lang))


def overlaps_controls(snapshot: Snapshot, params: ReportParams) -> list:
    return [html.Label([translate("overlaps.k", params.lang),
                        dcc.Input(id=page_param("k"), type="number", min=1, step=1, value=overlap_threshold(params),
                                  debounce=True, className="number-input")])]


OVERLAPS = AnalysisPage("overlaps", "/chevauchements", "overlaps", overlaps_summary, overlaps_controls, overlaps_map)


# --- change between periods ------------------------------------------------------------------------------------

def change_map(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
    """Net change of distinct organisations per unit, all sectors together."""
    totals = change_by_unit(snapshot, params)
    arrived, left = totals["arrived"].astype(int), totals["left"].astype(int)
    net = arrived - left
    lang = params.lang
    scale = Scale(translate("change.map.title", lang), CHANGE_COLOURS, _bin_labels(CHANGE_BINS, signed=True))
    hover = [translate("change.hover.arrived", lang, count="%{customdata[0]}"),
             translate("change.hover.left", lang, count="%{customdata[1]}")]
    return MapLayer(totals["pcode"].tolist(), [_bin(int(value), CHANGE_BINS) for value in net],
                    [[int(a), int(b)] for a, b in zip(arrived, left)], scale, hover)


def change_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    lang = params.lang
    earlier, later = change_periods(snapshot, params)
    key = "change.summary_by_sector" if change_by_sector(params) else "change.summary"
    return translate(key, lang, earlier=format_period(earlier, lang), later=format_period(later, lang),
                     arrived=format_number(int(frame["arrived"].sum()), lang),
                     left=format_number(int(frame["left"].sum()), lang),
                     stayed=format_number(int(frame["stayed"].sum()), lang),
                     cells=format_number(len(frame), lang), level=level_plural(snapshot.profile, params.level, lang))


def change_controls(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    earlier, later = change_periods(snapshot, params)
    # the periods with an import, and the one asked for even without (the page then says it has no data)
    periods = sorted(set(snapshot.activities["period"].astype(str)) | set(snapshot.batches["period"].astype(str))
                     | ({earlier} if earlier else set()), reverse=True)
    return [html.Label([translate("change.from", lang),
                        dropdown(lang, id=page_param("from"), value=earlier, clearable=False,
                                     options=[{"label": round_label(snapshot, period, lang), "value": period}
                                              for period in periods if later is None or period < later])]),
            html.Label([translate("change.by", lang),
                        dropdown(lang, id=page_param("by"), value="sector" if change_by_sector(params) else "",
                                     clearable=False,
                                     options=[{"label": translate("change.by.unit", lang), "value": ""},
                                              {"label": translate("change.by.sector", lang), "value": "sector"}])])]


CHANGE = AnalysisPage("change", "/evolution", "change", change_summary, change_controls, change_map)
