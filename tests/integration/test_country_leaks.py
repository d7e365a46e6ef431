"""Where one country of an installation could leak into another's view (found by a hostile probe of the
multi-country work): each test is a way a page, a link, a download or an answer of one country used to show or
act on another's. Mali and Niger share the installation (the fixtures of test_several_countries), both with a
March 2024 3W; expected values are those of the small files there, counted by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.reports.snapshot import DashboardData
from dashboard.store.models import ImportBatch, ReportingRound
from tests.conftest import TEST_PASSWORD  # noqa: F401 (the accounts' password, used by logged_in)
from tests.integration.test_several_countries import (MALI_ORGANISATIONS, PERIOD, components, import_both,  # noqa: F401
                                                     organisations, two_countries, two_country_app)  # (a fixture)
from tests.integration.test_web_access import callback, logged_in

BY = {"type": "page-param", "name": "by"}


@pytest.fixture(scope="module")
def drafts(mirror, tmp_path_factory):
    """An installation holding Mali and Niger, each with a March 2024 3W not yet published, and an IMO."""
    app = two_country_app(mirror, tmp_path_factory.mktemp("two_drafts"), publish=False, imo="imo.two")
    yield app
    app.server.extensions["mali3w_data"].engine.dispose()


def page_tree(client, path: str, search: str) -> dict:
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": search}], changed=["url.pathname"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.loads(answer.get_data(as_text=True))


def rounds(app) -> dict[tuple[str, str], str]:
    with Session(app.server.extensions["mali3w_data"].engine) as session:
        return {(row.country, row.period): row.state for row in session.scalars(select(ReportingRound))}


def test_a_rounds_link_keeps_its_country_so_publishing_from_it_publishes_that_countrys_round(drafts):
    imo = logged_in(drafts, "imo.two")
    niger = page_tree(imo, "/rapportage", "?country=NER")
    links = [link["href"] for link in components(niger, "Link") 
             if link.get("href", "").startswith("/rapportage?") and "period=" in link["href"]]
    # Niger's rounds table and its "round being assembled" note: every link opens Niger's round
    assert links and all("country=NER" in href for href in links), links
    # the IMO follows the link to March and presses Publier: the page's country is what the button acts on
    opened = page_tree(imo, "/rapportage", links[0][len("/rapportage"):])
    hidden = {field.get("id"): field.get("value") for field in components(opened, "Input")}
    answer = callback(imo, [("round-feedback", "children"), (BY, "value"), ("period", "options")],
                      [{"id": "round-publish", "property": "submit_n_clicks", "value": 1},
                       {"id": "round-withdraw", "property": "submit_n_clicks", "value": None}],
                      [{"id": "period", "property": "value", "value": PERIOD},
                       {"id": BY, "property": "value", "value": "organisation"},
                       {"id": "lang", "property": "data", "value": "fr"},
                       {"id": "country", "property": "value", "value": hidden["country"]}],
                      changed=["round-publish.submit_n_clicks"])
    assert answer.status_code == 200
    assert rounds(drafts) == {("MLI", PERIOD): "draft", ("NER", PERIOD): "published"}  # Mali's March untouched


def test_after_an_upload_the_link_to_its_draft_round_opens_the_uploads_country(drafts):
    from dashboard.callbacks.imports import _draft_round
    from dashboard.domain.roles import Role, Viewer
    from dashboard.reports.imports import import_batch
    from dashboard.store.models import ImportBatch

    engine = drafts.server.extensions["mali3w_data"].engine
    with Session(engine) as session:
        ids = dict(session.execute(select(ImportBatch.country, ImportBatch.id)).all())
    batches = {country: import_batch(engine, ids[country]) for country in ("MLI", "NER")}
    for batch in batches.values():
        batch.published_at = None  # a draft, as just imported (another test of this module publishes Niger's)
    hrefs = {country: [part.href for part in _draft_round(batch, Viewer(Role.IMO, "imo"), "fr", "MLI")
                       if hasattr(part, "href")] for country, batch in batches.items()}
    assert hrefs == {"MLI": [f"/rapportage?period={PERIOD}&lang=fr"],
                     "NER": [f"/rapportage?country=NER&period={PERIOD}&lang=fr"]}


def test_a_server_started_before_another_country_was_added_shows_its_own_country_only(two_countries, tmp_path):
    """`setup --country NER` and Niger's imports while the server runs: the server knows Mali only until it is
    restarted, and its views must not take Niger's imports, rows and rounds for Mali's meanwhile."""
    engine, _ = two_countries
    import_both(engine, tmp_path)
    with Session(engine) as session:
        session.execute(ReportingRound.__table__.update().values(state="published"))
        session.execute(ImportBatch.__table__.update().values(published_at=datetime.now(UTC)))
        session.commit()
    data = DashboardData(engine)  # what a process started when the database held Mali only knows
    assert [profile.iso3 for profile in data.profiles] == ["MLI"]
    for viewer in (SYSTEM, PUBLIC):
        mali = data.snapshot(viewer)
        assert set(mali.batches["country"]) == {"MLI"}
        assert organisations(mali) == MALI_ORGANISATIONS  # by hand: AMSS and NRC, none of Niger's five
        assert int(mali.activities["rows"].sum()) == 3  # Mali's file's three rows


def filter_line(client, search: str) -> str:
    answer = client.get(f"/export/presence.csv?{search}")
    assert answer.status_code == 200
    return next(line for line in answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
                if line.startswith("# Filtres"))


def test_a_downloads_filter_line_names_the_country_and_area_it_shows(drafts):
    imo = logged_in(drafts, "imo.two")
    # a country the installation does not hold: Mali's figures, so the file says Mali
    assert filter_line(imo, "country=XYZ&level=1") == \
        "# Filtres : Pays : Mali · Niveau administratif : Région · Période : mars 2024"
    # Mali's Mopti in Niger's address: the whole of Niger is shown, so the file names no area
    assert filter_line(imo, "country=NER&level=1&area=ML05") == \
        "# Filtres : Pays : Niger · Niveau administratif : Région · Période : mars 2024"
    # Niger's Tillabéri is an area of Niger: named
    assert filter_line(imo, "country=NER&level=1&area=NE006") == \
        "# Filtres : Pays : Niger · Niveau administratif : Région · Période : mars 2024 · Zone : Tillabéri"


def test_the_hapi_download_of_a_country_says_that_country(drafts):
    imo = logged_in(drafts, "imo.two")
    answer = imo.get("/export/hapi_operational_presence.csv?country=NER")
    assert answer.status_code == 200
    rows = [line.split(",") for line in answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
            if line and not line.startswith("#")]
    header, data = rows[0], [row for row in rows[1:] if not row[0].startswith("#")]  # the HXL row, if any
    assert header[0] == "location_code"
    assert data and {row[0] for row in data} == {"NER"}  # Niger's rows, not written as Mali's
    assert {row[header.index("admin1_code")][:2] for row in data} == {"NE"}


def test_the_api_reads_the_country_its_answer_says(drafts):
    from dashboard.security.tokens import create_token

    engine = drafts.server.extensions["mali3w_data"].engine
    token = create_token(engine, "probe", "imo")
    client = drafts.server.test_client()
    answer = client.get("/api/v1/presence?country=%20NER&level=1&format=json",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    document = answer.get_json()
    # the answer says Niger: its rows are Niger's 8 regions, not Mali's
    assert document["filters"]["country"] == "NER"
    assert len(document["rows"]) == 8 and all(row["pcode"].startswith("NE") for row in document["rows"])


@pytest.mark.parametrize("country", ["N" * 300, "../../../etc/passwd", "XYZ"])
def test_an_upload_given_a_country_that_is_none_of_the_configured_ones_is_refused_with_a_sentence(drafts, country):
    import base64

    imo = logged_in(drafts, "imo.two")
    content = "data:text/csv;base64," + base64.b64encode(b"Organisation,Region,Secteur\nNRC,Agadez,Sante\n").decode()
    answer = callback(imo, [("upload-status", "children"), ("upload-job", "data"), ("upload-poll", "disabled"),
                            ("upload-decision", "hidden")],
                      [{"id": "upload-file", "property": "contents", "value": content}],
                      [{"id": "upload-file", "property": "filename", "value": "3W_2024-05.csv"},
                       {"id": "upload-kind", "property": "value", "value": "3w"},
                       {"id": "upload-period", "property": "value", "value": None},
                       {"id": "upload-source", "property": "value", "value": None},
                       {"id": "upload-code-set", "property": "value", "value": "auto"},
                       {"id": "upload-country", "property": "value", "value": country},
                       {"id": "lang", "property": "data", "value": "fr"}], changed=["upload-file.contents"])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
    response = answer.get_json()["response"]
    said = response["upload-status"]["children"]
    assert said.startswith("Fichier refusé") and "BFA, MLI, NER" in said
    assert "data/countries" not in said and "PASSWD" not in said  # no server folder, no file looked for
    assert response["upload-job"]["data"] is None  # nothing queued


@pytest.mark.parametrize("table, refused", [
    ("[public.Niger]\nmin_organisations_named = 5\n", "[public.Niger] names no configured country"),
    ("[public.NER]\nmin_organisation_named = 5\n", "[public.NER] has unknown keys min_organisation_named"),
    ("[public]\nmin_organisation_named = 5\n", "[public] has unknown keys min_organisation_named"),
])
def test_a_policy_table_for_no_country_or_with_a_misspelt_key_is_refused_not_ignored(tmp_path, table, refused):
    """Niger's stricter rule written [public.Niger] or with a misspelt key used to be ignored without a word:
    Niger's public view then named organisations in cells of 3 or 4."""
    from dashboard.security.policy import PolicyError, load_policy

    path = tmp_path / "policy.toml"
    path.write_text("[public]\nmin_organisations_named = 3\n\n" + table if not table.startswith("[public]\n")
                    else table, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy(path, "NER")
    assert refused in str(error.value)


def test_a_countrys_policy_table_is_read_whatever_the_case_of_its_code(tmp_path):
    from dashboard.security.policy import load_policy

    path = tmp_path / "policy.toml"
    path.write_text("[public]\nmin_organisations_named = 3\n\n[public.ner]\nmin_organisations_named = 5\n",
                    encoding="utf-8")
    assert (load_policy(path, "NER").min_organisations_named, load_policy(path, "MLI").min_organisations_named) == (5, 3)


@pytest.mark.parametrize("country", ["A" * 300, "../../etc/passwd"])
def test_a_country_on_the_command_line_that_is_no_iso3_is_answered_with_a_sentence(mirror, tmp_path, monkeypatch,
                                                                                    capsys, country):
    from dashboard import cli

    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("MALI3W_GEO_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    for command in (["publish", "2024-03", "--country", country], ["build-geo", "--country", country]):
        assert cli.main(command) == 2  # not a traceback (a long one was 'File name too long')
        said = capsys.readouterr().err
        assert "no country profile" in said and "BFA, MLI, NER" in said and "Traceback" not in said


def test_the_duplicate_review_lists_its_own_countrys_groups_whatever_the_process_knows(two_countries, tmp_path):
    from dashboard.ingest.importer import import_3w
    from dashboard.reports import params_from_query, run_report
    from dashboard.reports.snapshot import dashboard_data
    from tests.integration.test_country_setup import CODED
    from tests.workbooks import write_workbook

    engine, settings = two_countries
    import_both(engine, tmp_path)
    # the same Niger rows sent again by another source (with one more, so the file is another): each placed row
    # of the first file is a duplicate across the two files
    again = [*CODED, ["ACF", "NE001", "NE001001", "NE001001001", "Santé"]]
    import_3w(engine, write_workbook(tmp_path / "3W_Niger_sante_2024-03.xlsx", {"3W": again}), source="Cluster Santé")
    query = {"period": PERIOD, "status": "cannot_tell"}  # rows without activity nor dates: told apart, listed
    data = dashboard_data(engine, settings)
    niger = run_report("duplicates", data.snapshot(SYSTEM, "NER"), params_from_query(query), data.store)
    assert len(niger) and set(niger["pcode"].str[:2]) == {"NE"}
    # Mali's Mopti in Niger's address: the whole of Niger, as every page shows it
    moved = run_report("duplicates", data.snapshot(SYSTEM, "NER"), params_from_query({**query, "area": "ML05"}),
                       data.store)
    assert moved["group_key"].tolist() == niger["group_key"].tolist()
    # a process that knows Mali only (started before Niger was added) lists none of Niger's groups as Mali's
    alone = DashboardData(engine)
    mali = run_report("duplicates", alone.snapshot(SYSTEM), params_from_query(query), alone.store)
    assert not mali["pcode"].astype(str).str.startswith("NE").any()


def data_lines(client, search: str) -> list[str]:
    answer = client.get(f"/export/presence.csv?{search}")
    assert answer.status_code == 200
    return [line for line in answer.get_data(as_text=True).lstrip("\ufeff").splitlines() if not line.startswith("#")]


def test_another_countrys_area_in_the_address_shows_the_whole_country_in_tables_maps_and_downloads(drafts):
    """The area filter said 'Tout le pays (Niger)' for Mali's Mopti in Niger's address, but the tables, the map
    and the downloads were cut to the units inside Mopti: none."""
    imo = logged_in(drafts, "imo.two")
    whole = data_lines(imo, "country=NER&level=1")
    assert len(whole) == 1 + 8  # the header and Niger's 8 regions
    assert data_lines(imo, "country=NER&level=1&area=ML05") == whole
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", "NER"), ("level", 1), ("period", PERIOD), ("area", "ML05"), ("sector", []),
                ("org-type", []), ("organisation", []))]
    mode = {"id": {"type": "page-param", "name": "mode"}, "property": "value", "value": "presence"}
    answer = callback(imo, [("presence-map", "figure"), ("map-summary", "children"), ("data-facts", "children")],
                      [*filters, mode], [{"id": "lang", "property": "data", "value": "fr"}], changed=["area.value"])
    assert answer.status_code == 200
    locations = answer.get_json()["response"]["presence-map"]["figure"]["data"][0]["locations"]
    assert len(locations) == 8 and all(code.startswith("NE") for code in locations)


def test_the_command_line_says_an_area_is_not_of_the_country_asked(two_countries, tmp_path, monkeypatch, capsys):
    from dashboard import cli

    engine, settings = two_countries
    import_both(engine, tmp_path)
    monkeypatch.setenv("DATABASE_URL", str(engine.url.render_as_string(hide_password=False)))
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(settings.data_mirror))
    monkeypatch.setenv("MALI3W_GEO_DIR", str(settings.geo_dir))
    assert cli.main(["presence", "--country", "NER", "--level", "1", "--area", "ML05"]) == 2
    assert "unknown area 'ML05' in Niger" in capsys.readouterr().err
    assert cli.main(["presence", "--country", "NER", "--level", "1", "--area", "NE006"]) == 0
    assert "Zone : Tillabéri" in capsys.readouterr().out


#: a Niger HNO as HDX publishes them per country (the layout of hno-data-for-mli): a national row, a region row
NIGER_HNO = ("Admin 1 PCode,Admin 2 PCode,Sector,Gender,Age Range,Min Age,Max Age,Disabled,Population Group,"
             "Population,In Need,Targeted,Affected,Reached\n"
             "#adm1+code,#adm2+code,#sector+code,#gender+code,#age+range,#age+min,#age+max,#is_disabled,"
             "#population_group+code,#population,#inneed,#targeted,#affected,#reached\n"
             ",,ALL,a,ALL,,,a,ALL,27000000,4300000,2200000,,\n"
             "NE001,,ALL,a,ALL,,,a,ALL,600000,100000,50000,,\n"
             "NE006,,ALL,a,ALL,,,a,ALL,3000000,900000,400000,,\n")


def test_a_niger_needs_table_is_refused_instead_of_replacing_malis_needs(two_countries, mirror, tmp_path):
    """Needs are read on Mali's units only: Niger's HNO 2024 was imported as one Mali national figure (its row
    without a place), which replaced Mali's 2024 needs."""
    from dashboard.ingest.errors import ImportRefused
    from dashboard.ingest.needs import import_needs, need_frame
    from tests.integration.test_needs_import import HNO

    engine, _ = two_countries
    import_needs(engine, mirror / HNO, year=2024)
    before = need_frame(engine)
    path = tmp_path / "hno-data-for-ner_2024.csv"
    path.write_text(NIGER_HNO, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_needs(engine, path, year=2024)
    assert "Niger" in str(refused.value) and "2 codes of 2" in str(refused.value)
    assert refused.value.in_language("fr").startswith("ses codes de lieu sont ceux d'un autre pays de cette installation")
    assert need_frame(engine).equals(before)  # Mali's 2024 needs as they were


def test_an_upload_of_a_coordination_table_chosen_as_another_countrys_is_refused(two_countries):
    """The Pays box is offered for every kind of table, but only the 3W is read per country: a membership table
    chosen as Niger's was imported as Mali's without a word."""
    from dashboard.domain.roles import Role, Viewer
    from dashboard.ingest.jobs import UploadRefused, submit

    engine, _ = two_countries
    table = b"Organisation,Cluster\nNRC,Sant\xc3\xa9\n"
    with pytest.raises(UploadRefused, match="memberships table is read for MLI only so far, not for NER"):
        submit(engine, "membres.csv", table, Viewer(Role.IMO, "imo"), kind="memberships", run=False, country="NER")
    assert submit(engine, "membres.csv", table, Viewer(Role.IMO, "imo"), kind="memberships", run=False, country="MLI")


def test_a_downloads_file_name_tells_niger_from_mali(drafts):
    imo = logged_in(drafts, "imo.two")
    names = {country: imo.get(f"/export/presence.csv?{query}").headers["Content-Disposition"]
             for country, query in (("MLI", "level=1"), ("NER", "country=NER&level=1"))}
    assert names == {"MLI": f'attachment; filename="mali3w-presence-{PERIOD}.csv"',
                     "NER": f'attachment; filename="niger-3w-presence-{PERIOD}.csv"'}
