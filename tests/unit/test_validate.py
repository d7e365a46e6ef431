"""Row checks on the hand-made hierarchy of tests/unit/conftest.py."""

from datetime import date

import pytest

from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.ingest import validate


def check_row(cells, hierarchy, *args, **kwargs):
    """The row check with the vocabulary the project ships (an import passes the one its IMO taught too)."""
    return validate.check_row(cells, hierarchy, *args, sectors=kwargs.pop("sectors", SECTOR_VOCABULARY), **kwargs)


def row(**cells):
    base = {"org_acronym": "NRC", "sector": "Santé", "adm1_code": "ML05", "adm2_code": "ML0502",
            "adm3_code": "ML050202", "adm3_name": "Baye"}
    base.update(cells)
    return base


def test_a_complete_row_is_placed_at_commune_level(hierarchy):
    checked = check_row(row(), hierarchy)
    assert not checked.rejected and checked.issues == []
    assert checked.location_level == 3
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: "ML050202"}
    assert checked.sector_code == "health"


def test_a_row_without_commune_stays_at_cercle_level(hierarchy):
    checked = check_row(row(adm3_code=None, adm3_name=None), hierarchy)
    assert not checked.rejected
    assert checked.location_level == 2
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: None}


def test_codes_are_trimmed_and_mli_prefix_repaired_with_a_record(hierarchy):
    checked = check_row(row(adm1_code="MLI05", adm2_code="ML0502  "), hierarchy)
    assert not checked.rejected
    repairs = [(i.field, i.value, i.suggestion, i.method, i.confidence) for i in checked.issues
               if i.severity == "repair"]
    # each repair is on record, trailing spaces too (the issue's "done when": every repair listed)
    assert repairs == [("adm1_code", "MLI05", "ML05", "code normalised", 1.0),
                       ("adm2_code", "ML0502  ", "ML0502", "code normalised", 1.0)]


def test_unknown_code_rejects_the_row_and_names_the_column(hierarchy):
    checked = check_row(row(adm2_code="ML0599", adm3_code=None), hierarchy)
    assert checked.rejected
    error = next(i for i in checked.issues if i.severity == "error")
    assert error.field == "adm2_code" and "ML0599" in error.problem


def test_code_at_the_wrong_level_is_rejected(hierarchy):
    checked = check_row(row(adm2_code="ML05", adm3_code=None), hierarchy)
    assert checked.rejected
    assert "region code, not a cercle code" in checked.issues[0].problem


def test_parent_contradicting_child_keeps_child_and_warns(hierarchy):
    # Region Kayes written with a Bankass commune: the commune decides, the region is reported.
    checked = check_row(row(adm1_code="ML01"), hierarchy)
    assert not checked.rejected
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: "ML050202"}
    warning = next(i for i in checked.issues if i.severity == "warning")
    assert (warning.field, warning.value, warning.suggestion) == ("adm1_code", "ML01", "ML05")


def test_namesake_commune_from_another_cercle_is_repaired(hierarchy):
    # Mopti / Bankass / "Baye" coded ML010401 (Baye of Kéniéba): the Baye of Bankass is meant.
    checked = check_row(row(adm3_code="ML010401"), hierarchy)
    assert not checked.rejected
    assert checked.pcodes[3] == "ML050202"
    repair = next(i for i in checked.issues if i.severity == "repair")
    assert (repair.field, repair.value, repair.suggestion) == ("adm3_code", "ML010401", "ML050202")


def test_the_commune_named_in_the_stated_cercle_is_used_whatever_the_code_names(hierarchy):
    # Mopti / Bankass / "Bankass" coded ML010401 (Baye of Kéniéba), as the December 2023 rows Dioïla /
    # "Diedougou" carry Kati's Diébougou: Bankass has one commune named Bankass, which is where the row says.
    checked = check_row(row(adm3_code="ML010401", adm3_name="BANKASS"), hierarchy)
    assert not checked.rejected
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: "ML050201"}
    repair = next(i for i in checked.issues if i.severity == "repair")
    assert (repair.field, repair.value, repair.suggestion, repair.confidence) == (
        "adm3_code", "ML010401", "ML050201", 1.0)
    assert repair.message["problem"] == "msg.commune_of_stated_cercle"


@pytest.mark.parametrize("written", ["baye", "BAYE", "Bâye", " Ba ye ", "Ba-ye"])
def test_the_stated_commune_is_matched_ignoring_case_accents_and_spaces(hierarchy, written):
    checked = check_row(row(adm3_code="ML010401", adm3_name=written), hierarchy)
    assert checked.pcodes[3] == "ML050202"
    assert next(i for i in checked.issues if i.severity == "repair").message["problem"] == "msg.namesake"


def test_a_commune_name_the_stated_cercle_lacks_keeps_the_code(hierarchy):
    # Bankass has no commune named Sokolo: the code decides, the cercle follows it and is reported.
    checked = check_row(row(adm3_code="ML010401", adm3_name="Sokolo"), hierarchy)
    assert checked.pcodes == {1: "ML01", 2: "ML0104", 3: "ML010401"}
    assert {i.severity for i in checked.issues} == {"warning"}


def test_no_repair_when_the_stated_cercle_is_outside_the_stated_region(hierarchy):
    checked = check_row(row(adm1_code="ML01", adm3_code="ML010401", adm3_name="Bankass"), hierarchy)
    assert checked.pcodes[3] == "ML010401"
    assert "repair" not in {i.severity for i in checked.issues}


def test_a_cercle_code_in_the_region_column_keeps_the_row(hierarchy):
    # OCHA Mali's March 2022 5W writes Bamako's cercle code ML0901 in the region column of some rows; here a
    # Bankass cercle code in the region column of a Bankass row: the cercle places it, the region follows.
    checked = check_row(row(adm1_code="ML0502", adm3_code=None, adm3_name=None), hierarchy)
    assert not checked.rejected
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: None}
    warning = next(i for i in checked.issues if i.severity == "warning")
    assert (warning.field, warning.value, warning.suggestion) == ("adm1_code", "ML0502", "ML05")
    assert warning.message["problem"] == "msg.parent_cell_other_level"


def test_an_unknown_region_beside_a_cercle_its_name_confirms_keeps_the_row(hierarchy):
    checked = check_row(row(adm1_code="MLI11", adm2_name="BANKASS", adm3_code=None, adm3_name=None), hierarchy)
    assert not checked.rejected
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: None}
    warning = next(i for i in checked.issues if i.severity == "warning")
    assert (warning.field, warning.value, warning.suggestion) == ("adm1_code", "ML11", "ML05")
    assert warning.message["problem"] == "msg.parent_cell_unknown"


@pytest.mark.parametrize("cells", [
    # no cercle name to confirm the cercle code
    {"adm1_code": "ML11", "adm3_code": None, "adm3_name": None},
    # a cercle name that is not the cercle code's
    {"adm1_code": "ML11", "adm2_name": "Kéniéba", "adm3_code": None, "adm3_name": None},
    # a cercle code of another place in the region column, nothing confirming the cercle
    {"adm1_code": "ML0104", "adm3_code": None, "adm3_name": None},
])
def test_a_bad_region_cell_that_nothing_explains_rejects_the_row(hierarchy, cells):
    checked = check_row(row(**cells), hierarchy)
    assert checked.rejected
    assert [i.field for i in checked.issues if i.severity == "error"] == ["adm1_code"]


def test_a_bad_code_at_the_finest_level_still_rejects_the_row(hierarchy):
    checked = check_row(row(adm3_code="ML0502"), hierarchy)  # a cercle code in the commune column
    assert checked.rejected


@pytest.mark.parametrize("cells, field", [
    ({"org_acronym": None, "org_name": None}, "org_acronym"),
    ({"sector": "Astronomie"}, "sector"),
    ({"adm1_code": None, "adm2_code": None, "adm3_code": None}, "adm1_code"),
])
def test_rows_that_cannot_be_counted_are_rejected(hierarchy, cells, field):
    checked = check_row(row(**cells), hierarchy)
    assert checked.rejected
    assert [i.field for i in checked.issues if i.severity == "error"] == [field]


@pytest.mark.parametrize("cells", [{"sector": None}, {"sector": "  "}, {"sector": None, "sector_code": None}])
def test_a_row_without_a_sector_is_accepted_as_sector_not_stated(hierarchy, cells):
    checked = check_row(row(**cells), hierarchy)
    assert not checked.rejected and checked.issues == []  # said once for the file, not row by row
    assert checked.sector_code == "unspecified"


def test_a_row_without_a_sector_column_is_accepted_as_sector_not_stated(hierarchy):
    cells = row()
    del cells["sector"]
    checked = check_row(cells, hierarchy)
    assert not checked.rejected and checked.sector_code == "unspecified"


def test_dates_and_numbers_are_parsed_and_bad_ones_only_warn(hierarchy):
    checked = check_row(row(start_date="31/12/2023", end_date="2024-06-30", targeted="1 200", reached="abc"),
                        hierarchy)
    assert not checked.rejected
    assert (checked.start_date, checked.end_date, checked.targeted, checked.reached) == (
        date(2023, 12, 31), date(2024, 6, 30), 1200.0, None)
    assert [i.field for i in checked.issues] == ["reached"]


def names_only(**cells):
    """A row from a file without P-code columns (names only)."""
    return {"org_acronym": "NRC", "sector": "Santé", **cells}


def test_names_alone_place_the_row_within_each_parent(hierarchy):
    checked = check_row(names_only(adm1_name="MOPTI", adm2_name="bankass", adm3_name="Baye"), hierarchy)
    assert not checked.rejected
    # Baye exists in Kéniéba and in Bankass: within Bankass it is ML050202
    assert checked.pcodes == {1: "ML05", 2: "ML0502", 3: "ML050202"}
    assert [(i.severity, i.field, i.suggestion) for i in checked.issues] == [
        ("repair", "adm1_name", "ML05"), ("repair", "adm2_name", "ML0502"), ("repair", "adm3_name", "ML050202")]


def test_a_close_misspelling_waits_for_review_and_the_row_stays_at_the_parent(hierarchy):
    checked = check_row(names_only(adm1_name="Mopti", adm2_name="Bankas"), hierarchy)
    assert not checked.rejected
    assert checked.location_level == 1 and checked.pcodes[1] == "ML05"
    review = checked.issues[-1]
    assert (review.severity, review.field, review.value, review.suggestion) == ("review", "adm2_name", "Bankas", "ML0502")


def test_an_unknown_name_is_reported_and_the_row_stays_at_the_parent(hierarchy):
    checked = check_row(names_only(adm1_name="Kayes", adm2_name="Tombouctou"), hierarchy)
    assert checked.location_level == 1
    assert checked.issues[-1].severity == "warning" and "Tombouctou" in checked.issues[-1].problem


def test_an_empty_code_cell_is_not_replaced_by_the_name(hierarchy):
    # the file has a commune code column, left empty on this row (#N/A in Excel): the row stays at cercle level
    checked = check_row(row(adm3_code=None, adm3_name="Baye"), hierarchy)
    assert checked.location_level == 2


# The 2015 set writes codes alike with other meanings: here ML0104 was Bafoulabé in 2015, Kéniéba in 2021.
LEGACY = [("ML", 0, None, "Mali"), ("ML01", 1, "ML", "Kayes"), ("ML0104", 2, "ML01", "Bafoulabe"),
          ("ML0502", 2, "ML05", "Bankass Cercle")]


def with_bafoulabe(hierarchy):
    from dashboard.domain.places import Hierarchy
    from tests.unit.conftest import SMALL_UNITS
    return Hierarchy.from_units("cod-test", [*SMALL_UNITS, ("ML0101", 2, "ML01", "Bafoulabé")])


# 2015 → 2021 by area, as dashboard.geo.crosswalk computes it: Bafoulabé moved from ML0104 to ML0101.
CROSSWALK = {"ML01": ("ML01", 1, 1.0), "ML0104": ("ML0101", 2, 0.99), "ML0502": ("ML0502", 2, 1.0)}


def test_a_row_says_which_boundary_set_its_codes_belong_to(hierarchy):
    from dashboard.domain.places import Hierarchy
    from dashboard.ingest.validate import boundary_evidence
    legacy = Hierarchy.from_units("cod-2015", LEGACY)
    # the name beside ML0104 is the 2015 unit's (Bafoulabe), not the 2021 one's (Kéniéba)
    assert boundary_evidence({"adm1_code": "ML01", "adm2_code": "ML0104", "adm2_name": "Bafoulabé"},
                             hierarchy, legacy) > 0
    assert boundary_evidence({"adm2_code": "ML0104", "adm2_name": "KENIEBA"}, hierarchy, legacy) < 0
    # "Bankass Cercle" (2015) and "Bankass" (2021) are one place: the row does not tell; nor does Kayes
    assert boundary_evidence({"adm1_code": "ML01", "adm1_name": "Kayes", "adm2_code": "ML0502",
                              "adm2_name": "Bankass Cercle"}, hierarchy, legacy) == 0
    # without names, a code that only one set has tells (ML050202 is a commune in 2021 only)
    assert boundary_evidence({"adm3_code": "ML050202"}, hierarchy, legacy) < 0


def test_a_row_coded_with_2015_codes_is_translated_with_each_translation_on_record(hierarchy):
    from dashboard.domain.places import Hierarchy
    legacy = Hierarchy.from_units("cod-2015", LEGACY)
    checked = check_row({"org_acronym": "NRC", "sector": "Santé", "adm1_code": "ML01", "adm2_code": "ML0104",
                         "adm2_name": "Bafoulabé"}, with_bafoulabe(hierarchy), legacy, crosswalk=CROSSWALK,
                        coded_2015=True)
    assert not checked.rejected
    assert checked.pcodes == {1: "ML01", 2: "ML0101", 3: None}
    translations = [(i.field, i.value, i.suggestion, i.confidence) for i in checked.issues if i.severity == "repair"]
    assert translations == [("adm2_code", "ML0104", "ML0101", 0.99), ("adm1_code", "ML01", "ML01", 1.0)]
    assert "Bafoulabe" in checked.issues[0].problem and "2015" in checked.issues[0].problem


def test_a_2015_code_that_the_2015_set_lacks_is_rejected(hierarchy):
    from dashboard.domain.places import Hierarchy
    legacy = Hierarchy.from_units("cod-2015", LEGACY)
    checked = check_row({"org_acronym": "NRC", "sector": "Santé", "adm2_code": "ML0199"}, hierarchy, legacy,
                        crosswalk=CROSSWALK, coded_2015=True)
    assert checked.rejected and "neither of the 2015 boundaries" in checked.issues[0].problem


def test_the_2021_meaning_and_spelling_variants_are_not_flagged(hierarchy):
    from dashboard.domain.places import Hierarchy
    legacy = Hierarchy.from_units("cod-2015", LEGACY)
    right = check_row({"org_acronym": "NRC", "sector": "Santé", "adm2_code": "ML0104", "adm2_name": "KENIEBA"},
                      hierarchy, legacy)
    # "Bankass Cercle" (2015) and "Bankass" (2021) are one place written two ways: nothing to flag
    variant = check_row({"org_acronym": "NRC", "sector": "Santé", "adm2_code": "ML0502",
                         "adm2_name": "Bankass Cercle"}, hierarchy, legacy)
    assert not right.rejected and not variant.rejected


def test_a_region_name_nobody_knows_is_said_without_the_cod_s_country_label():
    # COD-AB names the country "Mali (le)": messages say "the country (Mali)" / "Mali", never "in Mali (le)".
    from dashboard.i18n import render_message
    from dashboard.domain.places import Hierarchy
    hierarchy = Hierarchy.from_units("cod-test", [("ML", 0, None, "Mali (le)"), ("ML05", 1, "ML", "Mopti")])
    checked = check_row(names_only(adm1_name="Atlantide"), hierarchy)
    issue = next(i for i in checked.issues if i.field == "adm1_name")
    assert render_message(issue.message, "problem", "en") == "no region named 'Atlantide' in Mali"
    assert render_message(issue.message, "problem", "fr") == \
        "aucune unité de niveau région nommée 'Atlantide' dans le pays (Mali)"
    assert "(le)" not in issue.problem
