"""The cercle brief: one printable page per cercle for a coordination meeting (print it, or save it as PDF
from the browser's print dialog)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from dash import html

from dashboard.i18n import format_number, format_period, translate
from dashboard.layouts import shell
from dashboard.layouts.analysis_page import AnalysisPage, MapLayer
from dashboard.layouts.choropleth import presence_hover, presence_scale
from dashboard.layouts.map_page import presence_map
from dashboard.layouts.tables import report_table
from dashboard.reports import ReportParams, run_report
from dashboard.reports.brief import brief_cercle
from dashboard.reports.country_words import country_text
from dashboard.reports.snapshot import Snapshot

COMMUNE = 3


def _commune_params(snapshot: Snapshot, params: ReportParams) -> ReportParams:
    return replace(params, level=COMMUNE, area=brief_cercle(snapshot, params))


def brief_map(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
    """Presence in the cercle's communes (the whole country until a cercle is chosen)."""
    commune_params = _commune_params(snapshot, params)
    shown = presence_map(snapshot, commune_params)
    return MapLayer(shown.pcodes, shown.categories, shown.customdata, presence_scale(params.lang),
                    presence_hover(shown.level, params.lang, snapshot.profile), level=shown.level)


def brief_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    lang = params.lang
    cercle = brief_cercle(snapshot, params)
    if cercle is None:
        return country_text(snapshot.profile, "brief.choose", lang)
    lineage = snapshot.lineage.loc[cercle]
    period = params.selection(snapshot).period
    present = run_report("presence", snapshot, replace(params, level=2)).set_index("pcode").loc[cercle]
    return country_text(snapshot.profile, "brief.summary", lang, cercle=lineage["name"], region=lineage["region"],
                     period=format_period(period, lang) if period else "—",
                     organisations=format_number(int(present["organisations"]), lang),
                     national=format_number(int(present.get("ngo_national", 0)), lang),
                     share=f"{present['national_ngo_share']:.0%}" if pd.notna(present["national_ngo_share"]) else "—")


def _gaps_by_sector(gaps: pd.DataFrame) -> pd.DataFrame:
    """One line per sector: the communes with no organisation, and among them those whose cercle has
    cercle-level reports in the sector."""
    rows = []
    for sector, cells in gaps.groupby("sector_code", sort=True):
        rows.append({"sector_code": sector, "communes_without_names": sorted(cells["name"]),
                     "coarser_only_names": sorted(cells.loc[cells["coarser_only"] > 0, "name"])})
    return pd.DataFrame(rows, columns=["sector_code", "communes_without_names", "coarser_only_names"])


def brief_extra(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    if brief_cercle(snapshot, params) is None:
        return []
    commune_params = _commune_params(snapshot, params)
    gaps = run_report("gaps", snapshot, commune_params)
    overlaps = run_report("overlaps", snapshot, commune_params)
    cercle = brief_cercle(snapshot, params)
    region = snapshot.lineage.loc[cercle, "adm1_pcode"]
    return [
        html.P([
            html.A(translate("brief.printable", lang), id="printable-brief", className="print-button",
                   href="/fiches" + shell.query_string(replace(params, area=cercle))),
            html.A(country_text(snapshot.profile, "brief.printable_region", lang, region=snapshot.lineage.loc[cercle, "region"]),
                   id="printable-region", href="/fiches" + shell.query_string(replace(params, area=region)))],
            className="print-links"),
        html.Section([html.H3(translate("brief.gaps", lang)),
                      report_table(_gaps_by_sector(gaps), lang, fold=False, profile=snapshot.profile)],
                     className="report-section"),
        html.Section([html.H3(translate("brief.overlaps", lang)),
                      report_table(overlaps.drop(columns=["period", "cercle", "region"], errors="ignore"), lang,
                                   max_rows=20, fold=False, profile=snapshot.profile)], className="report-section"),
        html.H3(country_text(snapshot.profile, "brief.by_sector", lang)),
    ]


BRIEF = AnalysisPage("brief", "/fiche", "cercle_brief", brief_summary, map_layer=brief_map, extra=brief_extra)
