"""The presence page: a choropleth of presence with the global filters, and who is in the clicked unit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import dcc, html

from dashboard.analysis.filters import filter_activities
from dashboard.analysis.presence import organisations_in_unit
from dashboard.i18n import format_number, translate
from dashboard.layouts import shell
from dashboard.layouts.access_outline import with_access_outline
from dashboard.layouts.choropleth import MapView, category, map_config, presence_figure
from dashboard.layouts.modality_map import mode_control
from dashboard.layouts.unit_facts import unit_facts
from dashboard.reports import ReportParams, report_blank, run_report
from dashboard.security.policy import Policy
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY
from dashboard.reports.snapshot import Snapshot


@dataclass(frozen=True)
class PresenceMap:
    """What the map shows for one level and filter: unit codes in order, colour categories, counts."""

    pcodes: list[str]
    categories: list[int]
    customdata: list[list[int]]
    summary: str


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
    ``coarser_only`` per unit (the same numbers, under the same cache key, as the page's download)."""
    lang, level = params.lang, params.level
    presence = run_report("presence", snapshot, params)
    categories = [category(count, coarser) for count, coarser in zip(presence["organisations"], presence["coarser_only"])]
    blank = report_blank("presence", snapshot, params)
    if blank is not None:
        summary = blank
    else:
        rows = snapshot.rows(params.selection(snapshot))
        units_word = translate(f"level.{level}.plural", lang)
        summary = translate("summary.text", lang, organisations=len(rows.organisations),
                            covered=int((presence["organisations"] > 0).sum()), total=len(presence),
                            units=units_word, rows=format_number(int(rows.rows.rows[rows.mask].sum()), lang))
        coarser_only = int(((presence["organisations"] == 0) & (presence["coarser_only"] > 0)).sum())
        if coarser_only:
            summary += translate("summary.coarser", lang, count=coarser_only, units=units_word,
                                 coarser=translate(f"level.{level - 1}", lang).lower())
    return PresenceMap(presence["pcode"].tolist(), categories,
                       presence[["organisations", "coarser_only"]].values.tolist(), summary)


def map_figure(snapshot: Snapshot, params: ReportParams, view: MapView):
    shown = presence_map(snapshot, params)
    figure = presence_figure(view, params.level, shown.pcodes, unit_labels(snapshot, shown.pcodes), shown.categories,
                             shown.customdata, params.lang, params.area)
    return with_access_outline(figure, snapshot, params, view), shown.summary


def unit_table(snapshot: Snapshot, params: ReportParams, pcode: str | None) -> html.Div:
    """Who is present in the unit: organisations in it, then those reported only at a coarser level."""
    lang, names = params.lang, snapshot.unit_names()
    if not pcode or pcode not in names:
        return html.P(translate("table.hint", lang), className="hint")
    activities = filter_activities(snapshot.activities, params.selection(snapshot))
    table = organisations_in_unit(activities, snapshot.organisations, snapshot.units, pcode)
    level = int(snapshot.lineage.loc[pcode, "level"])
    children: list = [html.H3(translate("table.title", lang, name=names[pcode])), *unit_facts(snapshot, params, pcode)]
    if table.empty:
        return html.Div(children + [html.P(translate("table.empty", lang))], id="unit-table-content")
    header = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in
                                 ("table.acronym", "table.name", "table.type", "table.sectors")]))
    groups = [(table[table["reported_at"] >= level], translate("table.present", lang, count="{count}"))]
    for coarse in range(level - 1, 0, -1):
        coarser_name = translate(f"level.{coarse}", lang).lower()
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


def layout(snapshot: Snapshot, params: ReportParams, view: MapView) -> html.Div:
    """The page as first sent: the map is already drawn, so no callback runs on load."""
    figure, summary = map_figure(snapshot, params, view)
    lang = params.lang
    return shell.page(snapshot, params, "presence", [
        html.P(summary, id="map-summary", className="summary"),
        mode_control(snapshot, params),
        dcc.Graph(id="presence-map", figure=figure, className="presence-map",
                  config=map_config(params.lang, "mali-3w-presence")),
        html.P(translate("map.note", lang), className="note"),
        shell.download_links("presence", params),
        html.Div(html.P(translate("table.hint", lang), className="hint"), id="unit-table"),
    ])
