"""What every page shares: header with the data's "as of", navigation, the global filters, download links.

Global filter ids are the same on every page, those of :data:`dashboard.domain.filters.FILTERS`;
page-specific settings use ids ``{"type": "page-param", "name": <query name>}``. A clientside callback (:mod:`dashboard.callbacks.url_state`) writes all of them into the address bar, so a
copied link reproduces the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlencode

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from dashboard.layouts.controls import dropdown
from dashboard.domain.country import CountryProfile
from dashboard.reports.country_words import (app_title, boundaries_line, country_text, drawn_level, drawn_level_note,
                                               level_label, whole_country)
from dashboard.i18n import format_period, translate
from dashboard.reports import ReportParams, params_to_query
from dashboard.reports.describe import draft_note, period_facts
from dashboard.domain.roles import Permission, Viewer
from dashboard.security.web import current_viewer
from dashboard.domain.filters import DEFAULT_LEVEL, FILTERS, Filter, FilterKind
from dashboard.domain.vocabulary import NO_SECTOR, SECTOR_VOCABULARY, VOCABULARIES
from dashboard.reports.snapshot import Snapshot

#: (page name, path, what opening it needs) in the order of the navigation bar
PAGES: tuple[tuple[str, str, Permission | None], ...] = (
    ("presence", "/", None), ("gaps", "/lacunes", None), ("overlaps", "/chevauchements", None),
    ("localisation", "/localisation", None), ("change", "/evolution", None), ("matrix", "/matrice", None),
    ("people", "/personnes", None),
    ("membership", "/membres", None),
    ("duplicates", "/doublons", Permission.REVIEW_DUPLICATES), ("brief", "/fiche", None),
    ("reporting", "/rapportage", Permission.VIEW_REPORTING),
    ("imports", "/imports", Permission.VIEW_IMPORTS), ("hdx", "/hdx", Permission.IMPORT_3W),
    ("registry", "/referentiel", Permission.MANAGE_REGISTRY), ("audit", "/journal", Permission.VIEW_AUDIT),
)
LEVELS = (1, 2, 3)


def query_string(params: ReportParams) -> str:
    """The address query of a view (its filters and language), for a link to another page with them."""
    return _query_string(params, lang=params.lang)


def _query_string(params: ReportParams, *, lang: str | None = None, options: bool = False) -> str:
    query = params_to_query(params)
    if not options:
        query = {key: value for key, value in query.items() if key not in params.options}
    if lang is not None:
        query["lang"] = lang
        if lang == "fr":
            query.pop("lang")
    if not query:  # an empty href would keep the address as it is, language included
        return "?" if lang is not None else ""
    return "?" + urlencode(query, safe=",")


def account(viewer: Viewer, lang: str) -> html.Div:
    """Log-in link for the public; name, role and a log-out button (a CSRF-protected POST) otherwise."""
    if viewer.public:
        return html.Div(html.A(translate("login.link", lang), href=f"/login?lang={lang}", id="login-link"),
                        className="account")
    return html.Div([
        html.Span(translate("login.as", lang, username=viewer.username, role=translate(f"role.{viewer.role}", lang)),
                  id="account-name"),
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                   html.Button(translate("logout.button", lang), type="submit", id="logout-button")],
                  method="post", action="/logout"),
    ], className="account")


def policy_note(snapshot: Snapshot, lang: str) -> html.P | None:
    """What the public view hides, said where it applies."""
    policy = snapshot.public_policy
    if policy is None:
        return None
    sectors = ", ".join(SECTOR_VOCABULARY.label(code, lang) for code in sorted(policy.sensitive_sectors))
    return html.P(country_text(snapshot.profile, "policy.public_note", lang, sectors=sectors, k=policy.min_organisations_named),
                  className="note policy-note", id="policy-note")


def header_facts(snapshot: Snapshot, params: ReportParams, periods: Sequence[str | None] | None = None) -> list:
    """What the page shows the data of: the period shown ("as of") and the files it comes from (both periods
    of a comparison), and the boundaries; ``periods`` default to the period the filters select."""
    periods = list(periods) if periods is not None else [params.selection(snapshot).period]
    draft = draft_note(snapshot, periods, params.lang)
    return [html.Li(fact, className="draft", id="draft-note") if fact == draft else html.Li(fact)
            for fact in (*period_facts(snapshot, periods, params.lang), boundaries_line(snapshot.profile, params.lang))]


def map_params(snapshot: Snapshot, params: ReportParams) -> ReportParams:
    """The parameters a map is drawn with: those asked for, at the finest level that has polygons when the level
    asked for has none (Burkina Faso's communes: by province; the profile's rule)."""
    level = drawn_level(snapshot.profile, params.level)
    return params if level == params.level else replace(params, level=level)


def map_level_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The sentence saying a map is drawn coarser than the level asked for, when it is (none otherwise)."""
    note = drawn_level_note(snapshot.profile, params.level, params.lang)
    return [note] if note else []


def map_title(snapshot: Snapshot, params: ReportParams, periods: Sequence[str | None] | None = None) -> dict:
    """A map's title: for a round that is not published, "BROUILLON" and the round in red, on the screen and in
    the PNG the map's camera downloads (which carries no page header); no title otherwise."""
    periods = list(periods) if periods is not None else [params.selection(snapshot).period]
    text = draft_note(snapshot, periods, params.lang, key="map.draft")
    if text is None:
        return {"text": ""}
    return {"text": text, "font": {"color": "#b42318", "size": 15}, "x": 0.01, "xanchor": "left", "y": 0.98}


def header(snapshot: Snapshot | None, params: ReportParams, viewer: Viewer,
           periods: Sequence[str | None] | None = None, profile: CountryProfile | None = None) -> html.Header:
    """The product's name, what the page shows the data of (none for a page without data), the language
    switch and the account; the country is the snapshot's, or ``profile`` for a page without data."""
    lang = params.lang
    other = "en" if lang == "fr" else "fr"
    facts = [html.Ul(header_facts(snapshot, params, periods), id="data-facts")] if snapshot is not None else []
    return html.Header([
        html.Div([html.H1(app_title(snapshot.profile if snapshot is not None else profile, lang)),
                  html.P(translate("app.subtitle", lang))]),
        html.Div([*facts,
                  html.A(translate("lang.switch", lang), id="language-switch", lang=other,
                         href=_query_string(params, lang=other, options=True)),
                  account(viewer, lang)], className="header-facts"),
    ], className="app-header")


def navigation(active: str | None, params: ReportParams, viewer: Viewer,
               profile: CountryProfile | None = None) -> html.Nav:
    """The links to the pages, named in the words of the country of ``profile`` (Fiche département)."""
    search = _query_string(params, lang=params.lang)
    return html.Nav([
        dcc.Link(country_text(profile, f"page.{name}", params.lang), href=path + search,
                 id={"type": "nav-link", "path": path}, className="active" if name == active else None)
        for name, path, permission in PAGES if permission is None or viewer.can(permission)], className="pages")


def _organisation_options(snapshot: Snapshot) -> list[dict]:
    present = snapshot.organisations[snapshot.organisations["organisation_id"].isin(
        snapshot.activities["organisation_id"])]
    return [{"label": f"{row.acronym} – {row.name}" if row.name and row.name != row.acronym
             else (row.acronym or row.name), "value": int(row.organisation_id)}
            for row in present.sort_values("acronym", key=lambda s: s.str.casefold()).itertuples()]


def _area_options(snapshot: Snapshot) -> list[dict]:
    lineage = snapshot.lineage
    options = []
    for region in lineage[lineage["level"] == 1].sort_values("name").itertuples():
        options.append({"label": region.name, "value": region.Index})
        cercles = lineage[(lineage["level"] == 2) & (lineage["adm1_pcode"] == region.Index)].sort_values("name")
        options += [{"label": f"{cercle.name} ({region.name})", "value": cercle.Index}
                    for cercle in cercles.itertuples()]
    return options


def _code_options(snapshot: Snapshot, declared: Filter, lang: str) -> list[dict]:
    """The codes of a vocabulary filter that occur in the data (a sector "not stated" is no choice: the views
    by sector leave it out), in vocabulary order."""
    vocabulary = VOCABULARIES[declared.field]
    present = set(snapshot.activities[declared.field].astype(str)) - {NO_SECTOR}
    return [{"label": vocabulary.label(code, lang), "value": code} for code in vocabulary.codes() if code in present]


def round_label(snapshot: Snapshot, period: str, lang: str) -> str:
    """A period as the period list shows it: its round's state and sources ("mars 2024 · brouillon · 1 source")."""
    state = translate("round.state.draft" if snapshot.is_draft(period) else "round.state.published", lang)
    batches = snapshot.batches_of(period)  # those this view shows (the public: the published ones)
    sources = batches["source"].where(batches["source"].notna() & (batches["source"] != ""),
                                      batches["file_name"]).nunique()
    return f"{format_period(period, lang)} · {state} · " + translate(
        "round.sources.one" if sources == 1 else "round.sources", lang, count=sources)


def period_options(snapshot: Snapshot, lang: str) -> list[dict]:
    """The period list: every period with accepted rows, newest first, each with its round's state and sources."""
    periods = sorted(snapshot.activities["period"].astype(str).unique(), reverse=True)
    return [{"label": round_label(snapshot, period, lang), "value": period} for period in periods]


def global_filters(snapshot: Snapshot, params: ReportParams, levels: Sequence[int] = LEVELS) -> list:
    """The filters every page shares (one control per declaration of :mod:`dashboard.domain.filters`, with the
    declared id and label), set from the page's URL."""
    lang = params.lang
    all_label = translate("filters.all", lang)
    withheld = snapshot.public

    def control(declared: Filter):
        value = getattr(params, declared.name)
        if declared.kind is FilterKind.COUNTRY:
            return country_choice(snapshot, params)
        if declared.kind is FilterKind.LEVEL:
            return dcc.RadioItems(id=declared.control, value=value if value in levels else levels[-1], inline=True,
                                  className="level-choice",
                                  options=[{"label": level_label(snapshot.profile, level, lang), "value": level}
                                           for level in levels])
        if declared.kind is FilterKind.PERIOD:
            return dropdown(lang, id=declared.control, value=value or snapshot.latest_period, clearable=False,
                                options=period_options(snapshot, lang))
        if declared.kind is FilterKind.AREA:
            value = params.selection(snapshot).area  # none of another country's
            return dropdown(lang, id=declared.control, value=value, options=_area_options(snapshot),
                                placeholder=whole_country(snapshot.profile, lang))
        if declared.kind is FilterKind.CODES:
            return dropdown(lang, id=declared.control, value=list(value), multi=True, placeholder=all_label,
                                options=_code_options(snapshot, declared, lang))
        hidden = withheld and not declared.public
        return dropdown(lang, id=declared.control, value=[] if hidden else list(value), multi=True, disabled=hidden,
                            placeholder=translate("filters.organisation_login", lang) if hidden else all_label,
                            options=[] if hidden else _organisation_options(snapshot))

    # the label wraps its control, so it names it for screen readers whatever element holds the id; the country
    # choice is there on every page (its value is a filter), shown when the installation has several countries
    one_country = len(snapshot.countries) < 2
    reset = {key: value for key, value in (("country", shown_country(snapshot)), ("lang", lang if lang == "en" else None))
             if value}
    return [*(html.Label([translate(declared.label, lang), control(declared)], id=f"{declared.control}-label",
                         hidden=declared.kind is FilterKind.COUNTRY and one_country)
              for declared in FILTERS),
            html.A(translate("filters.reset", lang), id="reset-filters", className="link-button",
                   href="?" + urlencode(reset))]


def shown_country(snapshot: Snapshot) -> str | None:
    """The country a view shows as the address names it: None for the installation's default country."""
    default = snapshot.countries[0].iso3 if snapshot.countries else None
    current = snapshot.profile.iso3 if snapshot.profile is not None else default
    return None if current == default else current


def country_choice(snapshot: Snapshot, params: ReportParams) -> html.Span:
    """The installation's countries as links to the same page for each (a country has its own areas, periods
    and organisations, so the page is drawn again, without the filters that name those), and the country's
    value for the callbacks and the address, in a hidden field."""
    current = snapshot.profile.iso3 if snapshot.profile is not None else None
    links = []
    for profile in snapshot.countries:
        there = replace(params, country=None if profile is snapshot.countries[0] else profile.iso3, area=None,
                        period=None, organisations=())
        links.append(html.A(profile.name(params.lang), href=_query_string(there, lang=params.lang),
                            className="country-link" + (" current" if profile.iso3 == current else ""),
                            **({"aria-current": "true"} if profile.iso3 == current else {})))
    return html.Span([dcc.Input(id="country", type="hidden", value=shown_country(snapshot)), *links],
                     className="country-choice")


def page_param(name: str) -> dict:
    """The id of a page-specific setting that is kept in the URL as ``name``."""
    return {"type": "page-param", "name": name}


def download_links(report: str, params: ReportParams) -> html.Div:
    """CSV and Excel downloads of a report with the current filters (kept current by the URL callback)."""
    search = _query_string(params, lang=params.lang, options=True)
    return html.Div([html.Span(translate("export.download", params.lang)), *[
        html.A(fmt.upper(), href=f"/export/{report}.{fmt}{search}", download="",
               id={"type": "export-link", "base": f"/export/{report}.{fmt}"}) for fmt in ("csv", "xlsx")]],
        className="downloads")


def open_data_links(params: ReportParams, full_rows: bool) -> html.Div:
    """Downloads in open-data shapes, with the current filters: HDX HAPI's operational presence (CSV, Excel) and,
    for ``full_rows`` (a logged-in viewer), every accepted 3W row with its HXL row."""
    search = _query_string(params, lang=params.lang, options=False)
    reports = [("hapi_operational_presence", "export.hapi")] + ([("hxl_3w", "export.hxl_3w")] if full_rows else [])
    links: list = [html.Span(translate("export.open_data", params.lang))]
    for report, label in reports:
        links += [html.Span(translate(label, params.lang) + " "), *[
            html.A(fmt.upper(), href=f"/export/{report}.{fmt}{search}", download="",
                   id={"type": "export-link", "base": f"/export/{report}.{fmt}"}) for fmt in ("csv", "xlsx")]]
    return html.Div(links, className="downloads open-data")


def plain_page(params: ReportParams, content: list, active: str | None = None,
               profile: CountryProfile | None = None) -> html.Div:
    """A page without data (a page not found, a page the viewer may not open): the product's header with
    the language switch and the account, the navigation, and ``content``; the words of the country of
    ``profile`` (Mali's by default)."""
    viewer = current_viewer()
    return html.Div([
        dcc.Store(id="lang", data=params.lang),
        dcc.Store(id="level-default", data=DEFAULT_LEVEL),
        header(None, params, viewer, profile=profile),
        navigation(active, params, viewer, profile),
        html.Main([html.Section(content, className="content")]),
    ])


def page(snapshot: Snapshot, params: ReportParams, active: str, content: list, controls: Sequence = (),
         show_filters: bool = True, periods: Sequence[str | None] | None = None,
         default_level: int = DEFAULT_LEVEL) -> html.Div:
    """A whole page: header (naming ``periods``, by default the period the filters select), navigation,
    filters (global then page-specific) and the page's content. ``default_level``: the level the page opens
    at when its address does not say (the browser then writes the level into its address whatever it is)."""
    viewer = current_viewer()
    aside = [html.Aside([html.H2(translate("filters.title", params.lang)), *global_filters(snapshot, params),
                         *controls], className="filters")] if show_filters else []
    return html.Div([
        dcc.Store(id="lang", data=params.lang),
        dcc.Store(id="level-default", data=default_level),
        header(snapshot, params, viewer, periods),
        navigation(active, params, viewer, snapshot.profile),
        html.Main([*aside, html.Section([policy_note(snapshot, params.lang), *content], className="content")]),
    ])
