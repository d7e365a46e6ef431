"""The Imports page in Chromium: an IMO drops a file, follows its import, and gets its report.

Runs last among the browser tests (file order): it adds an import of an earlier period (November 2023)
to the shared database, which leaves the December 2023 views the other tests check unchanged.
"""

from playwright.sync_api import Page

from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]


def wait_for_status(page: Page, text: str) -> str:
    page.wait_for_function("text => document.querySelector('#upload-status').innerText.includes(text)", arg=text)
    return page.locator("#upload-status").inner_text()


def test_an_imo_checks_an_upload_confirms_it_and_reads_its_report(page: Page, traffic, log_in, tmp_path):
    workbook = write_workbook(tmp_path / "3W_Bankass_2023-11.xlsx", {"3W": [HEADERS, *[
        ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "ML050202", "EHA"],
        ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", None, "Astronomie"],
    ]]})
    log_in("imo")
    page.goto("/imports")
    page.locator("#upload-section").wait_for()
    page.locator("#upload-file input[type=file]").set_input_files(str(workbook))
    wait_for_status(page, "vérifié")
    # By hand: two rows, the second has an unknown sector; nothing is stored until confirmed.
    assert page.locator("#preview-counts").inner_text() == (
        "2 lignes lues · 1 seraient acceptées (dont 0 avec des valeurs corrigées) · 0 suggestions à vérifier · "
        "1 rejetées · 0 avertissements")
    group = page.locator("#preview-groups tbody tr").first.locator("td")
    # the kind of problem in its own words, the first row (the header is row 1) and its own text as the example
    assert [group.nth(n).inner_text() for n in range(6)] == [
        "Rejet", "Cluster", "1", "Secteur inconnu", "3", "secteur inconnu 'Astronomie'"]
    page.locator("#upload-confirm").click()
    status = wait_for_status(page, "importé")
    assert status.startswith("3W_Bankass_2023-11.xlsx : importé — 2 lignes lues, 1 acceptées, 1 rejetées.")
    assert page.locator("#upload-report-xlsx").get_attribute("href").endswith("/report.xlsx?lang=fr")
    page.locator("#upload-report-page").click()
    page.locator("#import-counts").wait_for()
    assert page.locator("#import-counts").inner_text().split("\n")[:2] == ["2 Lignes lues", "1 Acceptées"]
    assert page.locator("#import-issue-groups tbody tr").count() == 1
    assert traffic.external_urls() == []


def test_a_checked_upload_can_be_cancelled(page: Page, log_in, tmp_path):
    workbook = write_workbook(tmp_path / "3W_Bankass_2023-10.xlsx", {"3W": [HEADERS, [
        "AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "ML050202", "EHA"]]})
    log_in("imo")
    page.goto("/imports")
    page.locator("#upload-file input[type=file]").set_input_files(str(workbook))
    wait_for_status(page, "vérifié")
    page.locator("#upload-cancel").click()
    assert wait_for_status(page, "annulé") == "3W_Bankass_2023-10.xlsx : import annulé, rien n'a été enregistré."
    assert page.locator("#upload-decision").is_hidden()


def test_a_coordinator_uploads_membership_tables_only(page: Page, log_in):
    log_in("coordinator")
    page.goto("/imports")
    page.locator("#imports-summary").wait_for()
    # the upload is there, for the membership of their clusters: one kind of table, no 3W, no partnerships
    assert page.locator("#upload-section").count() == 1
    assert page.locator("#upload-kind input").count() == 1
    assert page.locator("#upload-kind input").first.get_attribute("value") == "memberships"
    assert "membres de vos clusters" in page.locator("#upload-section").inner_text()
    assert page.locator("#suggestions-list").count() == 1
