"""The map page in a real browser: what a coordinator sees and does on it.

Expected numbers are computed here independently of the dashboard code: the organisation counts from the
sample workbook with pandas (and a small union of acronym/name keys), the unit counts from the COD-AB 2021
shapefiles; a unit is clicked at a point the browser itself finds inside the unit's drawn SVG path.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

SAMPLE = Path("ocha_mli_3w_2023_12") / "operational_presence_mli_mali_3w_december_2023.xlsx"
BOUNDARIES = Path("ocha_cod_ab_mli_2021")
PLOT = "#presence-map .js-plotly-plot"
#: Kita (ML0105, region Kayes), a large cercle whose sample rows all agree on their codes (checked below),
#: so the organisations the app lists there can be counted straight from the workbook.
KITA = "ML0105"
LEVEL_LABELS_FR = {1: "Région", 2: "Cercle", 3: "Commune"}


# ---------------------------------------------------------------- independent expectations

def _key(value) -> str | None:
    """Case-folded text with spacing collapsed; empty cells give None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split()).casefold()
    return text or None


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first, second):
        self.parent[self.find(first)] = self.find(second)


@pytest.fixture(scope="session")
def sample(mirror: Path) -> pd.DataFrame:
    """The sample's rows, each with ``org``: one id per organisation, two rows being the same organisation
    when their acronyms are equal case-folded or their names are (linked across the whole file)."""
    frame = pd.read_excel(mirror / SAMPLE, sheet_name="ML_5W", engine="calamine", header=0, skiprows=[1])
    acronyms = frame["Organisation Accronyme"].map(_key)
    names = frame["Nom Organisation"].map(_key)
    links = _Union()
    for acronym, name in zip(acronyms, names):
        if acronym and name:
            links.union(("acronym", acronym), ("name", name))
    frame["org"] = [links.find(("acronym", acronym)) if acronym else links.find(("name", name)) if name else None
                    for acronym, name in zip(acronyms, names)]
    frame["acronym_key"], frame["name_key"] = acronyms, names
    return frame


@pytest.fixture(scope="session")
def unit_counts(mirror: Path) -> dict[int, int]:
    """Number of units per level in the COD-AB 2021 shapefiles: {1: 10, 2: 53, 3: 701}."""
    import pyogrio

    return {level: pyogrio.read_info(mirror / BOUNDARIES / f"mli_admbnda_adm{level}_1m_gov_20211220.shp")["features"]
            for level in (1, 2, 3)}


# ---------------------------------------------------------------- page helpers

def trace(page: Page) -> dict:
    """The map trace as the browser holds it (locations, colour categories, geometry reference)."""
    return page.evaluate(f"""() => {{
        const trace = document.querySelector('{PLOT}').data[0];
        return {{locations: Array.from(trace.locations), z: Array.from(trace.z), geojson: trace.geojson}};
    }}""")


def open_map(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.wait_for_selector("#presence-map .choroplethlocation")
    page.wait_for_function(f"() => {{ const p = document.querySelector('{PLOT}'); return p && p.data && p.data.length; }}")


def summary(page: Page) -> str:
    return page.locator("#map-summary").inner_text()


def wait_for_summary_change(page: Page, before: str) -> str:
    page.wait_for_function("before => document.querySelector('#map-summary').innerText !== before", arg=before)
    return summary(page)


def wait_for_locations(page: Page, count: int) -> None:
    """Wait until the map holds ``count`` units and has drawn them.

    plotly fetches a new level's geometry asynchronously: the figure's locations change first and the SVG
    paths come later, so the drawn paths are what a click can rely on."""
    page.wait_for_function(f"""n => {{
        const locations = document.querySelector('{PLOT}').data[0].locations;
        if (locations.length !== n) return false;
        const wanted = new Set(locations);
        const drawn = [...document.querySelectorAll('#presence-map .choroplethlocation')]
            .filter(path => path.__data__ && wanted.has(path.__data__.loc));
        return drawn.length === n;
    }}""", arg=count)


def organisations_in_summary(text: str) -> int:
    match = re.match(r"(\d+) organisations", text)
    assert match, f"the summary does not start with the number of organisations: {text!r}"
    return int(match.group(1))


def rows_in_summary(text: str) -> int:
    """The number of 3W rows the summary reports (written with a thousands separator, e.g. "24 088")."""
    match = re.search(r"(\d[\d\s\u00a0\u202f.,]*) (?:lignes 3W|3W rows)", text)
    assert match, f"the summary does not give the number of 3W rows: {text!r}"
    return int(re.sub(r"\D", "", match.group(1)))


def choose_option(page: Page, dropdown_id: str, label: str) -> None:
    """Open a Dash 4 dropdown, tick the option with exactly this label, close the list."""
    page.locator(f"#{dropdown_id}").click()
    option = page.locator(".dash-dropdown-option").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    option.click()
    page.keyboard.press("Escape")


def choose_level(page: Page, level: int) -> None:
    page.locator("#level").get_by_label(LEVEL_LABELS_FR[level], exact=True).check()


def unit_pixel(page: Page, pcode: str) -> tuple[float, float]:
    """A point inside the unit as drawn (its SVG path), nearest its box's centre, in page coordinates."""
    point = page.evaluate("""pcode => {
        const path = [...document.querySelectorAll('#presence-map .choroplethlocation')]
            .find(element => element.__data__ && element.__data__.loc === pcode);
        const box = path.getBBox(), probe = path.ownerSVGElement.createSVGPoint(), matrix = path.getScreenCTM();
        let best = null;
        for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
            probe.x = box.x + box.width * i / 40; probe.y = box.y + box.height * j / 40;
            const distance = Math.abs(i - 20) + Math.abs(j - 20);
            if (path.isPointInFill(probe) && (!best || distance < best.distance))
                best = {distance, x: probe.x * matrix.a + probe.y * matrix.c + matrix.e,
                        y: probe.x * matrix.b + probe.y * matrix.d + matrix.f};
        }
        return best;
    }""", pcode)
    assert point, f"no point inside the drawn unit {pcode}"
    return point["x"], point["y"]


def click_unit(page: Page, pcode: str, name: str) -> None:
    """Hover the unit until the map's tooltip names it, then click it."""
    x, y = unit_pixel(page, pcode)
    for attempt in range(30):
        page.mouse.move(x + (attempt % 3) - 1, y)
        try:
            page.wait_for_function(
                """name => [...document.querySelectorAll('#presence-map .hoverlayer .hovertext')]
                           .some(label => label.textContent.includes(name))""", arg=name, timeout=400)
            break
        except PlaywrightTimeout:
            continue
    else:
        pytest.fail(f"hovering ({x:.0f}, {y:.0f}) never showed {name} in the map tooltip")
    page.mouse.click(x + (attempt % 3) - 1, y)


def wait_for_answers(page: Page, traffic, first: int, predicate, timeout: float = 5.0) -> list:
    """The Dash callback answers recorded since index ``first``, once ``predicate(answers)`` holds."""
    for _ in range(int(timeout / 0.05)):
        answers = traffic.dash_responses[first:]
        if predicate(answers):
            return answers
        page.wait_for_timeout(50)  # lets Playwright deliver the pending network events
    pytest.fail(f"the expected Dash answers never came: {[answer.request_body for answer in answers]}")


# ---------------------------------------------------------------- tests

def test_page_opens_in_french_with_the_commune_map(page: Page, traffic, sample, unit_counts):
    open_map(page)

    assert page.locator("h1").inner_text() == "Qui fait quoi où au Mali (3W)"
    # the sample's round, published by the set-up today: the public sees it, with its publication date
    assert page.locator("#data-facts li").first.inner_text() == (
        f"Données au : décembre 2023 (publié le {datetime.now(UTC):%d/%m/%Y})")
    figure = trace(page)
    assert unit_counts[3] == 701
    assert len(figure["locations"]) == unit_counts[3]
    assert len(set(figure["locations"])) == unit_counts[3]
    assert len(figure["z"]) == unit_counts[3]
    # Geometry travels by URL (fetched once, cacheable), never inside the figure.
    assert isinstance(figure["geojson"], str) and "/geo/adm3.json" in figure["geojson"]
    # 154 organisations in the whole sample (acronyms or names equal once case-folded are one organisation).
    assert sample["org"].nunique() == 154
    assert organisations_in_summary(summary(page)) == sample["org"].nunique()
    # Every one of the sample's 24 088 rows is accepted, so all of them are counted.
    assert rows_in_summary(summary(page)) == len(sample) == 24_088
    assert page.locator("#unit-table").inner_text().startswith("Cliquez sur une unité")
    assert traffic.external_urls() == []
    # the map is drawn by the plotly.js partial bundle served from assets/, not the full 1.5 MB gzip plotly.js
    scripts = [url for url in traffic.urls if "plotly" in url]
    assert any("/assets/plotly-geo.min.js" in url for url in scripts), scripts
    assert not any("package_data/plotly.min.js" in url for url in scripts), scripts


def test_sector_filter_recolours_the_map_with_a_small_answer(page: Page, traffic, sample):
    open_map(page)
    before, before_summary = trace(page), summary(page)
    before_z = before["z"]
    answers_before = len(traffic.dash_responses)

    choose_option(page, "sector", "Protection")
    after_summary = wait_for_summary_change(page, before_summary)
    page.wait_for_function(f"before => JSON.stringify(Array.from(document.querySelector('{PLOT}').data[0].z)) "
                           "!== before", arg=json.dumps(before_z))

    # Protection rows of the sample: 48 distinct organisations (acronym/name union over the whole file).
    protection_rows = sample[sample["Cluster"].str.strip() == "Protection"]
    protection = protection_rows["org"].nunique()
    assert protection == 48
    assert organisations_in_summary(after_summary) == protection
    assert rows_in_summary(after_summary) == len(protection_rows) == 5_760
    after = trace(page)
    assert after["z"] != before_z
    assert len(after["z"]) == len(before_z)
    assert after["locations"] == before["locations"]

    # The filter change sends colours and counts only: no geometry, a few kilobytes; the key figures and the
    # three charts below the map come in their own answer, of a few kilobytes too (before compression).
    answers = wait_for_answers(page, traffic, answers_before,
                               lambda got: any("map-summary" in answer.text for answer in got)
                               and any("presence-overview" in answer.text for answer in got))
    answers = [answer for answer in answers if '"sector.value"' in answer.request_body]
    assert len([answer for answer in answers if "map-summary" in answer.text]) == 1
    for answer in answers:
        assert answer.status in (200, 204)
        assert "coordinates" not in answer.text
        assert answer.size < (20_000 if "presence-overview" in answer.text else 10_000), answer.size
    assert traffic.external_urls() == []


def test_level_choice_redraws_cercles_and_regions(page: Page, traffic, unit_counts):
    open_map(page)
    answers_before = len(traffic.dash_responses)
    # The COD-AB 2021 shapefiles hold 53 cercles and 10 regions.
    assert (unit_counts[2], unit_counts[1]) == (53, 10)

    choose_level(page, 2)
    wait_for_locations(page, unit_counts[2])
    figure = trace(page)
    assert len(set(figure["locations"])) == 53 and all(re.fullmatch(r"ML\d{4}", code) for code in figure["locations"])
    assert "/geo/adm2.json" in figure["geojson"]

    choose_level(page, 1)
    wait_for_locations(page, unit_counts[1])
    figure = trace(page)
    assert len(set(figure["locations"])) == 10 and all(re.fullmatch(r"ML\d{2}", code) for code in figure["locations"])
    assert "/geo/adm1.json" in figure["geojson"]
    # A new level sends a new figure, but its geometry is a URL, not polygons.
    answers = [answer for answer in traffic.dash_responses[answers_before:] if '"level.value"' in answer.request_body]
    assert answers and all("coordinates" not in answer.text for answer in answers)
    assert traffic.external_urls() == []


def test_clicking_a_cercle_lists_who_is_present(page: Page, traffic, base_url, sample):
    # Kita's rows agree on their codes: every row naming cercle ML0105 has no commune or one of Kita's, and
    # no row places a commune of Kita in another cercle. So who is present there is read from admin2Pcod.
    admin2 = sample["admin2Pcod"].astype(str).str.strip()
    admin3 = sample["admin3Pcod"].astype("string").str.strip()
    in_kita = admin2 == KITA
    assert (admin3[in_kita].isna() | admin3[in_kita].str.startswith(KITA)).all()
    assert not (admin3.str.startswith(KITA).fillna(False) & ~in_kita).any()
    kita_orgs = set(sample.loc[in_kita, "org"])
    # 17 organisations work in Kita in the December 2023 sample.
    assert len(kita_orgs) == 17

    open_map(page)
    choose_level(page, 2)
    wait_for_locations(page, 53)
    click_unit(page, KITA, "Kita")

    table = page.locator("#unit-table")
    title = table.locator("h3")
    title.wait_for()
    assert title.inner_text() == "Qui est présent à Kita"
    assert table.locator("h4").all_inner_texts() == [f"Présentes dans l'unité : {len(kita_orgs)}"]
    rows = table.locator("tbody tr")
    assert rows.count() == len(kita_orgs)
    # Each listed organisation is one of Kita's, and none is listed twice.
    by_acronym = dict(zip(sample["acronym_key"], sample["org"]))
    by_name = dict(zip(sample["name_key"], sample["org"]))
    listed = []
    for cells in (row.locator("td").all_inner_texts() for row in rows.all()):
        acronym, name = _key(cells[0]), _key(cells[1])
        listed.append(by_acronym.get(acronym) if acronym else by_name.get(name))
    assert set(listed) == kita_orgs and len(listed) == len(kita_orgs)
    assert traffic.external_urls() == []


def test_english_page(page: Page, traffic, sample):
    open_map(page, "/?lang=en")

    assert page.locator("h1").inner_text() == "Who does what where in Mali (3W)"
    assert page.locator("#data-facts li").first.inner_text() == (
        f"Data as of: December 2023 (published on {datetime.now(UTC):%Y-%m-%d})")
    assert organisations_in_summary(summary(page)) == sample["org"].nunique()
    assert len(trace(page)["locations"]) == 701
    assert traffic.external_urls() == []


def test_open_data_links_follow_the_filters(page: Page, traffic):
    """Under the map: HDX HAPI's operational presence for the public (the whole 3W is for logged-in users), its
    link kept current with the filters, and the file it gives holds the chosen sector only, under HAPI's code."""
    open_map(page)
    links = page.locator(".open-data a")
    assert links.all_inner_texts() == ["CSV", "XLSX"]
    choose_option(page, "sector", "Protection")
    page.wait_for_function("() => document.querySelector('.open-data a').getAttribute('href')"
                           ".includes('sector=protection')")
    href = links.first.get_attribute("href")
    assert href.startswith("/export/hapi_operational_presence.csv?")
    lines = page.request.get(href).text().splitlines()
    assert lines[1].startswith("#country+code,#meta+has_hrp")
    assert {line.split(",")[-4] for line in lines[2:]} == {"PRO"}  # sector_code, the 4th column from the end
    assert traffic.external_urls() == []
