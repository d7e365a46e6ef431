"""Static files go out as brotli at its best level, computed once; everything else as flask-compress does."""

from __future__ import annotations

import brotli
import flask
from flask_compress import Compress

from dashboard import static_compression

SCRIPT = ("function draw(unit) { return unit.name + ' ' + unit.count; }\n" * 400).encode()


def make_server(prefix: str = "/") -> flask.Flask:
    server = flask.Flask(__name__)
    Compress(server)
    static_compression.install(server, prefix)

    @server.route(prefix.rstrip("/") + "/assets/<name>")
    def asset(name: str):
        response = flask.Response(SCRIPT, mimetype="application/javascript")
        response.add_etag()
        return response.make_conditional(flask.request)

    @server.route(prefix.rstrip("/") + "/_dash-update-component", methods=["POST"])
    def callback():
        return flask.Response(SCRIPT, mimetype="application/json")

    return server


def test_a_script_goes_out_as_brotli_11_once_computed():
    client = make_server().test_client()
    answer = client.get("/assets/map.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert answer.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert brotli.decompress(answer.data) == SCRIPT
    assert answer.data == brotli.compress(SCRIPT, quality=11)
    assert static_compression.brotli_once(SCRIPT) is static_compression.brotli_once(SCRIPT)
    # the browser's copy is still valid: its ETag names the encoding, and asking again with it gets a 304
    again = client.get("/assets/map.js", headers={"Accept-Encoding": "br", "If-None-Match": answer.headers["ETag"]})
    assert answer.headers["ETag"].endswith(':br"') and again.status_code == 304


def test_without_brotli_or_off_the_static_paths_flask_compress_answers():
    client = make_server().test_client()
    gzip_only = client.get("/assets/map.js", headers={"Accept-Encoding": "gzip"})
    assert gzip_only.headers["Content-Encoding"] == "gzip"
    callback = client.post("/_dash-update-component", headers={"Accept-Encoding": "br, zstd"})
    assert callback.headers["Content-Encoding"] == "zstd"


def test_under_a_path_prefix():
    client = make_server("/mali3w/").test_client()
    answer = client.get("/mali3w/assets/map.js", headers={"Accept-Encoding": "br"})
    assert answer.headers["Content-Encoding"] == "br"
