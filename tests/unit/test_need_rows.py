"""Row checks of the needs import on the hand-made hierarchy (tests/unit/conftest.py)."""

from __future__ import annotations

from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.ingest.needs import check_need


def need(hierarchy, **cells):
    return check_need(10, {"sector": "HEA", "people_in_need": "1 200", **cells}, hierarchy, SECTOR_VOCABULARY, 2024)


def test_the_finest_place_cell_gives_the_unit(hierarchy):
    cercle = need(hierarchy, region_code="ML05", cercle_code="ML0502")
    assert (cercle.pcode, cercle.level, cercle.rejected) == ("ML0502", 2, False)
    region = need(hierarchy, region_code="MLI05", cercle_code=None)
    assert (region.pcode, region.level) == ("ML05", 1)
    national = need(hierarchy, region_code=None, cercle_code=None)
    assert (national.pcode, national.level) == ("ML", 0)
    assert cercle.figures["people_in_need"] == 1200 and cercle.year == 2024


def test_a_code_that_is_no_unit_of_its_column_rejects_the_row_naming_the_column(hierarchy):
    bad = need(hierarchy, region_code="ML011")
    assert bad.rejected
    [issue] = bad.issues
    assert (issue.field, issue.value) == ("region_code", "ML011")
    assert "ML011" in issue.problem and "region" in issue.problem
    wrong_level = need(hierarchy, region_code="ML0502")
    assert wrong_level.rejected and "cercle" in wrong_level.issues[0].problem


def test_a_cercle_outside_its_region_cell_is_kept_with_a_warning(hierarchy):
    record = need(hierarchy, region_code="ML01", cercle_code="ML0502")
    assert not record.rejected and record.pcode == "ML0502"
    assert [(issue.severity, issue.field) for issue in record.issues] == [("warning", "region_code")]


def test_hno_sector_codes_and_the_intersectoral_figure(hierarchy):
    codes = {code: need(hierarchy, sector=code, cercle_code="ML0502") for code in
             ("HEA", "EDU", "NUT", "SHL", "WSH", "FSC", "PRO", "PRO_CPM", "PRO_GBV", "PRO_HLP", "PRO_MIN", "ALL")}
    assert {code: record.sector_code for code, record in codes.items()} == {
        "HEA": "health", "EDU": "education", "NUT": "nutrition", "SHL": "shelter_nfi", "WSH": "wash",
        "FSC": "food_security", "PRO": "protection", "PRO_CPM": "child_protection", "PRO_GBV": "gbv",
        "PRO_HLP": "hlp", "PRO_MIN": "mine_action", "ALL": None}
    assert codes["ALL"].intersectoral and not codes["HEA"].intersectoral
    unknown = need(hierarchy, sector="XYZ")
    assert unknown.rejected and unknown.issues[0].field == "sector"


def test_breakdown_rows_are_not_totals(hierarchy):
    assert need(hierarchy, gender="a", age_range="ALL", population_group="ALL").is_total
    assert not need(hierarchy, gender="f", age_range="0-17", population_group="ALL").is_total
    assert not need(hierarchy, gender="a", age_range="ALL", population_group="IDP").is_total


def test_a_figure_that_is_not_a_number_is_left_empty_with_a_warning(hierarchy):
    record = need(hierarchy, people_in_need="beaucoup", targeted="10")
    assert not record.rejected and record.figures["people_in_need"] is None and record.figures["targeted"] == 10
    assert record.issues[0].severity == "warning" and record.issues[0].field == "people_in_need"
