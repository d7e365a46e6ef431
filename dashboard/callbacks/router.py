"""Per-app page routing: the address's path picks the page, its query sets the page's filters.

Dash Pages keeps one page registry for the whole process, so two apps in one process (tests, or several
configurations) would serve each other's data; each app here owns its routes. A page may need a
permission: without it the router answers with a login prompt instead of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

from dash import Dash, Input, Output, dcc, html

from dashboard.domain.country import CountryProfile
from dashboard.i18n import translate
from dashboard.layouts import shell
from dashboard.reports import ReportParams, params_from_query
from dashboard.domain.filters import DEFAULT_LEVEL
from dashboard.domain.roles import Permission
from dashboard.security.web import current_viewer


@dataclass(frozen=True)
class Page:
    layout: Callable[[ReportParams], object]
    #: what the viewer must be allowed to open the page (None: everyone, including the public)
    permission: Permission | None = None
    #: the level the page opens at when its address does not say
    default_level: int = DEFAULT_LEVEL


def app_layout() -> html.Div:
    return html.Div([dcc.Location(id="url", refresh=False), html.Div(id="page-content")])


def _refusal(app: Dash, path: str, params: ReportParams, profile: CountryProfile | None = None) -> html.Div:
    viewer, lang = current_viewer(), params.lang
    if viewer.public:
        login = app.get_relative_path("/login") + "?" + urlencode({"next": path, "lang": lang})
        message = [html.P(translate("access.login_needed", lang)),
                   html.P(html.A(translate("login.link", lang), href=login, id="login-prompt"))]
    else:
        message = [html.P(translate("access.forbidden", lang, role=translate(f"role.{viewer.role}", lang)))]
    return shell.plain_page(params, [html.Div([
        *message, html.P(html.A(translate("page.back_home", lang), href=app.get_relative_path("/")))],
        className="not-found", id="access-refused")], profile=profile)


def _not_found(app: Dash, params: ReportParams, profile: CountryProfile | None = None) -> html.Div:
    lang = params.lang
    return shell.plain_page(params, [html.Div([
        html.H2(translate("page.not_found", lang)),
        html.P(html.A(translate("page.back_home", lang), href=app.get_relative_path("/")))], className="not-found")],
        profile=profile)


def register(app: Dash, pages: Mapping[str, Page],
             profile: Callable[[ReportParams], CountryProfile | None] = lambda params: None) -> None:
    """Route the addresses to ``pages``; a page not found or refused speaks of the country ``profile`` gives
    for the address's parameters (Mali's words by default)."""
    @app.callback(Output("page-content", "children"), Input("url", "pathname"), Input("url", "search"))
    def route(pathname: str | None, search: str | None):
        query = dict(parse_qsl((search or "").lstrip("?")))
        params = params_from_query(query)
        path = "/" + (app.strip_relative_path(pathname or "/") or "")
        page = pages.get(path)
        if page is None:
            return _not_found(app, params, profile(params))
        if page.permission is not None and not current_viewer().can(page.permission):
            return _refusal(app, path, params, profile(params))
        if "level" not in query and page.default_level != params.level:
            params = replace(params, level=page.default_level)
        return page.layout(params)
