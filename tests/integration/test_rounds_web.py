"""Reporting rounds through the web server, on a copy of the real sample: a cluster's partial March 2024 file
changes nothing for the public (page, header, period list, downloads) until an IMO publishes the round from
the Rapportage page; withdrawing it brings December back. Only an IMO may publish, whatever the browser sends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dashboard.app_factory import create_app
from dashboard.ingest.importer import import_3w
from tests.integration.test_web_access import callback, logged_in
from tests.integration.test_web_access import route as route_json
from tests.conftest import sample_copy
from tests.independent import organisation_labels, read_sample
from tests.workbooks import write_workbook

#: the health cluster's March 2024 file: three rows, two organisations of the sample
MARCH = [["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster"],
         ["SIF", "ML09", "ML0901", "Santé"], ["SIF", "ML05", "ML0501", "Santé"], ["MSF", "ML05", "ML0501", "Santé"]]
BY = {"type": "page-param", "name": "by"}


@pytest.fixture(scope="module")
def app(sample_settings, sample_accounts, tmp_path_factory):
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("rounds"))
    workbook = write_workbook(tmp_path_factory.mktemp("files") / "3W_sante_mars_2024.xlsx", {"3W": MARCH})
    result = import_3w(engine, workbook, source="Cluster Santé")
    assert (result.period, result.rows_accepted) == ("2024-03", 3)
    engine.dispose()
    return create_app(settings)


def route(client, path: str, search: str = "") -> str:
    """The page's layout as the server sends it, as readable text (not JSON-escaped)."""
    if not search:
        return json.dumps(json.loads(route_json(client, path)), ensure_ascii=False)
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": search}], changed=["url.pathname"])
    assert answer.status_code == 200
    return json.dumps(answer.get_json(), ensure_ascii=False)


def act(client, button: str, period: str | None):
    """Click Publier or Retirer (after the browser's confirmation) with ``period`` chosen."""
    return callback(client, [("round-feedback", "children"), (BY, "value"), ("period", "options")],
                    [{"id": "round-publish", "property": "submit_n_clicks",
                      "value": 1 if button == "round-publish" else None},
                     {"id": "round-withdraw", "property": "submit_n_clicks",
                      "value": 1 if button == "round-withdraw" else None}],
                    [{"id": "period", "property": "value", "value": period},
                     {"id": BY, "property": "value", "value": "organisation"},
                     {"id": "lang", "property": "data", "value": "fr"},
                     {"id": "country", "property": "value", "value": None}],
                    changed=[f"{button}.submit_n_clicks"])


def public_front_page(app) -> str:
    return route(logged_in(app, None), "/")


def test_a_round_reaches_the_public_when_an_imo_publishes_it(app, sample_accounts, sample_path):
    today = datetime.now(UTC).strftime("%d/%m/%Y")
    december = f"Données au : décembre 2023 (publié le {today})"
    # the partial upload: the public sees December, and no March in the period list
    page = public_front_page(app)
    assert december in page and "mars 2024" not in page and "BROUILLON" not in page
    assert "3W_sante_mars_2024" not in logged_in(app, None).get("/export/presence.csv").get_data(as_text=True)
    # a logged-in reader opens on December too, and finds March listed as a draft
    imo = logged_in(app, sample_accounts["imo"])
    page = route(imo, "/")
    assert december in page and "mars 2024 · brouillon · 1 source" in page and "BROUILLON" not in page
    march = imo.get("/export/presence.csv?period=2024-03").get_data(as_text=True)
    assert "# BROUILLON : mars 2024 n'est pas publié" in march
    # who reported, for coordinators: the page opens on December (the only published round: nothing to compare
    # with) and points to the March round in preparation, where SIF and MSF reported and the others did not
    assert "access-refused" in route(logged_in(app, None), "/rapportage")
    assert "access-refused" in route(logged_in(app, sample_accounts["partner"]), "/rapportage")
    coordinator = logged_in(app, sample_accounts["coordinator"])
    reporting = route(coordinator, "/rapportage")
    assert "access-refused" not in reporting and "Aucun tour avant décembre 2023 : rien à comparer" in reporting
    assert "Le tour mars 2024 est en préparation (brouillon)" in reporting
    assert "/rapportage?period=2024-03&lang=fr" in reporting
    reporting = route(coordinator, "/rapportage", "?period=2024-03")
    organisations = organisation_labels(read_sample(sample_path)).nunique()  # December's, counted with pandas
    assert (f"Par rapport à décembre 2023 (publié), {organisations - 2} des {organisations} organisations qui avaient "
            f"rapporté n'ont pas rapporté en mars 2024 (brouillon) ; 2 organisations ont rapporté en mars 2024.") \
        in reporting
    assert "round-publish" not in reporting  # a coordinator sees no publish button

    # only an IMO publishes, whatever the browser sends
    for role in (None, "partner", "coordinator"):
        assert act(logged_in(app, sample_accounts.get(role)), "round-publish", "2024-03").status_code == 403
    assert december in public_front_page(app)
    answer = act(imo, "round-publish", "2024-03")
    assert answer.status_code == 200
    assert "Tour mars 2024 publié" in answer.get_json()["response"]["round-feedback"]["children"]
    # the IMO's period list says the new state at once
    options = {option["value"]: option["label"] for option in answer.get_json()["response"]["period"]["options"]}
    assert options["2024-03"].startswith("mars 2024 · publié") and options["2023-12"].startswith("décembre 2023")
    page = public_front_page(app)
    assert f"Données au : mars 2024 (publié le {today})" in page and "décembre 2023 (publié" not in page
    assert f"3W_sante_mars_2024.xlsx (Cluster Santé, {today})" in page

    answer = act(imo, "round-withdraw", "2024-03")
    assert answer.status_code == 200
    assert "Tour mars 2024 retiré" in answer.get_json()["response"]["round-feedback"]["children"]
    page = public_front_page(app)
    assert december in page and "mars 2024" not in page
    # what cannot be done is said, and changes nothing
    said = act(imo, "round-withdraw", "2024-03").get_json()["response"]["round-feedback"]["children"]
    assert said == "Le tour mars 2024 n'est pas publié : rien n'a été retiré."
    said = act(imo, "round-publish", "2031-01").get_json()["response"]["round-feedback"]["children"]
    assert said == "Aucun fichier 3W n'a été importé pour janvier 2031 : rien n'a été publié."
    audit = imo.get("/audit.csv").get_data(as_text=True)
    assert f",{sample_accounts['imo']},imo,round.publish,2024-03," in audit
    assert f",{sample_accounts['imo']},imo,round.withdraw,2024-03," in audit
