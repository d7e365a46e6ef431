"""The pages of a Burkina Faso installation (`setup --country BFA`): its communes have codes but no polygons, so its
map is built from the profile's map dataset (the provinces of bfa_boundaries_2020/geometry_geoboundaries_2017, the
regions dissolved from them), a view asking for communes is drawn by province and says so in both languages, and
gaps are ranked by the COD-PS 2023 population. Expected codes and figures are read from the mirror's files with
pyogrio and pandas; the presence counts are counted by hand on the small 5W below."""

from __future__ import annotations

import json

import pandas as pd
import pyogrio
import pytest

from dashboard import cli
from dashboard.app_factory import create_app
from dashboard.config import Settings
from dashboard.country_setup import setup_country
from dashboard.domain.roles import SYSTEM
from dashboard.geo.profiles import load_profile
from dashboard.geo.web_geometry import NoCommuneGeometry, build_web_geometry
from dashboard.ingest.importer import import_3w
from dashboard.reports import params_from_query, run_report
from dashboard.reports.snapshot import dashboard_data
from dashboard.store.database import make_engine
from dashboard.store.rounds import publish_round
from tests.integration.test_public_policy_web import texts
from tests.integration.test_web_access import callback, logged_in
from tests.workbooks import write_workbook

BURKINA = "cod-ab-bfa-2020"
FOLDER = "bfa_boundaries_2020"
PROVINCE_MAP = "geometry_geoboundaries_2017/DERIVED_bfa_adm2_geoboundaries2017_with_cod2020_pcodes.geojson"
NOTE_FR = ("Burkina Faso : les communes n'ont pas de contours dans les données, la carte les montre par province ; "
           "les tableaux et les téléchargements gardent leur commune.")
NOTE_EN = ("Burkina Faso: the communes have no boundaries in the data, so the map shows them by province; the tables "
           "and downloads keep their commune.")

FIVE_W = [
    ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster"],
    ["NRC", "BF55", "BF5503", "BF550301", "Santé"],        # Ambsouya, Oubritenga
    ["MSF", "BF55", "BF5503", "BF550306", "Santé"],        # Ziniaré, Oubritenga
    ["NRC", "BF55", "BF5503", "BF550306", "EHA"],          # Ziniaré again: NRC once in Oubritenga
    ["MSF", "BF48", "BF4803", "BF480301", "Santé"],        # Andemtenga, Kourittenga
    ["ACF", "BF46", "BF4601", None, "EHA"],                # Balé, no commune
    ["IRC", "BF56", None, None, "Santé"],                  # the Sahel region only
]
#: by hand: organisations per province, and the provinces where only region-level rows are (the Sahel's four)
BY_PROVINCE = {"BF5503": 2, "BF4803": 1, "BF4601": 1}
SAHEL_PROVINCES = {"BF5601", "BF5602", "BF5603", "BF5604"}


def mirror_codes(mirror, path: str, column: str) -> set[str]:
    return set(pyogrio.read_dataframe(mirror / FOLDER / path, columns=[column], read_geometry=False)[column].str.strip())


@pytest.fixture(scope="module")
def burkina_app(mirror, tmp_path_factory):
    folder = tmp_path_factory.mktemp("burkina")
    settings = Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=f"sqlite:///{folder / 'db.sqlite'}",
                        cache_dir=folder / "cache", secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    setup_country(engine, settings, "BFA")
    import_3w(engine, write_workbook(folder / "5W_BFA_2024-03.xlsx", {"5W": FIVE_W}), boundary_version=BURKINA)
    publish_round(engine, "2024-03", SYSTEM)
    engine.dispose()
    app = create_app(settings)  # the geometry is built at start: it is missing
    app.settings = settings
    yield app
    app.server.extensions["mali3w_data"].engine.dispose()


def test_the_geometry_route_serves_burkinas_45_provinces(burkina_app, mirror):
    provinces = mirror_codes(mirror, PROVINCE_MAP, "ADM2_PCODE")
    assert len(provinces) == 45
    # the same 45 as the COD-AB's province table
    assert provinces == mirror_codes(mirror, "cod_ab_2020_attributes/bfa_admbnda_adm2_igb_20200323.dbf", "ADM2_PCODE")
    answer = burkina_app.server.test_client().get("/geo/adm2.json")
    assert answer.status_code == 200
    features = json.loads(answer.get_data())["features"]
    assert len(features) == 45
    assert {feature["id"] for feature in features} == provinces


def test_regions_are_dissolved_from_the_provinces_and_communes_have_no_map(burkina_app, mirror):
    client = burkina_app.server.test_client()
    regions = json.loads(client.get("/geo/adm1.json").get_data())["features"]
    assert {feature["id"] for feature in regions} == mirror_codes(
        mirror, "cod_ab_2020_attributes/bfa_admbnda_adm1_igb_20200323.dbf", "ADM1_PCODE")
    assert len(regions) == 13
    assert client.get("/geo/adm3.json").status_code == 404
    assert sorted(path.name for path in (burkina_app.settings.geo_dir / "BFA").glob("*.geojson")) == [
        "bfa_adm1.geojson", "bfa_adm2.geojson"]


def page(client, path: str, search: str) -> dict:
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": search}], changed=["url.pathname"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.loads(answer.get_data(as_text=True))


def figure_of(tree, graph_id: str):
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == graph_id:
            return tree["props"]["figure"]
        return next((found for found in map(lambda value: figure_of(value, graph_id), tree.values()) if found), None)
    if isinstance(tree, list):
        return next((found for found in map(lambda value: figure_of(value, graph_id), tree) if found), None)
    return None


@pytest.mark.parametrize(("lang", "note"), [("fr", NOTE_FR), ("en", NOTE_EN)])
def test_the_presence_page_at_its_default_level_is_drawn_by_province_and_says_so(burkina_app, lang, note):
    # the presence page opens at the commune level (no level in the address)
    tree = page(logged_in(burkina_app, None), "/", f"?lang={lang}")
    assert any(note in text for text in texts(tree))
    figure = figure_of(tree, "presence-map")
    trace = figure["data"][0]
    assert trace["geojson"].startswith("/geo/adm2.json")
    assert len(trace["locations"]) == 45
    counts = dict(zip(trace["locations"], trace["customdata"]))
    assert {code: data[0] for code, data in counts.items() if data[0]} == BY_PROVINCE
    assert {code for code, data in counts.items() if data[0] == 0 and data[1]} == SAHEL_PROVINCES


def test_a_level_change_to_communes_redraws_by_province(burkina_app):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", 3), ("period", "2024-03"), ("area", None), ("sector", []),
                ("org-type", []), ("organisation", []))]
    mode = {"id": {"type": "page-param", "name": "mode"}, "property": "value", "value": "presence"}
    answer = callback(logged_in(burkina_app, None),
                      [("presence-map", "figure"), ("map-summary", "children"), ("data-facts", "children")],
                      [*filters, mode], [{"id": "lang", "property": "data", "value": "fr"}], changed=["level.value"])
    assert answer.status_code == 200
    response = json.loads(answer.get_data(as_text=True))["response"]
    assert response["presence-map"]["figure"]["data"][0]["geojson"].startswith("/geo/adm2.json")
    assert NOTE_FR in response["map-summary"]["children"]


def test_a_province_level_view_has_no_note(burkina_app):
    tree = page(logged_in(burkina_app, None), "/", "?level=2")
    assert not any("contours" in text for text in texts(tree))


@pytest.mark.parametrize("path", ["/lacunes", "/chevauchements", "/fiche", "/personnes"])
def test_every_map_page_asked_for_communes_is_drawn_by_province_and_says_so(burkina_app, path):
    tree = page(logged_in(burkina_app, None), path, "?level=3&area=BF55")
    figure = figure_of(tree, "analysis-map")
    assert figure["data"][0]["geojson"].startswith("/geo/adm2.json"), path
    assert "/geo/adm3.json" not in json.dumps(figure)
    assert any(NOTE_FR in text for text in texts(tree)), path


def test_the_gaps_table_keeps_the_communes(burkina_app):
    snapshot = burkina_app.server.extensions["mali3w_data"].snapshot(SYSTEM)
    gaps = run_report("gaps", snapshot, params_from_query({"level": "3", "sector": "health"}))
    assert set(gaps["pcode"].str.len()) == {8}  # communes: BF + six digits
    assert "BF550301" not in set(gaps["pcode"])  # NRC works in Ambsouya


def test_gaps_are_ranked_by_burkinas_population(burkina_app, mirror):
    provinces = pd.read_csv(mirror / FOLDER / "cod_ps_2023/population_bfa_bfa_admpop_adm2_2023_5yr.csv")
    regions = pd.read_csv(mirror / FOLDER / "cod_ps_2023/population_bfa_bfa_admpop_adm1_2023_5yr.csv")
    snapshot = burkina_app.server.extensions["mali3w_data"].snapshot(SYSTEM)
    gaps = run_report("gaps", snapshot, params_from_query({"level": "2", "sector": "health"}))
    assert gaps["population"].is_monotonic_decreasing
    expected = provinces.set_index("ADM2_PCODE")["T_TL"]
    assert gaps.iloc[0]["pcode"] == expected.drop(list(BY_PROVINCE)).idxmax()  # Kadiogo (Ouagadougou)
    assert {row.pcode: row.population for row in gaps.itertuples()} == expected.drop(["BF5503", "BF4803"]).to_dict()
    by_region = run_report("gaps", snapshot, params_from_query({"level": "1", "sector": "health"}))
    # health is missing in every region but the Plateau-Central, the Centre-Est and the Sahel
    assert {row.pcode: row.population for row in by_region.itertuples()} == \
        regions.set_index("ADM1_PCODE")["T_TL"].drop(["BF55", "BF48", "BF56"]).to_dict()


def test_niger_has_no_population_and_says_so(mirror, tmp_path):
    settings = Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    engine = make_engine(settings.database_url)
    setup_country(engine, settings, "NER")
    data = dashboard_data(engine, settings)
    assert data.profile.iso3 == "NER" and data.population is None
    engine.dispose()


def test_build_geo_builds_burkinas_regions_and_provinces(mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("MALI3W_GEO_DIR", str(tmp_path))
    assert cli.main(["build-geo", "--country", "BFA"]) == 0
    out = capsys.readouterr().out
    assert "level 1:" in out and "level 2:" in out and "level 3" not in out
    features = json.loads((tmp_path / "BFA" / "bfa_adm2.geojson").read_text(encoding="utf-8"))["features"]
    assert {feature["id"] for feature in features} == mirror_codes(mirror, PROVINCE_MAP, "ADM2_PCODE")


def test_a_missing_map_is_refused_in_one_sentence(mirror, tmp_path):
    with pytest.raises(NoCommuneGeometry, match="the map of Burkina Faso .* is not in the data mirror"):
        build_web_geometry(mirror / FOLDER, tmp_path, profile=load_profile("BFA"), map_folder=tmp_path / "nothing")
    assert not (tmp_path / "BFA").exists()
