"""Requests the server cannot use get a 4xx and one sentence in the reader's language, never a 500.

Dash's renderer sends callback requests of one shape (a JSON object naming a registered output, with as many
inputs and states as that callback declares). A request of another shape, forged or damaged, is refused
before Dash reads it: Dash itself would fail on it with a 500. Values a callback cannot use (a page name
that does not exist, an id that is no number) end the same way: the callbacks read values from the browser
with ``int()``, dictionary look-ups and the like, and what they raise on a forged value becomes a 400 here
(and is logged) instead of an error page.
"""

from __future__ import annotations

import logging

import flask
from dash import Dash
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException

from dashboard.i18n import language, translate

#: deeper than anything the renderer sends (a map click's data is about five levels)
MAX_DEPTH = 32
#: what a callback raises on a value from the browser it cannot use
#: (DataError: PostgreSQL refusing a value, "integer out of range")
UNUSABLE_VALUE = (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError, DataError)
_log = logging.getLogger(__name__)


class CallbackRefused(BadRequest):
    """A callback request that cannot be used; ``key`` is the catalogue's sentence saying why."""

    def __init__(self, key: str, **values):
        super().__init__()
        self.key, self.values = key, values


def reader_language() -> str:
    """The language of the request's reader: its ``lang`` argument, else the browser's preference."""
    asked = flask.request.args.get("lang") or flask.request.accept_languages.best_match(["fr", "en"])
    return language(asked)


def _depth(value: object, limit: int) -> int:
    """How deeply ``value`` nests lists and objects, counted up to ``limit`` + 1 (not further)."""
    deepest, level, stack = 0, 0, [(value, 0)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            break
        if isinstance(value, dict):
            stack.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, level + 1) for item in value)
    return deepest


def _is_dependency(value: object) -> bool:
    """One input or state: ``{"id": ..., "property": ...}``, or a list of them for a pattern (ALL)."""
    if isinstance(value, list):
        return all(_is_dependency(item) and not isinstance(item, list) for item in value)
    return isinstance(value, dict) and "id" in value and isinstance(value.get("property"), str)


def check_callback_request(app: Dash, body: object) -> None:
    """Refuse (:class:`CallbackRefused`) a callback request of a shape the renderer never sends."""
    if not isinstance(body, dict):
        raise CallbackRefused("request.not_an_object")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise CallbackRefused("request.unknown_output")
    if _depth(body, MAX_DEPTH) > MAX_DEPTH:
        raise CallbackRefused("request.too_deep", depth=MAX_DEPTH)
    declared = app.callback_map[output]
    for part, key in (("inputs", "inputs"), ("state", "state")):
        sent = body.get(part, [] if part == "state" else None)
        if not isinstance(sent, list) or not all(_is_dependency(item) for item in sent):
            raise CallbackRefused("request.bad_part", part=part)
        if len(sent) != len(declared[key]):
            raise CallbackRefused("request.wrong_count", part=part, expected=len(declared[key]), sent=len(sent))
    if "outputs" in body and not (isinstance(body["outputs"], dict)
                                  or (isinstance(body["outputs"], list)
                                      and all(isinstance(item, (dict, list)) for item in body["outputs"]))):
        raise CallbackRefused("request.bad_part", part="outputs")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        raise CallbackRefused("request.bad_part", part="changedPropIds")


def install(app: Dash) -> None:
    """Check every callback request's shape, and answer every 4xx with a sentence in the reader's language."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def check_callback_shape():
        if flask.request.method == "POST" and flask.request.endpoint == endpoint:
            body = flask.request.get_json(silent=True)
            if body is None:
                raise CallbackRefused("request.not_json")
            check_callback_request(app, body)

    @server.errorhandler(HTTPException)
    def sentence(error: HTTPException):
        if error.code is None or error.code < 400 or error.code >= 500:
            return error
        lang = reader_language()
        if isinstance(error, CallbackRefused):
            text = translate(error.key, lang, **error.values)
        elif error.code == 409 and error.description != type(error).description:
            text = error.description  # a conflict is worded by the code that refused it, in the reader's language
        else:  # others say no more than their status (descriptions, in English, are for the log)
            text = translate(f"http.{error.code}" if f"http.{error.code}" in _CODES else "http.other", lang,
                             code=error.code)
        return flask.Response(text + "\n", status=error.code, mimetype="text/plain")

    def unusable_value(error: Exception):
        if flask.request.endpoint != endpoint:
            raise error
        _log.warning("callback request refused: %r", error, exc_info=True)
        return sentence(CallbackRefused("request.unusable_value"))

    for kind in UNUSABLE_VALUE:
        server.register_error_handler(kind, unusable_value)


#: the statuses the catalogue words (``http.<code>``); any other 4xx reads ``http.other``
_CODES = {"http.400", "http.403", "http.404", "http.405", "http.409", "http.413"}
