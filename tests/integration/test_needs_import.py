"""The needs import (HNO 2024 people in need by cercle and sector) on SQLite and PostgreSQL, checked against an
independent pandas reading of the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.ingest.errors import ImportRefused
from dashboard.manifest import dataset_by_role
from dashboard.ingest.needs import import_needs, need_frame
from dashboard.store.models import ImportIssue, Need, RejectedRow

#: the HNO file as the data manifest lists it
HNO = dataset_by_role("needs").path(Path("."))


@pytest.fixture(scope="module")
def hno_file(mirror) -> Path:
    return mirror / HNO


@pytest.fixture(scope="module")
def hno(hno_file) -> pd.DataFrame:
    """The file as pandas reads it (HXL row skipped, codes as text), and its totals (no breakdown)."""
    return pd.read_csv(hno_file, skiprows=[1], dtype=str)


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["Gender"] == "a") & (frame["Age Range"] == "ALL") & (frame["Population Group"] == "ALL")]


def test_real_hno_is_imported_with_its_bad_region_code_rejected(prepared_engine, hno_file, hno):
    result = import_needs(prepared_engine, hno_file, year=2024, source="OCHA HPC")
    assert result.rows_read == len(hno) == 1323
    bad = hno.index[hno["Admin 1 PCode"] == "ML011"]
    assert result.rows_rejected == len(bad) == 1
    assert result.rows_accepted == len(hno) - len(bad)
    with Session(prepared_engine) as session:
        issue = session.scalars(select(ImportIssue).where(ImportIssue.severity == "error")).one()
        rejected = session.scalars(select(RejectedRow)).one()
        stored = session.scalar(select(func.count(Need.id)))
    # spreadsheet row: header, HXL row, then the data rows from 3
    assert (issue.source_row, issue.column, issue.value) == (int(bad[0]) + 3, "Admin 1 PCode", "ML011")
    assert "ML011" in issue.problem and "region" in issue.problem
    assert rejected.source_row == issue.source_row and rejected.raw_values["Sector"] == "FSC"
    assert stored == result.rows_accepted


def test_figures_agree_with_pandas(prepared_engine, hno_file, hno):
    import_needs(prepared_engine, hno_file, year=2024)
    needs = need_frame(prepared_engine)
    expected = totals(hno)
    cercles = expected[expected["Admin 2 PCode"].notna()]
    # the intersectoral figure, by cercle, kept apart from the sectors
    intersectoral = needs[needs["intersectoral"] & (needs["level"] == 2)]
    assert intersectoral["sector_code"].isna().all()
    by_cercle = cercles[cercles["Sector"] == "ALL"].set_index("Admin 2 PCode")["In Need"].astype(float)
    assert len(intersectoral) == len(by_cercle) == 53
    assert intersectoral.set_index("pcode")["people_in_need"].astype(float).sort_index().equals(by_cercle.sort_index())
    assert intersectoral["people_in_need"].sum() == by_cercle.sum() == 7_107_192
    bafoulabe = intersectoral.set_index("pcode").loc["ML0101"]
    assert (bafoulabe["population"], bafoulabe["people_in_need"], bafoulabe["targeted"]) == (375_040, 74_527, 42_798)
    # the national row is the country's, not a sum of anything
    national = needs[(needs["level"] == 0) & needs["intersectoral"]].iloc[0]
    assert national["pcode"] == "ML" and national["people_in_need"] == 7_107_194
    # sectors mapped to ours, cercle rows counted as pandas counts them
    for hno_code, ours in (("HEA", "health"), ("EDU", "education"), ("NUT", "nutrition"), ("SHL", "shelter_nfi"),
                           ("WSH", "wash")):
        mine = needs[(needs["level"] == 2) & (needs["sector_code"] == ours)]
        theirs = cercles[cercles["Sector"] == hno_code]
        assert len(mine) == len(theirs), hno_code
        assert mine["people_in_need"].sum() == theirs["In Need"].astype(float).sum(), hno_code


def test_region_rows_stay_at_region_level(prepared_engine, hno_file, hno):
    import_needs(prepared_engine, hno_file, year=2024)
    needs = need_frame(prepared_engine)
    expected = totals(hno)
    regional = expected[expected["Admin 2 PCode"].isna() & expected["Admin 1 PCode"].notna()
                        & (expected["Admin 1 PCode"] != "ML011")]
    for hno_code, ours in (("FSC", "food_security"), ("PRO", "protection"), ("PRO_CPM", "child_protection"),
                           ("PRO_GBV", "gbv"), ("PRO_HLP", "hlp"), ("PRO_MIN", "mine_action")):
        mine = needs[needs["sector_code"] == ours]
        theirs = regional[regional["Sector"] == hno_code]
        assert set(mine.loc[mine["level"] == 1, "pcode"]) == set(theirs["Admin 1 PCode"]), hno_code
        assert not (mine["level"] == 2).any(), hno_code  # never spread over cercles
    mopti = needs[(needs["pcode"] == "ML05") & (needs["sector_code"] == "child_protection")]
    assert mopti["people_in_need"].tolist() == [419_862]


def test_same_file_twice_changes_nothing_and_check_keeps_nothing(prepared_engine, hno_file):
    checked = import_needs(prepared_engine, hno_file, year=2024, check_only=True)
    assert checked.preview is not None and checked.preview["rows_rejected"] == 1
    assert need_frame(prepared_engine).empty
    first = import_needs(prepared_engine, hno_file, year=2024)
    again = import_needs(prepared_engine, hno_file, year=2024)
    assert again.already_imported and again.batch_id == first.batch_id
    with Session(prepared_engine) as session:
        assert session.scalar(select(func.count(Need.id))) == first.rows_accepted


def test_a_new_file_for_the_year_replaces_its_figures(prepared_engine, hno_file, tmp_path):
    import_needs(prepared_engine, hno_file, year=2024)
    update = tmp_path / "hno_update_2024.csv"
    update.write_text("P-code cercle,Secteur,Personnes dans le besoin,Ciblés\n"
                      "ML0101,Santé,1 000,500\nML0101,ALL,2000,900\n", encoding="utf-8")
    result = import_needs(prepared_engine, update)  # the year comes from the file name
    assert (result.rows_accepted, result.rows_rejected, result.period) == (2, 0, "2024-01")
    assert result.records_updated == 1322
    needs = need_frame(prepared_engine)
    assert len(needs) == 2
    assert needs.set_index("intersectoral").loc[True, "people_in_need"] == 2000
    assert needs.set_index("intersectoral").loc[False, "sector_code"] == "health"


def test_a_file_without_a_year_is_refused(prepared_engine, tmp_path):
    path = tmp_path / "besoins.csv"
    path.write_text("Admin 2 PCode,Sector,In Need\nML0101,HEA,10\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="plan year"):
        import_needs(prepared_engine, path)
    with Session(prepared_engine) as session:
        assert session.scalar(select(func.count(Need.id))) == 0
