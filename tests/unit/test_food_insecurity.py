"""The Cadre Harmonisé placed on the 2021 units, on a hand-made table and the hand-made hierarchy."""

from __future__ import annotations

import pandas as pd

from dashboard.geo.food_insecurity import CH_DIR, CH_FILE, load_food_insecurity
from tests.unit.conftest import SMALL_UNITS

HEADER = "adm0_pcod2,adm2_name,adm2_pcod2,adm3_name,adm3_pcod2,exercise_year,exercise_label,chtype,reference_label,reference_year,population,phase35"


def write(tmp_path, lines):
    folder = tmp_path / CH_DIR
    folder.mkdir()
    (folder / CH_FILE).write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return tmp_path


def units():
    return pd.DataFrame(SMALL_UNITS, columns=["pcode", "level", "parent_pcode", "name_fr"])


def test_the_november_cycle_is_later_than_the_march_one_and_codes_are_placed(tmp_path):
    mirror = write(tmp_path, [
        "ML,Bankass,ML0502,,,2022,Jan-May,current,Jan-May,2022,100,10",
        "ML,Bankass,ML0502,,,2022,Sep-Dec,current,Sep-Dec,2022,100,20",
        "ML,Bankass,ML0502,,,2022,Sep-Dec,projected,Jun-Aug,2023,100,30",
        "ML,Bankass,ML0502,Baye,ML050202,2022,Sep-Dec,current,Sep-Dec,2022,50,5",
        "ML,Keniéba,ML01049,,,2022,Sep-Dec,current,Sep-Dec,2022,40,4",
        "ML,Nowhere,ML9901,,,2022,Sep-Dec,current,Sep-Dec,2022,40,7",
        "ML,Old,ML0777,,,2022,Sep-Dec,current,Sep-Dec,2022,60,6",
    ])
    food = load_food_insecurity(mirror, units(), {"ML0777": ("ML05", 1, 1.0)}, {"ML0777": "Old"})
    assert food.cycle == {"year": 2022, "label": "Sep-Dec", "current": "Sep-Dec 2022", "projected": "Jun-Aug 2023"}
    table = food.table.set_index("pcode")
    # Bankass: its own row and its commune Baye's
    assert table.loc["ML0502", "phase3plus_current"] == 20 + 5
    assert table.loc["ML0502", "phase3plus_projected"] == 30
    assert table.loc["ML0104", "phase3plus_current"] == 4          # a longer code inside a cercle
    assert (table.loc["ML05", "level"], table.loc["ML05", "phase3plus_current"]) == (1, 6)  # through the crosswalk
    assert "ML9901" not in table.index
    how = food.translations.set_index("code")["how"].to_dict()
    assert how == {"ML050202": "commune", "ML01049": "inside", "ML9901": "left_out", "ML0777": "crosswalk"}
