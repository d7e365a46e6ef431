"""Aid-worker incidents by cercle and year, and what the public is shown of them: against SOURCE.md's verified
figures and a pandas count of the real file."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.manifest import dataset_by_role
from dashboard.reports import params_from_query, report_notes, run_report
from dashboard.reports.snapshot import DashboardData, incidents_of
from dashboard.security.policy import Policy
from dashboard.store.database import make_engine


@pytest.fixture(scope="module")
def engine(sample_settings):
    engine = make_engine(sample_settings.database_url)
    yield engine
    engine.dispose()


def data(engine, settings, policy=None):
    return DashboardData(engine, policy=policy, incidents=incidents_of(settings))


def test_incidents_by_cercle_and_year(engine, sample_settings, mirror):
    snapshot = data(engine, sample_settings).snapshot(SYSTEM)
    table = run_report("incidents", snapshot, params_from_query({"level": "2"}))
    raw = pd.read_csv(dataset_by_role("incidents").path(mirror))
    assert table["incidents"].sum() == len(raw) == 78
    assert table.groupby("year")["incidents"].sum().to_dict() == \
        pd.to_datetime(raw["Date"]).dt.year.value_counts().to_dict() == {2020: 15, 2021: 24, 2022: 16, 2023: 21, 2024: 2}
    by_cercle = table.groupby("name")["incidents"].sum()
    assert len(by_cercle) == 26  # SOURCE.md: point in polygon on the 2021 communes
    assert by_cercle[["Ansongo", "Ténenkou", "Gao", "Kidal", "Goundam", "Niafunké", "Douentza"]].tolist() == \
        [9, 6, 6, 5, 5, 5, 5]
    assert table["kidnapped"].sum() == raw["Aid Workers Kidnapped"].sum()
    # nothing finer than the cercle, no point, no description
    assert set(table.columns) == {"pcode", "name", "region", "year", "incidents", "killed", "injured", "kidnapped",
                                  "arrested"}
    communes = run_report("incidents", snapshot, params_from_query({"level": "3", "area": "ML07"}))
    assert communes["pcode"].str.len().eq(6).all() and communes["incidents"].sum() == table.loc[
        table["region"] == "Gao", "incidents"].sum()
    regions = run_report("incidents", snapshot, params_from_query({"level": "1", "year": "2023"}))
    assert regions["incidents"].sum() == 21 and regions["year"].eq(2023).all()


def test_the_public_sees_incidents_by_cercle_unless_the_policy_says_no(engine, sample_settings):
    from dashboard.layouts.coverage_pages import GAPS
    params = params_from_query({"level": "2", "map": "incidents"})
    public = data(engine, sample_settings).snapshot(PUBLIC)
    assert run_report("incidents", public, params)["incidents"].sum() == 78
    layer = GAPS.map_layer(public, params, None)
    assert sum(count for [count] in layer.customdata) == 78
    hidden = data(engine, sample_settings, Policy(show_incidents=False))
    assert run_report("incidents", hidden.snapshot(PUBLIC), params).empty
    assert "does not show the incidents to the public" in report_notes(
        "incidents", hidden.snapshot(PUBLIC), params_from_query({"level": "2", "lang": "en"}))[0]
    assert GAPS.map_layer(hidden.snapshot(PUBLIC), params, run_report("gaps", hidden.snapshot(PUBLIC), params)).scale \
        .title.startswith("Secteurs")  # the gaps map instead
    # a logged-in viewer still sees them
    assert run_report("incidents", hidden.snapshot(SYSTEM), params)["incidents"].sum() == 78


# --- access ---------------------------------------------------------------------------------------------------

ACCESS_TABLE = ("P-code;Niveau d'accès;Date;Source\n"
                "ML050202;Accès contraint;15/03/2024;OCHA Mopti\n"   # Baye, a commune of Bankass
                "ML0504;Inaccessible;15/03/2024;OCHA Mopti\n"        # the cercle of Douentza
                "ML0502;Accessible;15/03/2024;OCHA Mopti\n"
                "ML011;Accessible;15/03/2024;\n"                     # no such unit
                "ML0505;zone verte;15/03/2024;\n")                   # no such level


@pytest.fixture(scope="module")
def with_access(sample_settings, tmp_path_factory):
    from dashboard.ingest.access import import_access
    from tests.conftest import sample_copy
    folder = tmp_path_factory.mktemp("access")
    settings, engine = sample_copy(sample_settings, folder)
    path = folder / "acces_mopti_2024-03.csv"
    path.write_text(ACCESS_TABLE, encoding="utf-8")
    result = import_access(engine, path, source="OCHA")
    yield settings, engine, result
    engine.dispose()


def test_the_access_table_is_imported_with_bad_rows_reported(with_access):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from dashboard.store.models import ImportIssue
    _, engine, result = with_access
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (5, 3, 2)
    with Session(engine) as session:
        errors = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value)
                                 .where(ImportIssue.batch_id == result.batch_id, ImportIssue.severity == "error")
                                 .order_by(ImportIssue.source_row)).all()
    assert [tuple(error) for error in errors] == [(5, "P-code", "ML011"), (6, "Niveau d'accès", "zone verte")]


def test_organisations_present_in_constrained_and_no_go_units(with_access, sample_path, mirror):
    from dashboard.geo.boundaries import load_admin_units
    from tests.independent import placed_rows, read_sample
    settings, engine, _ = with_access
    snapshot = DashboardData(engine).snapshot(SYSTEM)
    table = run_report("access_presence", snapshot, params_from_query({"level": "2"}))
    units = table.drop_duplicates("pcode").set_index("pcode")
    # Douentza no-go first; Bankass constrained because one of its communes is, and the table says which
    assert table["pcode"].drop_duplicates().tolist() == ["ML0504", "ML0502"]
    assert units.loc["ML0504", "access"] == "no_go" and units.loc["ML0502", "access"] == "constrained"
    assert units.loc["ML0502", "decided_by"] == "ML050202"
    rows = placed_rows(read_sample(sample_path), load_admin_units(mirror))
    in_douentza = rows[(rows["adm2_pcode"] == "ML0504") & (rows["location_level"] >= 2)]
    expected = in_douentza.groupby("sector_code")["org"].nunique().drop("coordination", errors="ignore")
    douentza = table[table["pcode"] == "ML0504"].set_index("sector_code")["organisations"]
    assert douentza.drop("coordination", errors="ignore").to_dict() == expected.to_dict()
    # a no-go cercle makes each of its communes no-go
    admin = load_admin_units(mirror)
    communes = run_report("access_presence", snapshot, params_from_query({"level": "3", "area": "ML0504"}))
    assert set(communes["pcode"]) <= set(admin.loc[admin["parent_pcode"] == "ML0504", "pcode"])
    assert communes["access"].eq("no_go").all()


def test_the_public_sees_access_by_cercle_unless_the_policy_says_no(with_access):
    _, engine, _ = with_access
    params = params_from_query({"level": "3", "area": "ML05", "lang": "en"})
    public = DashboardData(engine).snapshot(PUBLIC)
    table = run_report("access_presence", public, params)
    assert table["pcode"].str.len().eq(6).all()  # cercles, not communes
    assert set(table["pcode"]) == {"ML0502", "ML0504"} and table["decided_by"].isna().all()
    hidden_names = table[table["organisations"].between(1, 2)]
    assert len(hidden_names) > 0
    assert (hidden_names["acronyms"].str.contains("hidden|masqu", case=False)).all()
    assert any("no finer than the cercle" in note for note in report_notes("access_presence", public, params))
    hidden = DashboardData(engine, policy=Policy(show_access=False)).snapshot(PUBLIC)
    assert run_report("access_presence", hidden, params).empty
    assert "does not show access to the public" in report_notes("access_presence", hidden, params)[0]
    assert not run_report("access_presence", DashboardData(engine, policy=Policy(show_access=False)).snapshot(SYSTEM),
                          params).empty


def test_the_presence_map_outlines_constrained_and_no_go_units(with_access, sample_snapshot):
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.map_page import map_figure
    _, engine, _ = with_access
    view = MapView(lambda level: f"/geo/adm{level}.json")
    figure, _ = map_figure(DashboardData(engine).snapshot(SYSTEM), params_from_query({"level": "2"}), view)
    outline = figure["data"][1]
    assert dict(zip(outline["locations"], outline["marker"]["line"]["color"])) == {"ML0504": "#7f0000",
                                                                                  "ML0502": "#e6550d"}
    assert outline["hoverinfo"] == "skip" and "au 15/03/2024" in figure["layout"]["annotations"][0]["text"]
    # the public's commune map outlines cercles
    public, _ = map_figure(DashboardData(engine).snapshot(PUBLIC), params_from_query({"level": "3"}), view)
    assert public["data"][1]["geojson"] == "/geo/adm2.json"
    # without an access table, the map is as it was
    plain, _ = map_figure(sample_snapshot, params_from_query({"level": "2"}), view)
    assert len(plain["data"]) == 1


def test_the_lacunes_page_lists_who_is_present_where_access_is_constrained(with_access, sample_snapshot):
    from dashboard.layouts.analysis_page import content
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.coverage_pages import GAPS
    from tests.integration.test_reports_sample import page_texts
    _, engine, _ = with_access
    view = MapView(lambda level: f"/geo/adm{level}.json")
    params = params_from_query({"level": "2", "lang": "en"})
    shown = page_texts(content(GAPS, DashboardData(engine).snapshot(SYSTEM), params, view).extra)
    assert "Organisations present in constrained or no-go units" in shown and "Douentza" in shown
    assert "Organisations present in constrained or no-go units" not in page_texts(
        content(GAPS, sample_snapshot, params, view).extra)
