"""The public view never shows a sensitive sector below the cercle, nor names in cells of fewer than k
organisations: in the pages, in the callback answers and in the downloads. Logged-in roles see it all.

The December 2023 sample has no GBV or child-protection rows, so a small 3W made here has them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from dashboard.app_factory import create_app
from dashboard.i18n import catalogue
from dashboard.ingest.importer import import_3w
from dashboard.security.accounts import create_account
from dashboard.domain.roles import SYSTEM
from dashboard.setup import prepare_database
from dashboard.store.database import make_engine
from dashboard.store.rounds import publish_round
from tests.conftest import TEST_PASSWORD
from tests.integration.test_web_access import callback, logged_in
from tests.workbooks import write_workbook

BAYE = "ML050202"  # a commune of Bankass (ML0502), Mopti (ML05)
HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]
ROWS = [
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", BAYE, "VBG"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", BAYE, "Protection de l'enfance"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", BAYE, "Santé"],
    ["IRC", "International Rescue Committee", "ONG Int", "ML05", "ML0502", BAYE, "Santé"],
    ["MSF", "Médecins Sans Frontières", "ONG Int", "ML05", "ML0502", BAYE, "Santé"],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", BAYE, "EHA"],
]


@pytest.fixture(scope="module")
def app(sample_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("policy")
    settings = replace(sample_settings, database_url=f"sqlite:///{folder / 'db.sqlite'}",
                       secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    prepare_database(engine, settings)
    import_3w(engine, write_workbook(folder / "3w_2024-03.xlsx", {"3W": [HEADERS, *ROWS]}))
    publish_round(engine, "2024-03", SYSTEM)  # the public sees published rounds only
    create_account(engine, "imo", TEST_PASSWORD, "imo")
    engine.dispose()
    return create_app(settings)


def rows(client, report, query):
    answer = client.get(f"/export/{report}.csv?{query}")
    assert answer.status_code == 200
    lines = [line for line in answer.get_data(as_text=True).lstrip("\ufeff").splitlines() if not line.startswith("#")]
    names = {label: key.removeprefix("column.") for key, label in catalogue("fr").items() if key.startswith("column.")}
    return [{names.get(label, label): value for label, value in row.items()}
            for row in csv.DictReader(io.StringIO("\n".join(lines)))]


@pytest.mark.parametrize("sector", ["gbv", "child_protection"])
def test_exports_keep_sensitive_sectors_at_cercle_level(app, sector):
    public, imo = logged_in(app, None), logged_in(app, "imo")
    in_baye = [row for row in rows(public, "presence", f"level=3&sector={sector}") if row["pcode"] == BAYE]
    # Public: nobody is placed in the commune; its cercle's report shows as "coarser level only".
    assert [(row["organisations"], row["coarser_only"]) for row in in_baye] == [("0", "1")]
    assert [row["organisations"] for row in rows(public, "presence", f"level=2&sector={sector}")
            if row["pcode"] == "ML0502"] == ["1"]
    # The IMO sees the organisation in the commune itself.
    assert [row["organisations"] for row in rows(imo, "presence", f"level=3&sector={sector}")
            if row["pcode"] == BAYE] == ["1"]
    by_sector = [row for row in rows(public, "presence_by_sector", "level=3")
                 if row["pcode"] == BAYE and row["sector_code"] == sector]
    assert all(row["organisations"] == "0" for row in by_sector)


def test_names_are_hidden_in_cells_of_fewer_than_three(app):
    public, imo = logged_in(app, None), logged_in(app, "imo")
    cells = {row["sector_code"]: row["acronyms"] for row in rows(public, "overlaps", "level=3&k=1")
             if row["pcode"] == BAYE}
    # Baye holds health (3 organisations) and WASH (1) at commune level for the public; GBV and child
    # protection are not at commune level at all.
    assert cells == {"health": "IRC, MSF, NRC", "wash": "(masqué : moins de 3 organisations)"}
    assert {row["sector_code"]: row["acronyms"] for row in rows(imo, "overlaps", "level=3&k=1")
            if row["pcode"] == BAYE}["wash"] == "AMSS"


def test_the_most_present_organisations_name_no_one_in_a_small_selection(app):
    public, imo = logged_in(app, None), logged_in(app, "imo")
    # WASH in Baye: AMSS alone. The chart of the most present organisations would name it; the public reads
    # the policy's sentence, with the counts kept; the IMO reads the name.
    hidden = "(masqué : moins de 3 organisations)"
    assert [(row["organisation"], row["units_present"]) for row in
            rows(public, "top_organisations", f"level=3&area={BAYE}&sector=wash")] == [(hidden, "1")]
    assert [row["organisation"] for row in rows(imo, "top_organisations", f"level=3&area={BAYE}&sector=wash")] \
        == ["AMSS"]
    # Health in Baye: IRC, MSF, NRC, three organisations, named for everyone
    assert sorted(row["organisation"] for row in
                  rows(public, "top_organisations", f"level=3&area={BAYE}&sector=health")) == ["IRC", "MSF", "NRC"]


def test_the_organisation_filter_is_ignored_for_the_public(app):
    organisations = app.server.extensions["mali3w_data"].snapshot(SYSTEM).organisations
    amss = int(organisations.loc[organisations["acronym"] == "AMSS", "organisation_id"].iloc[0])
    # AMSS is alone in Baye for WASH: a public map of AMSS alone would name it there. The public gets the
    # map of everyone (4 organisations at commune level: AMSS, NRC, IRC, MSF); the IMO gets AMSS's.
    public = rows(logged_in(app, None), "presence", f"level=3&org={amss}")
    assert [row["organisations"] for row in public if row["pcode"] == BAYE] == ["4"]
    imo = rows(logged_in(app, "imo"), "presence", f"level=3&org={amss}")
    assert [row["organisations"] for row in imo if row["pcode"] == BAYE] == ["1"]


def map_answer(client, level, sectors):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", level), ("period", "2024-03"), ("area", None), ("sector", sectors), ("org-type", []),
                ("organisation", []))]
    mode = {"id": {"type": "page-param", "name": "mode"}, "property": "value", "value": "presence"}  # the map's mode (organisations)
    answer = callback(client, [("presence-map", "figure"), ("map-summary", "children"), ("data-facts", "children")],
                      [*filters, mode], [{"id": "lang", "property": "data", "value": "fr"}], changed=["level.value"])
    assert answer.status_code == 200
    figure = json.loads(answer.get_data(as_text=True))["response"]["presence-map"]["figure"]
    return dict(zip(figure["data"][0]["locations"], figure["data"][0]["customdata"]))


def test_callback_answers_follow_the_policy(app):
    public = map_answer(logged_in(app, None), 3, ["gbv"])
    imo = map_answer(logged_in(app, "imo"), 3, ["gbv"])
    assert imo[BAYE][0] == 1
    assert public[BAYE][0] == 0


def unit_answer(client, sectors):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", 3), ("period", "2024-03"), ("area", None), ("sector", sectors), ("org-type", []),
                ("organisation", []))]
    answer = callback(client, [("unit-table", "children")],
                      [{"id": "presence-map", "property": "clickData", "value": {"points": [{"location": BAYE}]}},
                       *filters], [{"id": "lang", "property": "data", "value": "fr"}],
                      changed=["presence-map.clickData"])
    assert answer.status_code == 200
    return " | ".join(texts(json.loads(answer.get_data(as_text=True))))


def texts(node) -> list[str]:
    """Every text of a Dash component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in texts(item)]
    if isinstance(node, dict):
        return [text for key, value in node.items() if key not in ("type", "namespace", "id", "className")
                for text in texts(value)]
    return []


def test_the_unit_list_hides_small_cells_from_the_public(app):
    public = unit_answer(logged_in(app, None), [])
    # Four organisations work in Baye at commune level for the public (AMSS for WASH, NRC, IRC, MSF for
    # health): they are named, health is named, WASH (1 organisation) is not.
    assert all(name in public for name in ("AMSS", "NRC", "IRC", "MSF")) and "Santé" in public
    # AMSS's only sector shown at commune level is WASH, withheld: said alone, not "et 1 secteur..."
    assert "Eau" not in public and "1 secteur où moins de 3 organisations travaillent" in public
    assert "et 1 secteur" not in public
    assert "Violences" not in public and "Protection de l'enfance" not in public
    imo = unit_answer(logged_in(app, "imo"), [])
    assert "Violences basées sur le genre (VBG)" in imo and "Eau" in imo
    # Chosen alone, GBV is reported at cercle level for the public: one organisation, not named.
    gbv = unit_answer(logged_in(app, None), ["gbv"])
    assert "Déclarées au niveau cercle seulement" in gbv and "(masqué : moins de 3 organisations)" in gbv
    assert "AMSS" not in gbv
