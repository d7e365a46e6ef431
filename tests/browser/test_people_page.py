"""People targeted and reached, and activity status, in Chromium: a copy of the sample with a March 2024 file
that gives them (tests/integration/test_people.py, figures worked out by hand there), published."""

import pytest
from playwright.sync_api import Page

from dashboard.domain.roles import SYSTEM
from dashboard.ingest.importer import import_3w
from dashboard.store.rounds import publish_round
from tests.browser.conftest import served
from tests.browser.test_analysis_pages import MAP, numbers, open_page, wait_for_map
from tests.conftest import sample_copy
from tests.integration.test_people import BAYE, HEADERS, ROWS
from tests.workbooks import write_workbook

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(sample_settings, sample_accounts, tmp_path_factory):
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("people"))
    import_3w(engine, write_workbook(tmp_path_factory.mktemp("files") / "3w_2024-03.xlsx", {"3W": [HEADERS, *ROWS]}))
    publish_round(engine, "2024-03", SYSTEM)
    engine.dispose()
    with served(settings) as url:
        yield url


def test_people_map_table_and_unit_panel(page: Page, traffic, log_in):
    log_in("imo")
    summary = open_page(page, "/personnes?area=ML0502&level=3&period=2024-03")
    # Bankass's communes: 200 + 180 targeted (Bankass, Baye), 200 + 90 reached; rows: ongoing 2 (Baye),
    # planned 1, completed 1, other 1 (suspended)
    assert numbers(summary)[:9] == [290, 380, 76, 2, 3, 2, 1, 1, 1]  # the 3 of "3W" among them
    trace = wait_for_map(page, 12)
    values = dict(zip(trace["locations"], trace["customdata"]))
    assert values[BAYE][:2] == ["180", "90"] and values["ML050203"][:2] == ["—", "—"]
    # the map in people targeted instead
    page.locator("#analysis-map").wait_for()
    page.goto("/personnes?area=ML0502&level=3&period=2024-03&measure=targeted")
    page.wait_for_function(f"() => document.querySelector('{MAP}') && "
                           f"document.querySelector('{MAP}').layout.annotations === undefined && "
                           f"document.querySelector('{MAP}').data[0].colorbar.title.text === 'Personnes ciblées'")
    # the presence page's unit panel says it too: click Baye
    page.goto("/?area=ML0502&level=3&period=2024-03")
    page.wait_for_function("() => { const p = document.querySelector('#presence-map .js-plotly-plot');"
                           " return p && p.data && p.data[0].locations.length === 12; }")
    index = page.evaluate("() => Array.from(document.querySelector('#presence-map .js-plotly-plot')"
                          f".data[0].locations).indexOf('{BAYE}')")
    panel = page.locator("#unit-people")
    for _ in range(5):  # a click sent before Dash listens to the graph is lost: send it again
        page.evaluate("i => { const p = document.querySelector('#presence-map .js-plotly-plot');"
                      " p.emit('plotly_click', {points: [{location: p.data[0].locations[i]}]}); }", index)
        try:
            panel.wait_for(timeout=4_000)
            break
        except Exception:
            continue
    assert numbers(panel.inner_text())[:5] == [180, 90, 2, 1, 0]
    assert traffic.external_urls() == []


def test_a_period_without_people_says_so(page: Page):
    summary = open_page(page, "/personnes?period=2023-12")
    assert summary.startswith("Le 3W de cette période ne donne ni personnes ciblées ou atteintes")
