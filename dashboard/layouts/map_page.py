"""The presence page: a choropleth of presence with the global filters, and who is in the clicked unit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import dcc, html

from dashboard.analysis.filters import filter_activities
from dashboard.analysis.presence import organisations_in_unit
from dashboard.i18n import format_number, format_period, translate
from dashboard.layouts import shell
from dashboard.layouts.access_outline import with_access_outline
from dashboard.layouts.charts import count_bars, share_bars
from dashboard.layouts.choropleth import MapView, category, map_config, presence_figure
from dashboard.layouts.modality_map import map_mode, modality_figure, mode_control
from dashboard.layouts.unit_facts import unit_facts
from dashboard.reports import ReportParams, report_blank, run_report
from dashboard.reports.country_words import country_text, file_stem, level_plural, level_unit
from dashboard.security.policy import Policy
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY
from dashboard.reports.people import selected_people
from dashboard.reports.snapshot import Snapshot


@dataclass(frozen=True)
class PresenceMap:
    """What the map shows for one level and filter: unit codes in order, colour categories, counts."""

    pcodes: list[str]
    categories: list[int]
    customdata: list[list[int]]
    summary: str
    #: the level drawn: the one asked for, or the finest that has polygons (:func:`shell.map_params`)
    level: int = 3


def unit_labels(snapshot: Snapshot, pcodes: list[str]) -> list[str]:
    """Hover titles: the unit's name followed by the names of its cercle and region."""
    lineage = snapshot.lineage.reindex(pcodes)
    labels = []
    for row in lineage.itertuples():
        around = [name for level, name in ((2, row.cercle), (1, row.region)) if level < row.level and name]
        labels.append(row.name + (f" ({', '.join(around)})" if around else ""))
    return labels


def presence_map(snapshot: Snapshot, params: ReportParams) -> PresenceMap:
    """Colours, hover counts and summary of the presence map: the ``presence`` report's ``organisations`` and
    ``coarser_only`` per unit (the same numbers, under the same cache key, as the page's download at the level
    drawn). A level without polygons is drawn at the finest that has, and the summary says so."""
    notes = shell.map_level_notes(snapshot, params)
    params = shell.map_params(snapshot, params)
    lang, level = params.lang, params.level
    presence = run_report("presence", snapshot, params)
    categories = [category(count, coarser) for count, coarser in zip(presence["organisations"], presence["coarser_only"])]
    blank = report_blank("presence", snapshot, params)
    if blank is not None:
        summary = blank
    else:
        rows = snapshot.rows(params.selection(snapshot))
        units_word = level_plural(snapshot.profile, level, lang)
        summary = translate("summary.text", lang, organisations=len(rows.organisations),
                            covered=int((presence["organisations"] > 0).sum()), total=len(presence),
                            units=units_word, rows=format_number(int(rows.rows.rows[rows.mask].sum()), lang))
        coarser_only = int(((presence["organisations"] == 0) & (presence["coarser_only"] > 0)).sum())
        if coarser_only:
            summary += translate("summary.coarser", lang, count=coarser_only, units=units_word,
                                 coarser=level_unit(snapshot.profile, level - 1, lang))
    summary = " ".join([summary, *notes])
    return PresenceMap(presence["pcode"].tolist(), categories,
                       presence[["organisations", "coarser_only"]].values.tolist(), summary, level)


def map_figure(snapshot: Snapshot, params: ReportParams, view: MapView):
    view = view.of(snapshot)
    shown = presence_map(snapshot, params)
    names = snapshot.unit_names()
    figure = presence_figure(view, shown.level, shown.pcodes, unit_labels(snapshot, shown.pcodes), shown.categories,
                             shown.customdata, params.lang, params.area, [names.get(code, code) for code in shown.pcodes],
                             snapshot.profile)
    figure["layout"]["title"] = shell.map_title(snapshot, params)
    return with_access_outline(figure, snapshot, shell.map_params(snapshot, params), view), shown.summary


def unit_table(snapshot: Snapshot, params: ReportParams, pcode: str | None) -> html.Div:
    """Who is present in the unit: organisations in it, then those reported only at a coarser level."""
    lang, names = params.lang, snapshot.unit_names()
    if not pcode or pcode not in names:
        return html.P(translate("table.hint", lang), className="hint")
    activities = filter_activities(snapshot.activities, params.selection(snapshot))
    table = organisations_in_unit(activities, snapshot.organisations, snapshot.units, pcode)
    level = int(snapshot.lineage.loc[pcode, "level"])
    children: list = [html.H3(translate("table.title", lang, name=names[pcode])), *people_line(snapshot, params, pcode),
                      *unit_facts(snapshot, params, pcode)]
    if table.empty:
        return html.Div(children + [html.P(translate("table.empty", lang))], id="unit-table-content")
    header = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in
                                 ("table.acronym", "table.name", "table.type", "table.sectors")]))
    groups = [(table[table["reported_at"] >= level], translate("table.present", lang, count="{count}"))]
    for coarse in range(level - 1, 0, -1):
        coarser_name = level_unit(snapshot.profile, coarse, lang)
        groups.append((table[table["reported_at"] == coarse],
                       translate("table.coarser", lang, coarser=coarser_name, count="{count}")))
    policy = snapshot.public_policy
    for rows, title in groups:
        if rows.empty:
            continue
        children.append(html.H4(title.format(count=len(rows))))
        if policy is not None and len(rows) < policy.min_organisations_named:
            children.append(html.P(translate("policy.hidden_names", lang, k=policy.min_organisations_named),
                                   className="hidden-names"))
            continue
        small = _small_sectors(rows, policy)
        body = html.Tbody([html.Tr([
            html.Td(row.acronym or ""), html.Td(row.name or ""), html.Td(ORG_TYPE_VOCABULARY.label(row.org_type, lang)),
            html.Td(sectors_text(row.sectors, small, lang, policy)),
        ]) for row in rows.itertuples()])
        children.append(html.Table([header, body], className="unit-table"))
    return html.Div(children, id="unit-table-content")


def people_line(snapshot: Snapshot, params: ReportParams, pcode: str) -> list:
    """People targeted and reached, and the rows by status, in the clicked unit (the ``people`` report's row),
    when the 3W gives them; nothing otherwise."""
    if selected_people(snapshot, params).empty:
        return []
    rows = run_report("people", snapshot, params)
    row = rows[rows["pcode"] == pcode]
    if row.empty or (row[["targeted", "reached"]].isna().all(axis=None)
                     and not row[["rows_ongoing", "rows_planned", "rows_completed"]].to_numpy().any()):
        return []
    row, lang = row.iloc[0], params.lang

    def number(value: float) -> str:
        return "—" if pd.isna(value) else format_number(int(round(value)), lang)
    return [html.P(translate("table.people", lang, targeted=number(row["targeted"]), reached=number(row["reached"]),
                             ongoing=int(row["rows_ongoing"]), planned=int(row["rows_planned"]),
                             completed=int(row["rows_completed"])), className="note", id="unit-people")]


def _small_sectors(rows: pd.DataFrame, policy: Policy | None) -> set[str]:
    """Sectors in which fewer organisations than the public policy's k appear among ``rows`` (none when the
    viewer sees everything): naming an organisation's sector there would name it in a small cell."""
    if policy is None:
        return set()
    counts = pd.Series([code for codes in rows["sectors"] for code in codes]).value_counts()
    return set(counts[counts < policy.min_organisations_named].index)


def sectors_text(codes: list[str], hidden: set[str], lang: str, policy: Policy | None) -> str:
    shown = [SECTOR_VOCABULARY.label(code, lang) for code in codes if code not in hidden]
    withheld = sum(code in hidden for code in codes)
    if withheld:  # "Santé, et 1 secteur où…", or the sectors hidden alone: "2 secteurs où…"
        key = f"policy.hidden_sectors{'' if shown else '_only'}.{'one' if withheld == 1 else 'many'}"
        shown.append(translate(key, lang, count=withheld, k=policy.min_organisations_named))
    return ", ".join(shown)


#: how many organisations the "most present" chart shows (the download has them all)
TOP_ORGANISATIONS = 10


def key_figures(snapshot: Snapshot, params: ReportParams) -> list:
    """The figures a meeting opens with, for the filters shown: organisations, national NGOs and their share,
    units covered at the level shown, the period. Read from the reports the charts and the map read."""
    lang = params.lang
    if report_blank("presence", snapshot, params) is not None:
        return []
    types = run_report("organisations_by_type", snapshot, params)
    total = int(types["organisations"].iloc[-1])
    national = types.loc[types["org_type"] == "ngo_national", "organisations"].sum()
    presence = run_report("presence", snapshot, params)
    covered, units = int((presence["organisations"] > 0).sum()), len(presence)
    period = params.selection(snapshot).period

    def figure(key: str, value: str, detail: str, figure_id: str) -> html.Div:
        return html.Div([html.Span(value, className="figure-value"), html.Span(translate(key, lang),
                         className="figure-label"), html.Span(detail, className="figure-detail")],
                        className="key-figure", id=figure_id)

    share = f"{national / total:.0%}" if total else "—"
    return [
        figure("figures.organisations", format_number(total, lang), "", "figure-organisations"),
        figure("figures.national", format_number(int(national), lang),
               translate("figures.national_share", lang, share=share), "figure-national"),
        figure("figures.covered", f"{format_number(covered, lang)} / {format_number(units, lang)}",
               level_plural(snapshot.profile, params.level, lang) if params.level else "", "figure-covered"),
        figure("figures.as_of", format_period(period, lang) if period else "—", "", "figure-period"),
    ]


def overview(snapshot: Snapshot, params: ReportParams) -> list:
    """Three charts for the filters shown, each with its downloads: organisations by sector (national NGOs
    among them), by type, and the most present organisations (units where present)."""
    lang = params.lang
    if report_blank("presence", snapshot, params) is not None:
        return []
    by_sector = run_report("national_share_by_sector", snapshot, params).iloc[:-1]
    types = run_report("organisations_by_type", snapshot, params).iloc[:-1]
    top = run_report("top_organisations", snapshot, params).head(TOP_ORGANISATIONS)
    units = level_plural(snapshot.profile, params.level, lang) if params.level else ""
    charts = [
        (share_bars(translate("overview.by_sector", lang),
                    [SECTOR_VOCABULARY.label(code, lang) for code in by_sector["sector_code"]],
                    by_sector["national_ngos"].tolist(), by_sector["organisations"].tolist(), lang),
         "national_share_by_sector", "chart-by-sector"),
        (count_bars(translate("overview.by_type", lang),
                    [ORG_TYPE_VOCABULARY.label(code, lang) for code in types["org_type"]],
                    types["organisations"].tolist(),
                    [f"{format_number(int(count), lang)} ({share:.0%})"
                     for count, share in zip(types["organisations"], types["share"])]),
         "organisations_by_type", "chart-by-type"),
        (count_bars(translate("overview.top", lang, count=TOP_ORGANISATIONS, units=units),
                    top["organisation"].tolist(), top["units_present"].tolist(),
                    [format_number(int(count), lang) for count in top["units_present"]]),
         "top_organisations", "chart-top"),
    ]
    return [html.Section([chart, shell.download_links(report, params)], className="overview-chart", id=chart_id)
            for chart, report, chart_id in charts]


def layout(snapshot: Snapshot, params: ReportParams, view: MapView) -> html.Div:
    """The page as first sent: the map is already drawn, so no callback runs on load."""
    figure, summary = map_figure(snapshot, params, view)
    if map_mode(snapshot, params) == "modality":  # the address asks for the physical-presence map
        figure = modality_figure(snapshot, params, view, unit_labels)
        figure["layout"]["title"] = shell.map_title(snapshot, params)
    lang = params.lang
    return shell.page(snapshot, params, "presence", [
        html.Div(key_figures(snapshot, params), id="key-figures", className="key-figures"),
        html.P(summary, id="map-summary", className="summary"),
        mode_control(snapshot, params),
        dcc.Graph(id="presence-map", figure=figure, className="presence-map",
                  config=map_config(params.lang, f"{file_stem(snapshot.profile)}-presence")),
        html.P(country_text(snapshot.profile, "map.note", lang), className="note"),
        shell.download_links("presence", params),
        shell.open_data_links(params, full_rows=not snapshot.public),
        html.Div(html.P(translate("table.hint", lang), className="hint"), id="unit-table"),
        html.Div(overview(snapshot, params), id="presence-overview", className="overview"),
    ])
