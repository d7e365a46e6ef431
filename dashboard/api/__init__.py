"""The read API, ``/api/v1/...``: the reports of the registry as JSON or CSV, paginated, with what they show the
data of ("as of": the rounds, their state and files), taking the page addresses' parameters.

- Without a token it answers as the public view (the data-responsibility policy applies); with
  ``Authorization: Bearer <token>`` (``python -m dashboard create-api-token``) as the token's role.
- Requests are limited per token and, without a valid token, per address (``MALI3W_API_RATE_TOKEN``,
  ``MALI3W_API_RATE_ADDRESS``; counted in ``MALI3W_API_RATE_STORAGE``, e.g. ``redis://127.0.0.1:6379`` so that
  several worker processes share the counts; in each process's memory by default).
- A request it cannot use gets a 4xx and a sentence, in JSON, in the asked language.

:func:`register` is the one hook the app factory calls; every number comes from :func:`run_report`.
"""

from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass
from urllib.parse import urlencode

import flask
import pandas as pd
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from dashboard.api.openapi import openapi_document
from dashboard.api.params import BadParameter, api_request
from dashboard.domain.filters import BY_NAME, decode_value
from dashboard.domain.roles import PUBLIC, Viewer
from dashboard.exports import hxl_writers
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from dashboard.reports import REPORTS, params_to_query, report_blank, report_header, report_notes, run_report
from dashboard.reports.snapshot import DashboardData, Snapshot
from dashboard.security.tokens import token_viewer

PREFIX = "/api/v1"
#: the API's paths and the report each serves
ENDPOINTS: dict[str, str] = {
    "presence": "presence",
    "presence/by-sector": "presence_by_sector",
    "gaps": "gaps",
    "overlaps": "overlaps",
    "change": "change",
    "localisation": "national_share_by_sector",
    "localisation/by-region": "national_share_by_region",
    "localisation/members": "member_share",
    "localisation/funding": "local_funding",
    "localisation/partners": "partner_network",
    "membership": "membership",
    "reporting-status": "reporting_status",
    "hapi/operational-presence": "hapi_operational_presence",
    "3w": "hxl_3w",
}


@dataclass(frozen=True)
class Limits:
    per_token: str
    per_address: str
    storage: str

    @classmethod
    def from_environment(cls) -> Limits:
        return cls(os.environ.get("MALI3W_API_RATE_TOKEN") or "600 per minute",
                   os.environ.get("MALI3W_API_RATE_ADDRESS") or "60 per minute",
                   os.environ.get("MALI3W_API_RATE_STORAGE") or "memory://")


class Refused(Exception):
    def __init__(self, status: int, sentence: str):
        super().__init__(sentence)
        self.status = status


def _lang() -> str:
    lang = flask.request.args.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _token() -> tuple[int, Viewer] | None:
    """The request's token (id, viewer), None without one; a token that is unknown or revoked is refused (401)."""
    if "api_token" not in flask.g:
        header = flask.request.headers.get("Authorization", "")
        found = None
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise Refused(401, translate("api.bad_authorization", _lang()))
            found = token_viewer(flask.current_app.extensions["mali3w_engine"], secret.strip())
            if found is None:
                raise Refused(401, translate("api.unknown_token", _lang()))
        flask.g.api_token = found
    return flask.g.api_token


def _valid_token() -> tuple[int, Viewer] | None:
    try:
        return _token()
    except Refused:
        return None


def _as_of(snapshot: Snapshot, name: str, params) -> list[dict]:
    """The rounds a report shows the data of: period, draft or published (when), and their files."""
    report = REPORTS[name]
    periods = [period for period in (report.periods(snapshot, params) if report.periods else []) if period]
    described = []
    for period in periods:
        round_ = snapshot.round_of(period)
        published = None if round_ is None or pd.isna(round_["published_at"]) else round_["published_at"]
        described.append({
            "period": period, "draft": snapshot.is_draft(period),
            "published_at": None if published is None else pd.Timestamp(published).isoformat(),
            "files": [{"file": row.file_name, "source": row.source if isinstance(row.source, str) else None,
                       "imported_at": pd.Timestamp(row.imported_at).isoformat(),
                       "rows_accepted": int(row.rows_accepted)}
                      for row in snapshot.batches_of(period).itertuples()]})
    return described


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def _link(page: int, per_page: int) -> str:
    query = {**flask.request.args.to_dict(), "page": str(page), "per_page": str(per_page)}
    return f"{flask.request.path}?{urlencode(query, safe=',')}"


def _answer(path: str, data: DashboardData) -> flask.Response:
    name = ENDPOINTS[path]
    report = REPORTS[name]
    token = _token()
    viewer = token[1] if token else PUBLIC
    lang = _lang()
    if report.permission is not None and not viewer.can(report.permission):
        raise Refused(403 if token else 401, translate("api.forbidden" if token else "api.needs_token", lang,
                                                       path=f"{PREFIX}/{path}"))
    # the country as the checked parameters read it (" NER" is Niger there), checked with the other filters
    snapshot = data.snapshot(viewer, decode_value(BY_NAME["country"], flask.request.args.get("country")))
    try:
        request = api_request(flask.request.args.to_dict(), report, snapshot)
    except BadParameter as error:
        raise Refused(400, str(error)) from None
    params = request.params
    blank = report_blank(name, snapshot, params)
    if blank is not None:
        raise Refused(404, blank)
    table = run_report(name, snapshot, params, data.store)
    total = len(table)
    pages = max(1, math.ceil(total / request.per_page))
    if request.page > pages:
        raise Refused(400, translate("api.page_beyond", lang, page=request.page, pages=pages))
    shown = table.iloc[(request.page - 1) * request.per_page: request.page * request.per_page]
    links = {"next": _link(request.page + 1, request.per_page) if request.page < pages else None,
             "prev": _link(request.page - 1, request.per_page) if request.page > 1 else None}
    as_of = _as_of(snapshot, name, params)
    tags = dict(report.hxl(table)) if report.hxl is not None else None
    if request.fmt == "csv":
        if tags is not None:
            content = hxl_writers["csv"](shown, report_header(name, snapshot, params),
                                         [tags.get(column, "") for column in shown.columns], list(shown.columns))
        else:
            text = io.StringIO()
            shown.to_csv(text, index=False, lineterminator="\n")
            content = text.getvalue().encode("utf-8")
        response = flask.Response(content, mimetype="text/csv")
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    else:
        header = report_header(name, snapshot, params)
        document = {
            "report": name, "title": header.title, "filters": params_to_query(params),
            "as_of": {"rounds": as_of, "dataset_version": snapshot.version, "public_view": snapshot.public},
            "about": list(header.lines), "notes": report_notes(name, snapshot, params),
            "page": {"number": request.page, "size": request.per_page, "total_rows": total, "total_pages": pages,
                     **links},
            "columns": [{"name": str(column), **({"hxl": tags.get(column, "")} if tags is not None else {})}
                        for column in table.columns],
            "rows": _records(shown)}
        response = flask.Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-As-Of"] = ", ".join(round_["period"] for round_ in as_of)
    response.headers["Cache-Control"] = "private, no-store" if token else "public, max-age=60"
    return response


def _refusal(status: int, sentence: str) -> flask.Response:
    response = flask.Response(json.dumps({"error": sentence, "status": status}, ensure_ascii=False),
                              status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mali3w"'
    return response


def register(server: flask.Flask, data: DashboardData) -> Limiter:
    """Add the API's routes to the dashboard's server, with their request limits."""
    limits = Limits.from_environment()
    blueprint = flask.Blueprint("api_v1", __name__, url_prefix=PREFIX)

    def address() -> str:
        return flask.request.remote_addr or "unknown"

    def token_key() -> str:
        found = _valid_token()
        return f"token:{found[0]}" if found else "none"

    limiter = Limiter(key_func=address, app=server, storage_uri=limits.storage, default_limits=[],
                      strategy="moving-window")
    per_address = limiter.limit(limits.per_address, key_func=address,
                                exempt_when=lambda: _valid_token() is not None)
    per_token = limiter.limit(limits.per_token, key_func=token_key, exempt_when=lambda: _valid_token() is None)

    @blueprint.route("/<path:path>")
    @per_address
    @per_token
    def report(path: str):
        if path not in ENDPOINTS:
            raise Refused(404, translate("api.unknown_path", _lang(), path=f"{PREFIX}/{path}",
                                         known=", ".join(f"{PREFIX}/{known}" for known in ENDPOINTS)))
        return _answer(path, data)

    @blueprint.route("/openapi.json")
    @per_address
    @per_token
    def openapi():
        return flask.jsonify(openapi_document(ENDPOINTS, _lang()))

    @blueprint.route("/")
    def index():
        return flask.redirect(f"{PREFIX}/openapi.json")

    @blueprint.errorhandler(Refused)
    def refused(error: Refused):
        return _refusal(error.status, str(error))

    @blueprint.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        response = _refusal(429, translate("api.too_many", _lang(), limit=str(error.limit.limit)))
        return response

    server.register_blueprint(blueprint)
    return limiter


__all__ = ["ENDPOINTS", "PREFIX", "register"]
