"""One installation holding Mali and Niger (`setup`, then `setup --country NER` on the same database): each file is
placed in its own country (found from its codes or names, or given), an import of one country never replaces
another's, rounds are published per country, every view shows one country and never mixes them, and the public
policy applies per country. Expected figures are counted by hand on the small files below (both back ends)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.app_factory import create_app
from dashboard.config import Settings
from dashboard.country_setup import setup_country
from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import import_3w
from dashboard.reports import params_from_query, run_report
from dashboard.reports.snapshot import dashboard_data
from dashboard.setup import prepare_database
from dashboard.store.database import make_engine
from dashboard.store.models import AdminUnit, ImportBatch, ImportJob, ReportingRound
from dashboard.store.rounds import publish_round
from tests.integration.test_country_setup import CODED, CODED_PLACED, NAMES_ONLY, NAMES_PLACED
from tests.integration.test_web_access import callback, logged_in
from tests.workbooks import write_workbook

BAYE, KORO = "ML050202", "ML0505"
MALI = [
    ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod", "admin3Pcod",
     "Cluster"],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", BAYE, "Santé"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", BAYE, "Santé"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", KORO, None, "EHA"],
]
#: by hand: Mali's file names 2 organisations in 2 units; Niger's coded file 5 placed rows of NRC, MSF, SCI, ACF, CARE
MALI_ORGANISATIONS, NIGER_ORGANISATIONS = {"AMSS", "NRC"}, {"NRC", "MSF", "SCI", "ACF", "CARE"}
PERIOD, SOURCE = "2024-03", "OCHA"


def import_both(engine, folder):
    """Mali's and Niger's files of the same period and source, neither told its country."""
    mali = import_3w(engine, write_workbook(folder / "3W_Mali_2024-03.xlsx", {"3W": MALI}), source=SOURCE)
    niger = import_3w(engine, write_workbook(folder / "3W_Niger_2024-03.xlsx", {"3W": CODED}), source=SOURCE)
    return mali, niger


@pytest.fixture
def two_countries(prepared_engine, mirror, tmp_path):
    settings = Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=str(prepared_engine.url),
                        cache_dir=tmp_path / "cache")
    setup_country(prepared_engine, settings, "NER")
    return prepared_engine, settings


def test_units_and_imports_say_their_country(two_countries, tmp_path):
    engine, _ = two_countries
    mali, niger = import_both(engine, tmp_path)
    assert (mali.country, mali.rows_accepted, niger.country, niger.rows_accepted) == ("MLI", 3, "NER", len(CODED_PLACED))
    with Session(engine) as session:
        countries = dict(session.execute(select(AdminUnit.pcode, AdminUnit.country).where(
            AdminUnit.pcode.in_(["ML0502", "NE006001", "ML", "NE"]))).all())
        batches = dict(session.execute(select(ImportBatch.id, ImportBatch.country)).all())
    assert countries == {"ML0502": "MLI", "NE006001": "NER", "ML": "MLI", "NE": "NER"}
    # same period, same source: Niger's file did not replace Mali's (a corrected file replaces its own country's)
    assert niger.replaced_batch_id is None
    assert batches == {mali.batch_id: "MLI", niger.batch_id: "NER"}


def test_a_names_only_file_is_placed_in_the_country_its_names_are(two_countries, tmp_path):
    engine, _ = two_countries
    result = import_3w(engine, write_workbook(tmp_path / "3W_noms_2024-03.xlsx", {"3W": NAMES_ONLY}))
    assert result.country == "NER"
    assert result.rows_accepted == len(NAMES_PLACED)


def test_a_file_that_names_no_country_of_the_installation_is_refused_whole(two_countries, tmp_path):
    engine, _ = two_countries
    nowhere = [["Organisation", "Région", "Commune", "Secteur"], ["NRC", "Atlantis", "Lemuria", "Santé"]]
    with pytest.raises(ImportRefused) as refused:
        import_3w(engine, write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": nowhere}))
    assert "MLI, NER" in str(refused.value) and "--country" in str(refused.value)
    assert refused.value.in_language("fr").startswith("il ne dit pas de quel pays il est")


def test_a_file_imported_as_the_wrong_country_of_the_installation_is_refused_whole(two_countries, tmp_path):
    engine, _ = two_countries
    with pytest.raises(ImportRefused) as refused:
        import_3w(engine, write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": CODED}),
                  boundary_version="cod-ab-mli-2021")
    assert "--country NER" in str(refused.value)
    with Session(engine) as session:
        assert session.scalar(select(ImportBatch.id)) is None  # nothing written


def test_rounds_are_published_per_country(two_countries, tmp_path):
    engine, settings = two_countries
    import_both(engine, tmp_path)
    with pytest.raises(LookupError, match="several countries"):
        publish_round(engine, PERIOD, SYSTEM)  # which country's March?
    publish_round(engine, PERIOD, SYSTEM, country="NER")
    with Session(engine) as session:
        rounds = {(row.country, row.period): row.state for row in session.scalars(select(ReportingRound))}
    assert rounds == {("MLI", PERIOD): "draft", ("NER", PERIOD): "published"}
    data = dashboard_data(engine, settings)
    assert data.snapshot(PUBLIC, "NER").published_periods == [PERIOD]
    assert data.snapshot(PUBLIC, "MLI").activities.empty  # Mali's March is still a draft


def organisations(snapshot) -> set[str]:
    shown = snapshot.organisations.set_index("organisation_id")["acronym"]
    return set(shown.reindex(snapshot.activities["organisation_id"].unique()))


def test_each_country_is_a_view_of_its_own_and_never_mixes_with_the_other(two_countries, tmp_path):
    engine, settings = two_countries
    import_both(engine, tmp_path)
    data = dashboard_data(engine, settings)
    assert [profile.iso3 for profile in data.profiles] == ["MLI", "NER"]
    mali, niger = data.snapshot(SYSTEM), data.snapshot(SYSTEM, "NER")
    assert data.snapshot(SYSTEM, "XYZ") is mali  # a country the installation does not hold: its default
    assert (organisations(mali), organisations(niger)) == (MALI_ORGANISATIONS, NIGER_ORGANISATIONS)
    assert set(niger.units["pcode"].str[:2]) == {"NE"} and set(mali.units["pcode"].str[:2]) == {"ML"}
    assert niger.profile.iso3 == "NER" and mali.version != niger.version
    # regions with organisations, counted by hand: Mali's Mopti (AMSS, NRC); Niger's Agadez (NRC), Maradi (SCI),
    # Tillabéri (MSF, ACF, CARE)
    for snapshot, expected in ((mali, {"ML05": 2}), (niger, {"NE001": 1, "NE004": 1, "NE006": 3})):
        table = run_report("presence", snapshot, params_from_query({"level": "1", "period": PERIOD}))
        assert dict(zip(table["pcode"], table["organisations"])) == {**{code: 0 for code in table["pcode"]}, **expected}


def test_the_public_policy_applies_per_country(two_countries, tmp_path):
    engine, settings = two_countries
    policy = tmp_path / "policy.toml"
    policy.write_text("[public]\nmin_organisations_named = 3\n\n[public.NER]\nmin_organisations_named = 5\n"
                      "incidents = false\n", encoding="utf-8")
    data = dashboard_data(engine, Settings(**{**settings.__dict__, "policy_file": policy}))
    assert (data.country("MLI").policy.min_organisations_named, data.country("MLI").policy.show_incidents) == (3, True)
    assert (data.country("NER").policy.min_organisations_named, data.country("NER").policy.show_incidents) == (5, False)


def two_country_app(mirror, folder, *, publish: bool, imo: str | None = None):
    """The dashboard of an installation holding Mali and Niger (SQLite in ``folder``), each with its March 2024
    file (:func:`import_both`), both rounds published or both drafts, and an IMO account when named."""
    from dashboard.security.accounts import create_account
    from tests.conftest import TEST_PASSWORD

    settings = Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=f"sqlite:///{folder / 'db.sqlite'}",
                        cache_dir=folder / "cache", secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    prepare_database(engine, settings)
    setup_country(engine, settings, "NER")
    import_both(engine, folder)
    for country in ("MLI", "NER") if publish else ():
        publish_round(engine, PERIOD, SYSTEM, country=country)
    if imo is not None:
        create_account(engine, imo, TEST_PASSWORD, "imo")
    engine.dispose()
    return create_app(settings)


@pytest.fixture(scope="module")
def app(mirror, tmp_path_factory):
    app = two_country_app(mirror, tmp_path_factory.mktemp("two_countries"), publish=True)
    yield app
    app.server.extensions["mali3w_data"].engine.dispose()


def page(client, search: str) -> dict:
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": "/"},
                       {"id": "url", "property": "search", "value": search}], changed=["url.pathname"])
    assert answer.status_code == 200
    return json.loads(answer.get_data(as_text=True))


def components(node, kind: str) -> list[dict]:
    """The props of every component of type ``kind`` in a Dash tree."""
    if isinstance(node, list):
        return [found for item in node for found in components(item, kind)]
    if not isinstance(node, dict):
        return []
    own = [node["props"]] if node.get("type") == kind and "props" in node else []
    return own + [found for value in node.values() for found in components(value, kind)]


def test_the_shell_offers_the_countries_and_the_address_chooses_one(app):
    client = logged_in(app, None)
    mali, niger = page(client, ""), page(client, "?country=NER&area=ML05&period=2024-03")
    for tree, title in ((mali, "Qui fait quoi où au Mali (3W)"), (niger, "Qui fait quoi où – Niger (3W)")):
        assert [heading["children"] for heading in components(tree, "H1")] == [title]
        # both countries offered, as links to the same page that leave out the area and period of the other
        links = {link["children"]: link["href"] for link in components(tree, "A")
                 if "country-link" in link.get("className", "")}
        assert links == {"Mali": "?", "Niger": "?country=NER"}
    hidden = {field["id"]: field["value"] for field in components(niger, "Input")}
    assert hidden["country"] == "NER"
    # Niger's regions to choose from; Mali's area of the address is not Niger's, so the whole country is shown
    areas = {dropdown["id"]: dropdown for dropdown in components(niger, "Dropdown")}["area"]
    assert areas.get("value") is None and areas["placeholder"] == "Tout le pays (Niger)"
    assert {option["value"] for option in areas["options"]} >= {"NE006", "NE006001"}
    assert not any(option["value"].startswith("ML") for option in areas["options"])
    assert not any(option["value"].startswith("NE") for option in
                   {dropdown["id"]: dropdown for dropdown in components(mali, "Dropdown")}["area"]["options"])


def map_locations(client, country):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", country), ("level", 1), ("period", PERIOD), ("area", None), ("sector", []),
                ("org-type", []), ("organisation", []))]
    mode = {"id": {"type": "page-param", "name": "mode"}, "property": "value", "value": "presence"}
    answer = callback(client, [("presence-map", "figure"), ("map-summary", "children"), ("data-facts", "children")],
                      [*filters, mode], [{"id": "lang", "property": "data", "value": "fr"}], changed=["level.value"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    figure = json.loads(answer.get_data(as_text=True))["response"]["presence-map"]["figure"]
    return figure["data"][0]


def test_the_map_draws_the_chosen_countrys_units_from_its_own_geometry(app):
    client = logged_in(app, None)
    niger, mali = map_locations(client, "NER"), map_locations(client, None)
    assert len(niger["locations"]) == 8 and all(code.startswith("NE") for code in niger["locations"])
    assert len(mali["locations"]) == 10 and all(code.startswith("ML") for code in mali["locations"])
    assert "/geo/NER/adm1.json" in niger["geojson"] and mali["geojson"].startswith("/geo/adm1.json")
    answer = client.get(niger["geojson"])
    assert answer.status_code == 200
    assert {feature["id"] for feature in json.loads(answer.get_data())["features"]} == set(niger["locations"])


def test_downloads_and_the_api_read_the_country_they_are_asked(app):
    client = logged_in(app, None)
    answer = client.get(f"/export/presence.csv?country=NER&level=1&period={PERIOD}")
    assert answer.status_code == 200
    lines = [line for line in answer.get_data(as_text=True).lstrip("\ufeff").splitlines() if not line.startswith("#")]
    codes = {row[0] for row in csv.reader(io.StringIO("\n".join(lines[1:])))}
    assert len(codes) == 8 and all(code.startswith("NE") for code in codes)
    assert "Pays : Niger · " in answer.get_data(as_text=True)  # the file says which country it is
    answer = client.get(f"/api/v1/presence?country=NER&level=1&period={PERIOD}&format=json")
    assert answer.status_code == 200
    assert {row["pcode"] for row in answer.get_json()["rows"]} == codes
    refused = client.get("/api/v1/presence?country=BFA")
    assert refused.status_code == 400 and "MLI, NER" in refused.get_data(as_text=True)


def test_an_upload_may_say_its_country_or_leave_it_to_the_file(two_countries, tmp_path):
    from dashboard.domain.roles import Role, Viewer
    from dashboard.ingest.jobs import UploadRefused, run_job, submit

    engine, _ = two_countries
    imo = Viewer(Role.IMO, "imo")
    niger = write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": CODED}).read_bytes()
    found = submit(engine, "3W_Niger_2024-03.xlsx", niger, imo, mode="import", run=False)
    run_job(engine, found)
    names = write_workbook(tmp_path / "3W_noms_2024-04.xlsx", {"3W": NAMES_ONLY}).read_bytes()
    chosen = submit(engine, "3W_noms_2024-04.xlsx", names, imo, mode="import", run=False, country="ner")
    run_job(engine, chosen)
    other = write_workbook(tmp_path / "3W_Niger_2024-05.xlsx", {"3W": CODED[:3]}).read_bytes()  # another file
    wrong = submit(engine, "3W_Niger_2024-05.xlsx", other, imo, mode="import", run=False, country="MLI")
    run_job(engine, wrong)
    with Session(engine) as session:
        batches = session.execute(select(ImportBatch.period, ImportBatch.country, ImportBatch.rows_accepted)
                                  .order_by(ImportBatch.period)).all()
    assert [tuple(row) for row in batches] == [("2024-03", "NER", len(CODED_PLACED)),
                                               ("2024-04", "NER", len(NAMES_PLACED))]
    with Session(engine) as session:
        refused = session.get(ImportJob, wrong)
    assert refused.state == "failed" and "--country NER" in refused.message
    with pytest.raises(UploadRefused, match="no country profile"):
        submit(engine, "3W.xlsx", niger, imo, run=False, country="XYZ")


def test_a_countrys_cache_key_does_not_depend_on_the_processs_default_country(two_countries, tmp_path):
    """A process that knew Niger only (its default) and one that knows Mali and Niger share one result cache:
    Niger's numbers must have the same key in both, and Mali's another."""
    from dashboard.reports.snapshot import CountrySource, DashboardData
    from dashboard.geo.profiles import load_profile

    engine, settings = two_countries
    import_both(engine, tmp_path)
    niger = load_profile("NER")
    alone = DashboardData(engine, boundary_version=niger.boundary_version, profile=niger)
    both = dashboard_data(engine, settings)
    assert alone.snapshot(SYSTEM).version == both.snapshot(SYSTEM, "NER").version
    assert both.snapshot(SYSTEM, "MLI").version != both.snapshot(SYSTEM, "NER").version
    assert organisations(alone.snapshot(SYSTEM)) == NIGER_ORGANISATIONS
    assert isinstance(both.country("NER"), CountrySource)
