"""load_population on a hand-made COD-PS-like table (UTF-8 with BOM, '<Null>' for missing)."""

import pandas as pd
import pytest

from dashboard.geo.population import load_population

# 2021-like units: Mopti (2 cercles), Gao (2 cercles; COD-PS also has a third, ML0704 Ménaka), Kidal (a cercle
# with '<Null>' population) and Ménaka, a region COD-PS does not have. One commune, which must not appear.
UNITS = pd.DataFrame([
    ("ML", 0, "Mali", None),
    ("ML05", 1, "Mopti", "ML"), ("ML07", 1, "Gao", "ML"), ("ML08", 1, "Kidal", "ML"), ("ML10", 1, "Ménaka", "ML"),
    ("ML0501", 2, "Bandiagara", "ML05"), ("ML0502", 2, "Bankass", "ML05"),
    ("ML0701", 2, "Ansongo", "ML07"), ("ML0702", 2, "Bourem", "ML07"),
    ("ML0801", 2, "Abeibara", "ML08"), ("ML0802", 2, "Kidal", "ML08"),
    ("ML1001", 2, "Ménaka", "ML10"),
    ("ML050101", 3, "Bandiagara", "ML0501"),
], columns=["pcode", "level", "name_fr", "parent_pcode"])

CSV = """admin2Name_fr,admin2Pcode,admin2RefName,admin2AltName1_fr,admin2AltName2_fr,admin1Name_fr,admin1Pcode,admin0Name_fr,admin0Pcode,M_TL,F_TL,T_TL
Bandiagara,ML0501,<Null>,<Null>,<Null>,Mopti,ML05,Mali (le),ML,50,50,100
Bankass,ML0502,<Null>,<Null>,<Null>,Mopti,ML05,Mali (le),ML,120,130,250
Ansongo,ML0701,<Null>,<Null>,<Null>,Gao,ML07,Mali (le),ML,500,500,1000
Bourem,ML0702,<Null>,<Null>,<Null>,Gao,ML07,Mali (le),ML,1000,1000,2000
Ménaka,ML0704,<Null>,<Null>,<Null>,Gao,ML07,Mali (le),ML,250,250,500
Abeibara,ML0801,<Null>,<Null>,<Null>,Kidal,ML08,Mali (le),ML,5,5,10
Kidal,ML0802,<Null>,<Null>,<Null>,Kidal,ML08,Mali (le),ML,<Null>,<Null>,<Null>
"""


@pytest.fixture
def small_mirror(tmp_path):
    folder = tmp_path / "ocha_cod_ps_mli"
    folder.mkdir()
    (folder / "mli_pop_adm2_v2.csv").write_text(CSV, encoding="utf-8-sig")
    return tmp_path


def test_regions_and_cercles_with_notes(small_mirror):
    table = load_population(small_mirror, UNITS)
    assert list(table.columns) == ["pcode", "level", "population", "note"]
    assert str(table["population"].dtype) == "Int64"
    values = {row.pcode: (row.level, None if row.population is pd.NA else int(row.population))
              for row in table.itertuples()}
    # Regions: Mopti 100 + 250 = 350. Gao = its 2021 cercles 1000 + 2000 = 3000 (COD-PS's ML0704, 500, is not
    # a 2021 cercle). Kidal: one cercle unknown -> unknown. Ménaka: no cercle known -> unknown.
    # Cercles: as in the CSV; ML0802 '<Null>' -> unknown; ML1001 absent -> unknown. No commune.
    assert values == {"ML05": (1, 350), "ML07": (1, 3000), "ML08": (1, None), "ML10": (1, None),
                      "ML0501": (2, 100), "ML0502": (2, 250), "ML0701": (2, 1000), "ML0702": (2, 2000),
                      "ML0801": (2, 10), "ML0802": (2, None), "ML1001": (2, None)}
    notes = dict(zip(table["pcode"], table["note"]))
    assert notes["ML05"] is None and notes["ML0501"] is None
    assert notes["ML10"] == "COD-PS v2 has no Ménaka region (ML10)"
    assert notes["ML1001"].startswith("not in COD-PS v2") and "ML10" in notes["ML1001"]
    assert "ML0704" in notes["ML07"]
    assert "unknown" in notes["ML08"] and "no total" in notes["ML0802"]


def test_missing_table_says_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="MALI3W_DATA_MIRROR"):
        load_population(tmp_path, UNITS)
