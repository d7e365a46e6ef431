"""The maps: one choropleth trace on a ``geo`` subplot, its geometry fetched once by URL from the server.

Drawn as SVG by the plotly.js partial bundle in ``assets/`` (no WebGL, no tiles): the units themselves are
the map, fitted to the units drawn. Colours come from a stepped scale over categories, so one trace serves
every category and a filter change only replaces ``z`` and ``customdata``. Figures are plain dicts: building
plotly's figure objects would validate every value of every unit on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from dashboard.i18n import translate
from dashboard.domain.country import CountryProfile
from dashboard.reports.country_words import level_unit

#: Count bins after the two special categories: (low, high) inclusive, None = open.
COUNT_BINS: tuple[tuple[int, int | None], ...] = ((1, 1), (2, 3), (4, 5), (6, 10), (11, 20), (21, 40), (41, None))
NONE_CATEGORY, COARSER_CATEGORY = 0, 1
COLOURS = ("#f4f4f4", "#d8cfe6", "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
BORDER_WIDTH = {1: 1.2, 2: 0.8, 3: 0.3}
#: a map zoomed to an area names its units when it draws at most this many (a cercle's communes, a region's
#: cercles; not a region's hundred communes, whose names would cover the colours)
MAX_NAMED_UNITS = 60
#: Where the map asks for plotly's base layers; the server answers with an empty topology (see app_factory).
TOPOJSON_URL = "/topojson/"
#: The same options on every map: scroll to zoom, a PNG download, no plotly logo, base layers served locally,
#: and no "Share chart..." button (plotly.js 4 shows one by default: an English dialog that uploads the chart
#: to Plotly Cloud). The bundle in assets/ has it off by default too, for any graph drawn without this config.
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True, "topojsonURL": TOPOJSON_URL, "showSendToCloud": False}


def map_config(lang: str, filename: str) -> dict:
    """A map's plotly config: French or English toolbar tooltips and number formats (the bundle carries
    plotly.js's French locale), nothing sent anywhere, the PNG download named after the page."""
    return {**MAP_CONFIG, "locale": "fr" if lang == "fr" else "en",
            "toImageButtonOptions": {"filename": filename, "scale": 2}}


@dataclass(frozen=True)
class MapView:
    """Where the browser fetches the geometry of each level (the URL carries the content's hash)."""

    geojson_url: Callable[[int], str]
    #: where each unit's name is written, (lon, lat) by P-code, per level (none: no names on the maps)
    points: Mapping[int, Mapping[str, tuple[float, float]]] = field(default_factory=dict)
    #: the levels that have geometry (Burkina Faso: regions and provinces)
    levels: tuple[int, ...] = (1, 2, 3)
    #: the other countries' maps by ISO3, in an installation of several countries (this one is the default's)
    others: Mapping[str, "MapView"] = field(default_factory=dict)

    def of(self, snapshot) -> "MapView":
        """The map of the country ``snapshot`` shows (this one for the default country)."""
        profile = getattr(snapshot, "profile", None)
        return self.others.get(profile.iso3, self) if profile is not None else self

    @property
    def key(self) -> tuple[str, ...]:
        """What a cached figure depends on of the view: its geometry URLs."""
        return tuple(self.geojson_url(level) for level in self.levels)


def category(count: int, coarser_only: int) -> int:
    """Colour category of a unit: 0 none, 1 coarser level only, then one per count bin."""
    if count == 0:
        return COARSER_CATEGORY if coarser_only else NONE_CATEGORY
    for index, (low, high) in enumerate(COUNT_BINS):
        if count >= low and (high is None or count <= high):
            return index + 2
    raise ValueError(count)


def category_labels(lang: str) -> list[str]:
    labels = [translate("map.legend.none", lang), translate("map.legend.coarser", lang)]
    for low, high in COUNT_BINS:
        labels.append(f"{low}+" if high is None else str(low) if low == high else f"{low}–{high}")
    return labels


def stepped_colorscale(colours: tuple[str, ...]) -> list[list]:
    """A colour scale with a flat band per category, for ``z`` = category index and zmin/zmax ±0.5."""
    steps = len(colours)
    scale = []
    for index, colour in enumerate(colours):
        scale += [[index / steps, colour], [(index + 1) / steps, colour]]
    return scale


@dataclass(frozen=True)
class Scale:
    """A stepped colour scale: one colour and one legend label per category (``z`` = category index)."""

    title: str
    colours: tuple[str, ...]
    labels: tuple[str, ...]


def presence_scale(lang: str) -> Scale:
    return Scale(translate("map.title", lang), COLOURS, tuple(category_labels(lang)))


def presence_hover(level: int, lang: str, profile: CountryProfile | None = None) -> list[str]:
    """Hover lines of the presence map; ``customdata`` is (organisations present, coarser level only); the
    coarser level named as the country of ``profile`` names it (Mali's cercle by default)."""
    lines = [translate("map.hover.count", lang, count="%{customdata[0]}")]
    if level > 1:
        coarser = level_unit(profile, level - 1, lang)
        lines.append(translate("map.hover.coarser", lang, coarser=coarser, count="%{customdata[1]}"))
    return lines


def stepped_figure(view: MapView, level: int, pcodes: list[str], labels: list[str], categories: list[int],
                   customdata: list[list], scale: Scale, hover_lines: list[str], area: str | None = None,
                   names: list[str] | None = None) -> dict:
    """A map of one admin level coloured by category, with the geometry by URL (the figure stays small).

    ``hover_lines`` are plotly hover-template lines that may use ``%{customdata[i]}``; the unit's name
    (``labels``) comes first. The view fits the units drawn, so an area filter zooms to the area; zoomed to an
    area, the map writes the units' ``names`` on them (see :func:`name_trace`).
    """
    trace = {
        "type": "choropleth", "geojson": view.geojson_url(level), "featureidkey": "id", "locations": pcodes,
        "z": categories, "text": labels, "customdata": customdata, "zmin": -0.5, "zmax": len(scale.colours) - 0.5,
        "colorscale": stepped_colorscale(scale.colours),
        "marker": {"line": {"width": BORDER_WIDTH[level], "color": "#8c8c8c"}},
        "hovertemplate": "<br>".join(["<b>%{text}</b>", *hover_lines]) + "<extra></extra>",
        "colorbar": {"title": {"text": scale.title, "side": "top"}, "tickvals": list(range(len(scale.colours))),
                     "ticktext": list(scale.labels), "thickness": 14, "len": 0.85, "x": 0.99, "xanchor": "right"},
    }
    layout = {"geo": {"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
                      "bgcolor": "white", "domain": {"x": [0, 0.8], "y": [0, 1]}},
              "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "uirevision": f"{level}-{area}", "paper_bgcolor": "white",
              "dragmode": "pan", "showlegend": False}
    names = name_trace(view, level, pcodes, names) if area and names else None
    return {"data": [trace, *([names] if names else [])], "layout": layout}


def name_trace(view: MapView, level: int, pcodes: list[str], names: list[str]) -> dict | None:
    """The units' names written on the map (text only, no marker, no hover: the colours' hover stays), when
    the map draws few enough units for them to be read; None otherwise."""
    points = view.points.get(level, {})
    placed = [(points[code], name) for code, name in zip(pcodes, names) if code in points]
    if not placed or len(pcodes) > MAX_NAMED_UNITS:
        return None
    return {"type": "scattergeo", "mode": "text", "lon": [point[0] for point, _ in placed],
            "lat": [point[1] for point, _ in placed], "text": [name for _, name in placed],
            "textfont": {"size": 11 if level == 3 else 12, "color": "#1a1a1a",
                         # a white halo: the name stays legible on the darkest colours, and in print
                         "shadow": "1px 1px 2px #fff, -1px -1px 2px #fff, 1px -1px 2px #fff, -1px 1px 2px #fff"}, "hoverinfo": "skip",
            "name": "names"}


def presence_figure(view: MapView, level: int, pcodes: list[str], labels: list[str], categories: list[int],
                    customdata: list[list[int]], lang: str, area: str | None = None,
                    names: list[str] | None = None, profile: CountryProfile | None = None) -> dict:
    """The presence map: organisations present per unit, "coarser level only" as a category of its own."""
    return stepped_figure(view, level, pcodes, labels, categories, customdata, presence_scale(lang),
                          presence_hover(level, lang, profile), area, names)
