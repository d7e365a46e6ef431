"""Localisation: how present national NGOs are among operational organisations and cluster members, how much
funding reaches national and local partners against the Grand Bargain's 25%, and who funds whom."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.analysis.localisation import GRAND_BARGAIN_TARGET
from dashboard.i18n import format_number, translate
from dashboard.layouts.analysis_page import AnalysisPage
from dashboard.layouts.charts import share_bars
from dashboard.layouts.shell import download_links
from dashboard.layouts.tables import report_table
from dashboard.reports import ReportParams, run_report
from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.reports.snapshot import Snapshot


def funding_bars(table: pd.DataFrame, names: list[str], lang: str) -> html.Figure:
    """Share of funding to national and local partners per region, with the 25% target marked."""
    rows = [html.Div([
        html.Span(name, className="bar-label"),
        html.Div([html.Div(className="bar national", style={"width": f"{100 * share:.1f}%"}),
                  html.Div(className="target", style={"left": f"{100 * GRAND_BARGAIN_TARGET:.0f}%"})],
                 className="bar-track"),
        html.Span("—" if pd.isna(share) else f"{share:.0%}", className="bar-value"),
    ], className="bar-row") for name, share in zip(names, table["local_share"].fillna(0))]
    legend = html.P([html.Span(className="swatch target-swatch"), translate("localisation.target", lang)],
                    className="bar-legend")
    return html.Figure([html.Figcaption(translate("localisation.funding_title", lang)), *rows, legend],
                       className="bar-chart funding-chart")


def flows_table(network: pd.DataFrame, lang: str) -> html.Figure:
    """Who funds whom: each link with its amount, widest first, and a bar in proportion to the amount."""
    links = network.sort_values("amount_eur", ascending=False)
    largest = links["amount_eur"].max() or 1
    rows = [html.Tr([html.Td(row.source_label), html.Td("→"), html.Td(row.target_label),
                     html.Td(format_number(int(row.amount_eur or 0), lang) + " EUR", className="number"),
                     html.Td(html.Div(className="bar national", style={"width": f"{100 * (row.amount_eur or 0) / largest:.1f}%"}),
                             className="bar-cell")])
            for row in links.itertuples()]
    # its title is the section's
    return html.Figure([html.Table(html.Tbody(rows), className="report-table flows")], className="bar-chart")


def _section(title: str, body: list, report: str | None, params: ReportParams) -> html.Section:
    """A titled part of the page: its chart and its table together, then the table's downloads."""
    return html.Section([html.H3(title), *body, *([download_links(report, params)] if report else [])],
                        className="report-section")


def _notice(title: str, text: str) -> html.Section:
    return html.Section([html.H3(title), html.P(text, className="hint")], className="report-section")


def _with_total(frame: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    """The report's last row (all together) named "Total"."""
    return frame.assign(**{column: frame[column].fillna(translate("value.total", lang))})


def extra(snapshot: Snapshot, params: ReportParams) -> list:
    """Each chart beside its own table and downloads: national NGOs by sector, by region, among cluster
    members; funding to national and local partners, and who funds whom."""
    lang = params.lang
    names = snapshot.unit_names()
    by_sector = run_report("national_share_by_sector", snapshot, params)
    by_region = run_report("national_share_by_region", snapshot, params)
    sections = [
        _section(translate("localisation.operational_by_sector", lang), [
            share_bars(translate("localisation.by_sector", lang),
                       [SECTOR_VOCABULARY.label(code, lang) for code in by_sector["sector_code"].iloc[:-1]],
                       by_sector["national_ngos"].iloc[:-1].tolist(), by_sector["organisations"].iloc[:-1].tolist(),
                       lang),
            report_table(_with_total(by_sector, "sector_code", lang), lang, profile=snapshot.profile)],
            "national_share_by_sector", params),
        _section(translate("localisation.operational_by_region", lang), [
            share_bars(translate("localisation.by_region", lang), by_region["region"].iloc[:-1].tolist(),
                       by_region["national_ngos"].iloc[:-1].tolist(), by_region["organisations"].iloc[:-1].tolist(),
                       lang),
            report_table(_with_total(by_region, "region", lang), lang, profile=snapshot.profile)],
            "national_share_by_region", params),
    ]
    members = run_report("member_share", snapshot, params)
    if members["members"].sum():
        sections.append(_section(translate("localisation.members", lang), [report_table(members, lang, profile=snapshot.profile)],
                                 "member_share", params))
    else:
        reason = "localisation.no_members" if snapshot.memberships.empty else "localisation.no_match"
        sections.append(_notice(translate("localisation.members", lang), translate(reason, lang)))
    funding = run_report("local_funding", snapshot, params)
    if funding["agreements"].sum():
        regions = funding.iloc[:-1]
        chart_names = [names.get(code, translate("localisation.no_region", lang)) if code else
                       translate("localisation.no_region", lang) for code in regions["adm1_pcode"]]
        notes = [html.P(translate("localisation.funding_note", lang), className="note")]
        total = funding.iloc[-1]
        if pd.notna(total["local_share"]) and total["local_share"] >= 1:
            # every agreement of the table goes to a national or local partner: the table lists funding
            # already delegated, and its 100 % says nothing of the funding that was not
            notes.append(html.P(translate("localisation.only_local", lang), className="note warning-note",
                                id="only-local-note"))
        sections.append(_section(translate("localisation.funding", lang), [
            *notes, funding_bars(regions, chart_names, lang),
            report_table(_with_total(funding, "region", lang), lang, profile=snapshot.profile),
        ], "local_funding", params))
        network = run_report("partner_network", snapshot, params)
        sections.append(_section(translate("localisation.network_title", lang), [flows_table(network, lang)],
                                 "partner_network", params))
    else:
        reason = "localisation.no_partnerships" if snapshot.partnerships.empty else "localisation.no_match"
        sections.append(_notice(translate("localisation.funding", lang), translate(reason, lang)))
    return sections


def summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    total = frame.iloc[-1]
    lang = params.lang
    return translate("localisation.summary", lang, national=format_number(int(total["national_ngos"]), lang),
                     organisations=format_number(int(total["organisations"]), lang),
                     share=f"{total['share']:.0%}" if pd.notna(total["share"]) else "—")


# every table is in its section, beside its chart and with its downloads: none below them
LOCALISATION = AnalysisPage("localisation", "/localisation", "national_share_by_region", summary, extra=extra,
                            table=lambda snapshot, params, frame: None, own_downloads=False)
