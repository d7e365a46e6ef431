"""The Registry page in Chromium: an IMO confirms a proposed merge in the browser's dialog, marks a pair
distinct, and teaches a sector spelling that had kept a row out.

A merge cannot be undone, so this page is served from a copy of the sample database (with one more small
import, of January 2024, whose sector "Eau hygiène" is unknown): the other tests keep the sample as it is.
"""

import pytest
from playwright.sync_api import Page, expect

from dashboard.ingest.importer import import_3w
from tests.browser.conftest import accept_dialogs, served
from tests.conftest import sample_copy
from tests.workbooks import write_workbook


@pytest.fixture(scope="module")
def base_url(sample_settings, sample_accounts, tmp_path_factory):
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("organisations"))
    workbook = write_workbook(tmp_path_factory.mktemp("files") / "3W_2024-01.xlsx", {"3W": [
        ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster"], ["AMSS", "ML06", "ML0601", "Eau hygiène"]]})
    assert import_3w(engine, workbook).rows_rejected == 1
    engine.dispose()
    with served(settings) as url:
        yield url


def proposal_row(page: Page, acronym: str):
    return page.locator("#proposals-list tr", has=page.locator("strong", has_text=acronym))


def test_an_imo_merges_a_proposed_pair_after_confirming(page: Page, log_in, traffic):
    log_in("imo")
    page.goto("/referentiel")
    page.locator("#proposals-list").wait_for()
    # By hand (see tests/unit/test_organisation_matching.py): IR (75 rows) and IRW (1 row) are proposed.
    row = proposal_row(page, "IRW")
    assert row.count() == 1 and "IR" in row.inner_text()
    dialogs = accept_dialogs(page)
    row.get_by_role("button", name="Fusionner dans IR", exact=True).click()
    page.wait_for_function("() => document.querySelector('#organisation-feedback').innerText.includes('Fusion')")
    assert dialogs and dialogs[0].startswith("Fusionner IRW dans IR ?")
    assert page.locator("#organisation-feedback").inner_text() == (
        "Fusion enregistrée : 1 ligne(s) 3W et 2 orthographe(s) déplacées.")
    assert proposal_row(page, "IRW").count() == 0
    history = page.locator("#organisation-history").inner_text()
    assert "Fusion" in history and "IRW" in history and "imo.test" in history
    assert traffic.external_urls() == []


def test_a_pair_marked_distinct_leaves_the_list(page: Page, log_in):
    log_in("imo")
    page.goto("/referentiel")
    row = proposal_row(page, "S.A.D")
    row.wait_for()
    row.get_by_role("button", name="Distinctes").click()
    page.wait_for_function("() => document.querySelector('#organisation-feedback').innerText.includes('Enregistré')")
    assert proposal_row(page, "S.A.D").count() == 0


def test_an_imo_teaches_a_sector_spelling(page: Page, log_in):
    log_in("imo")
    page.goto("/referentiel")
    table = page.locator("#sector-spellings")
    table.wait_for()
    row = table.locator("tr", has_text="Eau hygiène")
    expect(row).to_contain_text("Eau, hygiène et assainissement (EHA)")  # the closest sector, chosen already
    row.get_by_role("button", name="Reconnaître").click()
    page.wait_for_function("() => document.querySelector('#organisation-feedback').innerText.includes('reconnu')")
    assert page.locator("#organisation-feedback").inner_text() == (
        "« Eau hygiène » est reconnu : 1 ligne(s) rejetée(s) acceptée(s).")
    assert "Aucune écriture de secteur inconnue." in page.locator("#sector-spellings").inner_text()
