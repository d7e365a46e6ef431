"""Build the Dash application: pages, callbacks, and the route that serves the map geometry."""

from __future__ import annotations

import hashlib
from dataclasses import replace
import json
from pathlib import Path

import flask
from dash import Dash
from sqlalchemy.exc import DBAPIError, OperationalError

from dashboard import api, static_compression
from dashboard.callbacks import analysis_page as analysis_callbacks
from dashboard.callbacks import duplicates as duplicate_callbacks
from dashboard.callbacks import hdx as hdx_callbacks
from dashboard.callbacks import imports as import_callbacks
from dashboard.callbacks import map_page as map_callbacks
from dashboard.callbacks import registry as registry_callbacks
from dashboard.callbacks import rounds as round_callbacks
from dashboard.callbacks import router, url_state
from dashboard.config import Settings, get_settings
from dashboard.domain.country import CountryProfile
from dashboard.exports import WRITERS, ExportHeader
from dashboard.country_setup import build_country_geometry
from dashboard.geo.web_geometry import label_points, web_geometry_path, web_levels
from dashboard.i18n import DEFAULT_LANGUAGE, language
from dashboard.ingest import jobs as import_jobs
from dashboard.layouts import (analysis_page, audit_page, brief_print, hdx_page, import_report_page, imports_page,
                               map_page, registry_page)
from dashboard.layouts.brief_page import BRIEF
from dashboard.layouts.choropleth import TOPOJSON_URL, MapView
from dashboard.reports.country_words import app_title, file_stem
from dashboard.layouts.coverage_pages import CHANGE, GAPS, OVERLAPS
from dashboard.layouts.localisation_page import LOCALISATION
from dashboard.layouts.reporting_page import REPORTING
from dashboard.layouts.matrix_page import MATRIX
from dashboard.layouts.people_page import PEOPLE
from dashboard.layouts.review_pages import DUPLICATES, MEMBERSHIP
from dashboard.page_scripts import leave_out_unused_scripts
from dashboard.reports import REPORTS, ReportParams, params_from_query, report_file
from dashboard.reports.imports import import_batch, may_read, rejected_rows_csv, validation_report_xlsx
from dashboard.result_cache import ResultCache
from dashboard.security import requests as request_checks
from dashboard.security import web as security
from dashboard.store.audit import audit_frame
from dashboard.domain.roles import PUBLIC, SYSTEM, Permission
from dashboard.store.database import make_engine, schema_is_current
from dashboard.store.reference import boundary_versions
from dashboard.geo.profiles import DEFAULT_COUNTRY
from dashboard.country_setup import installed_country
from dashboard.reports.snapshot import DashboardData, dashboard_data

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ANALYSIS_PAGES = (GAPS, OVERLAPS, LOCALISATION, CHANGE, MATRIX, PEOPLE, MEMBERSHIP, DUPLICATES, BRIEF, REPORTING)
#: Browsers keep the geometry a day; the URL carries the content hash, so a rebuild is fetched at once.
GEOMETRY_MAX_AGE = 86400


class NotSetUp(RuntimeError):
    """The database cannot be served; the message is one sentence saying what to run."""


SETUP_COMMANDS = "`python -m dashboard setup` (Mali) or `python -m dashboard setup --country NER` (another country's profile)"


def installation_problem(engine) -> str | None:
    """Why the dashboard cannot serve this database, in one sentence saying what to do, or None: the server
    cannot be reached, the database is empty, was set up by an older version, or holds no boundaries."""
    where = engine.url.render_as_string()  # the password hidden
    try:
        current = schema_is_current(engine)
        countries = boundary_versions(engine) if current else None
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        return (f"The database {where} cannot be reached ({reason}): check DATABASE_URL and that its server is "
                f"running, then run {SETUP_COMMANDS} if it was never set up.")
    if not current:
        try:
            profile = installed_country(engine)
        except DBAPIError:  # no table at all: an empty database
            profile = None
        if profile is None:
            return f"The database {where} is not set up: run {SETUP_COMMANDS} first."
        option = "" if profile.iso3 == DEFAULT_COUNTRY else f" --country {profile.iso3}"
        return (f"The database {where} was set up by an older version of the dashboard: run "
                f"`python -m dashboard setup{option}` to bring it up to date.")
    if not countries:
        return f"The database {where} holds no boundaries: run {SETUP_COMMANDS} first."
    return None


def _geometry(settings: Settings, profile: CountryProfile) -> dict[int, bytes]:
    """The map's simplified units of one of the installation's countries, built from its profile's files when missing."""
    if not all(web_geometry_path(settings.geo_dir, level, profile).exists() for level in web_levels(profile)):
        build_country_geometry(settings, profile)
    return {level: web_geometry_path(settings.geo_dir, level, profile).read_bytes() for level in web_levels(profile)}


def _register_geometry_route(server: flask.Flask, geometry: dict[str | None, dict[int, bytes]]) -> None:
    """``/geo/adm<level>.json``: the default country's units; ``/geo/<ISO3>/adm<level>.json``: another country's
    of the installation (``geometry``: ISO3, None for the default, → level → file)."""
    @server.route("/geo/adm<int:level>.json")
    @server.route("/geo/<country>/adm<int:level>.json")
    def geometry_file(level: int, country: str | None = None):
        files = geometry.get(country, {})
        if level not in files:
            flask.abort(404)
        response = flask.Response(files[level], mimetype="application/json")
        response.cache_control.public = True
        response.cache_control.max_age = GEOMETRY_MAX_AGE
        response.add_etag()
        return response.make_conditional(flask.request)


#: plotly's geo subplots load base layers (coastlines, countries) from a topojson file; the units are the whole
#: map here, so an empty topology answers, served locally instead of plotly's CDN.
EMPTY_TOPOLOGY = json.dumps({"type": "Topology", "arcs": [], "objects": {
    layer: {"type": "GeometryCollection", "geometries": []}
    for layer in ("land", "ocean", "lakes", "rivers", "countries", "coastlines", "subunits")}}).encode()


def _register_topojson_route(server: flask.Flask) -> None:
    @server.route(TOPOJSON_URL + "<name>.json")
    def empty_topology(name: str):
        response = flask.Response(EMPTY_TOPOLOGY, mimetype="application/json")
        response.cache_control.public = True
        response.cache_control.max_age = GEOMETRY_MAX_AGE
        return response


def _register_import_report_routes(server: flask.Flask, data: DashboardData) -> None:
    """An import's validation report (Excel) and its rejected rows as uploaded (CSV, to correct and re-import)."""
    def stem() -> str:
        return file_stem(data.snapshot(security.current_viewer()).profile, mali="mali3w")

    def allowed_batch(batch_id: int) -> None:
        viewer = security.require(Permission.VIEW_IMPORTS)
        batch = import_batch(data.engine, batch_id)
        # another's import answers as one that does not exist: a partner cannot count the imports
        if batch is None or not may_read(viewer, batch):
            flask.abort(404)

    @server.route("/imports/<int:batch_id>/report.xlsx")
    def import_report(batch_id: int):
        allowed_batch(batch_id)
        content = validation_report_xlsx(data.engine, batch_id, language(flask.request.args.get("lang")))
        response = flask.Response(content, mimetype=WRITERS["xlsx"][1])
        response.headers["Content-Disposition"] = f'attachment; filename="{stem()}-import-{batch_id}-report.xlsx"'
        return response

    @server.route("/imports/<int:batch_id>/rejected.csv")
    def import_rejected(batch_id: int):
        allowed_batch(batch_id)
        response = flask.Response(rejected_rows_csv(data.engine, batch_id), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{stem()}-import-{batch_id}-rejected.csv"'
        return response


def _register_audit_route(server: flask.Flask, data: DashboardData) -> None:
    @server.route("/audit.csv")
    def audit_csv():
        security.require(Permission.VIEW_AUDIT)
        frame = audit_frame(data.engine, limit=None)
        for column in ("before", "after"):
            frame[column] = frame[column].map(lambda value: None if value is None else json.dumps(value, sort_keys=True))
        profile = data.snapshot(security.current_viewer()).profile
        country = profile.name_en if profile is not None else "Mali"
        content = WRITERS["csv"][0](frame, ExportHeader(f"{country} 3W: audit trail", ()))
        response = flask.Response(content, mimetype=WRITERS["csv"][1])
        response.headers["Content-Disposition"] = f'attachment; filename="{file_stem(profile, mali="mali3w")}-audit.csv"'
        return response


def _register_export_route(server: flask.Flask, data: DashboardData) -> None:
    """``/export/<report>.<csv|xlsx|json>?<filters>``: the report's table as a file, filters and "as of" inside."""
    @server.route("/export/<name>.<fmt>")
    def export_report(name: str, fmt: str):
        if name not in REPORTS or fmt not in WRITERS:
            flask.abort(404)
        viewer = security.current_viewer()
        if REPORTS[name].permission is not None:
            security.require(REPORTS[name].permission)
        params = params_from_query(flask.request.args.to_dict())
        snapshot = data.snapshot(viewer, params.country)
        params = params.in_country(snapshot)
        mimetype = WRITERS[fmt][1]
        content = report_file(name, snapshot, params, fmt, data.store)
        period = params.selection(snapshot).period or ""
        response = flask.Response(content, mimetype=mimetype)
        # the country's name begins the file's: Mali's and Niger's March files are told apart
        stem = file_stem(snapshot.profile, mali="mali3w")
        response.headers["Content-Disposition"] = f'attachment; filename="{stem}-{name}-{period}.{fmt}"'
        return response


def _map_view(app: Dash, geometry: dict[str | None, dict[int, bytes]]) -> MapView:
    """Where the browser fetches each country's units (the address carries the content's hash, so a rebuilt
    file is fetched again) and where their names are written; the default country's view holds the others'."""
    def country_view(country: str | None) -> MapView:
        files = geometry[country]
        digests = {level: hashlib.sha256(content).hexdigest()[:12] for level, content in files.items()}
        folder = "/geo/" if country is None else f"/geo/{country}/"
        return MapView(lambda level: app.get_relative_path(f"{folder}adm{level}.json") + f"?v={digests.get(level, '')}",
                       {level: label_points(content) for level, content in files.items()}, tuple(files))

    others = {country: country_view(country) for country in geometry if country is not None}
    return replace(country_view(None), others=others)


def create_app(settings: Settings | None = None) -> Dash:
    """The dashboard on the database and geometry named by ``settings`` (the environment by default)."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    problem = installation_problem(engine)
    if problem is not None:
        engine.dispose()
        raise NotSetUp(problem)
    data = dashboard_data(engine, settings,
                          cache=ResultCache(settings.cache_dir, namespace=engine.url.render_as_string()))
    geometry = {None if profile is data.profile else profile.iso3: _geometry(settings, profile)
                for profile in data.profiles}
    # load now, both views of each country's data (and their cubes): gunicorn --preload then forks workers that
    # already hold them, instead of each worker building the public one at its first visitor's request
    for profile in data.profiles:
        data.snapshot(SYSTEM, profile.iso3)
        data.snapshot(PUBLIC, profile.iso3)
    app = Dash(__name__, title=app_title(data.profile, DEFAULT_LANGUAGE), assets_folder=str(ASSETS_DIR),
               compress=True, update_title=None, serve_locally=True, suppress_callback_exceptions=True)
    app.server.extensions["mali3w_data"] = data  # for tools that need the app's data (benchmark)
    leave_out_unused_scripts(app)
    static_compression.install(app.server, app.config.requests_pathname_prefix)
    security.install(app, engine, settings.secret_key_file,
                     title=lambda lang: app_title(data.snapshot(security.current_viewer()).profile, lang))
    request_checks.install(app)
    _register_geometry_route(app.server, geometry)
    _register_topojson_route(app.server)
    _register_export_route(app.server, data)
    _register_import_report_routes(app.server, data)
    _register_audit_route(app.server, data)
    api.register(app.server, data)  # /api/v1: the read API (dashboard/api)
    view = _map_view(app, geometry)

    def shown(params: ReportParams):
        """The viewer's snapshot of the country the address names, and the parameters as that view reads them."""
        snapshot = data.snapshot(security.current_viewer(), params.country)
        return snapshot, params.in_country(snapshot)

    def presence_page(params: ReportParams):
        return map_page.layout(*shown(params), view)

    def analysis(page):
        return router.Page(lambda params: analysis_page.layout(page, *shown(params), view, data.store), page.permission,
                           page.default_level)

    app.layout = router.app_layout()
    router.register(app, {"/": router.Page(presence_page),
                          **{page.path: analysis(page) for page in ANALYSIS_PAGES},
                          "/fiches": router.Page(lambda params: brief_print.layout(*shown(params), view)),
                          "/imports": router.Page(lambda params: imports_page.layout(
                              data.snapshot(security.current_viewer(), params.country), params, data.engine), Permission.VIEW_IMPORTS),
                          "/imports/rapport": router.Page(lambda params: import_report_page.layout(
                              data.snapshot(security.current_viewer(), params.country), params, data.engine), Permission.VIEW_IMPORTS),
                          "/referentiel": router.Page(lambda params: registry_page.layout(
                              data.snapshot(security.current_viewer(), params.country), params, data.engine), Permission.MANAGE_REGISTRY),
                          "/hdx": router.Page(lambda params: hdx_page.layout(
                              data.snapshot(security.current_viewer(), params.country), params), Permission.IMPORT_3W),
                          "/journal": router.Page(lambda params: audit_page.layout(
                              data.snapshot(security.current_viewer(), params.country), params, data.engine), Permission.VIEW_AUDIT)},
                    lambda params: data.snapshot(security.current_viewer(), params.country).profile)
    map_callbacks.register(app, data, view)
    analysis_callbacks.register(app, data, view, {page.name: page for page in ANALYSIS_PAGES})
    duplicate_callbacks.register(app, data)
    import_callbacks.register(app, data)
    registry_callbacks.register(app, data)
    round_callbacks.register(app, data)
    hdx_callbacks.register(app, data)
    url_state.register(app)
    url_state.register_print(app)
    # uploads left in the queue when the previous process stopped are taken up now (``make run``: this
    # process runs the queue; with a worker process, the worker does)
    import_jobs.resume(engine)
    # Dash learns which of its script files it may serve when it renders the index page, in each process;
    # a gunicorn worker asked for a script before rendering the index itself answered 500. Rendering it
    # here, before gunicorn (--preload) forks, gives every worker the list; and the scripts it names,
    # compressed once here, are shared by the workers too.
    index = app.server.test_client().get(app.config.requests_pathname_prefix)
    static_compression.warm(app.server, index.get_data(as_text=True))
    # Connections opened so far must not be shared by the processes gunicorn forks from this one: each
    # worker opens its own (a PostgreSQL socket used by two processes corrupts both conversations).
    engine.dispose()
    return app
