"""Scripts, styles and map geometry compressed once, at brotli's best level, instead of on every request.

flask-compress (``Dash(compress=True)``) compresses every answer as it leaves, at a level cheap enough for
callbacks (zstd level 3). Files that never change while the server runs are worth more: brotli's level 11
makes the first view's scripts and geometry about 15 % smaller than zstd 3 or gzip 6 (the plotly.js
bundle: 280 KB instead of 330 KB), but costs about a second per megabyte, so each file is compressed once
per process, kept by the hash of its content, and :func:`warm` does it before gunicorn forks its workers.
A browser that does not accept brotli gets flask-compress's answer as before.
"""

from __future__ import annotations

import hashlib
import re
import threading

import brotli
import flask

#: the paths whose answers never change while the server runs: Dash's component scripts, the assets
#: folder, the map geometry (its URL carries the content's hash)
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")
MIMETYPES = frozenset({"application/javascript", "text/javascript", "text/css", "application/json"})
#: below this, compression saves less than its header costs
MIN_SIZE = 1_000
QUALITY = 11

_compressed: dict[bytes, bytes] = {}
_lock = threading.Lock()


def brotli_once(data: bytes) -> bytes:
    """``data`` compressed by brotli at :data:`QUALITY`, computed once per content in this process."""
    key = hashlib.sha256(data).digest()
    with _lock:
        found = _compressed.get(key)
    if found is None:
        found = brotli.compress(data, quality=QUALITY)
        with _lock:
            _compressed[key] = found
    return found


def install(server: flask.Flask, prefix: str = "/") -> None:
    """Answer static files of ``server`` (under the app's ``prefix``) with their brotli copy when accepted.

    Call it after flask-compress is set up: Flask runs the later ``after_request`` first, and flask-compress
    leaves an answer that already has a Content-Encoding alone."""
    prefixes = tuple(prefix.rstrip("/") + path for path in STATIC_PREFIXES)

    @server.after_request
    def compress_static(response: flask.Response) -> flask.Response:
        request = flask.request
        if (request.method != "GET" or response.status_code != 200 or "Content-Encoding" in response.headers
                or response.mimetype not in MIMETYPES or not request.path.startswith(prefixes)
                or request.accept_encodings.quality("br") <= 0):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(brotli_once(data))
        response.headers["Content-Encoding"] = "br"
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:br", weak=weak)
        return response.make_conditional(request)


def warm(server: flask.Flask, index_html: str) -> None:
    """Compress now every script and style the index page names (before gunicorn forks, for all workers)."""
    client = server.test_client()
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css)[^"]*)"', index_html):
        client.get(url, headers={"Accept-Encoding": "br"})
