"""Country profiles (data/countries/*.toml): Mali's says what was hard-coded; Niger's and Burkina Faso's read
their real boundary files, with the counts and code patterns their SOURCE.md states."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest

from dashboard.config import BOUNDARY_VERSION
from dashboard.domain.country import ProfileError, parse_profile
from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.geo.boundaries import BOUNDARY_DIR, LEVEL_NAMES, load_admin_units
from dashboard.geo.profiles import available_countries, load_country_units, load_profile
from dashboard.manifest import dataset_by_role, load_manifest, verify_mirror

#: from each folder's SOURCE.md: regions, cercles / departments / provinces, communes
UNIT_COUNTS = {"MLI": [1, 10, 53, 701], "NER": [1, 8, 67, 266], "BFA": [1, 13, 45, 351]}
#: the issue's list of spellings met in Niger's and Burkina Faso's 3Ws, and the sector each means
SAHEL_SPELLINGS = {
    "Multi-Secteur": "multisector", "Rélevement Précoce": "early_recovery",
    "Services humanitaires communs": "coordination", "Réponse aux Réfugiés": "multisector", "ABNA": "shelter_nfi",
    "Sécurite Alimentaire": "food_security", "Protection de l'enfant": "child_protection",
    "Protection - VGB": "gbv", "Protection - PE": "child_protection", "Abris/AME": "shelter_nfi"}


def folder(mirror, iso3):
    return mirror / load_manifest()[load_profile(iso3).boundaries].folder


def test_the_three_countries_have_a_profile():
    assert available_countries() == ["BFA", "MLI", "NER"]


def test_malis_profile_is_what_the_code_assumed(mirror):
    mali = load_profile("MLI")
    assert mali.boundary_version == BOUNDARY_VERSION == "cod-ab-mli-2021"
    assert load_manifest()[mali.boundaries].folder == BOUNDARY_DIR == "ocha_cod_ab_mli_2021"
    assert load_manifest()[mali.population] == dataset_by_role("population")
    assert LEVEL_NAMES == {0: "country", 1: "region", 2: "cercle", 3: "commune"}
    assert [level.name_fr for level in mali.levels] == ["pays", "région", "cercle", "commune"]
    assert mali.sector_spellings == {}
    # the same 765 units, in the same order, as the loader that reads Mali's files directly
    units = load_country_units(mali, folder(mirror, "MLI"))
    assert units.equals(load_admin_units(mirror))


def test_level_names_in_both_languages():
    assert [(level.name_fr, level.name_en) for level in load_profile("NER").levels[1:]] == [
        ("région", "region"), ("département", "department"), ("commune", "commune")]
    assert [(level.name_fr, level.name_en) for level in load_profile("BFA").levels[1:]] == [
        ("région", "region"), ("province", "province"), ("commune", "commune")]


@pytest.mark.parametrize("iso3, code, level", [
    ("NER", "NE001", 1), ("NER", "NE001001", 2), ("NER", "NE001001001", 3), ("NER", "NE", 0),
    ("NER", "NE0101", None), ("NER", "ML0101", None), ("MLI", "ML0101", 2), ("MLI", "ML010101", 3),
    ("MLI", "NE001001", None), ("BFA", "BF4601", 2), ("BFA", "BF550301", 3), ("BFA", "BF460", None)])
def test_the_level_of_a_code_follows_the_profiles_pattern(iso3, code, level):
    assert load_profile(iso3).level_of(code) == level


@pytest.mark.parametrize("iso3", ["MLI", "NER", "BFA"])
def test_real_units_match_the_profile(mirror, iso3):
    units = load_country_units(load_profile(iso3), folder(mirror, iso3))
    assert units.groupby("level").size().tolist() == UNIT_COUNTS[iso3]
    # every code nests in its parent's code, and the codes are unique
    below = units[units["level"] > 0]
    assert all(code.startswith(parent) for code, parent in zip(below["pcode"], below["parent_pcode"]))
    assert units["pcode"].is_unique


def test_niger_codes_have_three_digits_per_level(mirror):
    units = load_country_units(load_profile("NER"), folder(mirror, "NER"))
    assert units.groupby("level")["pcode"].apply(lambda codes: set(codes.str.len())).to_dict() == {
        0: {2}, 1: {5}, 2: {8}, 3: {11}}
    assert units.loc[units["pcode"] == "NE006", "name_fr"].item() == "Tillabéri"


@pytest.mark.parametrize("iso3, file", [
    ("MLI", "ocha_cod_ab_mli_2021/mli_admbnda_adm0_1m_gov_20211220.shp"),
    ("NER", "ocha_cod_ab_ner_2023/NER_admbnda_adm0_IGNN_20230720.shp"),
    ("BFA", "bfa_boundaries_2020/geometry_geoboundaries_2017/"
            "DERIVED_bfa_adm1_geoboundaries2017_with_cod2020_pcodes.geojson")])
def test_the_map_extent_holds_the_country(mirror, iso3, file):
    lon_min, lat_min, lon_max, lat_max = gpd.read_file(mirror / file).to_crs(4326).total_bounds
    extent = load_profile(iso3).extent
    assert extent.lon_min < lon_min and lon_max < extent.lon_max
    assert extent.lat_min < lat_min and lat_max < extent.lat_max
    # and not a continent: within a degree of the country on every side
    assert max(lon_min - extent.lon_min, extent.lon_max - lon_max, lat_min - extent.lat_min,
               extent.lat_max - lat_max) < 1


def test_burkina_population_covers_its_provinces(mirror):
    import pandas as pd
    profile = load_profile("BFA")
    population = load_manifest()[profile.population]
    provinces = pd.read_csv(population.path(mirror, "cod_ps_2023/population_bfa_bfa_admpop_adm2_2023_5yr.csv"))
    units = load_country_units(profile, folder(mirror, "BFA"))
    assert set(provinces["ADM2_PCODE"]) == set(units.loc[units["level"] == 2, "pcode"])
    assert provinces["T_TL"].sum() == 22_868_915  # SOURCE.md


@pytest.mark.parametrize("iso3", ["NER", "BFA"])
def test_the_sahel_spellings_name_our_sectors(iso3):
    profile = load_profile(iso3)
    assert profile.sector_spellings == SAHEL_SPELLINGS
    vocabulary = SECTOR_VOCABULARY.with_spellings(profile.sector_spellings)
    assert {spelling: vocabulary.match(spelling).code for spelling in SAHEL_SPELLINGS} == SAHEL_SPELLINGS


def test_three_spellings_were_unknown_before_the_profiles():
    assert [spelling for spelling in SAHEL_SPELLINGS if SECTOR_VOCABULARY.match(spelling) is None] == [
        "Services humanitaires communs", "Protection - VGB", "Protection - PE"]


def _raw(**changes):
    import tomllib
    from dashboard.geo.profiles import PROFILES_DIR
    raw = tomllib.loads((PROFILES_DIR / "NER.toml").read_text(encoding="utf-8"))
    raw.update(changes)
    return raw


@pytest.mark.parametrize("raw, message", [
    (_raw(sector_spellings={"Abris": "tents"}), "name no sector code: 'Abris' = 'tents'"),
    (_raw(iso2="BF"), "must begin with the country's code 'BF'"),
    ({k: v for k, v in _raw().items() if k != "boundary_version"}, "the key 'boundary_version' is missing"),
    (_raw(levels=_raw()["levels"][:3]), "give the levels 0 (country) to 3 (communes)"),
    # communes read from an attribute table, and no other map named
    (_raw(levels=[*_raw()["levels"][:3], {**_raw()["levels"][3], "file": "NER_adm3.dbf"}]),
     "the communes' file 'NER_adm3.dbf' has no geometry (not a shapefile): give a [map_geometry] table"),
    (_raw(map_geometry={"level": 2, "file": "provinces.geojson", "code_column": "ADM2_PCODE"}),
     "[map_geometry] needs a level of 1 to 3 and the profile's `map` dataset id"),
    (_raw(population_files=[{"level": 2, "file": "pop.csv", "code_column": "ADM2_PCODE"}]),
     "[[population_files]] need levels of 1 to 3 and the profile's `population` dataset id"),
])
def test_a_wrong_profile_is_refused_with_what_to_fix(raw, message):
    with pytest.raises(ProfileError, match=re.escape(message)):
        parse_profile(raw, "NER.toml")


def test_an_unknown_country_names_the_configured_ones():
    with pytest.raises(ProfileError, match="the countries configured are BFA, MLI, NER"):
        load_profile("TCD")


def test_each_countrys_datasets_are_in_the_manifest_and_the_mirror(mirror):
    datasets = load_manifest()
    for iso3 in ("NER", "BFA"):
        profile = load_profile(iso3)
        named = {dataset_id for dataset_id in (profile.boundaries, profile.population, profile.map) if dataset_id}
        assert {datasets[dataset_id].country for dataset_id in named} == {iso3}
        assert verify_mirror(mirror, ids=named) == []


def test_malis_setup_does_not_ask_for_the_other_countries_files(tmp_path):
    everything = verify_mirror(tmp_path)
    malis = verify_mirror(tmp_path, other_countries=False)
    assert any("ocha_cod_ab_ner_2023" in problem for problem in everything)
    assert not any("ocha_cod_ab_ner_2023" in problem or "bfa_boundaries_2020" in problem for problem in malis)
    assert any("ocha_cod_ab_mli_2021" in problem for problem in malis)


@pytest.mark.parametrize("iso3, levels, drawn", [("MLI", (1, 2, 3), [1, 2, 3]), ("NER", (1, 2, 3), [1, 2, 3]),
                                                 ("BFA", (1, 2), [1, 2, 2])])
def test_the_map_is_drawn_at_the_finest_level_that_has_polygons(iso3, levels, drawn):
    # Burkina Faso's communes have codes but no polygons (bfa_boundaries_2020/SOURCE.md): drawn by province
    profile = load_profile(iso3)
    assert profile.map_levels == levels
    assert [profile.drawn_level(level) for level in (1, 2, 3)] == drawn


def test_level_plurals():
    burkina = load_profile("BFA")
    assert [burkina.level(level).plural("fr") for level in (1, 2, 3)] == ["régions", "provinces", "communes"]
    assert load_profile("NER").level(2).plural("en") == "departments"
