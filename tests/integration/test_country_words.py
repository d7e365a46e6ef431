"""The words of a Niger installation: every page, every download and the login and not-found pages, in French
and English, name Niger's departments, never Mali or its cercles (a Niger installation set up with
`setup --country NER` and a small hand-made Niger 3W of two rounds)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from dashboard.app_factory import create_app
from dashboard.config import Settings
from dashboard.country_setup import setup_country
from dashboard.domain.roles import SYSTEM
from dashboard.ingest.importer import import_3w
from dashboard.layouts.shell import PAGES
from dashboard.reports import REPORTS
from dashboard.security.accounts import create_account
from dashboard.store.database import make_engine
from dashboard.store.rounds import publish_round
from tests.conftest import TEST_PASSWORD
from tests.integration.test_country_setup import NIGER
from tests.integration.test_web_access import callback, logged_in
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Type organisation", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster",
           "Personnes ciblées", "Personnes atteintes"]
#: March: four organisations in Tillabéri and Agadez, a row whose region NE009 does not exist and one that gives
#: no place (both rejected); April drops those two rows and adds SCI in Maradi
MARCH = [HEADERS,
         ["NRC", "ONG internationale", "NE001", "NE001001", "NE001001001", "Multi-Secteur", 500, 200],
         ["MSF", "ONG internationale", "NE006", "NE006002", "NE006002002", "Santé", 300, 100],
         ["AKARAS", "ONG nationale", "NE006", "NE006002", "NE006002002", "Santé", 100, 50],
         ["ACF", "ONG internationale", "NE006", "NE006006", None, "Protection - PE", 80, 40],
         ["IRC", "ONG internationale", "NE009", "NE009001", "NE009001001", "ABNA", 10, 5],
         ["OXFAM", "ONG internationale", None, None, None, "EHA", 20, 10]]
APRIL = [HEADERS, *MARCH[1:5],
         ["SCI", "ONG internationale", "NE004", "NE004004", "NE004004001", "Services humanitaires communs", 60, 0]]
#: a département of Niger (Ayerou, Tillabéri) and a region (Tillabéri)
DEPARTMENT, REGION = "NE006002", "NE006"
MALI_WORDS = re.compile(r"cercle|Mali", re.IGNORECASE)
#: what a page's component tree holds that is no text of the page: addresses, ids (a report's machine name,
#: ``cercle_brief``, is part of its download address and of the command line)
NOT_TEXT = {"id", "href", "base", "type", "namespace", "className", "geojson", "pathname"}


@pytest.fixture(scope="module")
def niger(mirror, tmp_path_factory):
    folder = tmp_path_factory.mktemp("niger-words")
    settings = Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=f"sqlite:///{folder / 'db.sqlite'}",
                        cache_dir=folder / "cache", secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    setup_country(engine, settings, "NER")
    march = import_3w(engine, write_workbook(folder / "3W_Niger_2024-03.xlsx", {"3W": MARCH}), boundary_version=NIGER)
    assert (march.rows_read, march.rows_accepted, march.rows_rejected) == (6, 4, 2)
    publish_round(engine, "2024-03", SYSTEM)
    import_3w(engine, write_workbook(folder / "3W_Niger_2024-04.xlsx", {"3W": APRIL}), boundary_version=NIGER)
    create_account(engine, "imo.words", TEST_PASSWORD, "imo")
    engine.dispose()
    app = create_app(settings)
    app.march_batch = march.batch_id
    yield app
    app.server.extensions["mali3w_data"].engine.dispose()


def page(client, path, query):
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": query}], changed=["url.pathname"])
    assert answer.status_code == 200, (path, query)
    return json.loads(answer.get_data(as_text=True))


def strings(node) -> list[str]:
    """Every string a component tree shows or holds (hover templates, the map's file name), but addresses and
    ids (see :data:`NOT_TEXT`)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in strings(item)]
    if isinstance(node, dict):
        return [text for key, value in node.items() if key not in NOT_TEXT for text in strings(value)]
    return []


def mali_words(text: str) -> list[str]:
    """The stretches of ``text`` that name Mali or a cercle, with a little context."""
    return [text[max(0, found.start() - 60):found.end() + 40] for found in MALI_WORDS.finditer(text)]


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


#: the HDX page says, rightly, that its list of releases reads Mali's dataset, not Niger's
HDX_SAYS = {"fr": "La liste des 3W publiés sur HDX lit le jeu de données du Mali (mali-operational-presence), pas "
                  "encore celui de Niger : importez les 3W de Niger par la page Imports ou par "
                  "`python -m dashboard import FICHIER`.",
            "en": "The list of 3Ws published on HDX reads Mali's dataset (mali-operational-presence), not yet "
                  "Niger's: import Niger's 3Ws on the Imports page or with `python -m dashboard import FILE`."}
DEPARTMENT_WORD = {"fr": "Département", "en": "Department"}
PAGE_PATHS = [path for _, path, _ in PAGES] + ["/fiches"]
AREAS = ("", REGION, DEPARTMENT)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("who", [None, "imo.words"])
def test_no_page_names_mali_or_a_cercle(niger, lang, who):
    client = logged_in(niger, who)
    for path in PAGE_PATHS:
        for level in (1, 2, 3):
            for area in AREAS:
                query = f"?lang={lang}&level={level}" + (f"&area={area}" if area else "")
                text = "\n".join(strings(page(client, path, query)))
                if path == "/hdx" and who is not None:
                    assert HDX_SAYS[lang] in text
                    text = text.replace(HDX_SAYS[lang], "")
                assert mali_words(text) == [], f"{path}{query}"
                if path not in ("/fiches", "/hdx", "/imports", "/referentiel", "/journal") and (
                        who is not None or path not in ("/doublons", "/rapportage")):
                    # the level choice and the navigation's brief name the department
                    assert DEPARTMENT_WORD[lang] in text, f"{path}{query}"


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Fiche département", "Département de Ayerou (région de Tillabéri)", "Présence par secteur dans le "
            "département", "dont avec activités au niveau département"]),
    ("en", ["Department brief", "Department of Ayerou (Tillabéri region)", "Presence by sector in the department",
            "of which with department-level activities"])])
def test_the_brief_is_a_departments(niger, lang, words):
    text = "\n".join(strings(page(logged_in(niger, None), "/fiche", f"?lang={lang}&area={DEPARTMENT}")))
    for word in words:
        assert word in text


@pytest.mark.parametrize(("lang", "note", "printed"), [
    ("fr", "mais des activités sont déclarées pour le département ou la région qui la contient",
     "Fiche département : Ayerou (région de Tillabéri)"),
    ("en", "but activities are reported for the department or the region that contains it",
     "Department brief: Ayerou (Tillabéri region)")])
def test_the_map_note_and_the_printed_brief_name_the_department(niger, lang, note, printed):
    client = logged_in(niger, None)
    assert note in "\n".join(strings(page(client, "/", f"?lang={lang}")))
    assert printed in "\n".join(strings(page(client, "/fiches", f"?lang={lang}&area={DEPARTMENT}")))


def download(client, name, fmt, query, country="niger") -> str:
    answer = client.get(f"/export/{name}.{fmt}{query}")
    assert answer.status_code == 200, (name, fmt, query)
    assert f'filename="{country}' in answer.headers["Content-Disposition"]
    return answer.get_data(as_text=True) if fmt == "csv" else xlsx_text(answer.get_data())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_download_names_mali_or_a_cercle(niger, lang):
    client = logged_in(niger, "imo.words")
    level_line = {"fr": "Niveau administratif : Département", "en": "Administrative level: Department"}[lang]
    for name in REPORTS:
        for fmt in ("csv", "xlsx"):
            for level in (1, 2, 3):
                for area in AREAS:
                    query = f"?lang={lang}&level={level}" + (f"&area={area}" if area else "")
                    text = download(client, name, fmt, query)
                    assert mali_words(text) == [], f"{name}.{fmt}{query}"
                    if level == 2 and REPORTS[name].hxl is None:  # the filters line names the level shown
                        assert level_line in text, f"{name}.{fmt}{query}"


@pytest.mark.parametrize(("lang", "columns"), [("fr", "P-code,Nom,Département,Région,"),
                                               ("en", "P-code,Name,Department,Region,")])
def test_a_communes_download_names_its_department(niger, lang, columns):
    text = download(logged_in(niger, None), "presence", "csv", f"?lang={lang}&level=3&period=2024-03")
    assert columns in text


@pytest.mark.parametrize(("lang", "headers"), [("fr", "Code département,Département"),
                                               ("en", "Department code,Department")])
def test_the_hxl_3w_names_the_department_columns(niger, lang, headers):
    assert headers in download(logged_in(niger, "imo.words"), "hxl_3w", "csv", f"?lang={lang}")


@pytest.mark.parametrize(("lang", "title", "coarser"), [
    ("fr", "Qui fait quoi où – Niger (3W)", "Déclarées au niveau département seulement"),
    ("en", "Who does what where – Niger (3W)", "Reported at department level only")])
def test_login_not_found_and_unit_panel_speak_of_niger(niger, lang, title, coarser):
    login = niger.server.test_client().get(f"/login?lang={lang}").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in login and mali_words(login) == []
    client = logged_in(niger, None)
    missing = "\n".join(strings(page(client, "/nowhere", f"?lang={lang}")))
    assert title in missing and mali_words(missing) == []
    # Kourfeye Centre, a commune of Filingué, where ACF reports for the whole department (a row without commune)
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", 3), ("period", "2024-03"), ("area", None), ("sector", []), ("org-type", []),
                ("organisation", []))]
    answer = callback(logged_in(niger, "imo.words"), [("unit-table", "children")],
                      [{"id": "presence-map", "property": "clickData",
                        "value": {"points": [{"location": "NE006006003"}]}}, *filters],
                      [{"id": "lang", "property": "data", "value": lang}], changed=["presence-map.clickData"])
    assert answer.status_code == 200
    panel = "\n".join(strings(json.loads(answer.get_data(as_text=True))))
    assert coarser in panel and "ACF" in panel
    assert mali_words(panel) == []


@pytest.mark.parametrize(("lang", "no_place", "column"), [
    ("fr", "la ligne n'a ni P-code de région, de département ou de commune", "P-code département"),
    ("en", "the row has no region, department or commune P-code", "Department P-code")])
def test_the_import_report_names_no_mali(niger, lang, no_place, column):
    client = logged_in(niger, "imo.words")
    batch = niger.march_batch
    text = "\n".join(strings(page(client, "/imports/rapport", f"?import={batch}&lang={lang}")))
    assert "NE009" in text  # the rejected rows are listed
    assert no_place in text and column in text
    assert mali_words(text) == []
    report = xlsx_text(client.get(f"/imports/{batch}/report.xlsx?lang={lang}").get_data())
    assert no_place in report and column in report
    assert mali_words(report) == []
    rejected = client.get(f"/imports/{batch}/rejected.csv")
    assert mali_words(rejected.get_data(as_text=True)) == []
    assert f'filename="niger-3w-import-{batch}-rejected.csv"' in rejected.headers["Content-Disposition"]
    audit = client.get("/audit.csv")
    assert audit.get_data(as_text=True).startswith("\ufeff# Niger 3W: audit trail")
    assert mali_words(audit.get_data(as_text=True)) == [] and "niger-3w-audit.csv" in audit.headers["Content-Disposition"]


def test_malis_words_stay_malis(sample_settings, sample_accounts):
    app = create_app(sample_settings)
    client = logged_in(app, None)
    home = "\n".join(strings(page(client, "/", "?lang=fr")))
    assert "Fiche cercle" in home
    assert "mais des activités sont déclarées pour le cercle ou la région qui la contient" in home
    assert "Qui fait quoi où au Mali (3W)" in client.get("/login").get_data(as_text=True)
    assert "Qui fait quoi où au Mali (3W)" in "\n".join(strings(page(client, "/nowhere", "")))
    presence = client.get("/export/presence.csv?level=3")
    assert presence.headers["Content-Disposition"].startswith('attachment; filename="mali3w-presence-')
    text = presence.get_data(as_text=True)
    assert "P-code,Nom,Cercle,Région," in text and "Niveau administratif : Commune" in text
    assert "Fiche cercle : présence par secteur" in download(client, "cercle_brief", "csv", "?area=ML0502", "mali3w")
    assert "Choose a cercle in the \"Area\" filter" in "\n".join(strings(page(client, "/fiche", "?lang=en")))
    audit = logged_in(app, sample_accounts["imo"]).get("/audit.csv")
    assert audit.get_data(as_text=True).startswith("\ufeff# Mali 3W: audit trail")
    assert 'filename="mali3w-audit.csv"' in audit.headers["Content-Disposition"]
    app.server.extensions["mali3w_data"].engine.dispose()
