"""The web server's side of security: sessions, CSRF, login and logout, security headers, and
:func:`current_viewer` / :func:`require`, which every protected route and callback calls.

- Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure when ``MALI3W_SECURE_COOKIES=1``, 8 h)
  holding the account id and a session token that the database knows (:class:`UserSession`): logging out,
  closing the account or changing its password ends the session on the server, so a copy of the cookie
  kept from before opens nothing afterwards.
- CSRF: Flask-WTF checks a token on every POST (login, logout, Dash callbacks, uploads). Dash's renderer
  sends the ``_csrf_token`` cookie back as the ``X-CSRFToken`` header on its callback requests; forms carry
  the token in a hidden field.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import flask
from dash import Dash
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import Engine

from dashboard.i18n import language, translate
from dashboard.ingest.reader import MAX_UPLOAD_BYTES
from dashboard.security import accounts
from dashboard.store import audit
from dashboard.domain.roles import PUBLIC, Permission, Viewer

CSRF_COOKIE = "_csrf_token"
SESSION_LIFETIME = accounts.SESSION_LIFETIME
#: what the browser may load and send: this server only (no CDN, no tiles), no framing by other sites.
#: Dash's index page has inline scripts and plotly compiles functions, hence the two "unsafe" sources.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                           "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                           "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")

LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><link rel="stylesheet" href="{{ stylesheet }}"></head>
<body class="login-page">
<header class="app-header"><div><h1>{{ app_title }}</h1><p>{{ app_subtitle }}</p></div>
<div class="header-facts"><a id="language-switch" lang="{{ other }}" href="{{ switch }}">{{ switch_label }}</a></div></header>
<main class="login">
<h2>{{ title }}</h2><p>{{ intro }}</p>
{% if refusal %}<p class="login-error" role="alert">{{ refusal }}</p>{% endif %}
<form method="post" action="{{ action }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input type="hidden" name="next" value="{{ next }}">
<label>{{ username_label }}<input name="username" autocomplete="username" required maxlength="80" value="{{ username }}"></label>
<label>{{ password_label }}<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">{{ submit }}</button>
</form><p><a href="{{ back }}">{{ back_label }}</a></p></main></body></html>"""


def secret_key(path: Path) -> str:
    """``MALI3W_SECRET_KEY``, or a random key kept in ``path`` (created once, readable by its owner only), so
    sessions survive restarts and every worker process signs alike."""
    if os.environ.get("MALI3W_SECRET_KEY"):
        return os.environ["MALI3W_SECRET_KEY"]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()


def current_viewer() -> Viewer:
    """Who makes the current request: the session's account, or the public viewer (also outside requests)."""
    if not flask.has_request_context():
        return PUBLIC
    if "viewer" not in flask.g:
        viewer = PUBLIC
        user_id, key = flask.session.get("user_id"), flask.session.get("key")
        if user_id is not None and key:
            viewer = accounts.session_viewer(flask.current_app.extensions["mali3w_engine"], user_id, key) or PUBLIC
            if viewer is PUBLIC:
                flask.session.clear()
        flask.g.viewer = viewer
    return flask.g.viewer


def require(permission: Permission) -> Viewer:
    """The current viewer, if allowed ``permission``; otherwise the request ends with 403 Forbidden."""
    viewer = current_viewer()
    if not viewer.can(permission):
        flask.abort(403, f"{permission} is not allowed for {viewer.role} viewers")
    return viewer


def require_upload() -> Viewer:
    """The current viewer, if they may upload some kind of table (a partner their 3W rows, a coordinator their
    clusters' members, an IMO anything; :func:`dashboard.ingest.jobs.submit` checks the kind); else 403."""
    viewer = current_viewer()
    if not viewer.upload_kinds:
        flask.abort(403, f"uploads are not allowed for {viewer.role} viewers")
    return viewer


def client_address() -> str | None:
    return flask.request.remote_addr


def record(action: str, target: str | None = None, **details) -> None:
    """An audit event by the current viewer, from the current request's address."""
    audit.record(flask.current_app.extensions["mali3w_engine"], current_viewer(), action, target,
                 ip=client_address(), **details)


def _safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only (never another host)."""
    parts = urlsplit(value or "/")
    if parts.scheme or parts.netloc or not (value or "/").startswith("/") or (value or "").startswith("//"):
        return "/"
    return value or "/"


def install(app: Dash, engine: Engine, key_path: Path, title: Callable[[str], str] | None = None) -> None:
    """Sessions, CSRF, login/logout routes and security headers on the dashboard's server; ``title`` gives the
    product's name in a language for the login page's header (the catalogue's, Mali's, by default)."""
    server = app.server
    server.extensions["mali3w_engine"] = engine
    server.config.update(
        SECRET_KEY=secret_key(key_path),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("MALI3W_SECURE_COOKIES") == "1",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=True,
        # an upload travels base64-encoded in a callback request: a third more than the file's own limit
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024,
    )
    CSRFProtect(server)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if flask.request.method == "GET" and response.mimetype == "text/html":
            # the token Dash's renderer sends back with each callback (read by its script: not HttpOnly)
            response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict", httponly=False,
                                secure=server.config["SESSION_COOKIE_SECURE"])
        return response

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang = language(flask.request.values.get("lang"))
        other = "en" if lang == "fr" else "fr"
        target = _safe_next(flask.request.values.get("next"))
        refusal, username = None, ""
        if flask.request.method == "POST":
            username = flask.request.form.get("username", "")
            result = accounts.log_in(engine, username, flask.request.form.get("password", ""), client_address())
            if result.viewer is not None:
                flask.session.clear()  # a fresh session at login: no fixation
                flask.session.permanent = True
                flask.session.update(user_id=result.viewer.user_id, key=result.session_key)
                return flask.redirect(target)
            refusal = translate(f"login.{result.refusal}", lang,
                                minutes=int(accounts.THROTTLE_WINDOW.total_seconds() // 60))
        page = flask.render_template_string(
            LOGIN_PAGE, lang=lang, title=translate("login.title", lang), intro=translate("login.intro", lang),
            refusal=refusal, action=flask.url_for("login", lang=lang), next=target, username=username,
            username_label=translate("login.username", lang), password_label=translate("login.password", lang),
            submit=translate("login.submit", lang), back=target, back_label=translate("login.back", lang),
            stylesheet=app.get_asset_url("style.css"), app_title=title(lang) if title is not None else translate("app.title", lang),
            app_subtitle=translate("app.subtitle", lang), other=other, switch_label=translate("lang.switch", lang),
            switch=flask.url_for("login", lang=other, next=target))
        return page, (401 if refusal else 200)

    @server.route("/logout", methods=["POST"])
    def logout():
        viewer = current_viewer()
        if viewer is not PUBLIC:
            accounts.end_session(engine, flask.session["key"])
            record("logout", viewer.username)
        flask.session.clear()
        return flask.redirect(_safe_next(flask.request.form.get("next")))
