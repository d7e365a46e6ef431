import pytest

from dashboard.domain.text import clean_text, fold, header_key
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY, SECTORS


def test_clean_text_trims_collapses_and_empties():
    assert clean_text("  Mopti \u00a0 ") == "Mopti"
    assert clean_text("Bla  bla\tbla") == "Bla bla bla"
    assert clean_text("   ") is None
    assert clean_text(None) is None
    assert clean_text(float("nan")) is None


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  SÉGOU ") == fold("segou") == "segou"
    assert fold("Unicef") == fold("UNICEF")
    assert fold("S.A.D") != fold("SAD")  # punctuation is kept: two different NGOs in the Mali 3W
    assert fold("Œuvre Malienne") == "oeuvre malienne"
    assert fold("Association pour l’Appui") == fold("association pour l'appui")


def test_header_key_ignores_punctuation():
    assert header_key("Date début") == header_key("date_debut") == "date debut"
    assert header_key("Partenaire de mise en œuvre") == "partenaire de mise en oeuvre"


@pytest.mark.parametrize("written, code", [
    # the eight cluster names of the December 2023 Mali 3W
    ("Santé", "health"), ("Protection", "protection"), ("Education", "education"),
    ("Sécurité Alimentaire", "food_security"), ("Nutrition", "nutrition"), ("EHA", "wash"),
    ("Abris", "shelter_nfi"), ("Coordination", "coordination"),
    # other spellings met in 3W files, French and English
    ("WASH", "wash"), ("Abris/AME", "shelter_nfi"), ("SECAL", "food_security"), ("Food Security", "food_security"),
    ("VBG", "gbv"), ("GBV", "gbv"), ("Protection de l'enfance", "child_protection"), ("LTB", "hlp"),
    ("Lutte antimines", "mine_action"), ("sante", "health"), ("Health", "health"),
])
def test_sector_spellings(written, code):
    assert SECTOR_VOCABULARY.match(written).code == code


@pytest.mark.parametrize("code, sector", [
    ("PRO", "protection"), ("PRO-CPN", "child_protection"), ("PRO-GBV", "gbv"), ("PRO-MIN", "mine_action"),
    ("PRO-HLP", "hlp"), ("HEA", "health"), ("EDU", "education"), ("FSC", "food_security"), ("NUT", "nutrition"),
    ("WSH", "wash"), ("SHL", "shelter_nfi"), ("CCM", "cccm"), ("LOG", "logistics"), ("TEL", "emergency_telecom"),
    ("ERY", "early_recovery"), ("CSS", "coordination"),
])
def test_iasc_cluster_codes_of_hxl_sector_code_columns(code, sector):
    assert SECTOR_VOCABULARY.match(code).code == sector


def test_no_spelling_names_two_sectors():
    seen = {}
    for term in SECTORS:
        for spelling in (term.code.replace("_", " "), term.name_fr, term.name_en, *term.aliases):
            assert seen.setdefault(header_key(spelling), term.code) == term.code, spelling


def test_protection_sub_clusters_have_protection_as_parent():
    for code in ("child_protection", "gbv", "mine_action", "hlp"):
        assert SECTOR_VOCABULARY.by_code[code].parent_code == "protection"


@pytest.mark.parametrize("written, code, scope", [
    ("ONG Nat", "ngo_national", "national"), ("ONG Int", "ngo_international", "international"),
    ("Agence UN", "un_agency", "international"), ("Mouv. CR", "red_cross", None),
    ("National NGO", "ngo_national", "national"), ("INGO", "ngo_international", "international"),
    ("Service technique", "government", "national"),
])
def test_org_type_spellings(written, code, scope):
    term = ORG_TYPE_VOCABULARY.match(written)
    assert (term.code, term.scope) == (code, scope)


def test_unknown_spelling_matches_nothing():
    assert SECTOR_VOCABULARY.match("Astronomie") is None
    assert ORG_TYPE_VOCABULARY.match("") is None


def test_labels_in_both_languages():
    assert SECTOR_VOCABULARY.label("wash", "fr").startswith("Eau, hygiène")
    assert SECTOR_VOCABULARY.label("wash", "en").startswith("Water, sanitation")


def test_memoised_cleaning_keeps_equal_numbers_of_other_types_apart():
    # 1, 1.0 and True are equal keys for a plain cache; each must keep its own text
    assert (clean_text(1), clean_text(1.0), clean_text(True)) == ("1", "1.0", "True")
