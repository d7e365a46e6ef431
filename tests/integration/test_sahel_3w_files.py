"""The importer on the layouts of Burkina Faso's and Niger's real 3Ws (made by tests/sahel_files.py from the mirror's
units): a one-country installation is set up from the command line, a file is imported with --country and another
without, on SQLite and PostgreSQL. Every row must land where the generator put it (its commune, its province or
department, or rejected), every placement that is not a code as written must be in the import's list of problems
and repairs (close names offered for review with the right unit), and the country's map must count the rows as a
pandas count of the generator's rows does."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.config import Settings
from dashboard.domain.roles import SYSTEM
from dashboard.layouts.map_page import presence_map
from dashboard.reports import params_from_query, run_report
from dashboard.reports.imports import batch_issues
from dashboard.reports.snapshot import dashboard_data
from dashboard.store.models import Activity, ImportBatch
from tests.sahel_files import burkina_5w, expected_frame, niger_names_3w

FILES = {"BFA": (burkina_5w, "5W_BFA_{period}.xlsx"), "NER": (niger_names_3w, "3W_Niger_{period}.xlsx")}
PERIODS = ("2024-03", "2024-04")


@pytest.fixture
def installation(empty_engine, mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(mirror))
    return empty_engine


def imported(installation, mirror, tmp_path, capsys, iso3: str) -> dict[str, tuple[int, pd.DataFrame]]:
    """Set the country up and import two files of its layout (the first with --country, the second without):
    period → (import id, the generator's expectation)."""
    assert cli.main(["setup", "--country", iso3]) == 0
    capsys.readouterr()
    make, name = FILES[iso3]
    batches = {}
    for seed, (period, country) in enumerate(zip(PERIODS, (["--country", iso3], [])), start=1):
        path = tmp_path / name.format(period=period)
        expected = expected_frame(make(path, mirror, seed=seed))
        assert cli.main(["import", str(path), *country]) == 0
        counts = (len(expected), int(expected["level"].notna().sum()), int(expected["level"].isna().sum()))
        assert "read {}, accepted {}, rejected {}".format(*counts) in capsys.readouterr().out
        with Session(installation) as session:
            batch_id = session.scalar(select(ImportBatch.id).where(ImportBatch.file_name == path.name))
        batches[period] = (batch_id, expected)
    return batches


def placements(engine, batch_id: int) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(select(Activity.source_row, Activity.location_level, Activity.pcode)
                               .where(Activity.batch_id == batch_id)).all()
    return pd.DataFrame(rows, columns=["row", "level", "pcode"]).drop_duplicates("row").set_index("row")


def assert_rows_land_as_generated(engine, batch_id: int, expected: pd.DataFrame) -> None:
    got = placements(engine, batch_id)
    landed = expected[expected["level"].notna()].set_index("row")
    # as many in their commune, in their province or department, and rejected as the generator put there
    assert got["level"].value_counts().to_dict() == landed["level"].astype(int).value_counts().to_dict()
    assert set(expected.loc[expected["level"].isna(), "row"]).isdisjoint(got.index)
    # and each in its own unit
    assert got.sort_index()["pcode"].to_dict() == landed.sort_index()["pcode"].to_dict()


def rows_with(issues: pd.DataFrame, severity: str, column: str | None = None) -> pd.DataFrame:
    chosen = issues[issues["severity"] == severity]
    return chosen if column is None else chosen[chosen["column"] == column]


def kind_rows(expected: pd.DataFrame, *kinds: str) -> set[int]:
    return set(expected.loc[expected["kind"].isin(kinds), "row"])


@pytest.mark.parametrize("iso3", ["BFA", "NER"])
def test_every_row_lands_where_the_generator_put_it(installation, mirror, tmp_path, capsys, iso3):
    for batch_id, expected in imported(installation, mirror, tmp_path, capsys, iso3).values():
        assert_rows_land_as_generated(installation, batch_id, expected)
        assert expected["kind"].nunique() >= 4  # the file mixes its kinds of rows


def test_burkinas_5w_is_read_from_its_data_sheet_and_its_placements_listed(installation, mirror, tmp_path, capsys):
    batches = imported(installation, mirror, tmp_path, capsys, "BFA")
    for batch_id, expected in batches.values():
        with Session(installation) as session:
            batch = session.get(ImportBatch, batch_id)
            assert batch.sheet == "5W"  # not the read-me, not the pivot tables before it
        issues = batch_issues(installation, batch_id)
        # a commune code whose region and province cells are empty: both follow from it, and the report says so
        inferred = rows_with(issues, "repair")
        assert set(inferred["source_row"]) == kind_rows(expected, "parents empty")
        assert set(inferred["column"]) == {"P-code Région", "P-code Province"}
        assert set(rows_with(issues, "error")["source_row"]) == kind_rows(expected, "no organisation")
        assert rows_with(issues, "review").empty and rows_with(issues, "warning").empty


def test_a_names_only_niger_3w_lists_every_placement_and_offers_close_names(installation, mirror, tmp_path, capsys):
    batches = imported(installation, mirror, tmp_path, capsys, "NER")
    for batch_id, expected in batches.values():
        issues = batch_issues(installation, batch_id)
        by_row = expected.set_index("row")
        # every commune found by its name (as written or written otherwise) is listed with the commune found (the
        # rows rejected for want of an organisation are placed all the same)
        matched = rows_with(issues, "repair", "Commune")
        assert set(matched["source_row"]) == kind_rows(expected, "exact", "variant", "no organisation")
        assert (matched["suggestion"].to_numpy() == by_row.loc[matched["source_row"], "commune"].to_numpy()).all()
        # a misspelt commune is offered for review, with the commune meant; the row waits in its department
        review = rows_with(issues, "review", "Commune")
        assert set(review["source_row"]) == kind_rows(expected, "misspelt")
        assert (review["suggestion"].to_numpy() == by_row.loc[review["source_row"], "commune"].to_numpy()).all()
        # an unknown commune is said to be unknown; its row counts in its department
        assert set(rows_with(issues, "warning", "Commune")["source_row"]) == kind_rows(expected, "unknown commune")
        # every department found by name (rows without a commune included) is listed with it
        departments = rows_with(issues, "repair", "Département")
        placed = expected[expected["kind"] != "unknown region"]
        assert set(departments["source_row"]) == set(placed["row"])
        assert (departments["suggestion"].to_numpy()
                == by_row.loc[departments["source_row"], "province"].to_numpy()).all()
        # rejected: an unknown region (said so) and no organisation
        assert set(rows_with(issues, "warning", "Région")["source_row"]) == kind_rows(expected, "unknown region")
        assert set(rows_with(issues, "error")["source_row"]) == kind_rows(expected, "unknown region",
                                                                          "no organisation")


def expected_presence(expected: pd.DataFrame, level: int) -> dict[str, int]:
    """Organisations per unit of ``level`` counted with pandas on the generator's rows placed at that level or
    finer (a commune row counts in its province or department)."""
    kept = expected[expected["level"].notna() & (expected["level"] >= level)]
    unit = kept["commune"] if level == 3 else kept["province"]
    return kept.groupby(unit)["organisation"].nunique().to_dict()


@pytest.mark.parametrize(("iso3", "map_level"), [("BFA", 2), ("NER", 3)])
def test_each_countrys_map_shows_the_rows(installation, mirror, tmp_path, capsys, iso3, map_level):
    batches = imported(installation, mirror, tmp_path, capsys, iso3)
    settings = Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=str(installation.url))
    snapshot = dashboard_data(installation, settings).snapshot(SYSTEM)
    for period, (_, expected) in batches.items():
        # the map as the presence page draws it when asked for communes: Burkina's by province
        shown = presence_map(snapshot, params_from_query({"period": period, "level": "3"}))
        assert shown.level == map_level
        counts = {code: data[0] for code, data in zip(shown.pcodes, shown.customdata) if data[0]}
        assert counts == expected_presence(expected, map_level)
        # and the presence table at the departments (Niger) or provinces (Burkina)
        table = run_report("presence", snapshot, replace(params_from_query({"period": period}), level=2))
        assert table.loc[table["organisations"] > 0].set_index("pcode")["organisations"].to_dict() == \
            expected_presence(expected, 2)
