import pytest

from dashboard.domain.places import normalise_pcode


@pytest.mark.parametrize("written, expected", [
    ("ML05", "ML05"), (" ml0502 ", "ML0502"), ("MLI05", "ML05"), ("MLI0502  ", "ML0502"), ("ML 0502", "ML0502"),
    ("", None), (None, None),
])
def test_normalise_pcode(written, expected):
    assert normalise_pcode(written) == expected


def test_ancestor_walks_up_the_hierarchy(hierarchy):
    assert hierarchy.ancestor("ML050202", 2) == "ML0502"
    assert hierarchy.ancestor("ML050202", 1) == "ML05"
    assert hierarchy.ancestor("ML050202", 3) == "ML050202"
    assert hierarchy.ancestor("ML9999", 1) is None


def test_children_named_ignores_case_and_accents(hierarchy):
    assert hierarchy.children_named("ML0502", "BAYE") == ["ML050202"]
    assert hierarchy.children_named("ML0104", "baye") == ["ML010401"]
    assert hierarchy.children_named("ML0502", "Nowhere") == []


def test_the_words_before_a_units_name_are_left_out_when_nothing_else_matches():
    from dashboard.domain.places import Hierarchy
    niger = Hierarchy.from_units("cod-ab-ner-2023", [
        ("NE", 0, None, "Niger"), ("NE008", 1, "NE", "Niamey"), ("NE008001", 2, "NE008", "Ville de Niamey"),
        ("NE008001001", 3, "NE008001", "Niamey I"), ("NE006", 1, "NE", "Tillabéri"),
        ("NE006012", 2, "NE006", "Tillabéri"), ("NE006012001", 3, "NE006012", "Tillabéri"),
        ("NE006012002", 3, "NE006012", "Kourteye"), ("ML", 0, None, "Mali"), ("ML09", 1, "ML", "Bamako"),
        ("ML0901", 2, "ML09", "Bamako"), ("ML090101", 3, "ML0901", "Commune I")])
    assert niger.children_named("NE008", "Niamey") == ["NE008001"]            # the department "Ville de Niamey"
    assert niger.children_named("NE006012", "Commune urbaine de Tillabéri") == ["NE006012001"]
    assert niger.children_named("NE006012", "CR Kourteye") == ["NE006012002"]
    assert niger.children_named("NE006012", "Commune rurale de Dessa") == []
    assert niger.children_named("ML0901", "Commune I") == ["ML090101"]      # Bamako's, as written
    assert niger.children_named("ML0901", "I") == []                        # "Commune" is no prefix on its own
