"""Keep the address bar, the navigation links, the language switch and the download links in step with
the filters, in the browser (no server round trip, no page reload).

The query written here is read back by :func:`dashboard.reports.params_from_query`: same names, lists
comma-separated, defaults left out (level 3, French).
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State

SYNC_URL = """
function(level, period, area, sectors, orgTypes, organisations, pageValues, lang, pageIds, navIds, exportIds) {
    const shared = new URLSearchParams();
    if (level !== null && level !== undefined && String(level) !== "3") { shared.set("level", level); }
    if (period) { shared.set("period", period); }
    if (area) { shared.set("area", area); }
    if (sectors && sectors.length) { shared.set("sector", sectors.join(",")); }
    if (orgTypes && orgTypes.length) { shared.set("type", orgTypes.join(",")); }
    if (organisations && organisations.length) { shared.set("org", organisations.join(",")); }
    const own = new URLSearchParams(shared);
    pageValues.forEach(function(value, index) {
        if (value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && !value.length)) {
            own.set(pageIds[index].name, Array.isArray(value) ? value.join(",") : value);
        }
    });
    function search(params, language) {
        const copy = new URLSearchParams(params);
        if (language !== "fr") { copy.set("lang", language); }
        const text = copy.toString().replace(/%2C/g, ",");
        return text ? "?" + text : "";
    }
    window.history.replaceState(window.history.state, "", window.location.pathname + search(own, lang));
    return [
        navIds.map(function(id) { return id.path + search(shared, lang); }),
        exportIds.map(function(id) { return id.base + search(own, lang); }),
        search(own, lang === "fr" ? "en" : "fr") || "?lang=fr",
    ];
}
"""


def register(app: Dash) -> None:
    app.clientside_callback(
        SYNC_URL,
        Output({"type": "nav-link", "path": ALL}, "href"),
        Output({"type": "export-link", "base": ALL}, "href"),
        Output("language-switch", "href"),
        Input("level", "value"), Input("period", "value"), Input("area", "value"), Input("sector", "value"),
        Input("org-type", "value"), Input("organisation", "value"),
        Input({"type": "page-param", "name": ALL}, "value"),
        State("lang", "data"), State({"type": "page-param", "name": ALL}, "id"),
        State({"type": "nav-link", "path": ALL}, "id"), State({"type": "export-link", "base": ALL}, "id"),
    )


PRINT = "function(clicks) { if (clicks) { window.print(); } return clicks; }"


def register_print(app: Dash) -> None:
    """The brief's print button opens the browser's print dialog (print, or save as PDF)."""
    app.clientside_callback(PRINT, Output("print-brief", "n_clicks"), Input("print-brief", "n_clicks"),
                            prevent_initial_call=True)
