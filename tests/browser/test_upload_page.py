"""The Imports page in Chromium: an IMO drops a file, follows its import, and gets its report.

Runs last among the browser tests (file order): it adds an import of an earlier period (November 2023)
to the shared database, which leaves the December 2023 views the other tests check unchanged.
"""

from playwright.sync_api import Page

from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]


def test_an_imo_uploads_a_3w_and_follows_it(page: Page, traffic, log_in, tmp_path):
    workbook = write_workbook(tmp_path / "3W_Bankass_2023-11.xlsx", {"3W": [HEADERS, *[
        ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "ML050202", "EHA"],
        ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", None, "Astronomie"],
    ]]})
    log_in("imo")
    page.goto("/imports")
    page.locator("#upload-section").wait_for()
    page.locator("#upload-file input[type=file]").set_input_files(str(workbook))
    status = page.locator("#upload-status")
    page.wait_for_function("() => document.querySelector('#upload-status').innerText.includes('importé')")
    # By hand: two rows, the second has an unknown sector.
    assert status.inner_text().startswith("3W_Bankass_2023-11.xlsx : importé — 2 lignes lues, 1 acceptées, 1 rejetées.")
    report = status.locator("a")
    assert report.inner_text() == "Rapport de validation (Excel)"
    assert report.get_attribute("href").endswith("/report.xlsx?lang=fr")
    assert traffic.external_urls() == []


def test_a_coordinator_has_no_upload(page: Page, log_in):
    log_in("coordinator")
    page.goto("/imports")
    page.locator("#imports-summary").wait_for()
    assert page.locator("#upload-section").count() == 0
    assert page.locator("#suggestions-list").count() == 1
