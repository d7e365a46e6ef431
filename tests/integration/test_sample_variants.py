"""The December 2023 sample as other people save it: as CSV, with English headers, with its columns in
another order, without its HXL row. Each gives the same accepted rows as the workbook itself (issue 3,
"done when"), on SQLite and PostgreSQL.

The variants are written here from the real workbook's cells (read with python-calamine, cached values), not
kept in the project.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.config import Settings
from dashboard.ingest.importer import import_3w
from dashboard.reports.imports import batch_issues
from dashboard.setup import prepare_database
from dashboard.store.database import make_engine
from dashboard.store.models import Activity, Organisation

#: English headers for the 40 columns of ML_5W, in their order (as an English-speaking IMO would write them)
ENGLISH = [
    "Organization acronym", "Organization name", "Organization type", "Program organization", "Donor",
    "Admin1 P-code", "Admin1 name", "Admin2 P-code", "Admin2 name", "Admin3 P-code", "Admin3 name", "Location",
    "Sector", "HRP", "Project title", "Start date", "End date", "Activities", "Cash transfer amount (USD)",
    "People targeted", "Women targeted", "Men targeted", "Girls targeted (<18)", "Boys targeted (<18)",
    "Adult women targeted (>=18)", "Adult men targeted (>=18)", "Older women targeted (>=59)",
    "Older men targeted (>=59)", "People with disabilities targeted", "People reached", "Women reached",
    "Men reached", "Adult women reached (>=18)", "Adult men reached (>=18)", "Girls reached (<18)",
    "Boys reached (<18)", "Older women reached (>=59)", "Older men reached (>=59)",
    "People with disabilities reached", "Remarks"]


@pytest.fixture(scope="module")
def sample_cells(sample_path) -> list[list[object]]:
    """ML_5W as the workbook holds it: header row, HXL row, data rows (cached values), 40 columns."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(sample_path)).get_sheet_by_name("ML_5W")
    rows = [row[:40] for row in sheet.to_python(skip_empty_area=False)]
    return [row for row in rows if any(str(cell).strip() for cell in row)]


def accepted_rows(engine) -> Counter:
    """The accepted rows of a store, as what they say (not where they sat in the file): organisation,
    type, sector, place and what was reported."""
    with Session(engine) as session:
        rows = session.execute(select(
            Organisation.acronym, Activity.reported_org_type, Activity.sector_code, Activity.location_level,
            Activity.adm1_pcode, Activity.adm2_pcode, Activity.adm3_pcode, Activity.funder, Activity.activity,
            Activity.location, Activity.targeted, Activity.reached)
            .join(Organisation, Organisation.id == Activity.organisation_id)).all()
    return Counter(tuple(row) for row in rows)


@pytest.fixture(scope="module")
def expected(sample_path, mirror, tmp_path_factory) -> Counter:
    """The accepted rows of the workbook itself, imported once into a SQLite store of its own."""
    folder = tmp_path_factory.mktemp("sample")
    engine = make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    prepare_database(engine, Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=str(engine.url)))
    result = import_3w(engine, sample_path, period="2023-12")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (24088, 24088, 0)
    rows = accepted_rows(engine)
    engine.dispose()
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:  # Excel's "CSV UTF-8"
        csv.writer(stream, delimiter=";").writerows([["" if cell is None else cell for cell in row] for row in rows])
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Données")
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    workbook.save(path)
    return path


def variant(name: str, cells: list[list[object]], folder: Path) -> Path:
    header, data = cells[0], cells[2:]  # cells[1] is the HXL row
    if name == "csv":
        return write_csv(folder / "mali_3w_december_2023.csv", cells)
    if name == "english headers":
        return write_xlsx(folder / "mali_3w_december_2023_en.xlsx", [ENGLISH, *data])
    if name == "columns reordered":
        order = list(reversed(range(len(header))))
        return write_xlsx(folder / "mali_3w_december_2023_reordered.xlsx",
                          [[row[index] for index in order] for row in cells])
    if name == "no hxl row":
        return write_xlsx(folder / "mali_3w_december_2023_nohxl.xlsx", [header, *data])
    raise ValueError(name)


@pytest.mark.parametrize("name", ["csv", "english headers", "columns reordered", "no hxl row"])
def test_the_same_content_saved_otherwise_gives_the_same_accepted_rows(name, prepared_engine, sample_cells,
                                                                       expected, tmp_path):
    assert len(ENGLISH) == len(sample_cells[0]) == 40
    result = import_3w(prepared_engine, variant(name, sample_cells, tmp_path), period="2023-12")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (24088, 24088, 0)
    assert accepted_rows(prepared_engine) == expected


def test_mli_region_codes_and_trailing_spaces_are_repaired_and_each_repair_listed(prepared_engine, sample_cells,
                                                                                   tmp_path):
    # The first 500 rows of the sample, as an older file writes them: region codes MLI05 (admin1Pcod, column F)
    # and cercle codes with a trailing space (admin2Pcod, column H); then the same rows as published.
    header, hxl, data = sample_cells[0], sample_cells[1], sample_cells[2:502]
    region, cercle = header.index("admin1Pcod"), header.index("admin2Pcod")
    older = [[f"MLI{cell[2:]}" if index == region else f"{cell} " if index == cercle else cell
              for index, cell in enumerate(row)] for row in data]
    result = import_3w(prepared_engine, write_xlsx(tmp_path / "3w_older_2023-12.xlsx", [header, hxl, *older]))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (500, 500, 0)
    issues = batch_issues(prepared_engine, result.batch_id)
    repairs = issues[issues["method"] == "code normalised"]
    # one repair per cell: 500 region codes, 500 cercle codes, each with its row, column, old and new value
    assert len(repairs) == 1000 and repairs["source_row"].nunique() == 500
    first = repairs.iloc[:2][["source_row", "letter", "value", "suggestion"]].values.tolist()
    assert first == [[3, "F", f"MLI{data[0][region][2:]}", data[0][region]],
                     [3, "H", f"{data[0][cercle]} ", data[0][cercle]]]
    repaired = accepted_rows(prepared_engine)
    published = import_3w(prepared_engine, write_xlsx(tmp_path / "3w_2023-11.xlsx", [header, hxl, *data]))
    assert published.rows_accepted == 500
    assert accepted_rows(prepared_engine) == repaired + repaired  # the same rows, twice
