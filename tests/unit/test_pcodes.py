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
