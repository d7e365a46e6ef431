"""The cercle briefs as a printout: one A4 page per cercle (its name, period and source, the map of its
communes with their names, the communes without organisation and where several organisations do the same,
presence by sector), for one cercle or every cercle of a region (``/fiches?area=ML05``): one print, or one PDF
saved from the browser's print dialog, for a meeting. No navigation, filters or buttons on paper."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from dash import dcc, html

from dashboard.domain.country import CountryProfile
from dashboard.i18n import format_number, translate
from dashboard.layouts import shell
from dashboard.layouts.brief_page import brief_summary
from dashboard.layouts.choropleth import MapView, presence_figure
from dashboard.layouts.map_page import presence_map, unit_labels
from dashboard.layouts.tables import report_table
from dashboard.reports import ReportParams, report_blank, run_report
from dashboard.reports.country_words import country_text
from dashboard.reports.snapshot import Snapshot

COMMUNE = 3
#: overlaps listed on paper (the most crowded first); the page says how many more the download holds
PRINTED_OVERLAPS = 4
#: marks a commune without organisation whose cercle has cercle-level reports in the sector
COARSER_MARK = "*"


def cercles_of(snapshot: Snapshot, area: str | None) -> list[str]:
    """The cercles a printout holds: the area when it is a cercle, the region's cercles when it is a region."""
    lineage = snapshot.lineage
    if not area or area not in lineage.index:
        return []
    level = int(lineage.loc[area, "level"])
    if level == 2:
        return [area]
    if level == 1:
        cercles = lineage[(lineage["level"] == 2) & (lineage["adm1_pcode"] == area)]
        return sorted(cercles.index)
    return []


def gaps_on_paper(gaps: pd.DataFrame, communes: list[str], lang: str,
                  profile: CountryProfile | None = None) -> pd.DataFrame:
    """One line per sector: how many of the cercle's ``communes`` have no organisation, and which, those whose
    cercle has cercle-level reports in the sector marked (one list, where the screen has two). When most
    communes have none, the few that have someone are named instead ("all but ..."), so a cercle of 40
    communes still fits its page."""
    rows = []
    for sector, cells in gaps.groupby("sector_code", sort=True):
        cells = cells.sort_values("name")
        without = [name + (COARSER_MARK if coarser else "")
                   for name, coarser in zip(cells["name"], cells["coarser_only"] > 0)]
        others = sorted(set(communes) - set(cells["name"]))
        if len(without) == len(communes):
            listed = country_text(profile, "brief.all_communes", lang)
        elif len(others) < len(without) / 2:
            listed = translate("brief.all_but", lang, names=", ".join(others))
        else:
            listed = ", ".join(without)
        rows.append({"sector_code": sector, "communes_without": len(cells), "communes_listed": listed})
    return pd.DataFrame(rows, columns=["sector_code", "communes_without", "communes_listed"])


def sheet(snapshot: Snapshot, params: ReportParams, cercle: str, view: MapView) -> html.Section:
    """One cercle's page."""
    view = view.of(snapshot)
    lang = params.lang
    brief = replace(params, area=cercle)
    communes = replace(params, level=COMMUNE, area=cercle)
    shown = presence_map(snapshot, communes)
    names = snapshot.unit_names()
    figure = presence_figure(view, shown.level, shown.pcodes, unit_labels(snapshot, shown.pcodes), shown.categories,
                             shown.customdata, lang, cercle, [names.get(code, code) for code in shown.pcodes],
                             snapshot.profile)
    figure["layout"]["title"] = shell.map_title(snapshot, params)
    gaps = run_report("gaps", snapshot, communes)
    overlaps = run_report("overlaps", snapshot, communes)
    by_sector = run_report("cercle_brief", snapshot, brief)
    overlap_note = ([html.P(country_text(snapshot.profile, "brief.more_overlaps", lang, count=format_number(
        len(overlaps) - PRINTED_OVERLAPS, lang)), className="note")] if len(overlaps) > PRINTED_OVERLAPS else [])
    return html.Section([
        html.H2(country_text(snapshot.profile, "brief.sheet_title", lang, cercle=names.get(cercle, cercle),
                          region=snapshot.lineage.loc[cercle, "region"])),
        html.P(brief_summary(snapshot, brief, by_sector), className="summary"),
        # each page says what it shows the data of (a draft in red), as the screen's header does
        html.Ul([html.Li(fact.children, className=getattr(fact, "className", None))
                 for fact in shell.header_facts(snapshot, params)], className="sheet-facts"),
        dcc.Graph(figure=figure, className="brief-map", config={"staticPlot": True}),
        html.H3(translate("brief.gaps", lang)),
        report_table(gaps_on_paper(gaps, [names.get(code, code) for code in snapshot.units_in(COMMUNE, cercle)],
                                   lang, snapshot.profile), lang, fold=False, profile=snapshot.profile),
        html.P(country_text(snapshot.profile, "brief.coarser_mark", lang, mark=COARSER_MARK), className="note"),
        html.H3(translate("brief.overlaps", lang)),
        report_table(overlaps.drop(columns=["period", "pcode", "cercle", "region"], errors="ignore"), lang,
                     max_rows=PRINTED_OVERLAPS, fold=False, profile=snapshot.profile),
        *overlap_note,
        html.H3(country_text(snapshot.profile, "brief.by_sector", lang)),
        # the cercle's number of communes is in the gaps above, those with cercle-level reports are marked there
        report_table(by_sector.drop(columns=["communes_coarser_only", "communes"], errors="ignore"), lang,
                     fold=False, profile=snapshot.profile),
    ], className="brief-sheet", id=f"brief-{cercle}")


def layout(snapshot: Snapshot, params: ReportParams, view: MapView) -> html.Div:
    lang = params.lang
    cercles = cercles_of(snapshot, params.area)
    blank = report_blank("cercle_brief", snapshot, params)
    if blank is not None:
        content = [html.P(blank, className="summary")]
    elif not cercles:
        content = [html.P(country_text(snapshot.profile, "brief.print_choose", lang), className="summary",
                          id="brief-print-choose")]
    else:
        content = [
            html.Div([html.Button(translate("brief.print", lang), id="print-brief", className="print-button"),
                      html.Span(translate("brief.print_count", lang, count=len(cercles)), className="hint")],
                     className="print-bar"),
            *[sheet(snapshot, params, cercle, view) for cercle in cercles],
        ]
    return shell.page(snapshot, params, "brief", content, show_filters=False)
