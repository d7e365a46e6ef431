"""The index page asks for Dash's scripts less the two the dashboard never runs, and still has what they gave."""

from __future__ import annotations

import re
from pathlib import Path

from dash import Dash, html

from dashboard.page_scripts import UNUSED_SCRIPTS, leave_out_unused_scripts, without_unused_scripts

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"


def script_sources(app: Dash) -> list[str]:
    app.layout = html.Div()
    page = app.server.test_client().get("/").get_data(as_text=True)
    return re.findall(r'<script src="([^"]+)"', page)


def test_each_left_out_script_is_one_dash_lists_and_the_others_stay():
    # A Dash upgrade that renames one of them shows here, not as a script silently back in the page.
    listed = script_sources(Dash(__name__, serve_locally=True))
    for part in UNUSED_SCRIPTS:
        assert len([src for src in listed if part in src]) == 1, (part, listed)
    trimmed = Dash(__name__, serve_locally=True)
    leave_out_unused_scripts(trimmed)
    kept = script_sources(trimmed)
    assert kept == [src for src in listed if not any(part in src for part in UNUSED_SCRIPTS)]
    assert any("dash_renderer" in src for src in kept) and any("react-dom@" in src for src in kept)


def test_inline_scripts_and_other_tags_are_kept():
    scripts = ('<script src="/_dash-component-suites/dash/deps/polyfill@7.v4.12.1.min.js"></script>\n'
               '<script src="/assets/plotly-geo.min.js?m=1"></script>\n<script>var x = 1;</script>')
    assert without_unused_scripts(scripts) == '<script src="/assets/plotly-geo.min.js?m=1"></script>\n' \
                                              '<script>var x = 1;</script>'


def test_what_the_polyfill_gave_is_in_the_assets_and_no_page_uses_dash_table():
    # Dash's renderer and dash core components call the global regeneratorRuntime (async code).
    runtime = (PACKAGE / "assets" / "regenerator-runtime.min.js").read_text()
    assert "regeneratorRuntime" in runtime
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text()
        assert not re.search(r"\bdash_table\b|\bDataTable\b", text) or source.name == "page_scripts.py", source
