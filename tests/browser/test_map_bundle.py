"""The maps are drawn by the project's own plotly.js bundle, and no graph offers to share itself on Plotly Cloud.

``dashboard/assets/plotly-geo.min.js`` is built by ``scripts/build-plotly-bundle.sh`` (plotly.js with the
choropleth trace only); plotly.js 4 shows a "Share chart..." modebar button by default, which opens an English
dialog that uploads the chart to Plotly Cloud.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page
from plotly.offline import get_plotlyjs_version

pytestmark = pytest.mark.browser

BUNDLE = Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "plotly-geo.min.js"
MAPS = {"/": "#presence-map", "/lacunes": "#analysis-map"}
#: the modebar's own words (plotly.js's English, the dashboard registers no plotly.js locale)
PNG_BUTTON, SHARE_BUTTON = "Download plot as a PNG", "Share chart..."


def modebar_titles(page: Page, plot: str) -> list[str]:
    """The titles of the modebar buttons of a plot (its plotly.js div), shown once the mouse is over it."""
    page.locator(plot).hover()
    page.wait_for_selector(f"{plot} .modebar-btn", state="attached")
    return page.eval_on_selector_all(f"{plot} .modebar-btn", "buttons => buttons.map(b => b.dataset.title)")


@pytest.mark.parametrize("path", list(MAPS))
def test_no_share_button_on_the_maps(page: Page, traffic, path):
    graph = MAPS[path]
    page.goto(path)
    page.wait_for_selector(f"{graph} .choroplethlocation", state="attached")
    titles = modebar_titles(page, f"{graph} .js-plotly-plot")
    # a French page: plotly.js's French locale (served in the project's bundle)
    assert "Télécharger le graphique en fichier PNG" in titles and "Zoom intérieur" in titles, titles
    assert not any("share" in (title or "").lower() or "cloud" in (title or "").lower() for title in titles), titles
    assert traffic.external_urls() == []


def test_a_graph_drawn_without_the_dashboards_config_has_no_share_button_either(page: Page):
    """The bundle's own default: any graph drawn with it, not only those given MAP_CONFIG."""
    page.goto("/")
    page.wait_for_function("() => window.Plotly !== undefined")
    page.evaluate("""() => {
        for (const [id, config] of [['bare', {}], ['asked', {showSendToCloud: true}]]) {
            const div = document.createElement('div');
            div.id = id;
            div.style.width = '400px';
            div.style.height = '300px';
            document.body.prepend(div);
            Plotly.newPlot(div, [{type: 'choropleth', locations: ['a'], z: [1],
                geojson: {type: 'FeatureCollection', features: [{type: 'Feature', id: 'a',
                    geometry: {type: 'Polygon', coordinates: [[[0, 10], [5, 10], [5, 15], [0, 10]]]}}]}}],
                {geo: {fitbounds: 'locations', visible: false}}, config);
        }
    }""")
    bare = modebar_titles(page, "#bare")
    assert PNG_BUTTON in bare and SHARE_BUTTON not in bare, bare
    # the check sees the button when it is there: a graph that asks for it gets it
    asked = modebar_titles(page, "#asked")
    assert SHARE_BUTTON in asked, asked


def test_the_map_is_drawn_by_the_projects_bundle(page: Page, traffic):
    page.goto("/")
    page.wait_for_selector("#presence-map .choroplethlocation", state="attached")
    plotly_scripts = [url for url in traffic.urls if "plotly" in url.lower()]
    assert len(plotly_scripts) == 1 and "/assets/plotly-geo.min.js" in plotly_scripts[0], plotly_scripts
    served = page.request.get(plotly_scripts[0]).body()
    assert hashlib.sha256(served).hexdigest() == hashlib.sha256(BUNDLE.read_bytes()).hexdigest()
    assert served.startswith(b"/*! plotly.js v") and b"choropleth only" in served[:200]
    found = page.evaluate("""() => ({
        version: window.Plotly.version,
        drawn: document.querySelector('#presence-map .js-plotly-plot')._fullData[0].type,
        choropleth: Plotly.validate([{type: 'choropleth', locations: ['a'], z: [1]}], {}),
        bar: Plotly.validate([{type: 'bar', x: [1], y: [1]}], {}),
    })""")
    # the plotly.js that plotly.py (the figures' schema) is made for
    assert found["version"] == get_plotlyjs_version()
    assert found["drawn"] == "choropleth" and found["choropleth"] is None
    # only the trace types the dashboard draws: a bar chart is not in the bundle
    assert found["bar"] and "type is set to an invalid value (bar)" in found["bar"][0]["msg"], found["bar"]
