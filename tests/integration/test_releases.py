"""OCHA Mali's earlier release beside the December 2023 sample, on SQLite and PostgreSQL (issue "every real Mali
release imports whole").

The March 2022 file is written here in that release's layout (:mod:`tests.releases`): acronyms in a column
tagged ``#org+name``, no sector and no commune column, ``MLI05`` region codes, the cercle code ``ML0901`` in
the region column of 38 Bamako rows, one unknown region ``MLI11``, trailing spaces in cercle codes. Every
expected figure is counted here with pandas, from the raw December workbook (:func:`tests.independent.placed_rows`)
and from the rows the fixture wrote, not from the importer.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.geo.boundaries import load_admin_units
from dashboard.ingest.importer import import_3w
from dashboard.reports import ReportParams, report_blank, report_header, report_notes, run_report
from dashboard.domain.roles import SYSTEM
from dashboard.store.models import Activity, ImportIssue, Organisation
from dashboard.store.rounds import publish_round
from dashboard.reports.snapshot import DashboardData
from tests.independent import folded, placed_rows, read_sample
from tests.releases import NEW_ORGANISATIONS, march_2022_release, organisation_key
from tests.workbooks import write_workbook

SAMPLE_FILE = "operational_presence_mli_mali_3w_december_2023.xlsx"


@pytest.fixture(scope="module")
def release(sample_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("release") / "5W_MLI_Mar2022.xlsx"
    return path, march_2022_release(sample_path, path)


@pytest.fixture(scope="module")
def december(sample_path, mirror):
    return placed_rows(read_sample(sample_path), load_admin_units(mirror))


def issues_of(engine, batch_id: int) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value,
                                      ImportIssue.severity, ImportIssue.message)
                               .where(ImportIssue.batch_id == batch_id)).all()
    frame = pd.DataFrame(rows, columns=["source_row", "column", "value", "severity", "message"])
    frame["kind"] = frame["message"].map(lambda message: message["problem"] if message else None)
    return frame


def test_the_march_2022_release_beside_december_2023(prepared_engine, sample_path, release, december):
    """One import of both files per back end (the December import takes most of the time); each check is a
    function below."""
    path, written = release
    import_3w(prepared_engine, sample_path, period="2023-12", source="OCHA Mali")
    with Session(prepared_engine) as session:
        known_before = set(session.scalars(select(Organisation.id)))
    result = import_3w(prepared_engine, path, source="OCHA Mali")  # the period from the file name
    assert result.period == "2022-03"
    for period in ("2023-12", "2022-03"):  # as an IMO does once a round is complete
        publish_round(prepared_engine, period, SYSTEM)
    snapshot = DashboardData(prepared_engine).snapshot(SYSTEM)
    check_every_row_is_accepted(prepared_engine, result, written)
    check_organisations_stay_themselves(prepared_engine, known_before, written)
    check_change_per_cercle(snapshot, written, december, sample_path)
    check_change_by_sector_leaves_out_rows_without_a_sector(snapshot, written, december)
    check_headers_name_the_period_shown(snapshot)


def check_every_row_is_accepted(engine, result, written):
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (len(written), len(written), 0)
    issues = issues_of(engine, result.batch_id)
    assert not (issues["severity"] == "error").any()
    # the file has no sector column: said once, for the whole file
    notice = issues[issues["kind"] == "msg.no_sector_column"]
    assert len(notice) == 1 and notice["source_row"].isna().all()
    assert notice["message"].iloc[0]["params"]["count"] == len(written)
    # a cercle code in the region column, and an unknown region beside a cercle its name confirms: kept, reported
    other_level = issues[issues["kind"] == "msg.parent_cell_other_level"]
    assert len(other_level) == written.attrs["bamako_region_cells"] == 38
    assert set(other_level["value"]) == {"ML0901"} and set(other_level["column"]) == {"admin1Pcod"}
    unknown = issues[issues["kind"] == "msg.parent_cell_unknown"]
    assert unknown["source_row"].tolist() == [written.attrs["unknown_region_row"]]
    # every row stays in the cercle it names, with no sector
    with Session(engine) as session:
        stored = pd.DataFrame(session.execute(select(Activity.source_row, Activity.adm2_pcode, Activity.adm1_pcode,
                                                     Activity.sector_code, Activity.location_level)
                                              .where(Activity.batch_id == result.batch_id)).all(),
                              columns=["row", "adm2", "adm1", "sector", "level"])
    merged = written.merge(stored, on="row", suffixes=("_written", "_stored"))
    assert len(merged) == len(written)
    assert (merged["adm2_written"] == merged["adm2_stored"]).all()
    assert (merged["adm1"] == merged["adm2_stored"].str[:4]).all()
    assert set(stored["sector"]) == {"unspecified"} and set(stored["level"]) == {2}


def check_organisations_stay_themselves(engine, known_before, written):
    """Imported after December, the March file creates only the organisations December does not have."""
    with Session(engine) as session:
        created = session.execute(select(Organisation.acronym, Organisation.name)
                                  .where(Organisation.id.not_in(known_before))).all()
    assert sorted(folded(pd.Series([acronym or name for acronym, name in created]))) == \
        sorted(folded(pd.Series(NEW_ORGANISATIONS)))
    assert not any("nan" in str(value).split() for row in created for value in row)


def expected_change(written: pd.DataFrame, december: pd.DataFrame, sample_path) -> pd.DataFrame:
    """Per cercle, organisations present in March 2022 only (left), in December 2023 only (arrived), in both."""
    march = written.assign(org=organisation_key(written["acronym"], sample_path).to_numpy())
    before = march.groupby("adm2")["org"].agg(set)
    after = december.groupby("adm2_pcode")["org"].agg(set)
    cercles = sorted(set(before.index) | set(after.index))
    rows = []
    for cercle in cercles:
        old, new = before.get(cercle, set()), after.get(cercle, set())
        rows.append({"pcode": cercle, "organisations_from": len(old), "organisations_to": len(new),
                     "arrived": len(new - old), "left": len(old - new), "stayed": len(old & new)})
    return pd.DataFrame(rows).set_index("pcode")


def check_change_per_cercle(snapshot, written, december, sample_path):
    expected = expected_change(written, december, sample_path)
    table = run_report("change", snapshot, ReportParams(level=2, options={"from": "2022-03"})).set_index("pcode")
    columns = ["organisations_from", "organisations_to", "arrived", "left", "stayed"]
    assert table[columns].sort_index().to_dict("index") == expected[columns].sort_index().to_dict("index")
    assert (table["net"] == table["arrived"] - table["left"]).all()
    assert table["arrived"].sum() > 0 and table["left"].sum() > 0 and table["stayed"].sum() > 0
    # names beside the counts
    assert (table["arrived_names"].map(len) == table["arrived"]).all()
    # the default compares with the latest earlier period: the same table
    default = run_report("change", snapshot, ReportParams(level=2)).set_index("pcode")
    assert default[columns].to_dict("index") == table[columns].to_dict("index")


def check_change_by_sector_leaves_out_rows_without_a_sector(snapshot, written, december):
    params = ReportParams(level=2, options={"from": "2022-03", "by": "sector"})
    table = run_report("change", snapshot, params)
    # March 2022 states no sector: by sector, nobody was there before, and December is all arrivals
    assert (table["organisations_from"] == 0).all() and (table["left"] == 0).all()
    expected = december.groupby(["adm2_pcode", "sector_code"])["org"].nunique()
    assert table.set_index(["pcode", "sector_code"])["arrived"].sort_index().to_dict() == expected.to_dict()
    notes = report_notes("change", snapshot, params)
    assert len(notes) == 1 and f"{len(written):,}".replace(",", "\u202f") in notes[0]
    assert report_notes("change", snapshot, ReportParams(level=2, options={"from": "2022-03"})) == []


def check_headers_name_the_period_shown(snapshot):
    today = datetime.now(UTC)  # both files were imported and published by this test
    fr, en = today.strftime("%d/%m/%Y"), today.strftime("%Y-%m-%d")
    march = report_header("presence", snapshot, ReportParams(period="2022-03")).lines
    assert f"Données au : mars 2022 (publié le {fr})" in march
    assert f"Source : 5W_MLI_Mar2022.xlsx (OCHA Mali, {fr})" in march
    assert not any(SAMPLE_FILE in line for line in march)
    latest = report_header("presence", snapshot, ReportParams(lang="en")).lines
    assert f"Data as of: December 2023 (published on {en})" in latest
    assert f"Source: {SAMPLE_FILE} (OCHA Mali, {en})" in latest
    compared = report_header("change", snapshot, ReportParams(options={"from": "2022-03"})).lines
    assert "Périodes comparées : mars 2022 → décembre 2023" in compared
    assert any("5W_MLI_Mar2022.xlsx" in line for line in compared) and any(SAMPLE_FILE in line for line in compared)
    # March 2022 places no row finer than the cercle: compared by commune, the page says so
    by_commune = report_notes("change", snapshot, ReportParams(level=3, options={"from": "2022-03"}))
    assert by_commune == ["mars 2022 ne place aucune ligne plus finement qu'au niveau cercle : comparée par communes, "
                          "toutes ses organisations apparaissent comme parties ou arrivées. Comparez par cercles "
                          "(filtre Niveau)."]
    assert report_notes("change", snapshot, ReportParams(level=2, options={"from": "2022-03"})) == []


def test_a_period_without_accepted_rows_is_said_so(prepared_engine, tmp_path, monkeypatch, capsys):
    """A file of June 2022 whose every row is rejected (a sector nobody knows), and a period never imported:
    every view says so, in one sentence, instead of an empty table or another period's data."""
    good = write_workbook(tmp_path / "3W_decembre_2023.xlsx", {"3W": [
        ["Organisation Accronyme", "Cluster", "admin2Pcod"], ["NRC", "Santé", "ML0502"]]})
    bad = write_workbook(tmp_path / "3W_juin_2022.xlsx", {"3W": [
        ["Organisation Accronyme", "Cluster", "admin2Pcod"], ["NRC", "Astronomie", "ML0502"],
        ["AMSS", "Astrologie", "ML0501"]]})
    import_3w(prepared_engine, good)
    assert import_3w(prepared_engine, bad).rows_accepted == 0
    snapshot = DashboardData(prepared_engine).snapshot(SYSTEM)
    said = report_blank("presence", snapshot, ReportParams(period="2022-06"))
    assert said == ("Aucune ligne acceptée pour juin 2022 : 3W_juin_2022.xlsx (2 lignes lues, 0 acceptées). "
                    "Ouvrez le rapport d'import pour en voir la raison.")
    assert report_blank("change", snapshot, ReportParams(options={"from": "2022-06"})) == said
    assert said in report_header("change", snapshot, ReportParams(options={"from": "2022-06"})).lines
    assert run_report("change", snapshot, ReportParams(options={"from": "2022-06"})).empty
    assert report_blank("presence", snapshot, ReportParams()) is None
    # the command line prints the sentence, not an empty table
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    assert cli.main(["change", "--from", "2022-06", "--lang", "en"]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.strip() == ("No accepted row for June 2022: 3W_juin_2022.xlsx (2 rows read, 0 accepted). "
                                   "Open the import report to see why.")
    assert cli.main(["presence", "--period", "2021-06"]) == 1
    assert capsys.readouterr().err.strip() == ("Aucun fichier 3W n'a été importé pour juin 2021 : rien à montrer. "
                                               "Périodes avec données : décembre 2023.")
