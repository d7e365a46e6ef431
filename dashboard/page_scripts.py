"""The scripts every page makes the browser download: Dash's own, less two that the dashboard never runs.

Dash 4 lists on every index page Babel's polyfill (``deps/polyfill@7.12.1.min.js``: 99 KB, 34 KB gzip, the
whole of core-js 2 for browsers older than plotly.js supports) and the dash_table bundle (33 KB, 9 KB gzip),
whether or not a page has a DataTable. What Dash's renderer and dash core components need of the polyfill
in a current browser is the global ``regeneratorRuntime`` of their async code: ``assets/regenerator-runtime.min.js``
(3 KB gzip, built by ``scripts/build-plotly-bundle.sh``) defines it, and Dash loads it before its renderer.
No page uses ``dash_table`` (a test checks the package's sources): its tables are plain HTML.

``Dash.interpolate_index`` is Dash's documented place to change the index page; the scripts arrive there as
one ``<script src=...>`` tag per line.
"""

from __future__ import annotations

import re

from dash import Dash

#: A part of the URL of each Dash script left out, and why.
UNUSED_SCRIPTS: dict[str, str] = {
    "/deps/polyfill@": "Babel's polyfill: the browsers the dashboard supports have all but regeneratorRuntime",
    "/dash_table/bundle.": "no page has a dash_table.DataTable",
}
SCRIPT_TAG = re.compile(r'<script src="(?P<src>[^"]*)"></script>\n?')


def without_unused_scripts(scripts: str) -> str:
    """The index page's script tags without those of :data:`UNUSED_SCRIPTS`."""
    def keep(match: re.Match) -> str:
        return "" if any(part in match["src"] for part in UNUSED_SCRIPTS) else match[0]
    return SCRIPT_TAG.sub(keep, scripts)


def leave_out_unused_scripts(app: Dash) -> None:
    """Make ``app``'s index page ask for Dash's scripts less :data:`UNUSED_SCRIPTS`."""
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        kwargs["scripts"] = without_unused_scripts(kwargs.get("scripts", ""))
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index
