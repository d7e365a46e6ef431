"""The registry page (IMOs only). Organisations: spellings that may be one organisation, merged or marked
distinct, a merge of any two by hand, and the decisions taken so far (a merge cannot be undone from the
dashboard, so each merge button asks for confirmation first). Sectors: the spellings that kept rows out,
each taught in one click. The callbacks behind the buttons check the role again."""

from __future__ import annotations

from sqlalchemy import Engine

from dash import dcc, html

from dashboard.layouts.controls import dropdown
from dashboard.i18n import format_number, translate
from dashboard.ingest.sector_spellings import taught_spellings, unknown_sector_spellings
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.ingest.organisation_matching import merge_proposals
from dashboard.store.organisation_decisions import decision_history, organisation_frame
from dashboard.domain.text import clean_text
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY
from dashboard.reports.snapshot import Snapshot

#: proposals listed at once, the surest first; deciding on them brings the next ones
PROPOSALS_SHOWN = 50
DECISIONS_SHOWN = 100


def _label(acronym, name) -> str:
    return clean_text(acronym) or clean_text(name) or "?"


def _organisation_cell(pair, side: str, lang: str) -> list:
    acronym, name = clean_text(getattr(pair, f"{side}_acronym")), clean_text(getattr(pair, f"{side}_name"))
    rows = int(getattr(pair, f"{side}_rows"))
    return [html.Strong(_label(acronym, name)), html.Br(),
            html.Small(" · ".join(part for part in (
                name if acronym else None, ORG_TYPE_VOCABULARY.label(getattr(pair, f"{side}_org_type"), lang),
                translate("organisations.rows", lang, count=format_number(rows, lang))) if part))]


def _merge_button(pair, kept: str, other: str, lang: str) -> dcc.ConfirmDialogProvider:
    kept_label = _label(getattr(pair, f"{kept}_acronym"), getattr(pair, f"{kept}_name"))
    other_label = _label(getattr(pair, f"{other}_acronym"), getattr(pair, f"{other}_name"))
    return dcc.ConfirmDialogProvider(
        html.Button(translate("organisations.merge_into", lang, kept=kept_label), className="decision-button"),
        id={"type": "organisation-decision", "kept": int(getattr(pair, f"{kept}_id")),
            "other": int(getattr(pair, f"{other}_id")), "decision": "merge"},
        message=translate("organisations.confirm", lang, kept=kept_label, other=other_label,
                          rows=format_number(int(getattr(pair, f"{other}_rows")), lang)))


def proposals_table(engine, lang: str) -> html.Div:
    proposals = merge_proposals(engine)
    if proposals.empty:
        return html.Div(html.P(translate("organisations.none", lang)), id="proposals-list")
    head = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in (
        "organisations.first", "organisations.second", "organisations.why", "review.decision")]))
    rows = [html.Tr([
        html.Td(_organisation_cell(pair, "first", lang)), html.Td(_organisation_cell(pair, "second", lang)),
        html.Td([", ".join(translate(f"organisations.reason.{reason}", lang) for reason in pair.reasons),
                 html.Br(), html.Small(translate("organisations.score", lang, score=pair.score))]),
        html.Td([_merge_button(pair, "first", "second", lang), _merge_button(pair, "second", "first", lang),
                 html.Button(translate("organisations.distinct", lang), className="decision-button",
                             id={"type": "organisation-decision", "kept": int(pair.first_id),
                                 "other": int(pair.second_id), "decision": "distinct"})]),
    ]) for pair in proposals.head(PROPOSALS_SHOWN).itertuples()]
    return html.Div([html.P(translate("organisations.summary", lang, count=len(proposals))),
                     html.Table([head, html.Tbody(rows)], className="report-table")], id="proposals-list")


def by_hand_section(engine, lang: str) -> html.Div:
    organisations = organisation_frame(engine)
    options = [{"label": f"{_label(row.acronym, row.name)} — {clean_text(row.name) or ''} "
                         f"({translate('organisations.rows', lang, count=format_number(int(row.rows), lang))})",
                "value": int(row.organisation_id)} for row in organisations.itertuples()]
    return html.Div([
        html.Label([translate("organisations.kept", lang),
                    dropdown(lang, id="merge-kept", options=options, placeholder=translate("organisations.choose", lang))]),
        html.Label([translate("organisations.other", lang),
                    dropdown(lang, id="merge-other", options=options, placeholder=translate("organisations.choose", lang))]),
        dcc.ConfirmDialogProvider(html.Button(translate("organisations.merge", lang), className="decision-button"),
                                  id="merge-by-hand", message=translate("organisations.confirm_by_hand", lang)),
    ], id="merge-by-hand-form")


def history_table(engine, lang: str) -> html.Div:
    history = decision_history(engine)
    if history.empty:
        return html.Div(html.P(translate("organisations.no_decision", lang)), id="organisation-history")
    columns = ("decided_at", "decided_by", "decision", "kept_acronym", "other_label", "rows_moved")
    head = html.Thead(html.Tr([html.Th(translate(f"organisations.history.{column}", lang)) for column in columns]))
    body = html.Tbody([html.Tr([
        html.Td(row.decided_at.strftime("%Y-%m-%d %H:%M")), html.Td(row.decided_by or ""),
        html.Td(translate(f"organisations.decision.{row.decision}", lang)), html.Td(row.kept_acronym or f"#{row.kept_id}"),
        html.Td(row.other_label), html.Td(format_number(int(row.rows_moved), lang)),
    ]) for row in history.head(DECISIONS_SHOWN).itertuples()])
    return html.Div(html.Table([head, body], className="report-table"), id="organisation-history")


def sector_spellings_table(engine, lang: str) -> html.Div:
    unknown = unknown_sector_spellings(engine)
    options = [{"label": term.label(lang), "value": term.code} for term in SECTOR_VOCABULARY.terms]
    parts = []
    if unknown.empty:
        parts.append(html.P(translate("sectors.none", lang)))
    else:
        head = html.Thead(html.Tr([html.Th(translate(key, lang)) for key in (
            "sectors.spelling", "sectors.rows", "sectors.means", "review.decision")]))
        parts.append(html.Table([head, html.Tbody([html.Tr([
            html.Td(row.spelling), html.Td(format_number(int(row.rows), lang)),
            html.Td(dropdown(lang, id={"type": "sector-choice", "spelling": row.spelling}, options=options,
                                 value=row.suggested_code if isinstance(row.suggested_code, str) else None,
                                 placeholder=translate("sectors.choose", lang), className="sector-choice")),
            html.Td(html.Button(translate("sectors.teach", lang), className="decision-button",
                                id={"type": "sector-teach", "spelling": row.spelling})),
        ]) for row in unknown.itertuples()])], className="report-table"))
    taught = taught_spellings(engine)
    if not taught.empty:
        parts.append(html.P(translate("sectors.taught", lang, spellings="; ".join(
            f"{row.spelling} → {SECTOR_VOCABULARY.label(row.sector_code, lang)}" for row in taught.itertuples())),
            className="note"))
    return html.Div(parts, id="sector-spellings")


def content(engine, lang: str) -> list:
    """The parts a decision changes: proposals, the lists of the form, the decisions taken."""
    return [
        html.Section([html.H3(translate("organisations.proposals", lang)),
                      html.P(translate("organisations.how", lang), className="note"),
                      proposals_table(engine, lang)], className="report-section"),
        html.Section([html.H3(translate("organisations.by_hand", lang)),
                      html.P(translate("organisations.by_hand_how", lang), className="note"),
                      by_hand_section(engine, lang)], className="report-section"),
        html.Section([html.H3(translate("organisations.history", lang)), history_table(engine, lang)],
                     className="report-section"),
        html.Section([html.H3(translate("sectors.title", lang)), html.P(translate("sectors.how", lang), className="note"),
                      sector_spellings_table(engine, lang)], className="report-section"),
    ]


def layout(snapshot: Snapshot, params: ReportParams, engine: Engine) -> html.Div:
    lang = params.lang
    return shell.page(snapshot, params, "registry", [
        html.P(id="organisation-feedback", role="status", className="feedback"),
        html.Div(content(engine, lang), id="organisations-content"),
    ], show_filters=False)
