"""The Rapportage page in Chromium: a coordinator sees that the March 2024 round is in preparation and who has
not reported yet; an IMO publishes it after the browser's confirmation, and the draft banner goes.

Publishing changes what the public sees, so this page is served from a copy of the sample database with one
more import (the health cluster's March 2024 file): the other tests keep the sample as it is.
"""

import pytest
from playwright.sync_api import Page, expect

from dashboard.ingest.importer import import_3w
from tests.browser.conftest import accept_dialogs, served
from tests.conftest import sample_copy
from tests.browser.test_analysis_pages import choose, page_param
from tests.workbooks import write_workbook

MARCH = [["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster"],
         ["SIF", "ML09", "ML0901", "Santé"], ["MSF", "ML05", "ML0501", "Santé"]]


@pytest.fixture(scope="module")
def base_url(sample_settings, sample_accounts, tmp_path_factory):
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("reporting"))
    workbook = write_workbook(tmp_path_factory.mktemp("files") / "3W_sante_mars_2024.xlsx", {"3W": MARCH})
    import_3w(engine, workbook, source="Cluster Santé")
    engine.dispose()
    with served(settings) as url:
        yield url


def test_a_coordinator_finds_the_round_in_preparation(page: Page, log_in):
    log_in("coordinator")
    page.goto("/rapportage")
    hint = page.locator(".draft-hint")
    expect(hint).to_contain_text("Le tour mars 2024 est en préparation (brouillon)")
    hint.get_by_role("link").click()
    expect(page.locator("#draft-note")).to_have_text(
        "BROUILLON : mars 2024 n'est pas publié ; le public ne voit pas ces chiffres, qui peuvent encore changer.")
    expect(page.locator("#analysis-summary")).to_contain_text("2 organisations ont rapporté en mars 2024")
    # by cluster: nobody of WASH has reported for March yet
    choose(page, page_param("by"), "cluster")
    wash = page.locator("#analysis-table tr", has=page.locator("td", has_text="Eau, hygiène et assainissement"))
    expect(wash.locator("td").nth(2)).to_have_text("0")  # of WASH's December organisations, none in March's WASH
    assert page.locator("#round-publish").count() == 0  # only an IMO publishes


def test_the_map_of_a_draft_round_says_so_in_itself(page: Page, log_in):
    """The map's PNG download carries no page header: the map's own title says the round is a draft."""
    log_in("imo")
    for path, plot in (("/?period=2024-03&level=1", "#presence-map .js-plotly-plot"),
                       ("/lacunes?period=2024-03&level=1", "#analysis-map .js-plotly-plot")):
        page.goto(path)
        page.wait_for_function(f"() => {{ const p = document.querySelector('{plot}'); return p && p.layout; }}")
        assert page.evaluate(f"() => document.querySelector('{plot}').layout.title.text") == \
            "BROUILLON : mars 2024, non publié"
        expect(page.locator(f"{plot} .gtitle")).to_have_text("BROUILLON : mars 2024, non publié")
    # the published December round, chosen in the period filter (only the colours and the title change): no title
    page.goto("/?period=2024-03&level=1")
    page.wait_for_function("() => { const p = document.querySelector('#presence-map .js-plotly-plot');"
                           " return p && p.layout && p.layout.title.text; }")
    choose(page, "#period", "décembre 2023 · publié · 1 source")
    page.wait_for_function("() => document.querySelector('#presence-map .js-plotly-plot').layout.title.text === ''")


def test_an_imo_publishes_the_round_after_confirming(page: Page, log_in):
    log_in("imo")
    page.goto("/rapportage?period=2024-03")
    expect(page.locator("#draft-note")).to_be_visible()
    dialogs = accept_dialogs(page)
    page.get_by_role("button", name="Publier", exact=True).click()
    # the answer comes in under a second on a quiet machine (0.8 s measured); the whole suite's runs on a loaded
    # two-core machine twice saw it land after the default 5 s, the renderer redrawing the page's table and map
    expect(page.locator("#round-feedback")).to_have_text(
        "Tour mars 2024 publié : le public le voit, et c'est la période par défaut.", timeout=20_000)
    assert dialogs and dialogs[0].startswith("Publier pour tout le monde le tour choisi")
    expect(page.locator("#draft-note")).to_have_count(0)
    # the period list says it at once, without a reload
    expect(page.locator("#period")).to_contain_text("mars 2024 · publié")
    expect(page.locator("#data-facts")).to_contain_text("Source de mars 2024 (publié le")
    # the public now opens on March
    page.get_by_role("button", name="Déconnexion").click()
    page.goto("/")
    expect(page.locator("#data-facts li").first).to_contain_text("Données au : mars 2024 (publié le")
