"""Bar charts drawn in HTML (no plotly): light on a slow link, sharp on a projector, printable, and read by
a screen reader as text. Each is a ``figure`` with its caption, one row a bar."""

from __future__ import annotations

from dash import html

from dashboard.i18n import translate


def share_bars(title: str, labels: list[str], national: list[int], total: list[int], lang: str) -> html.Figure:
    """Horizontal bars: all organisations, the national NGOs among them in the darker part."""
    widest = max(total, default=0) or 1
    rows = [html.Div([
        html.Span(label, className="bar-label"),
        html.Div([html.Div(className="bar national", style={"width": f"{100 * part / widest:.1f}%"}),
                  html.Div(className="bar others", style={"width": f"{100 * (whole - part) / widest:.1f}%"})],
                 className="bar-track"),
        html.Span(f"{part} / {whole}", className="bar-value"),
    ], className="bar-row") for label, part, whole in zip(labels, national, total)]
    legend = html.P([html.Span(className="swatch national"), translate("localisation.national", lang), " ",
                     html.Span(className="swatch others"), translate("localisation.others", lang)],
                    className="bar-legend")
    return html.Figure([html.Figcaption(title), *rows, legend], className="bar-chart")


def count_bars(title: str, labels: list[str], values: list[int], texts: list[str], chart_id: str | None = None
               ) -> html.Figure:
    """Horizontal bars of one count each, the largest the full width; ``texts`` is what each bar says."""
    widest = max(values, default=0) or 1
    rows = [html.Div([
        html.Span(label, className="bar-label", title=label),
        html.Div(html.Div(className="bar national", style={"width": f"{100 * value / widest:.1f}%"}),
                 className="bar-track"),
        html.Span(text, className="bar-value"),
    ], className="bar-row") for label, value, text in zip(labels, values, texts)]
    return html.Figure([html.Figcaption(title), *rows], className="bar-chart",
                       **({"id": chart_id} if chart_id else {}))
