"""Keep the address bar, the navigation links, the language switch and the download links in step with
the filters, in the browser (no server round trip, no page reload).

The query written here is read back by :func:`dashboard.reports.params_from_query`: both are made from the
filter declarations of :mod:`dashboard.domain.filters` (same keys, lists comma-separated, defaults left out).
"""

from __future__ import annotations

import json

from dash import ALL, Dash, Input, Output, State

from dashboard.callbacks.filters import filter_inputs
from dashboard.domain.filters import DEFAULT_LEVEL, codec_spec

#: the address codec in the browser is ``window.mali3wEncodeQuery`` (``dashboard/assets/url-codec.js``), given the
#: filter declarations (:func:`dashboard.domain.filters.codec_spec`): the same keys, list separator and defaults as
#: :func:`dashboard.reports.params_to_query`, which a browser test holds it to.
SYNC_URL = """
function(...args) {
    const spec = SPEC;
    const values = args.slice(0, spec.length);
    const [pageValues, lang, pageIds, navIds, exportIds, levelDefault] = args.slice(spec.length);
    // a page that opens at another level than the others writes its level even at the common default, so
    // that a level chosen there is kept by its address
    const explicit = levelDefault !== null && levelDefault !== undefined && String(levelDefault) !== LEVEL ?
        ["level"] : [];
    const query = window.mali3wEncodeQuery(spec, values, pageIds.map(function(id) { return id.name; }), pageValues,
                                           explicit);
    function search(params, language) {
        const copy = new URLSearchParams(params);
        if (language !== "fr") { copy.set("lang", language); }
        const text = copy.toString().replace(/%2C/g, ",");
        return text ? "?" + text : "";
    }
    window.history.replaceState(window.history.state, "", window.location.pathname + search(query.own, lang));
    // the tab's title is the page's own (the country a view shows: "Qui fait quoi où – Niger (3W)")
    const heading = document.querySelector(".app-header h1");
    if (heading && heading.textContent) { document.title = heading.textContent; }
    return [
        navIds.map(function(id) { return id.path + search(query.shared, lang); }),
        exportIds.map(function(id) { return id.base + search(query.own, lang); }),
        search(query.own, lang === "fr" ? "en" : "fr") || "?lang=fr",
    ];
}
""".replace("SPEC", json.dumps(codec_spec())).replace("LEVEL", json.dumps(str(DEFAULT_LEVEL)))


def register(app: Dash) -> None:
    app.clientside_callback(
        SYNC_URL,
        Output({"type": "nav-link", "path": ALL}, "href"),
        Output({"type": "export-link", "base": ALL}, "href"),
        Output("language-switch", "href"),
        *filter_inputs(),
        Input({"type": "page-param", "name": ALL}, "value"),
        State("lang", "data"), State({"type": "page-param", "name": ALL}, "id"),
        State({"type": "nav-link", "path": ALL}, "id"), State({"type": "export-link", "base": ALL}, "id"),
        State("level-default", "data"),
    )


PRINT = "function(clicks) { if (clicks) { window.print(); } return clicks; }"


def register_print(app: Dash) -> None:
    """The brief's print button opens the browser's print dialog (print, or save as PDF)."""
    app.clientside_callback(PRINT, Output("print-brief", "n_clicks"), Input("print-brief", "n_clicks"),
                            prevent_initial_call=True)
