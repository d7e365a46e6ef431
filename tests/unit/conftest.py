import pytest

from dashboard.domain.places import Hierarchy

# A hand-made piece of the 2021 hierarchy: Mopti (ML05) > Bankass (ML0502) > Baye (ML050202), Bankass
# (ML050201); Kayes (ML01) > Kéniéba (ML0104) > a namesake commune Baye (ML010401).
SMALL_UNITS = [
    ("ML", 0, None, "Mali"),
    ("ML01", 1, "ML", "Kayes"), ("ML05", 1, "ML", "Mopti"),
    ("ML0104", 2, "ML01", "Kéniéba"), ("ML0502", 2, "ML05", "Bankass"),
    ("ML010401", 3, "ML0104", "Baye"), ("ML050202", 3, "ML0502", "Baye"), ("ML050201", 3, "ML0502", "Bankass"),
]


@pytest.fixture
def hierarchy():
    return Hierarchy.from_units("cod-test", SMALL_UNITS)
