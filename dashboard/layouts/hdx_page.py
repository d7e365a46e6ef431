"""The HDX page (IMOs): the 3W releases of the HDX dataset, the period each covers, and those not yet imported,
with the command that fetches each. HDX (or the mirror folder) is read when the IMO asks, not when the page
opens, so that an office without internet still opens it at once."""

from __future__ import annotations

from dash import html

from dashboard.i18n import format_period, translate
from dashboard.ingest.hdx import DEFAULT_DATASET, HdxError, HdxSource, not_imported
from dashboard.layouts import shell
from dashboard.reports import ReportParams
from dashboard.reports.country_words import country_text
from dashboard.reports.snapshot import Snapshot

#: how long the page waits for HDX before saying it could not be reached (the command line waits longer)
PAGE_TIMEOUT = 10


def layout(snapshot: Snapshot, params: ReportParams) -> html.Div:
    lang = params.lang
    source = HdxSource.from_environment()
    return shell.page(snapshot, params, "hdx", [
        html.P(country_text(snapshot.profile, "hdx.intro", lang, dataset=DEFAULT_DATASET, where=source.where()),
               className="summary"),
        html.Button(translate("hdx.list", lang), id="hdx-list", n_clicks=0),
        html.Div(id="hdx-releases"),
        html.P([translate("hdx.how", lang), " ", html.Code("python -m dashboard fetch-hdx")], className="note"),
    ], show_filters=False)


def releases(snapshot: Snapshot, lang: str) -> html.Div:
    """The dataset's releases, newest first, each with its period and whether it is imported; or why HDX (or
    the mirror) could not say."""
    source = HdxSource.from_environment(timeout=PAGE_TIMEOUT)
    try:
        resources = source.resources(DEFAULT_DATASET)
    except HdxError as error:
        return html.Div(html.P(translate("hdx.unreachable", lang, where=source.where(), reason=str(error)),
                               className="login-error", role="alert"))
    imported = set(snapshot.batches["period"].astype(str))
    pending = not_imported(resources, imported)
    head = html.Thead(html.Tr([html.Th(translate(f"hdx.{column}", lang))
                               for column in ("period", "name", "state", "command")]))
    rows = []
    for resource in resources:
        state = ("hdx.imported" if resource.period in imported else "hdx.not_imported") if resource.readable \
            else "hdx.not_3w"
        command = f"python -m dashboard fetch-hdx --resource '{resource.name}'" if resource in pending else ""
        rows.append(html.Tr([html.Td(format_period(resource.period, lang) if resource.period else "?"),
                             html.Td(resource.name), html.Td(translate(state, lang)), html.Td(html.Code(command))],
                            className="pending" if resource in pending else None))
    return html.Div([
        html.P(translate("hdx.summary", lang, count=len(resources), pending=len(pending)), id="hdx-summary"),
        html.Table([head, html.Tbody(rows)], className="report-table", id="hdx-table")])
