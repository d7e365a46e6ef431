"""The duplicate review in Chromium on rows that can be told apart: a copy of the sample with a January 2024
file in which AMSS reports its MAM screening twice in Baye, and IRC its consultations twice (two groups, each
of the same activity in the same commune and period). A decision takes its group off the pending list."""

import json

import pytest
from playwright.sync_api import Page

from dashboard.ingest.importer import import_3w
from tests.browser.conftest import served
from tests.browser.test_analysis_pages import answered, dash_id, numbers, open_page, table_total, wait_for_summary_change
from tests.conftest import sample_copy
from tests.integration.test_web_access import REPEATED
from tests.workbooks import write_workbook


@pytest.fixture(scope="module")
def base_url(sample_settings, sample_accounts, tmp_path_factory):
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("duplicates"))
    import_3w(engine, write_workbook(tmp_path_factory.mktemp("files") / "3W_janvier_2024.xlsx", {"3W": REPEATED}))
    engine.dispose()
    with served(settings) as url:
        yield url


def test_a_decision_takes_the_group_off_the_pending_list(page: Page, traffic, log_in, sample_accounts):
    log_in("imo")
    assert page.locator("#account-name").inner_text() == f"Connecté : {sample_accounts['imo']} (IMO)"
    before = open_page(page, "/doublons?period=2024-01")
    # by hand: AMSS x2 (nutrition) and IRC x2 (health) -> 2 groups of 2 rows
    assert numbers(before)[:2] == [2, 4]
    assert table_total(page) == 2
    first = page.locator("#analysis-table tbody tr").first
    keep = first.locator("button.decision-button", has_text="Garder les deux")
    key = json.loads(keep.get_attribute("id"))["key"]
    keep.click()
    after = wait_for_summary_change(page, before)
    assert numbers(after)[:2] == [1, 2]
    assert table_total(page) == 1
    assert page.locator(dash_id(decision="keep_both", key=key, type="duplicate-decision")).count() == 0
    confirmed = "Décision enregistrée : Garder les deux."
    assert answered(page, traffic, confirmed)
    assert traffic.external_urls() == []
    # the confirmation sits beside the controls, not in the table the page recomputes
    page.wait_for_function("text => document.querySelector('#decision-feedback').innerText === text", arg=confirmed)
