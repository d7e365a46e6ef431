"""The country a file's codes belong to (ISO 3166 through pycountry), and when a file is of another country."""

import pytest

from dashboard.ingest.countries import code_country, country, file_countries, foreign_countries, named_country


@pytest.mark.parametrize("code, alpha_2", [
    ("ML0502", "ML"), ("MLI05", "ML"), ("ml 05", "ML"), ("TD01", "TD"), ("TCD19", "TD"), ("NG001", "NG"),
    ("AF0101", "AF"), ("SO11", "SO"), ("SS01", "SS"), ("NE001001", "NE"), ("BF4601", "BF"),
    # no country code followed by digits: no evidence
    ("NA", None), ("#N/A", None), ("Bamako", None), ("XX01", None), ("1234", None), ("", None), (None, None),
])
def test_a_p_code_begins_with_its_country(code, alpha_2):
    assert code_country(code) == alpha_2


@pytest.mark.parametrize("cell, alpha_2", [
    ("TCD", "TD"), ("TD", "TD"), ("Chad", "TD"), ("Tchad", "TD"), ("Somalie", "SO"), ("Soudan du Sud", "SS"),
    ("Mali (le)", "ML"), ("MALI", "ML"), ("Nigéria", "NG"), ("Niger", "NE"), ("Atlantis", None),
])
def test_a_country_column_holds_codes_or_names(cell, alpha_2):
    assert named_country(cell) == alpha_2


def test_countries_have_english_and_french_names():
    assert country("TD").label("fr") == "Tchad (TD)" and country("TCD").label("en") == "Chad (TD)"
    assert country("SS").label("fr") == "Soudan du Sud (SS)"


def test_a_file_of_another_country_and_a_mali_file_with_stray_codes():
    chad = file_countries(["TD01", "TD0101", "TD01", "", None], ["TCD", "TCD"])
    assert (chad.counts, chad.examples) == ({"TD": 5}, {"TD": "TD01"})
    assert foreign_countries(chad, {"ML"}) == ["TD"]
    # by hand: 3 Niger codes among 30 is 10% foreign: a Mali file, whose 3 stray rows are rejected one by one
    mali = file_countries(["ML05"] * 27 + ["NE001"] * 3)
    assert foreign_countries(mali, {"ML"}) == []
    # 1 Mali code among 10: 90% foreign, a Niger file
    assert foreign_countries(file_countries(["NE001"] * 9 + ["ML05"]), {"ML"}) == ["NE"]
    # a file without codes, or with codes of no country, says nothing of its country
    assert foreign_countries(file_countries(["Mopti", "XX01"]), {"ML"}) == []
    # a country configured later (Niger) is known as Mali is
    assert foreign_countries(file_countries(["NE001"] * 9), {"ML", "NE"}) == []
