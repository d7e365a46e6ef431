"""Need against presence on the real sample with the real HNO 2024 imported: gaps ranked by people in need, the
need-coverage report, and the command line, against independent pandas counts of the two files."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cli
from dashboard.domain.roles import SYSTEM
from dashboard.geo.boundaries import load_admin_units
from dashboard.manifest import dataset_by_role
from dashboard.ingest.needs import import_needs
from dashboard.reports import params_from_query, report_notes, run_report
from dashboard.reports.snapshot import DashboardData, food_insecurity_of, population_of
from tests.conftest import sample_copy
from tests.independent import placed_rows, read_sample

#: the HNO file as the data manifest lists it
HNO = dataset_by_role("needs").path(Path("."))
#: HNO sector codes of the sectors the 3W reports, as the README maps them
HNO_SECTORS = {"HEA": "health", "EDU": "education", "NUT": "nutrition", "SHL": "shelter_nfi", "WSH": "wash",
               "FSC": "food_security", "PRO": "protection"}


@pytest.fixture(scope="module")
def with_needs(sample_settings, mirror, tmp_path_factory):
    """A copy of the sample installation with the HNO imported: its settings and its data."""
    settings, engine = sample_copy(sample_settings, tmp_path_factory.mktemp("needs"))
    import_needs(engine, mirror / HNO, year=2024, source="OCHA HPC")
    yield settings, DashboardData(engine, population=population_of(settings, engine),
                                  food_insecurity=food_insecurity_of(settings, engine))
    engine.dispose()


@pytest.fixture(scope="module")
def snapshot(with_needs):
    return with_needs[1].snapshot(SYSTEM)


@pytest.fixture(scope="module")
def hno_totals(mirror) -> pd.DataFrame:
    frame = pd.read_csv(mirror / HNO, skiprows=[1], dtype=str)
    frame = frame[(frame["Gender"] == "a") & (frame["Age Range"] == "ALL") & (frame["Population Group"] == "ALL")]
    return frame.assign(people_in_need=frame["In Need"].astype(float))


@pytest.fixture(scope="module")
def cercle_presence(sample_path, mirror) -> pd.DataFrame:
    """Organisations present per cercle and sector, counted on the workbook: rows at cercle level or finer."""
    rows = placed_rows(read_sample(sample_path), load_admin_units(mirror))
    rows = rows[rows["location_level"] >= 2]
    return rows.groupby(["adm2_pcode", "sector_code"])["org"].nunique()


def test_gaps_are_ranked_by_people_in_need_of_the_cercle_and_sector(snapshot, hno_totals, cercle_presence):
    gaps = run_report("gaps", snapshot, params_from_query({"level": "2"}))
    cercles = hno_totals[hno_totals["Admin 2 PCode"].notna() & hno_totals["Sector"].isin(HNO_SECTORS)]
    expected = cercles.assign(sector_code=cercles["Sector"].map(HNO_SECTORS)).set_index(
        ["Admin 2 PCode", "sector_code"])["people_in_need"]
    known = gaps[gaps["people_in_need_known"]]
    assert len(known) > 0
    for row in known.itertuples():
        assert row.people_in_need == expected[(row.pcode, row.sector_code)]
        assert cercle_presence.get((row.pcode, row.sector_code), 0) == 0  # a gap: nobody there
    # most people in need first; cells the HNO gives no figure for (by region only) last
    assert known["people_in_need"].is_monotonic_decreasing
    assert not gaps["people_in_need_known"].iloc[len(known):].any()
    assert gaps.iloc[0][["pcode", "sector_code"]].tolist() == list(
        expected[[key for key in expected.index if cercle_presence.get(key, 0) == 0]].idxmax())
    # the population is still given
    assert gaps.set_index("pcode").loc["ML0101", "population"].iloc[0] == snapshot.population.set_index(
        "pcode").loc["ML0101", "population"]
    notes = report_notes("gaps", snapshot, params_from_query({"level": "2", "lang": "en"}))
    assert any("HNO 2024" in note and "download-hno-data-mli.csv" in note for note in notes)


def test_asked_for_population_the_ranking_is_as_before(snapshot):
    by_population = run_report("gaps", snapshot, params_from_query({"level": "2", "rank": "population"}))
    assert "people_in_need" not in by_population
    assert by_population["population"].dropna().is_monotonic_decreasing


def test_need_coverage_counts_organisations_as_the_workbook_does(snapshot, hno_totals, cercle_presence):
    table = run_report("need_coverage", snapshot, params_from_query({"level": "2"}))
    sectors = table[~table["intersectoral"]]
    cercles = hno_totals[hno_totals["Admin 2 PCode"].notna() & hno_totals["Sector"].isin(HNO_SECTORS)]
    assert len(sectors) == len(cercles)  # every cercle x sector figure, none invented
    for row in sectors.itertuples():
        present = cercle_presence.get((row.pcode, row.sector_code), 0)
        assert row.organisations == present, (row.pcode, row.sector_code)
        if present:
            assert row.people_in_need_per_organisation == round(row.people_in_need / present)
    # nobody present first, then the most people in need per organisation
    nobody = table["organisations"] == 0
    assert not nobody.iloc[nobody.sum():].any()
    assert table.loc[~nobody, "people_in_need_per_organisation"].is_monotonic_decreasing
    # the intersectoral figure of each cercle, against the organisations of every sector
    intersectoral = table[table["intersectoral"]].set_index("pcode")
    assert len(intersectoral) == 53
    all_sectors = hno_totals[hno_totals["Admin 2 PCode"].notna() & (hno_totals["Sector"] == "ALL")]
    assert intersectoral["people_in_need"].sum() == all_sectors["people_in_need"].sum() == 7_107_192


def test_a_region_without_its_own_figure_has_the_sum_of_its_cercles(snapshot, hno_totals):
    table = run_report("need_coverage", snapshot, params_from_query({"level": "1", "sector": "health,food_security"}))
    kayes = table[table["pcode"] == "ML01"].set_index("sector_code")
    health = hno_totals[(hno_totals["Sector"] == "HEA") & hno_totals["Admin 2 PCode"].fillna("").str.startswith("ML01")]
    assert kayes.loc["health", "people_in_need"] == health["people_in_need"].sum()
    assert bool(kayes.loc["health", "from_finer"])
    food = hno_totals[(hno_totals["Sector"] == "FSC") & (hno_totals["Admin 1 PCode"] == "ML01")
                      & hno_totals["Admin 2 PCode"].isna()]
    assert kayes.loc["food_security", "people_in_need"] == food["people_in_need"].sum() == 180_293
    assert not bool(kayes.loc["food_security", "from_finer"])


def test_command_line_gaps_rank_need_and_need_coverage(with_needs, monkeypatch, capsys):
    settings, _ = with_needs
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(settings.data_mirror))
    assert cli.main(["gaps", "--level", "2", "--rank", "need", "--lang", "en"]) == 0
    output = capsys.readouterr().out
    printed = pd.read_csv(io.StringIO(output), comment="#")
    assert printed["people_in_need"].iloc[0] == printed["people_in_need"].max()
    assert "HNO 2024" in output
    assert cli.main(["need-coverage", "--level", "2", "--sector", "wash", "--area", "ML05"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert set(printed["sector_code"]) == {"wash"} and printed["pcode"].str.startswith("ML05").all()


def test_without_needs_gaps_are_ranked_by_population_and_say_why(sample_snapshot):
    params = params_from_query({"level": "2", "rank": "need", "lang": "en"})
    gaps = run_report("gaps", sample_snapshot, params)
    assert "people_in_need" not in gaps and gaps["population"].dropna().is_monotonic_decreasing
    assert any("No needs (HNO) are imported" in note for note in report_notes("gaps", sample_snapshot, params))


def test_the_lacunes_page_ranks_by_need_and_shows_the_need_coverage(snapshot, sample_snapshot):
    from dashboard.layouts.analysis_page import content
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.coverage_pages import GAPS
    from tests.integration.test_reports_sample import page_texts
    view = MapView(lambda level: f"/geo/adm{level}.json")
    params = params_from_query({"level": "2"})
    shown = content(GAPS, snapshot, params, view)
    table = page_texts(shown.table)
    assert "Personnes dans le besoin" in table
    gaps = run_report("gaps", snapshot, params)
    first = gaps.iloc[0]
    # the first row of the page's table is the gap with most people in need, with its figure
    assert table.index(first["name"]) < table.index(gaps.iloc[1]["name"]) or first["name"] == gaps.iloc[1]["name"]
    assert f"{int(first['people_in_need']):,}".replace(",", "\u202f") in table
    extra = page_texts(shown.extra)
    assert "Besoins et présence" in extra and "Personnes dans le besoin par organisation présente" in extra
    summary = " ".join(page_texts(shown.summary))
    assert "HNO 2024" in summary and "Classées par personnes dans le besoin (HNO)" in summary
    assert "Classées par population" not in summary
    controls = str(GAPS.controls(snapshot, params))
    assert "'name': 'rank'" in controls
    # without needs, the page is as it was: no section, no ranking control
    assert page_texts(content(GAPS, sample_snapshot, params, view).extra) == []
    assert "'name': 'rank'" not in str(GAPS.controls(sample_snapshot, params))


def test_the_need_map_colours_people_in_need_per_organisation(snapshot, sample_snapshot, sample_path, mirror,
                                                              hno_totals):
    from dashboard.layouts.coverage_pages import GAPS
    from dashboard.layouts.needs_section import NEED_BINS, NOBODY
    rows = placed_rows(read_sample(sample_path), load_admin_units(mirror))
    per_cercle = rows[rows["location_level"] >= 2].groupby("adm2_pcode")["org"].nunique()
    need = hno_totals[hno_totals["Admin 2 PCode"].notna() & (hno_totals["Sector"] == "ALL")].set_index(
        "Admin 2 PCode")["people_in_need"]
    layer = GAPS.map_layer(snapshot, params_from_query({"level": "2", "map": "need", "lang": "en"}), None)
    assert len(layer.pcodes) == 53
    for pcode, category, (shown_need, present, per) in zip(layer.pcodes, layer.categories, layer.customdata):
        organisations = per_cercle.get(pcode, 0)
        assert present.replace("\u202f", "").replace(",", "") == str(organisations), pcode
        ratio = need[pcode] / organisations if organisations else None
        if ratio is None:
            assert category == NOBODY
        else:
            low, high = NEED_BINS[category - 2]
            assert low <= round(ratio) and (high is None or round(ratio) <= high), pcode
    # health alone: the health figure against the health organisations
    health = GAPS.map_layer(snapshot, params_from_query({"level": "2", "map": "need", "sector": "health"}), None)
    bafoulabe = health.customdata[health.pcodes.index("ML0101")]
    expected = hno_totals[(hno_totals["Admin 2 PCode"] == "ML0101") & (hno_totals["Sector"] == "HEA")]
    assert bafoulabe[0].replace("\u202f", "") == str(int(expected["people_in_need"].iloc[0]))
    # without needs the page keeps its gaps map
    gaps = GAPS.map_layer(sample_snapshot, params_from_query({"level": "2", "map": "need"}),
                          run_report("gaps", sample_snapshot, params_from_query({"level": "2"})))
    assert gaps.scale.title.startswith("Secteurs")



# --- food insecurity (Cadre Harmonisé) beside the food-security organisations -----------------------------------

@pytest.fixture(scope="module")
def cadre_harmonise(mirror) -> pd.DataFrame:
    """The March 2023 cycle (the latest: SOURCE.md), as pandas reads the file."""
    frame = pd.read_csv(dataset_by_role("food-insecurity").path(mirror), dtype=str)
    frame = frame[(frame["exercise_year"] == "2023") & (frame["exercise_label"] == "Jan-May")]
    return frame.assign(phase35=frame["phase35"].astype(float))


def test_food_insecurity_by_cercle_beside_food_security_organisations(snapshot, cadre_harmonise, sample_path,
                                                                      mirror):
    table = run_report("food_insecurity", snapshot, params_from_query({"level": "2"})).set_index("pcode")
    by_code = cadre_harmonise.groupby(["adm2_pcod2", "chtype"])["phase35"].sum().unstack()
    # a cercle whose code is a 2021 cercle keeps its figures
    assert table.loc["ML0502", ["phase3plus_current", "phase3plus_projected"]].tolist() == \
        by_code.loc["ML0502", ["current", "projected"]].tolist() == [65_005, 89_382]
    # Bamako's six communes make Bamako; Taoudenit (ML06051) counts in Tombouctou (ML0605)
    assert table.loc["ML0901", "phase3plus_projected"] == by_code.loc["ML0901", "projected"]
    assert table.loc["ML0605", "phase3plus_current"] == by_code.loc["ML0605", "current"] + by_code.loc[
        "ML06051", "current"]
    # the old cercle of Ménaka (ML0704) is the whole 2021 region: its four cercles have no figure of their own
    assert table.loc[["ML1001", "ML1002", "ML1003", "ML1004"], "phase3plus_projected"].isna().all()
    regions = run_report("food_insecurity", snapshot, params_from_query({"level": "1"})).set_index("pcode")
    assert regions.loc["ML10", "phase3plus_current"] == by_code.loc["ML0704", "current"] == 37_602
    gao = by_code.loc[["ML0701", "ML0702", "ML0703"], "projected"].sum()
    assert regions.loc["ML07", "phase3plus_projected"] == gao  # 2021 Gao, without Ménaka
    assert regions["phase3plus_current"].sum() == cadre_harmonise.loc[
        cadre_harmonise["chtype"] == "current", "phase35"].sum()  # nothing lost, nothing counted twice
    # food-security organisations present, counted on the workbook
    rows = placed_rows(read_sample(sample_path), load_admin_units(mirror))
    food = rows[(rows["location_level"] >= 2) & (rows["sector_code"] == "food_security")]
    expected = food.groupby("adm2_pcode")["org"].nunique()
    assert table["organisations"].to_dict() == {pcode: expected.get(pcode, 0) for pcode in table.index}
    assert table["phase3plus_projected"].dropna().is_monotonic_decreasing
    notes = " ".join(report_notes("food_insecurity", snapshot, params_from_query({"level": "2", "lang": "en"})))
    for listed in ("ML0704 Menaka", "ML06051 Taoudenit", "ML090101", "Jun-Aug 2023"):
        assert listed in notes


def test_food_insecurity_on_the_lacunes_page_with_food_security_chosen(snapshot):
    from dashboard.layouts.analysis_page import content
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.coverage_pages import GAPS
    from tests.integration.test_reports_sample import page_texts
    view = MapView(lambda level: f"/geo/adm{level}.json")
    chosen = page_texts(content(GAPS, snapshot, params_from_query({"level": "2", "sector": "food_security"}), view).extra)
    assert "Insécurité alimentaire (Cadre Harmonisé) et organisations de sécurité alimentaire" in chosen
    assert "Phase 3+ (projetée)" in chosen
    other = page_texts(content(GAPS, snapshot, params_from_query({"level": "2", "sector": "health"}), view).extra)
    assert "Phase 3+ (projetée)" not in other


def test_the_brief_and_the_unit_panel_give_the_people_in_need(snapshot, hno_totals):
    from dashboard.layouts.map_page import unit_table
    from tests.integration.test_reports_sample import page_texts
    brief = run_report("cercle_brief", snapshot, params_from_query({"area": "ML0502"})).set_index("sector_code")
    bankass = hno_totals[hno_totals["Admin 2 PCode"] == "ML0502"].set_index("Sector")["people_in_need"]
    assert brief.loc["health", "people_in_need"] == bankass["HEA"]
    assert pd.isna(brief.loc["food_security", "people_in_need"])  # by region only in the HNO
    panel = " ".join(page_texts(unit_table(snapshot, params_from_query({"lang": "en"}), "ML0101")))
    assert "People in need (HNO 2024, intersectoral): 74,527" in panel  # English thousands
