"""Open data out: the HDX HAPI operational-presence export and the HXL 3W export, on the real December 2023 sample.

Expected values come from the reference files of the data mirror (HAPI's columns and HXL row, HDX's cluster
codes) and from the raw workbook counted with pandas (``tests.independent``), not from the dashboard.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard import cli
from dashboard.app_factory import create_app
from dashboard.domain import hapi
from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.geo.boundaries import load_admin_units
from dashboard.ingest.importer import import_3w
from dashboard.reports import ReportParams, report_file, run_report
from dashboard.store.models import Activity, ImportBatch, Organisation
from tests.independent import placed_rows, read_sample

REFERENCE = Path("hdx_hapi_reference")
#: the workbook's clusters as HDX's global coordination groups, written out by hand from
#: global_coordination_groups.csv (Coordination has no global group)
CLUSTER_CODES = {"Santé": "HEA", "Protection": "PRO", "Education": "EDU", "Sécurité Alimentaire": "FSC",
                 "Nutrition": "NUT", "EHA": "WSH", "Abris": "SHL"}


@pytest.fixture(scope="module")
def reference_lines(mirror) -> list[str]:
    with open(mirror / REFERENCE / "hapi_operational_presence_tcd_sample_with_hxl.csv", encoding="utf-8") as file:
        return [file.readline().rstrip("\r\n"), file.readline().rstrip("\r\n")]


@pytest.fixture(scope="module")
def raw(sample_path):
    return read_sample(sample_path)


@pytest.fixture(scope="module")
def file_rows(raw, mirror):
    rows = placed_rows(raw, load_admin_units(mirror))
    return rows.assign(cluster=raw["Cluster"])


def test_columns_and_hxl_row_are_hapi_s(sample_data, reference_lines):
    content = report_file("hapi_operational_presence", sample_data.snapshot(PUBLIC), ReportParams(), "csv")
    lines = content.decode("utf-8").splitlines()
    assert lines[:2] == reference_lines
    reference = pd.read_csv(io.StringIO("\n".join(reference_lines)))
    assert list(reference.columns) == list(hapi.COLUMN_NAMES)
    # HXL's own library finds the tags under the headers, and every row
    hxl = pytest.importorskip("hxl")
    dataset = hxl.data(io.BytesIO(content))
    assert [column.display_tag for column in dataset.columns] == reference_lines[1].split(",")
    assert len(list(dataset)) == len(lines) - 2


def test_sector_codes_and_names_are_hdx_s(mirror):
    groups = pd.read_csv(mirror / REFERENCE / "global_coordination_groups.csv", skiprows=[1])
    names = dict(zip(groups["ACRONYM"], groups["Preferred Term"]))
    assert {code: name for code, name in hapi.SECTORS.values()} == {code: names[code] for code, _ in
                                                                     hapi.SECTORS.values()}
    types = set(pd.read_csv(mirror / REFERENCE / "hdx_hapi_organisations_global.csv")["org_type_description"])
    assert set(hapi.ORG_TYPES.values()) - types <= {"Donor", "Private sector"}  # HAPI's list has neither yet


def test_figures_match_a_pandas_count_of_the_workbook(sample_snapshot, file_rows):
    table = run_report("hapi_operational_presence", sample_snapshot, ReportParams())
    # every row of the workbook names a cercle: HAPI's finest level, so every organisation is listed by cercle
    assert set(table["admin_level"]) == {2}
    kept = file_rows[file_rows["cluster"].isin(CLUSTER_CODES)]
    expected = (kept.assign(code=kept["cluster"].map(CLUSTER_CODES))
                .groupby(["adm2_pcode", "code"])["org"].nunique())
    counted = table.groupby(["admin2_code", "sector_code"]).size()
    assert counted.to_dict() == expected.to_dict()
    assert len(table) == expected.sum()
    assert set(table["reference_period_start"]) == {"2023-12-01"}
    assert set(table["reference_period_end"]) == {"2023-12-31"}
    assert set(table["location_code"]) == {"MLI"}
    # a cercle's region is its own: ML0502 Bankass lies in ML05 Mopti
    bankass = table[table["admin2_code"] == "ML0502"]
    assert set(bankass["admin1_code"]) == {"ML05"} and set(bankass["admin1_name"]) == {"Mopti"}
    # the 43 Coordination rows have no HAPI sector: they are said, not listed
    from dashboard.reports import report_notes
    notes = report_notes("hapi_operational_presence", sample_snapshot, ReportParams())
    assert any("43 lignes" in note and "Coordination" in note for note in notes)


def test_filters_of_the_page_apply(sample_snapshot, file_rows):
    table = run_report("hapi_operational_presence", sample_snapshot,
                       ReportParams(area="ML05", sectors=("health",), org_types=("ngo_national",)))
    kept = file_rows[(file_rows["adm1_pcode"] == "ML05") & (file_rows["cluster"] == "Santé")
                     & (file_rows["org_type"] == "ngo_national")]
    assert len(table) == kept[["adm2_pcode", "org"]].drop_duplicates().shape[0]
    assert set(table["org_type_description"]) == {"National NGO"} and set(table["sector_code"]) == {"HEA"}


def test_public_export_hides_names_where_fewer_than_three_work(sample_data, file_rows):
    public = run_report("hapi_operational_presence", sample_data.snapshot(PUBLIC), ReportParams())
    kept = file_rows[file_rows["cluster"].isin(CLUSTER_CODES)]
    per_cell = kept.groupby(["adm2_pcode", "cluster"])["org"].nunique()
    hidden = public["org_acronym"].str.startswith("(masqué")
    # one row per organisation still (the counts stay right), names only where 3 or more work
    assert len(public) == per_cell.sum()
    assert hidden.sum() == per_cell[per_cell < 3].sum()
    assert (public.loc[hidden, "org_name"] == public.loc[hidden, "org_acronym"]).all()


def test_download_and_command_line(sample_settings, sample_data, reference_lines, monkeypatch, capsys):
    client = create_app(sample_settings).server.test_client()
    response = client.get("/export/hapi_operational_presence.csv?sector=health&lang=en")
    assert response.status_code == 200
    assert "mali3w-hapi_operational_presence-2023-12.csv" in response.headers["Content-Disposition"]
    lines = response.data.decode("utf-8").splitlines()
    assert lines[:2] == reference_lines
    expected = run_report("hapi_operational_presence", sample_data.snapshot(PUBLIC), ReportParams(sectors=("health",)))
    assert len(lines) - 2 == len(expected)
    assert any("(hidden: fewer than 3 organisations)" in line for line in lines)
    monkeypatch.setenv("DATABASE_URL", sample_settings.database_url)
    assert cli.main(["hapi-operational-presence", "--public", "--sector", "health"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == reference_lines
    assert len(captured.out.splitlines()) == len(lines)


# --- the HXL 3W -----------------------------------------------------------------------------------------------

def presence_multiset(engine, batch_ids: list[int] | None = None) -> Counter:
    """Every accepted row (of the given imports) as (acronym, sector, level, place, period), counted."""
    query = (select(Organisation.acronym, Activity.sector_code, Activity.location_level, Activity.pcode,
                    ImportBatch.period)
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .join(ImportBatch, ImportBatch.id == Activity.batch_id))
    if batch_ids is not None:
        query = query.where(Activity.batch_id.in_(batch_ids))
    with engine.connect() as connection:
        return Counter(tuple(row) for row in connection.execute(query))


def test_hxl_3w_round_trip(sample_data, sample_path, prepared_engine, tmp_path):
    """Export every accepted row of the round shown, import the file into an empty database with our own
    importer: the same rows at the same places for the same organisations and sectors."""
    snapshot = sample_data.snapshot(SYSTEM)
    content = report_file("hxl_3w", snapshot, ReportParams(), "csv", sample_data.store)
    exported = tmp_path / "mali3w-hxl_3w-2023-12.csv"
    exported.write_bytes(content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[1][:3] == ["#org+acronym", "#org+name", "#org+type"]
    # the round's imports (other tests of the session may add files to the shared sample: compare with those)
    batches = snapshot.batches_of("2023-12")["batch_id"].astype(int).tolist()
    original = presence_multiset(sample_data.engine, batches)
    if batches == [1]:  # the sample alone: every row of the workbook was accepted
        assert sum(original.values()) == len(read_sample(sample_path)) == 24088
    assert len(rows) - 2 == sum(original.values())
    result = import_3w(prepared_engine, exported, period="2023-12")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (len(rows) - 2, len(rows) - 2, 0)
    assert presence_multiset(prepared_engine) == original


def test_hxl_3w_reads_with_libhxl_and_is_not_public(sample_settings, sample_accounts, file_rows):
    hxl = pytest.importorskip("hxl")
    from tests.integration.test_web_access import logged_in
    app = create_app(sample_settings)
    assert logged_in(app, None).get("/export/hxl_3w.csv").status_code == 403
    response = logged_in(app, sample_accounts["imo"]).get("/export/hxl_3w.csv?area=ML0502&lang=en")
    assert response.status_code == 200
    dataset = hxl.data(io.BytesIO(response.data))
    tags = [column.display_tag for column in dataset.columns]
    assert tags[:6] == ["#org+acronym", "#org+name", "#org+type", "#org+impl+acronym", "#org+funder", "#sector"]
    rows = list(dataset)
    # Bankass (ML0502): as many rows as the workbook places there
    assert len(rows) == int((file_rows["adm2_pcode"] == "ML0502").sum())  # 1,106
    assert {row.get("#adm2+code") for row in rows} == {"ML0502"}


def _hrefs(component) -> list[str]:
    found = []
    if isinstance(component, dict):
        if isinstance(component.get("href"), str):
            found.append(component["href"])
        for value in component.values():
            found += _hrefs(value)
    elif isinstance(component, list):
        for value in component:
            found += _hrefs(value)
    elif hasattr(component, "to_plotly_json"):
        found += _hrefs(component.to_plotly_json())
    return found


def test_presence_page_links_to_the_exports_with_its_filters(sample_settings, sample_data):
    from dashboard.layouts import map_page
    from dashboard.layouts.choropleth import MapView
    from dashboard.reports import params_from_query
    app = create_app(sample_settings)
    params = params_from_query({"sector": "health", "area": "ML05", "lang": "en"})
    with app.server.test_request_context("/?sector=health&area=ML05&lang=en"):
        public = _hrefs(map_page.layout(sample_data.snapshot(PUBLIC), params, MapView(lambda level: "/geo")))
        full = _hrefs(map_page.layout(sample_data.snapshot(SYSTEM), params, MapView(lambda level: "/geo")))
    assert "/export/hapi_operational_presence.csv?area=ML05&sector=health&lang=en" in public
    assert not any("hxl_3w" in href for href in public)  # every row is for logged-in viewers
    assert "/export/hxl_3w.csv?area=ML05&sector=health&lang=en" in full


def test_region_rows_and_the_names_rule_on_a_hand_counted_file(prepared_engine, tmp_path):
    """Five rows counted by hand: UNICEF reported for the Mopti region only (and in Bankass), AMSS in Bankass, IRC
    in a commune of Bankass, all health; ACF in another cercle of Mopti (ML0501) for WASH."""
    from dashboard.reports.snapshot import DashboardData
    from dashboard.store.rounds import publish_round
    from tests.workbooks import write_workbook
    rows = [["Organisation Accronyme", "Type Organisation", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster"],
            ["UNICEF", "Agence UN", "ML05", None, None, "Santé"],
            ["UNICEF", "Agence UN", "ML05", "ML0502", None, "Santé"],
            ["AMSS", "ONG Nat", "ML05", "ML0502", None, "Santé"],
            ["IRC", "ONG Int", "ML05", "ML0502", "ML050202", "Santé"],
            ["ACF", "ONG Int", "ML05", "ML0501", None, "EHA"]]
    import_3w(prepared_engine, write_workbook(tmp_path / "3W_Mopti_2024_03.xlsx", {"3W": rows}))
    publish_round(prepared_engine, "2024-03", SYSTEM)
    data = DashboardData(prepared_engine)
    full = run_report("hapi_operational_presence", data.snapshot(SYSTEM), ReportParams())
    listed = {(row.admin_level, row.admin1_code, row.admin2_code if isinstance(row.admin2_code, str) else "",
               row.org_acronym, row.sector_code)
              for row in full.itertuples()}
    assert listed == {(1, "ML05", "", "UNICEF", "HEA"), (2, "ML05", "ML0502", "AMSS", "HEA"),
                      (2, "ML05", "ML0502", "IRC", "HEA"), (2, "ML05", "ML0502", "UNICEF", "HEA"),
                      (2, "ML05", "ML0501", "ACF", "WSH")}
    assert len(full) == 5
    assert set(full["reference_period_start"]) == {"2024-03-01"} and set(full["reference_period_end"]) == {"2024-03-31"}
    # public: 3 organisations work in health in Bankass and in Mopti (the region counts its cercles): named;
    # ACF is alone in WASH in its cercle: hidden, its row kept
    public = run_report("hapi_operational_presence", data.snapshot(PUBLIC), ReportParams())
    hidden = public[public["org_acronym"].str.startswith("(masqué")]
    assert len(public) == 5 and len(hidden) == 1
    assert hidden[["admin2_code", "sector_code", "org_type_description"]].values.tolist() == [
        ["ML0501", "WSH", "International NGO"]]
