"""One language a page: every page, opened in French and in English (as an IMO, who sees every page and every
control, and as the public), shows no text of the other language: not in its text, not in the map toolbar's
tooltips, the dropdowns' own texts, placeholders or titles. A screenshot of each is written for a reader to
look at (``MALI3W_SCREENSHOTS``, by default a folder of the test run).

The other language is recognised by a list of texts known to have leaked before (plotly's and Dash's English
defaults, messages stored in English) and of the product's own words; data (organisation names, file names)
is in whatever language it was written and is not checked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from dashboard.ingest.importer import import_3w
from tests.browser.conftest import served
from tests.conftest import sample_copy
from tests.workbooks import write_workbook

#: every page as an IMO sees it (the brief and the import report with something to show)
PAGES = ["/", "/lacunes", "/chevauchements", "/localisation", "/evolution", "/matrice", "/personnes", "/membres",
         "/doublons", "/fiche?area=ML0502", "/fiches?area=ML0502", "/rapportage", "/imports", "/imports/rapport?import=1",
         "/referentiel", "/journal", "/hdx"]
PUBLIC_PAGES = ["/", "/lacunes", "/fiche?area=ML0502", "/imports", "/login"]
#: English a French page must not show: plotly's modebar, Dash's dropdown, messages once stored in English
ENGLISH = ["Download plot", "Pan", "Zoom in", "Zoom out", "Reset view", "Autoscale", "Box Select", "Lasso Select",
           "selected", "Select All", "Deselect All", "Search", "No options found", "Clear selection", "closest is",
           "no commune named", "Loading", "Drag and Drop", "Select Files", "Log in", "Log out", "Data as of",
           "Source:", "Filters", "Period", "Download", "organisations present", "Back to", "Sign in", "Password"]
#: French an English page must not show: the product's own words and plotly's French locale
FRENCH = ["Données au", "Télécharger", "Période", "Déconnexion", "Connexion", "Niveau administratif",
          "Tout le Mali", "Réinitialiser", "Rechercher", "sélectionnés", "brouillon", "publié le", "Échelle",
          "Translation", "lignes affichées", "Retour", "Filtres", "Secteur non précisé", "Aucune", "Choisissez"]
SUGGESTED = [["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Commune", "Cluster"],
             ["AMSS", "ML05", "ML0502", "Diallasagou", "Santé"]]


@pytest.fixture(scope="module")
def base_url(sample_settings, sample_accounts, tmp_path_factory):
    """The sample, with one more file whose commune name is misspelt (a place suggestion waits on Imports)."""
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("languages"))
    workbook = write_workbook(tmp_path_factory.mktemp("files") / "3W_2024-02.xlsx", {"3W": SUGGESTED})
    assert import_3w(engine, workbook).rows_accepted == 1
    engine.dispose()
    with served(settings) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("MALI3W_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots of every page: {folder}")
    return folder


def shown_texts(page: Page) -> str:
    """What a reader meets: the text of the page and the texts it shows on hover or in empty fields."""
    return page.evaluate("""() => {
        const texts = [document.body.innerText];
        for (const node of document.querySelectorAll('[title], [placeholder], [aria-label], [data-title]')) {
            for (const name of ['title', 'placeholder', 'aria-label', 'data-title']) {
                if (node.getAttribute(name)) texts.push(node.getAttribute(name));
            }
        }
        return texts.join('\\n');
    }""")


def leaks(text: str, words: list[str]) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text)]


def open_page(page: Page, path: str, lang: str) -> None:
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    if not path.startswith("/login"):  # the login form is the server's page, not the app's
        page.locator("#page-content > *").first.wait_for()
    page.wait_for_load_state("networkidle")
    # open the sector list: Dash's dropdown writes its own texts ("Select All", "Search") only when open
    sector = page.locator("#sector")
    if sector.count():
        sector.click()
        page.wait_for_timeout(200)


def check_page(page: Page, shots: Path, who: str, path: str, lang: str) -> list[str]:
    open_page(page, path, lang)
    name = re.sub(r"\W+", "-", path.strip("/")) or "presence"
    page.screenshot(path=str(shots / f"{lang}-{who}-{name}.png"), full_page=True)
    text = shown_texts(page)
    found = leaks(text, ENGLISH if lang == "fr" else FRENCH)
    page.keyboard.press("Escape")
    return [f"{who} {path} ({lang}): {word!r}" for word in found]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_speaks_one_language(page: Page, log_in, shots, lang):
    found = [leak for path in PUBLIC_PAGES for leak in check_page(page, shots, "public", path, lang)]
    log_in("imo")
    found += [leak for path in PAGES for leak in check_page(page, shots, "imo", path, lang)]
    assert found == []
