"""The web pages of a Niger installation (`setup --country NER` on its own SQLite database): the map's geometry
is Niger's, built from the profile's boundary files, and the presence page shows the activities placed in
Niger's communes. Expected units are read from the COD-AB shapefiles with pyogrio; the placed rows are the
hand-checked ones of test_country_setup."""

from __future__ import annotations

import json

import pyogrio
import pytest

from dashboard import cli
from dashboard.app_factory import create_app
from dashboard.config import Settings
from dashboard.country_setup import setup_country
from dashboard.domain.roles import SYSTEM
from dashboard.ingest.importer import import_3w
from dashboard.layouts.shell import PAGES
from dashboard.security.accounts import create_account
from dashboard.store.database import make_engine
from dashboard.store.rounds import publish_round
from tests.conftest import TEST_PASSWORD
from tests.integration.test_country_setup import CODED, CODED_PLACED, NIGER
from tests.integration.test_public_policy_web import texts
from tests.integration.test_web_access import callback, logged_in, route
from tests.workbooks import write_workbook

NIGER_FOLDER = "ocha_cod_ab_ner_2023"
#: the pages without the shared filters
NO_FILTERS = {"/imports", "/hdx", "/referentiel", "/journal"}


def niger_codes(mirror, level: int) -> set[str]:
    """The P-codes of one level of Niger's COD-AB, read straight from its shapefile."""
    path = mirror / NIGER_FOLDER / f"NER_admbnda_adm{level}_IGNN_20230720.shp"
    return set(pyogrio.read_dataframe(path, columns=[f"ADM{level}_PCODE"], read_geometry=False)
               [f"ADM{level}_PCODE"].str.strip())


@pytest.fixture(scope="module")
def niger_app(mirror, tmp_path_factory):
    folder = tmp_path_factory.mktemp("niger")
    settings = Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=f"sqlite:///{folder / 'db.sqlite'}",
                        cache_dir=folder / "cache", secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    setup_country(engine, settings, "NER")
    import_3w(engine, write_workbook(folder / "3W_Niger_2024-03.xlsx", {"3W": CODED}), boundary_version=NIGER)
    publish_round(engine, "2024-03", SYSTEM)  # the public sees published rounds only
    engine.dispose()
    app = create_app(settings)
    app.settings = settings
    yield app
    app.server.extensions["mali3w_data"].engine.dispose()


def test_the_geometry_route_serves_nigers_67_departments(niger_app, mirror):
    departments = niger_codes(mirror, 2)
    assert len(departments) == 67
    answer = niger_app.server.test_client().get("/geo/adm2.json")
    assert answer.status_code == 200
    features = json.loads(answer.get_data())["features"]
    assert len(features) == 67
    assert {feature["id"] for feature in features} == departments


@pytest.mark.parametrize("level", [1, 3])
def test_regions_and_communes_are_nigers_too(niger_app, mirror, level):
    features = json.loads(niger_app.server.test_client().get(f"/geo/adm{level}.json").get_data())["features"]
    assert {feature["id"] for feature in features} == niger_codes(mirror, level)


def test_nigers_geometry_is_kept_apart_from_malis(niger_app):
    geo_dir = niger_app.settings.geo_dir
    assert sorted(path.name for path in (geo_dir / "NER").glob("*.geojson")) == [
        "ner_adm1.geojson", "ner_adm2.geojson", "ner_adm3.geojson"]
    assert not list(geo_dir.glob("mli_*"))


def map_locations(client, level):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", level), ("period", "2024-03"), ("area", None), ("sector", []), ("org-type", []),
                ("organisation", []))]
    mode = {"id": "presence-mode", "property": "value", "value": "presence"}
    answer = callback(client, [("presence-map", "figure"), ("map-summary", "children"), ("data-facts", "children")],
                      [*filters, mode], [{"id": "lang", "property": "data", "value": "fr"}], changed=["level.value"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    figure = json.loads(answer.get_data(as_text=True))["response"]["presence-map"]["figure"]
    return dict(zip(figure["data"][0]["locations"], figure["data"][0]["customdata"]))


def test_the_presence_page_shows_nigers_activities(niger_app):
    client = logged_in(niger_app, None)
    page = texts(json.loads(route(client, "/")))
    assert page  # the page is rendered, not an error
    # the four rows placed in a commune (by hand, test_country_setup), but Inatès' (NE006002002) is GBV, which the
    # public policy shows at the second level only
    communes = {pcode for level, pcode, sector in CODED_PLACED.values() if level == 3 and sector != "gbv"}
    assert communes == {"NE001001001", "NE004004001", "NE006001002"}
    shown = map_locations(client, 3)
    assert {pcode for pcode, data in shown.items() if data[0] > 0} == communes
    # by department: Aderbissinat NE001001, Inatès' Ayerou NE006002, Gangara's Gazaoua NE004004, Filingué
    # NE006006 (a row with no commune) and Sanam's Abala NE006001
    departments = map_locations(client, 2)
    assert {pcode for pcode, data in departments.items() if data[0] > 0} == {
        "NE001001", "NE006002", "NE004004", "NE006006", "NE006001"}


def page_in(client, lang):
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": "/"},
                       {"id": "url", "property": "search", "value": f"?lang={lang}"}], changed=["url.pathname"])
    assert answer.status_code == 200
    return json.loads(answer.get_data(as_text=True))


def level_choice(tree):
    """The options of the level filter (``level``) of a rendered page."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == "level":
            return [option["label"] for option in tree["props"]["options"]]
        return next((found for found in map(level_choice, tree.values()) if found), None)
    if isinstance(tree, list):
        return next((found for found in map(level_choice, tree) if found), None)
    return None


@pytest.mark.parametrize(("lang", "title", "levels", "everywhere"), [
    ("fr", "Qui fait quoi où – Niger (3W)", ["Région", "Département", "Commune"], "Tout le pays (Niger)"),
    ("en", "Who does what where – Niger (3W)", ["Region", "Department", "Commune"], "The whole country (Niger)")])
def test_the_pages_speak_of_niger_and_its_departments(niger_app, lang, title, levels, everywhere):
    page = page_in(logged_in(niger_app, None), lang)
    words = texts(page)
    assert title in words
    assert not any("Mali" in word for word in words)
    assert level_choice(page) == levels
    assert everywhere in json.dumps(page, ensure_ascii=False)


def test_a_mali_page_keeps_malis_words(sample_settings):
    app = create_app(sample_settings)
    page = page_in(logged_in(app, None), "fr")
    assert "Qui fait quoi où au Mali (3W)" in texts(page)
    assert level_choice(page) == ["Région", "Cercle", "Commune"]
    assert "Tout le Mali" in json.dumps(page, ensure_ascii=False)
    app.server.extensions["mali3w_data"].engine.dispose()


def test_every_page_of_a_niger_installation_opens_for_an_imo(niger_app):
    # an installation with no duplicate group at all: the Duplicates page once failed on its empty list
    engine = niger_app.server.extensions["mali3w_data"].engine
    create_account(engine, "imo.niger", TEST_PASSWORD, "imo")
    client = logged_in(niger_app, "imo.niger")
    for _, path, _ in PAGES:
        page = route(client, path)
        assert "access-refused" not in page, path
        assert "Tout le pays (Niger)" in page or path in NO_FILTERS, path


def test_build_geo_builds_a_countrys_map_or_says_why_not(mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("MALI3W_GEO_DIR", str(tmp_path))
    assert cli.main(["build-geo", "--country", "NER"]) == 0
    features = json.loads((tmp_path / "NER" / "ner_adm2.geojson").read_text(encoding="utf-8"))["features"]
    assert {feature["id"] for feature in features} == niger_codes(mirror, 2)
    assert cli.main(["build-geo", "--country", "TCD"]) == 2
    assert "no country profile TCD.toml" in capsys.readouterr().err
