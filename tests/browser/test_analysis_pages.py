"""The analysis pages in a real browser: gaps, overlaps, localisation, change, membership, duplicates and the
cercle brief, as a coordinator opens and uses them.

Expected numbers are computed here independently of the dashboard code, with pandas on the raw December 2023
workbook (sheet ML_5W), the partnership CSV and the COD-AB 2021 shapefiles:

* organisations: two rows are the same organisation when their acronyms, or their names, are equal once
  case, accents and spacing are ignored (linked across the whole file); an organisation's type is the type
  most of its rows report (no organisation has a tie);
* places: national figures need no place at all. Figures per cercle need the cercle of each row. The file
  gives two codes that may disagree (707 rows write a commune code outside their stated cercle); for each
  figure per cercle the test first checks what holds under *both* raw readings (stated cercle, or cercle
  of the commune code), which no correction can change, then the exact value under the file's plain reading:
  the finest code given, except a commune code outside the stated cercle when that cercle has one commune of
  the row's commune name (Baye of Kéniéba written for Baye, cercle Bankass; Diébougou of Kati written for
  Diedougou, cercle Dioïla), read as that commune.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page
from sqlalchemy import text

from dashboard.store.database import make_engine

pytestmark = pytest.mark.browser

SAMPLE = Path("ocha_mli_3w_2023_12") / "operational_presence_mli_mali_3w_december_2023.xlsx"
PARTNERSHIPS = Path("partnerships_apo_ddrk_ddrg_2023") / "partnerships_apo_2023.csv"
BOUNDARIES = Path("ocha_cod_ab_mli_2021")
MAP = "#analysis-map .js-plotly-plot"
BANKASS = "ML0502"
#: What each page's summary says on opening, with no filter (the numbers are checked by the tests below).
PAGES = {
    # gaps open at cercle level: population is known for cercles, not communes
    "/lacunes": ("Lacunes", r"^\d[\d\s]* lacunes \(aucune organisation\) sur \d[\d\s]* cases unité × secteur, "
                            r"dans \d[\d\s]* cercles sur 53 ;"),
    "/chevauchements": ("Chevauchements", r"^\d[\d\s]* cases unité × secteur comptent au moins 3 organisations, "
                                          r"dans \d[\d\s]* communes\."),
    "/localisation": ("Localisation", r"^60 ONG nationales parmi 154 organisations opérationnelles \(39\s?%\)\.$"),
    "/evolution": ("Évolution", r"^Une seule période de rapportage est importée \(décembre 2023\)"),
    "/membres": ("Membres des clusters", r"^Aucune liste de membres des clusters n'est importée\."),
    "/doublons": ("Doublons", r"^\d[\d\s]* groupes de lignes peut-être en double \(\d[\d\s]* lignes\)"),
    "/fiche": ("Fiche cercle", r"^Choisissez un cercle dans le filtre « Zone » pour obtenir sa fiche\.$"),
}


# ---------------------------------------------------------------- independent expectations

def fold(value) -> str | None:
    """Case, accents and spacing ignored; empty cells give None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    folded = unicodedata.normalize("NFKD", " ".join(str(value).split()).casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch)) or None


def _canonical(acronyms: pd.Series, names: pd.Series) -> list:
    """One id per organisation: rows linked by an equal acronym or an equal name (union-find)."""
    parent: dict = {}

    def find(item):
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for acronym, name in zip(acronyms, names):
        if acronym and name:
            parent[find(("a", acronym))] = find(("n", name))
    return [find(("a", acronym)) if acronym else find(("n", name)) for acronym, name in zip(acronyms, names)]


def _place_key(text: object) -> str:
    """A place name as the README says they are compared: case, accents, spaces and punctuation aside."""
    return re.sub(r"[^0-9a-z]", "", fold(text) or "")


@pytest.fixture(scope="session")
def communes(mirror: Path) -> pd.DataFrame:
    """The 701 communes of COD-AB 2021 with their cercle, region and folded name."""
    import pyogrio

    frame = pyogrio.read_dataframe(mirror / BOUNDARIES / "mli_admbnda_adm3_1m_gov_20211220.shp",
                                   columns=["ADM3_PCODE", "ADM3_FR", "ADM2_PCODE", "ADM1_PCODE"], read_geometry=False)
    return frame.assign(key=frame["ADM3_FR"].map(_place_key))


@pytest.fixture(scope="session")
def cercles(mirror: Path) -> set[str]:
    import pyogrio

    frame = pyogrio.read_dataframe(mirror / BOUNDARIES / "mli_admbnda_adm2_1m_gov_20211220.shp",
                                   columns=["ADM2_PCODE"], read_geometry=False)
    return set(frame["ADM2_PCODE"])


@pytest.fixture(scope="session")
def workbook(mirror: Path, communes: pd.DataFrame) -> pd.DataFrame:
    """The sample's rows with ``org`` (canonical organisation), ``national`` (its majority type is "ONG Nat"),
    ``sector`` (the Cluster text), and three readings of the row's cercle: ``stated`` (admin2Pcod),
    ``of_commune`` (the commune code's cercle, P-codes nest by prefix) and ``cercle`` (the plain reading,
    see the module docstring), with ``place`` the finest code under the plain reading."""
    frame = pd.read_excel(mirror / SAMPLE, sheet_name="ML_5W", engine="calamine", header=0, skiprows=[1])
    frame["org"] = _canonical(frame["Organisation Accronyme"].map(fold), frame["Nom Organisation"].map(fold))
    majority = frame.groupby("org")["Type Organisation"].agg(lambda types: types.value_counts().index[0])
    frame["national"] = frame["org"].map(majority) == "ONG Nat"
    frame["sector"] = frame["Cluster"].str.strip()
    region = frame["admin1Pcod"].astype(str).str.strip()
    stated = frame["admin2Pcod"].astype(str).str.strip()
    commune = frame["admin3Pcod"].astype("string").str.strip()
    assert frame["admin2Pcod"].notna().all()  # every row names its cercle
    # The commune named in the stated cercle: the commune code lies outside the stated cercle (in the stated
    # region), and the stated cercle has exactly one commune of the row's commune name (spaces aside).
    by_name = communes.groupby(["ADM2_PCODE", "key"])["ADM3_PCODE"].agg(list)
    region_of = dict(zip(communes["ADM2_PCODE"], communes["ADM1_PCODE"]))
    place = []
    for code, cercle, reg, name in zip(commune, stated, region, frame["Commune"].map(_place_key)):
        if pd.isna(code):
            place.append(cercle)
            continue
        candidates = by_name.get((cercle, name), [])
        namesake = code[:6] != cercle and region_of.get(cercle) == reg and len(candidates) == 1
        place.append(candidates[0] if namesake else code)
    frame["stated"], frame["of_commune"] = stated, commune.str[:6].fillna(stated).astype(str)
    frame["place"] = place
    frame["cercle"] = frame["place"].str[:6]
    assert (frame["stated"] != frame["of_commune"]).sum() == 707
    return frame


def gap_cercles(rows: pd.DataFrame, cercles: set[str], reading: str) -> set[str]:
    """Cercles where none of ``rows`` lies, under one reading of the rows' cercle."""
    return cercles - set(rows[reading])


def cells_with(rows: pd.DataFrame, k: int, reading: str) -> pd.Series:
    """Organisations per (cercle, sector) cell with at least ``k`` of them, under one reading."""
    counts = rows.groupby([reading, "sector"])["org"].nunique()
    return counts[counts >= k]


# ---------------------------------------------------------------- page helpers

def number(text: str) -> int:
    """An integer written with thousands separators ("1 902", with a normal or narrow no-break space)."""
    return int(re.sub(r"\D", "", text))


def numbers(text: str) -> list[int]:
    return [number(found) for found in re.findall(r"\d+(?:[\s\u00a0\u202f]\d{3})*", text)]


def summary(page: Page) -> str:
    return page.locator("#analysis-summary").inner_text()


def open_page(page: Page, path: str) -> str:
    page.goto(path)
    page.wait_for_function("() => { const s = document.querySelector('#analysis-summary');"
                           " return s && s.innerText.trim().length > 0; }")
    return summary(page)


def wait_for_summary_change(page: Page, before: str) -> str:
    page.wait_for_function("before => document.querySelector('#analysis-summary').innerText !== before", arg=before)
    return summary(page)


def dash_id(**parts) -> str:
    """A pattern-matching id as Dash writes it in the DOM (JSON, keys sorted), as a CSS attribute selector."""
    return f"[id='{json.dumps(parts, sort_keys=True, separators=(',', ':'))}']"


def page_param(name: str) -> str:
    return dash_id(name=name, type="page-param")


def choose(page: Page, selector: str, label: str) -> None:
    """Open a Dash 4 dropdown, pick the option with exactly this label, close the list."""
    page.locator(selector).click()
    page.locator(".dash-dropdown-option").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()
    page.keyboard.press("Escape")


def choose_cercle_level(page: Page) -> None:
    page.locator("#level").get_by_label("Cercle", exact=True).check()


def table_total(page: Page) -> int:
    """M in the table's note "N lignes affichées sur M"."""
    note = page.locator("#analysis-table p.hint").first.inner_text()
    match = re.match(r"(\d[\d\s\u00a0\u202f]*) lignes affichées sur (\d[\d\s\u00a0\u202f]*)", note)
    assert match, note
    return number(match.group(2))


def map_trace(page: Page) -> dict:
    return page.evaluate(f"""() => {{
        const trace = document.querySelector('{MAP}').data[0];
        return {{locations: Array.from(trace.locations), customdata: Array.from(trace.customdata)}};
    }}""")


def wait_for_map(page: Page, locations: int) -> dict:
    page.wait_for_function(f"""n => {{ const p = document.querySelector('{MAP}');
        return p && p.data && p.data.length && p.data[0].locations.length === n; }}""", arg=locations)
    return map_trace(page)


def wait_for_map_values(page: Page, expected: dict[str, int]) -> dict[str, int]:
    """The map's first hover value per unit, once the browser holds ``expected`` (the colours come as a Patch
    after the summary, in the same answer, but are applied by Plotly afterwards)."""
    script = f"""() => {{ const t = document.querySelector('{MAP}').data[0];
        return Object.fromEntries(Array.from(t.locations).map((code, i) => [code, t.customdata[i][0]])); }}"""
    try:
        page.wait_for_function(f"expected => {{ const got = ({script})();"
                               " return Object.keys(expected).every(code => got[code] === expected[code]); }",
                               arg=expected, timeout=5_000)
    except Exception:
        pass  # the assertion below shows the difference
    return page.evaluate(script)


def answered(page: Page, traffic, wanted: str, timeout: float = 5.0) -> bool:
    """Whether a Dash callback answer (JSON, non-ASCII escaped) carried this text."""
    for _ in range(int(timeout / 0.05)):
        for answer in traffic.dash_responses:
            try:
                decoded = json.dumps(json.loads(answer.text), ensure_ascii=False)
            except ValueError:
                continue
            if wanted in decoded:
                return True
        page.wait_for_timeout(50)  # lets Playwright deliver the pending network events
    return False


def read_export(base_url: str, href: str) -> list[list[str]]:
    """The data rows (header row excluded) of a CSV download; its "# ..." lines describe the filters."""
    with urllib.request.urlopen(base_url + href, timeout=20) as response:
        assert response.status == 200
        content = response.read().decode("utf-8-sig")
    lines = content.splitlines(keepends=True)
    described = [line for line in lines if line.startswith("# ")]
    rows = list(csv.reader(io.StringIO("".join(lines[len(described):]))))
    assert described and rows, content[:500]
    return rows[1:]


# ---------------------------------------------------------------- tests

@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_opens_from_the_navigation_bar(page: Page, traffic, log_in, path):
    label, expected = PAGES[path]
    if path == "/doublons":  # the duplicate review is for logged-in reviewers
        log_in("coordinator")
    page.goto("/")
    page.wait_for_selector("#map-summary")
    page.locator("nav.pages a").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()
    page.wait_for_function("() => { const s = document.querySelector('#analysis-summary');"
                           " return s && s.innerText.trim().length > 0; }")

    assert page.url.split("?")[0].endswith(path)
    assert page.locator("nav.pages a.active").inner_text() == label
    assert re.search(expected, summary(page).replace("\u202f", " ").replace("\u00a0", " ")), summary(page)
    assert page.locator(".downloads a").all_inner_texts()[:2] == ["CSV", "XLSX"]
    assert traffic.external_urls() == []


def test_gaps_without_a_national_ngo_in_protection_by_cercle(page: Page, traffic, workbook, cercles):
    assert len(cercles) == 53
    initial = open_page(page, "/lacunes?level=2")
    assert "cercles sur 53" in initial
    wait_for_map(page, 53)

    choose(page, "#sector", "Protection")
    anybody = wait_for_summary_change(page, initial)
    protection = workbook[workbook["sector"] == "Protection"]
    # Cercles with no Protection row at all: the same 4 under both raw readings, so under any correction.
    nobody = gap_cercles(protection, cercles, "cercle")
    assert nobody == gap_cercles(protection, cercles, "stated") == gap_cercles(protection, cercles, "of_commune")
    assert len(nobody) == 4
    assert numbers(anybody)[:4] == [len(nobody), 53, len(nobody), 53]  # gaps, cells, cercles with a gap, cercles

    choose(page, page_param("without"), "ONG nationale")
    national = wait_for_summary_change(page, anybody)
    assert "lacunes (ONG nationale)" in national
    rows = protection[protection["national"]]
    expected = gap_cercles(rows, cercles, "cercle")
    # What no place correction can change: cercles that are gaps under both raw readings are gaps, cercles
    # that rows reading the same under both readings fill are not (18 and 34 of 53; Bafoulabé is the one left:
    # its only national-NGO Protection rows say cercle Bankass, commune Baye, with the code of Baye of
    # Bafoulabé, and the plain reading puts them in Bankass).
    surely_gaps = gap_cercles(rows, cercles, "stated") & gap_cercles(rows, cercles, "of_commune")
    surely_filled = set(rows.loc[rows["stated"] == rows["of_commune"], "stated"])
    assert (len(surely_gaps), len(surely_filled)) == (18, 34)
    assert surely_gaps <= expected and not (expected & surely_filled)
    assert len(expected) == 19
    gaps, cells, with_gap, total = numbers(national)[:4]
    assert (gaps, cells, with_gap, total) == (len(expected), 53, len(expected), 53)

    assert table_total(page) == len(expected)
    listed = page.locator("#analysis-table tbody tr td:first-child").all_inner_texts()
    assert set(listed) == expected and len(listed) == len(expected)
    # The map (53 cercles) counts one gap sector in each of these cercles and none elsewhere.
    values = wait_for_map_values(page, {code: int(code in expected) for code in cercles})
    assert len(values) == 53
    assert values == {code: int(code in expected) for code in cercles}
    assert traffic.external_urls() == []


def test_overlaps_fewer_cells_when_k_grows(page: Page, traffic, workbook, cercles):
    before = open_page(page, "/chevauchements?level=2")
    wait_for_map(page, 53)
    cells_3, k_3, cercles_3 = numbers(before)[:3]
    assert k_3 == 3
    # k = 3: 240 cells in the 53 cercles (239 to 242 whatever the reading of the 707 disagreeing rows).
    assert cells_3 == len(cells_with(workbook, 3, "cercle")) == 240 and cercles_3 == 53

    k_input = page.locator(f"input{page_param('k')}")
    k_input.fill("10")
    k_input.press("Enter")
    after = wait_for_summary_change(page, before)
    cells_10, k_10, cercles_10 = numbers(after)[:3]
    assert k_10 == 10 and cells_10 < cells_3
    # k = 10, independently: the cells at least 10 organisations fill under both raw readings are listed
    # whatever the correction (78), those that reach 10 under neither are not: so 78 to 80 cells.
    both = workbook[workbook["stated"] == workbook["of_commune"]]
    either = pd.concat([workbook.assign(any=workbook["stated"]), workbook.assign(any=workbook["of_commune"])])
    assert len(cells_with(both, 10, "stated")) <= cells_10 <= len(cells_with(either, 10, "any"))
    expected = cells_with(workbook, 10, "cercle")
    assert (len(expected), expected.index.get_level_values(0).nunique()) == (78, 39)
    assert (cells_10, cercles_10) == (78, 39)
    # The map: per cercle, the number of sectors with at least 10 organisations.
    per_cercle = expected.groupby(level=0).size()
    wanted = {code: int(per_cercle.get(code, 0)) for code in cercles}
    assert wait_for_map_values(page, wanted) == wanted
    assert page.url.endswith("k=10") or "k=10&" in page.url
    # A long list of organisations is folded: two names and how many more, the whole list on a click
    first = page.locator("#analysis-table tbody tr").first
    headers = page.locator("#analysis-table thead th").all_inner_texts()
    count = number(first.locator("td").nth(headers.index("Organisations présentes")).inner_text())
    folded = first.locator("td").nth(headers.index("Organisations")).locator("details.folded-list")
    assert folded.locator("summary").inner_text().endswith(f"+ {count - 2} autres")
    assert not folded.locator("p").is_visible()
    folded.locator("summary").click()
    assert len(folded.locator("p").inner_text().split(", ")) >= count  # a name may hold a comma
    assert traffic.external_urls() == []


def test_localisation_national_share_and_funding(page: Page, traffic, workbook, mirror):
    # National figures need no place: 154 organisations, 60 of them national NGOs (majority type).
    organisations = workbook["org"].nunique()
    nationals = workbook.loc[workbook["national"], "org"].nunique()
    assert (nationals, organisations) == (60, 154)
    initial = open_page(page, "/localisation")
    assert numbers(initial)[:2] == [nationals, organisations]
    assert re.search(r"\(39\s?%\)", initial)

    # Funding: every partner of the 18 agreements is a Malian public service, interim authority, public
    # agency or local association (the CSV's SOURCE.md), so everything is local: 100% per region.
    agreements = pd.read_csv(mirror / PARTNERSHIPS)
    by_region = agreements.groupby("region")["amount_eur"].sum()
    assert agreements["amount_eur"].sum() == 2_101_397 and by_region.to_dict() == {"Gao": 532_657, "Kidal": 1_568_740}
    section = page.locator("section.report-section").filter(
        has=page.locator("h3", has_text="Financement des partenaires nationaux et locaux"))
    table = section.locator("table:has(thead)")
    headers = table.locator("thead th").all_inner_texts()
    rows = {cells[headers.index("Région")]: cells
            for cells in (row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all())}
    assert set(rows) == {"Gao", "Kidal", "Total"}
    for region in ("Gao", "Kidal", "Total"):
        assert rows[region][headers.index("Part locale")].replace("\u202f", "").replace(" ", "") == "100%"
    for region, amount in by_region.items():
        assert number(rows[region][headers.index("Total (EUR)")]) == amount
    assert number(rows["Total"][headers.index("Total (EUR)")]) == 2_101_397
    bars = page.locator(".funding-chart .bar-row")
    chart = {"x": bars.locator(".bar-label").all_inner_texts(),
             "text": [text.replace("\u202f", "").replace(" ", "") for text in bars.locator(".bar-value").all_inner_texts()]}
    assert chart == {"x": ["Gao", "Kidal"], "text": ["100%", "100%"]}
    # ...which is no finding: the table lists only funding already delegated, and the page says so
    assert "ne recense que des financements déjà délégués" in section.locator("#only-local-note").inner_text()

    # Each chart has its table and its downloads beside it: the by-region bars, then the by-region table
    # (9 regions with organisations in the sample + Total), then its CSV link
    region_section = page.locator("section.report-section").filter(
        has=page.locator("h3", has_text="par région"))
    assert region_section.locator(".bar-chart").count() == 1
    region_rows = region_section.locator("table.report-table tbody tr").all()
    region_headers = region_section.locator("table.report-table thead th").all_inner_texts()
    assert region_rows[-1].locator("td").nth(region_headers.index("Région")).inner_text() == "Total"
    assert len(region_rows) == workbook["place"].str[:4].nunique() + 1
    assert "national_share_by_region" in region_section.locator("a", has_text="CSV").get_attribute("href")

    choose(page, "#sector", "Protection")
    protection = wait_for_summary_change(page, initial)
    rows = workbook[workbook["sector"] == "Protection"]
    expected = [rows.loc[rows["national"], "org"].nunique(), rows["org"].nunique()]
    assert expected == [26, 48]
    assert numbers(protection)[:2] == expected
    assert traffic.external_urls() == []


def test_localisation_funding_with_filters_that_match_no_agreement(page: Page, traffic):
    # The 18 agreements are imported but have no sector: with a sector chosen none matches, and the page must
    # not tell the user to import them.
    open_page(page, "/localisation?sector=protection")
    section = page.locator("section.report-section").filter(
        has=page.locator("h3", has_text="Financement des partenaires nationaux et locaux"))
    assert "n'est importé" not in section.inner_text()


def test_change_with_a_single_period(page: Page, traffic):
    text = open_page(page, "/evolution")
    assert text.startswith("Une seule période de rapportage est importée (décembre 2023)")
    assert "importez une autre période" in text
    assert traffic.external_urls() == []


def test_membership_says_how_to_import_a_list(page: Page, traffic):
    text = open_page(page, "/membres")
    assert text.startswith("Aucune liste de membres des clusters n'est importée. Importez-en une")
    assert page.locator("#membership-upload-link").get_attribute("href").startswith("/imports")
    assert page.locator("#analysis-summary code").inner_text() == "python -m dashboard import-memberships FICHIER.xlsx"
    assert traffic.external_urls() == []


@pytest.fixture
def decisions(sample_settings):
    """The duplicate decisions table of the session's database; decisions a test adds are deleted after it,
    so the other tests see the queue as imported."""
    engine = make_engine(sample_settings.database_url)
    with engine.connect() as connection:
        before = set(connection.execute(text("SELECT group_key FROM duplicate_decision")).scalars())

    def stored() -> dict[str, tuple[str, str]]:
        with engine.connect() as connection:
            return {key: (decision, who) for key, decision, who in connection.execute(
                text("SELECT group_key, decision, decided_by FROM duplicate_decision"))}

    try:
        yield stored
    finally:
        with engine.begin() as connection:
            for key in set(stored()) - before:
                connection.execute(text("DELETE FROM duplicate_decision WHERE group_key = :key"), {"key": key})
        engine.dispose()


def test_the_public_is_asked_to_log_in_for_the_duplicate_review(page: Page, traffic):
    page.goto("/doublons")
    page.locator("#access-refused").wait_for()
    assert page.locator("#access-refused p").first.inner_text() == "Cette page demande une connexion."
    assert page.locator("nav.pages a", has_text="Doublons").count() == 0
    assert page.locator("#login-prompt").get_attribute("href") == "/login?next=%2Fdoublons&lang=fr"


def test_the_samples_rows_without_activity_or_dates_are_not_proposed(page: Page, traffic, workbook, decisions, log_in):
    # Independently: groups of two rows or more with the same organisation, sector and place (the file has no
    # activity text, dates or partner, and one period): 1 884 groups holding 15 814 rows. Nothing says such
    # rows are the same work: none is proposed, they are counted apart and have no decision button.
    sizes = workbook.groupby(["org", "sector", "place"]).size()
    assert ((sizes >= 2).sum(), sizes[sizes >= 2].sum()) == (1_884, 15_814)
    log_in("imo")
    opened = open_page(page, "/doublons")
    assert numbers(opened)[:4] == [0, 0, 1_884, 15_814], opened
    assert "n'ont ni activité ni dates" in opened
    choose(page, page_param("status"), "Sans activité ni dates")
    listed = wait_for_summary_change(page, opened)
    assert numbers(listed)[:2] == [1_884, 15_814]
    assert table_total(page) == 1_884
    assert page.locator("#analysis-table button.decision-button").count() == 0
    assert decisions() == {}


def test_cercle_brief(page: Page, traffic, workbook, communes):
    initial = open_page(page, "/fiche")
    assert initial == "Choisissez un cercle dans le filtre « Zone » pour obtenir sa fiche."
    assert page.locator("#printable-brief").count() == 0

    choose(page, "#area", "Bankass (Mopti)")
    brief = wait_for_summary_change(page, initial)
    assert brief.startswith("Cercle de Bankass (région de Mopti), décembre 2023 :")
    # Bankass: 54 organisations, 12 of them national NGOs, under the plain reading (and 54 organisations too
    # when every row is read by its commune code).
    rows = workbook[workbook["cercle"] == BANKASS]
    expected = [rows["org"].nunique(), rows.loc[rows["national"], "org"].nunique()]
    assert expected == [54, 12]
    assert workbook.loc[workbook["of_commune"] == BANKASS, "org"].nunique() == expected[0]
    assert numbers(brief)[1:3] == expected
    # The map shows Bankass's 12 communes (COD-AB 2021).
    bankass_communes = set(communes.loc[communes["ADM2_PCODE"] == BANKASS, "ADM3_PCODE"])
    assert len(bankass_communes) == 12
    assert set(wait_for_map(page, 12)["locations"]) == bankass_communes
    # the printable version of this brief, and of every brief of its region, with the same filters
    assert page.locator("#printable-brief").inner_text() == "Version imprimable (A4)"
    assert "/fiches?" in page.locator("#printable-brief").get_attribute("href")
    assert "area=ML0502" in page.locator("#printable-brief").get_attribute("href")
    assert "area=ML05&" in page.locator("#printable-region").get_attribute("href") + "&"
    assert "area=ML0502" in page.url
    assert traffic.external_urls() == []


def test_url_keeps_the_filters_and_the_download_matches(page: Page, traffic, base_url):
    initial = open_page(page, "/lacunes")
    assert page.locator("#level input[value='2']").is_checked()  # the gaps open at cercle level
    choose(page, "#sector", "Protection")
    shown = wait_for_summary_change(page, initial)
    choose(page, page_param("without"), "ONG nationale")
    shown = wait_for_summary_change(page, shown)

    query = dict(pair.split("=", 1) for pair in page.url.split("?", 1)[1].split("&"))
    assert query == {"level": "2", "period": "2023-12", "sector": "protection", "without": "ngo_national"}
    search = "?" + page.url.split("?", 1)[1]
    csv_link = page.locator(".downloads a", has_text="CSV").first
    assert csv_link.get_attribute("href") == "/export/gaps.csv" + search
    assert page.locator(".downloads a", has_text="XLSX").first.get_attribute("href") == "/export/gaps.xlsx" + search

    # The copied link, opened in a new tab, shows the same view.
    other = page.context.new_page()
    try:
        assert open_page(other, page.url) == shown
        assert other.locator("#level input[value='2']").is_checked()
    finally:
        other.close()

    # The CSV download holds the whole table the page counts.
    rows = read_export(base_url, csv_link.get_attribute("href"))
    assert len(rows) == table_total(page) == numbers(shown)[0]
    # Communes chosen on a page that opens at cercles: the address says so, and the link opens at communes.
    page.locator("#level").get_by_label("Commune", exact=True).check()
    wait_for_summary_change(page, shown)
    assert "level=3" in page.url
    other = page.context.new_page()
    try:
        assert "communes sur 701" in open_page(other, page.url)
        assert other.locator("#level input[value='3']").is_checked()
    finally:
        other.close()
    assert traffic.external_urls() == []


def test_english_page(page: Page, traffic):
    text = open_page(page, "/lacunes?lang=en")
    assert page.locator("h1").inner_text() == "Who does what where in Mali (3W)"
    assert page.locator("nav.pages a.active").inner_text() == "Gaps"
    assert re.match(r"^\d[\d,\s]* gaps \(no organisation\) among \d[\d,\s]* unit × sector cells, in \d[\d,\s]* of 53 "
                    r"cercles;", text), text
    assert page.locator("#sector-label").inner_text().startswith("Sector (cluster)")
    assert page.locator(".downloads span").first.inner_text() == "Download the table:"
    assert re.match(r"^\d+ rows shown of [\d,]+", page.locator("#analysis-table p.hint").first.inner_text())
    assert page.locator("nav.pages a").first.get_attribute("href").endswith("lang=en")
    assert traffic.external_urls() == []


# ---------------------------------------------------------------- presence overview and sector matrix

#: the file's Cluster texts, as the matrix names them
FILE_SECTORS = {"Santé": "Santé", "Protection": "Protection", "Education": "Éducation",
                "Sécurité Alimentaire": "Sécurité alimentaire", "Nutrition": "Nutrition",
                "EHA": "Eau, hygiène et assainissement (EHA)", "Abris": "Abris et articles ménagers essentiels",
                "Coordination": "Coordination"}


def figure_text(page: Page, figure_id: str) -> str:
    return page.locator(f"#{figure_id}").inner_text()


def bars(page: Page, chart_id: str) -> list[tuple[str, str]]:
    chart = page.locator(f"#{chart_id} .bar-row")
    return list(zip(chart.locator(".bar-label").all_inner_texts(), chart.locator(".bar-value").all_inner_texts()))


def test_presence_key_figures_and_charts(page: Page, traffic, workbook, communes):
    page.goto("/")
    page.wait_for_selector("#figure-organisations")
    # Organisations and national NGOs: the canonical organisations of the file and their majority type
    majority = workbook.groupby("org")["Type Organisation"].agg(lambda types: types.value_counts().index[0])
    assert number(figure_text(page, "figure-organisations")) == workbook["org"].nunique() == 154
    national_text = figure_text(page, "figure-national")
    assert numbers(national_text)[:2] == [(majority == "ONG Nat").sum(), 39] == [60, 39]
    # Communes covered: those where a row names the commune (the finest code of the plain reading)
    covered = set(workbook["place"]) & set(communes["ADM3_PCODE"])
    assert numbers(figure_text(page, "figure-covered"))[:2] == [len(covered), len(communes)]
    assert "décembre 2023" in figure_text(page, "figure-period")

    # By type: the majority types' counts, largest bar first in the vocabulary's order
    by_type = {label: numbers(value)[0] for label, value in bars(page, "chart-by-type")}
    assert sorted(by_type.values(), reverse=True) == sorted(majority.value_counts().tolist(), reverse=True)
    assert by_type["ONG nationale"] == 60 and sum(by_type.values()) == 154
    # By sector: national NGOs / organisations per Cluster text of the file
    by_sector = dict(bars(page, "chart-by-sector"))
    for cluster, label in FILE_SECTORS.items():
        rows = workbook[workbook["sector"] == cluster]
        expected = f"{rows.loc[rows['national'], 'org'].nunique()} / {rows['org'].nunique()}"
        assert by_sector[label] == expected, cluster
    # The most present: communes where each organisation has a row, the ten largest counts
    per_org = (workbook[workbook["place"].isin(covered)].groupby("org")["place"].nunique()
               .sort_values(ascending=False))
    top = bars(page, "chart-top")
    assert [number(value) for _, value in top] == per_org.head(10).tolist()
    acronyms = workbook.groupby("org")["Organisation Accronyme"].agg(lambda values: values.mode().iloc[0])
    assert top[0][0] == acronyms[per_org.index[0]]

    # Filters change every figure and chart: Protection (48 organisations, 26 national NGOs)
    choose(page, "#sector", "Protection")
    page.wait_for_function("() => document.querySelector('#figure-organisations .figure-value').innerText === '48'")
    assert numbers(figure_text(page, "figure-national"))[0] == 26
    assert dict(bars(page, "chart-by-sector")) == {"Protection": "26 / 48"}
    links = page.locator("#chart-top a", has_text="CSV")
    page.wait_for_function("() => document.querySelector('#chart-top a').href.includes('sector=protection')")
    assert "top_organisations.csv" in links.get_attribute("href")
    assert traffic.external_urls() == []


def test_sector_matrix_by_cercle(page: Page, traffic, workbook, cercles, base_url):
    page.goto("/matrice")
    page.wait_for_selector("#sector-matrix tbody tr")
    headers = page.locator("#sector-matrix thead th").all_inner_texts()
    rows = {cells[0]: cells for cells in (row.locator("td").all_inner_texts()
                                          for row in page.locator("#sector-matrix tbody tr").all())}
    assert set(rows) == cercles  # every cercle, those without anyone included
    everyone = workbook.groupby("cercle")["org"].nunique()
    for code, cells in rows.items():
        assert number(cells[headers.index("Organisations présentes")]) == everyone.get(code, 0), code
    for cluster, label in FILE_SECTORS.items():
        counts = workbook[workbook["sector"] == cluster].groupby("cercle")["org"].nunique()
        got = {code: number(cells[headers.index(label)]) for code, cells in rows.items()}
        assert got == {code: int(counts.get(code, 0)) for code in cercles}, cluster
    # the summary counts the empty cells: 53 cercles x 8 sectors, less the pairs where someone works
    pairs = workbook.groupby(["cercle", "sector"]).ngroups
    assert numbers(summary(page))[:4] == [53, 8, 53 * 8 - pairs, 53 * 8]
    assert page.locator("#sector-matrix td.empty").count() == 53 * 8 - pairs
    # the download has the same table, sectors in columns
    href = page.locator(".downloads a", has_text="CSV").first.get_attribute("href")
    assert "sector_matrix.csv" in href
    exported = read_export(base_url, href)
    assert len(exported) == 53
    assert traffic.external_urls() == []


def test_the_brief_map_names_the_communes_of_its_cercle(page: Page, traffic, communes):
    page.goto(f"/fiche?area={BANKASS}")
    page.wait_for_function(f"() => {{ const p = document.querySelector('{MAP}');"
                           " return p && p.data && p.data.length === 2; }")
    written = page.evaluate(f"() => Array.from(document.querySelector('{MAP}').data[1].text)")
    # the names of the cercle's communes in COD-AB 2021, each once
    expected = communes.loc[communes["ADM2_PCODE"] == BANKASS, "ADM3_FR"]
    assert sorted(written) == sorted(expected) and len(written) == 12
    # drawn as text on the map, not only in the hover
    page.wait_for_function(f"() => document.querySelectorAll('{MAP} g.trace.scattergeo text').length === 12")
    shown = page.locator(f"{MAP} g.trace.scattergeo text").all_text_contents()
    assert sorted(shown) == sorted(expected)
    assert traffic.external_urls() == []


def test_every_cercle_of_a_region_prints_on_one_a4_page(page: Page, traffic, cercles):
    # From the brief of Bankass, the link to all the briefs of its region (Mopti)
    page.goto(f"/fiche?area={BANKASS}")
    page.locator("#printable-region").click()
    page.wait_for_selector(".brief-sheet")
    assert "area=ML05" in page.url
    mopti = sorted(code for code in cercles if code.startswith("ML05"))
    assert len(mopti) == 8
    page.wait_for_function("n => document.querySelectorAll('.brief-sheet .js-plotly-plot').length === n", arg=8)
    sheets = page.locator(".brief-sheet")
    assert [sheet.get_attribute("id") for sheet in sheets.all()] == [f"brief-{code}" for code in mopti]
    page.emulate_media(media="print")
    # on paper: no navigation, no header, no buttons; each sheet has its headings, below its map
    for hidden in (".pages", ".app-header", ".print-bar"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for sheet in sheets.all():
        headings = sheet.locator("h3").all_inner_texts()
        assert headings[0] == "Communes sans organisation, par secteur" and len(headings) == 3
        map_box = sheet.locator(".brief-map").bounding_box()
        heading_box = sheet.locator("h3").first.bounding_box()
        assert map_box["y"] + map_box["height"] <= heading_box["y"] + 1
    # one A4 page per cercle: the PDF Chromium prints has as many pages as the region has cercles
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 8
    assert traffic.external_urls() == []


def test_the_printout_asks_for_an_area(page: Page):
    page.goto("/fiches")
    assert "Choisissez une région" in page.locator("#brief-print-choose").inner_text()
