"""Reports on the real sample: the page's download, the command line and an independent count agree."""

import io
from datetime import UTC, datetime
import json

import pandas as pd
import pytest

from dashboard import cli
from dashboard.app_factory import create_app
from dashboard.i18n import translate
from dashboard.reports import REPORTS, ReportParams, params_from_query, run_report
from tests.independent import organisation_labels, read_sample


@pytest.fixture(scope="module")
def raw(sample_path):
    frame = read_sample(sample_path)
    return frame.assign(org=organisation_labels(frame))


def untouched_regions(frame: pd.DataFrame) -> set[str]:
    """Regions no row enters or leaves when the importer reconciles region, cercle and commune codes."""
    commune = frame["admin3Pcod"].fillna("")
    inconsistent = ((commune != "") & (commune.str[:6] != frame["admin2Pcod"])) | \
                   (frame["admin2Pcod"].str[:4] != frame["admin1Pcod"])
    touched = set(frame.loc[inconsistent, "admin1Pcod"]) | set(frame.loc[inconsistent, "admin2Pcod"].str[:4]) | \
        set(commune[inconsistent & (commune != "")].str[:4])
    return set(frame["admin1Pcod"]) - touched


def test_region_presence_matches_an_independent_count(sample_snapshot, raw):
    report = run_report("presence", sample_snapshot, ReportParams(level=1)).set_index("pcode")["organisations"]
    # Exact where no row's codes disagree (Bamako in this file)...
    regions = untouched_regions(raw)
    assert regions, "the check needs at least one region untouched by code reconciliation"
    expected = raw[raw["admin1Pcod"].isin(regions)].groupby("admin1Pcod")["org"].nunique()
    assert report[sorted(regions)].to_dict() == expected.to_dict()
    # ...and everywhere between rows whose codes all agree and rows naming the region in any code column.
    commune = raw["admin3Pcod"].fillna("")
    agree = ((commune == "") | (commune.str[:6] == raw["admin2Pcod"])) & (raw["admin2Pcod"].str[:4] == raw["admin1Pcod"])
    lower = raw[agree].groupby("admin1Pcod")["org"].nunique()
    for region in report.index:
        named = (raw["admin1Pcod"] == region) | (raw["admin2Pcod"].str[:4] == region) | (commune.str[:4] == region)
        upper = raw.loc[named, "org"].nunique()
        assert lower.get(region, 0) <= report[region] <= upper, region


def test_health_presence_by_region_for_untouched_regions(sample_snapshot, raw):
    regions = untouched_regions(raw)
    health = raw[(raw["Cluster"] == "Santé") & raw["admin1Pcod"].isin(regions)]
    expected = health.groupby("admin1Pcod")["org"].nunique()
    report = run_report("presence", sample_snapshot, ReportParams(level=1, sectors=("health",)))
    assert report.set_index("pcode")["organisations"][sorted(expected.index)].to_dict() == expected.to_dict()


def test_download_and_command_line_give_the_same_table(sample_settings, monkeypatch, capsys):
    client = create_app(sample_settings).server.test_client()
    response = client.get("/export/presence.csv?level=2&sector=protection&type=ngo_national&area=ML05")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    downloaded = pd.read_csv(io.BytesIO(response.data), comment="#", encoding="utf-8-sig")
    monkeypatch.setenv("DATABASE_URL", sample_settings.database_url)
    assert cli.main(["presence", "--level", "2", "--sector", "protection", "--type", "ngo_national",
                     "--area", "ML05"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert downloaded["Organisations présentes"].tolist() == printed["organisations"].tolist()
    assert len(printed) == 8  # Mopti has 8 cercles
    assert "Filtres : " in response.data.decode("utf-8-sig").splitlines()[1]


def test_excel_download(sample_settings):
    client = create_app(sample_settings).server.test_client()
    response = client.get("/export/presence.xlsx?level=1&lang=en")
    table = pd.read_excel(io.BytesIO(response.data), header=None, engine="openpyxl")
    assert table.iloc[0, 0] == "Presence of organisations by administrative unit"
    # the sample's round was published by the set-up, today
    assert f"Data as of: December 2023 (published on {datetime.now(UTC):%Y-%m-%d})" in table[0].tolist()
    assert client.get("/export/nothing.csv").status_code == 404


@pytest.fixture(scope="module")
def client(sample_settings, sample_accounts):
    """An IMO's session: every report and import report is open to it, unmasked like the CLI's."""
    from tests.integration.test_web_access import logged_in
    return logged_in(create_app(sample_settings), sample_accounts["imo"])


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_downloads_with_the_rows_the_page_computes(name, client, sample_snapshot, sample_data):
    query = "level=2&area=ML05&k=5" if name != "cercle_brief" else "area=ML0502"
    expected = run_report(name, sample_snapshot, params_from_query(dict(pair.split("=") for pair in query.split("&"))),
                          sample_data.store)
    response = client.get(f"/export/{name}.csv?{query}")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    if REPORTS[name].hxl is None:
        assert text.startswith("# ")  # title, then filters and "as of"
        assert len(pd.read_csv(io.StringIO(text), comment="#")) == len(expected)
    else:  # an open-data shape: its headers, then its HXL row (see test_open_data)
        assert text.splitlines()[1].startswith("#")
        assert len(pd.read_csv(io.StringIO(text), skiprows=[1], low_memory=False)) == len(expected)


@pytest.mark.parametrize("name", ["gaps", "overlaps", "local_funding", "cercle_brief", "national_share_by_sector"])
def test_every_report_runs_from_the_command_line(name, sample_settings, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sample_settings.database_url)
    arguments = [name, "--format", "json"] + (["--area", "ML0502"] if name == "cercle_brief" else ["--level", "2"])
    assert cli.main(arguments) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["rows"], name


def test_brief_agrees_with_the_presence_report(sample_snapshot):
    brief = run_report("cercle_brief", sample_snapshot, ReportParams(area="ML0502")).set_index("sector_code")
    by_sector = run_report("presence_by_sector", sample_snapshot, ReportParams(level=2, area="ML0502"))
    by_sector = by_sector.set_index("sector_code")
    assert brief["organisations"].to_dict() == by_sector.loc[by_sector["organisations"] > 0, "organisations"].to_dict()
    # Bankass has 12 communes in COD-AB 2021; every sector row accounts for all of them
    assert (brief["communes"] == 12).all()
    assert (brief["communes_covered"] + brief["communes_without"] == 12).all()


def test_local_funding_matches_the_agreements_file(sample_snapshot, mirror):
    agreements = pd.read_csv(mirror / "partnerships_apo_ddrk_ddrg_2023" / "partnerships_apo_2023.csv")
    expected = agreements.groupby("region_pcode")["amount_eur"].sum()
    funding = run_report("local_funding", sample_snapshot, ReportParams())
    by_region = funding.dropna(subset=["adm1_pcode"]).set_index("adm1_pcode")
    assert by_region["total_eur"].round().to_dict() == expected.astype(float).to_dict()
    total = funding[funding["adm1_pcode"].isna()].iloc[0]
    assert round(total["total_eur"]) == agreements["amount_eur"].sum() == 2101397
    assert total["local_share"] == 1.0 and bool(total["meets_target"])


def test_the_map_base_layers_are_an_empty_topology_served_locally(client):
    response = client.get("/topojson/world_110m.json")
    assert response.status_code == 200
    topology = json.loads(response.data)
    assert topology["type"] == "Topology" and topology["arcs"] == []
    assert all(layer["geometries"] == [] for layer in topology["objects"].values())


def test_import_reports_download(client, sample_snapshot, sample_data):
    from dashboard.layouts.imports_page import layout
    from dashboard.reports.imports import import_batches
    batches = import_batches(sample_data.engine)
    # found by its name: other tests of the session add their own imports to this database
    sample = batches[batches["file_name"] == "operational_presence_mli_mali_3w_december_2023.xlsx"].iloc[0]
    assert (sample["rows_read"], sample["rows_accepted"], sample["rows_rejected"]) == (24088, 24088, 0)
    response = client.get(f"/imports/{sample['batch_id']}/report.xlsx?lang=en")
    assert response.status_code == 200
    assert pd.ExcelFile(io.BytesIO(response.data), engine="calamine").sheet_names == [
        "Summary", "Columns", "Problems", "Rejected rows"]
    assert client.get("/imports/9999/report.xlsx").status_code == 404
    page = str(layout(sample_snapshot, ReportParams(), sample_data.engine))
    assert "operational_presence_mli_mali_3w_december_2023.xlsx" in page
    assert "partnerships_apo_2023.csv" in page


def page_texts(component) -> list[str]:
    """The texts of a Dash layout, depth first."""
    if isinstance(component, (str, int, float)):
        return [str(component)]
    if isinstance(component, (list, tuple)):
        return [text for child in component for text in page_texts(child)]
    return page_texts(getattr(component, "children", None) or [])


def test_the_import_report_page_of_the_sample(sample_snapshot, sample_data, monkeypatch):
    from dashboard.layouts import import_report_page
    from dashboard.reports.imports import import_batches
    from dashboard.domain.roles import PUBLIC, SYSTEM
    batches = import_batches(sample_data.engine)
    sample = int(batches[batches["file_name"] == "operational_presence_mli_mali_3w_december_2023.xlsx"].iloc[0]["batch_id"])
    monkeypatch.setattr(import_report_page, "current_viewer", lambda: SYSTEM)
    texts = page_texts(import_report_page.layout(sample_snapshot, params_from_query({"import": str(sample)}), sample_data.engine))
    counts = " ".join(texts[texts.index("Lignes lues") - 2:texts.index("Avertissements") + 1])
    # README: 24,088 rows read and accepted; 214 rows placed in the commune named in their cercle; 493 + 21 rows
    # whose parent does not contain their commune or cercle, and 8 organisations resembling another one, warned
    assert counts == ("24\u202f088   Lignes lues 24\u202f088   Acceptées 214   Acceptées avec valeurs corrigées 0   "
                      "Suggestions en attente 0   Rejetées 522   Avertissements")
    assert "commune nommée dans le cercle indiqué" in texts  # the rule, in French
    monkeypatch.setattr(import_report_page, "current_viewer", lambda: PUBLIC)
    refused = page_texts(import_report_page.layout(sample_snapshot, params_from_query({"import": str(sample)}), sample_data.engine))
    assert translate("report.unknown_import", "fr") in refused and "Lignes lues" not in refused


def test_command_line_gaps_rank_by_population_as_the_page_does(sample_settings, mirror, monkeypatch, capsys):
    """The CLI reads the same population as the page: cercle gaps carry COD-PS's figure and come largest first."""
    monkeypatch.setenv("DATABASE_URL", sample_settings.database_url)
    assert cli.main(["gaps", "--level", "2", "--format", "json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out)["rows"])
    census = pd.read_csv(mirror / "ocha_cod_ps_mli" / "mli_pop_adm2_v2.csv", encoding="utf-8-sig", dtype=str)
    population = census.set_index("admin2Pcode")["T_TL"].astype(int)
    known = rows[rows["population_known"]]
    assert len(known) > 0 and set(known["pcode"]) <= set(population.index)
    assert (known["population"].astype(int) == known["pcode"].map(population)).all()
    # ranked by population, largest first; units without a figure (the Ménaka cercles) last
    assert known["population"].is_monotonic_decreasing
    assert not rows.loc[len(known):, "population_known"].any()


def test_the_partnership_table_is_stamped_with_the_period_its_agreements_cover(sample_settings, mirror):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from dashboard.store.database import make_engine
    from dashboard.store.models import ImportBatch
    agreements = pd.read_csv(mirror / "partnerships_apo_ddrk_ddrg_2023" / "partnerships_apo_2023.csv", dtype=str)
    latest = pd.to_datetime(agreements["signature_date"]).max()
    engine = make_engine(sample_settings.database_url)
    with Session(engine) as session:
        periods = session.scalars(select(ImportBatch.period).where(ImportBatch.kind == "partnership")).all()
    engine.dispose()
    assert periods == [f"{latest:%Y-%m}"] == ["2023-10"]
