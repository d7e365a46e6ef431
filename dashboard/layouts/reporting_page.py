"""Rapportage: the reporting rounds (published or draft, their sources), and who did not report in the round
shown compared with the previous published one, by organisation, cluster or region. An IMO publishes or
withdraws the round shown from here (``python -m dashboard publish PERIOD`` does the same)."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.layouts.controls import dropdown
from dashboard.domain.enums import RoundState
from dashboard.domain.roles import Permission
from dashboard.i18n import format_date, format_number, format_period, translate
from dashboard.layouts.analysis_page import AnalysisPage
from dashboard.layouts.shell import page_param, round_label, shown_country
from dashboard.layouts.tables import cell_text, report_table
from dashboard.reports import ReportParams, run_report
from dashboard.reports.reporting import BY, compared_rounds, reporting_by
from dashboard.reports.snapshot import Snapshot
from dashboard.security.web import current_viewer

ROUND_TABLE_COLUMNS = ["period", "state", "published_at", "published_by", "sources", "files", "rows_accepted",
                       "unpublished_files", "last_import"]


def _state(snapshot: Snapshot, period: str, lang: str) -> str:
    return translate("round.state.draft" if snapshot.is_draft(period) else "round.state.published", lang)


def reporting_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> str:
    """"Compared with December 2023 (published), 12 of the 160 organisations that reported then have not
    reported in March 2024 (draft); 151 organisations reported in March 2024." """
    lang = params.lang
    earlier, shown = compared_rounds(snapshot, params)
    selection = params.selection(snapshot)
    before = snapshot.rows(selection, period=earlier).organisations
    now = snapshot.rows(selection, period=shown).organisations
    silent = len(set(before.tolist()) - set(now.tolist()))
    return translate("reporting.summary", lang, earlier=format_period(earlier, lang),
                     earlier_state=_state(snapshot, earlier, lang), later=format_period(shown, lang),
                     later_state=_state(snapshot, shown, lang), silent=format_number(silent, lang),
                     before=format_number(len(before), lang), now=format_number(len(now), lang))


def reporting_controls(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    earlier, shown = compared_rounds(snapshot, params)
    controls = [
        html.Label([translate("reporting.from", lang),
                    dropdown(lang, id=page_param("from"), value=earlier, clearable=False,
                                 options=[{"label": round_label(snapshot, period, lang), "value": period}
                                          for period in reversed(snapshot.periods) if shown is None or period < shown])]),
        html.Label([translate("reporting.by", lang),
                    dropdown(lang, id=page_param("by"), value=reporting_by(params), clearable=False,
                                 options=[{"label": translate(f"reporting.by.{by}", lang), "value": by} for by in BY])]),
    ]
    if current_viewer().can(Permission.PUBLISH_ROUNDS):
        controls.append(html.Div([
            html.Span(translate("rounds.actions", lang), className="control-title"),
            dcc.ConfirmDialogProvider(html.Button(translate("rounds.publish", lang), className="decision-button"),
                                      id="round-publish", message=translate("rounds.publish.confirm", lang)),
            dcc.ConfirmDialogProvider(html.Button(translate("rounds.withdraw", lang), className="decision-button"),
                                      id="round-withdraw", message=translate("rounds.withdraw.confirm", lang)),
        ], className="round-actions"))
    # outside the tables, which the recomputed page replaces: the confirmation stays in sight
    controls.append(html.P(id="round-feedback", className="feedback", role="status"))
    return controls


def round_link(period: str, lang: str, text: str | None = None, country: str | None = None) -> dcc.Link:
    """A link to this page for the round of ``country``'s ``period`` (None: the installation's default country):
    the round is that country's, so the link keeps it (its publish button acts on the view's country)."""
    return dcc.Link(text or format_period(period, lang), href=reporting_href(period, lang, country))


def reporting_href(period: str, lang: str, country: str | None = None) -> str:
    """The Rapportage page's address for the round of ``country``'s ``period``."""
    return "/rapportage?" + urlencode({**({"country": country} if country else {}), "period": period, "lang": lang})


def rounds_table(snapshot: Snapshot, lang: str) -> html.Figure:
    """Every round, newest first: published or draft, when and by whom, its sources and files, and the files
    imported since it was published (which the public does not see yet); each round opens this page on it."""
    head = html.Thead(html.Tr([html.Th(translate(f"column.round.{column}", lang)) for column in ROUND_TABLE_COLUMNS]))
    rows = []
    for round_ in snapshot.rounds.itertuples():
        values = {"period": round_link(round_.period, lang, country=shown_country(snapshot)),
                  "state": translate(f"round.state.{round_.state}", lang),
                  "published_at": (format_date(round_.published_at, lang) if round_.state == RoundState.PUBLISHED
                                   else "") or "—",
                  "published_by": round_.published_by if isinstance(round_.published_by, str) else "—",
                  "last_import": format_date(round_.last_import, lang) or "—"}
        cells = [html.Td(values[column] if column in values else cell_text(column, getattr(round_, column), lang))
                 for column in ROUND_TABLE_COLUMNS]
        rows.append(html.Tr(cells, className="draft" if snapshot.is_draft(round_.period) else None))
    return html.Figure([html.Figcaption(translate("reporting.rounds_title", lang)),
                        html.Table([head, html.Tbody(rows)], className="report-table rounds")], className="table-figure")


def newer_drafts(snapshot: Snapshot, shown: str | None, lang: str) -> list:
    """The rounds being assembled after the one shown (the page opens on the latest published round): where
    to see who has not reported yet."""
    drafts = [period for period in snapshot.periods if (shown is None or period > shown) and snapshot.is_draft(period)]
    return [html.P([translate("reporting.newer_draft", lang, period=format_period(period, lang)), " ",
                    round_link(period, lang, translate("reporting.open_round", lang), shown_country(snapshot))],
                   className="note draft-hint")
            for period in reversed(drafts)]


def reporting_extra(snapshot: Snapshot, params: ReportParams) -> list:
    """A newer round in preparation, the rounds, the files the round shown is made of (one per source), and
    the title of the table below."""
    lang = params.lang
    earlier, shown = compared_rounds(snapshot, params)
    parts = [*newer_drafts(snapshot, shown, lang), rounds_table(snapshot, lang)]
    if shown is not None:
        sources = run_report("round_sources", snapshot, params)
        sources = sources.assign(period=sources["period"].map(lambda period: format_period(period, lang)),
                                 imported_at=sources["imported_at"].map(lambda day: format_date(day, lang)))
        parts.append(html.Figure([
            html.Figcaption(translate("reporting.sources_title", lang, period=format_period(shown, lang),
                                      state=_state(snapshot, shown, lang))),
            report_table(sources, lang, profile=snapshot.profile)], className="table-figure"))
    if earlier is not None and shown is not None:
        parts.append(html.H3(translate(f"reporting.table_title.{reporting_by(params)}", lang,
                                       earlier=format_period(earlier, lang), later=format_period(shown, lang)),
                             className="table-title"))
    return parts


def reporting_table(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> html.Div:
    lang = params.lang
    if "last_round" in frame.columns:
        frame = frame.assign(last_round=frame["last_round"].map(
            lambda period: format_period(period, lang) if isinstance(period, str) else None))
    return report_table(frame, lang, max_rows=200, profile=snapshot.profile)


REPORTING = AnalysisPage("reporting", "/rapportage", "reporting_status", reporting_summary, reporting_controls,
                         extra=reporting_extra, table=reporting_table, extra_when_blank=True)
