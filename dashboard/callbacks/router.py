"""Per-app page routing: the address's path picks the page, its query sets the page's filters.

Dash Pages keeps one page registry for the whole process, so two apps in one process (tests, or several
configurations) would serve each other's data; each app here owns its routes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, dcc, html

from dashboard.i18n import translate
from dashboard.reports import ReportParams, params_from_query

PageLayout = Callable[[ReportParams], object]


def app_layout() -> html.Div:
    return html.Div([dcc.Location(id="url", refresh=False), html.Div(id="page-content")])


def register(app: Dash, pages: Mapping[str, PageLayout]) -> None:
    @app.callback(Output("page-content", "children"), Input("url", "pathname"), Input("url", "search"))
    def route(pathname: str | None, search: str | None):
        params = params_from_query(dict(parse_qsl((search or "").lstrip("?"))))
        path = app.strip_relative_path(pathname or "/") or ""
        layout = pages.get("/" + path)
        if layout is None:
            return html.Div([html.H1(translate("page.not_found", params.lang)),
                             html.A(translate("page.back_home", params.lang), href=app.get_relative_path("/"))],
                            className="not-found")
        return layout(params)
