"""A HXL row under the headers that tags only some columns (the others blank) is the HXL row, used to map the
columns it tags, never a data row; a data row whose cells happen to start with "#" stays data, even a sparse one
among the first rows of a file without a HXL row. Counts worked out by hand on the small files below."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.ingest.columns import THREE_W_LAYOUT, header_fit, map_columns
from dashboard.ingest.importer import import_3w
from dashboard.ingest.reader import is_hxl_row, read_table
from dashboard.store.models import Activity, Organisation
from tests.workbooks import write_workbook

#: a title, the headers ("Code zone" is no known header: its tag says it is the region's code), a HXL row
#: tagging three of the ten columns, then four rows: NRC in Baye; "#AMSS" (an acronym written with "#") in Baye;
#: a sparse row whose first cell is "#Sahel" and that gives no place (rejected); IRC in the cercle of Bankass
HALF_EMPTY = [
    ["3W Mali – mars 2024"],
    ["Organisation Accronyme", "Type organisation", "Région", "Code zone", "Cercle", "admin2Pcod", "Commune",
     "admin3Pcod", "Cluster", "Activité"],
    [None, None, None, "#adm1+code", None, None, None, "#adm3 +code", "#sector", None],
    ["NRC", "ONG internationale", "Mopti", "ML05", "Bankass", "ML0502", "Baye", "ML050202", "Santé", "Consultations"],
    ["#AMSS", "ONG nationale", "Mopti", "ML05", "Bankass", "ML0502", "Baye", "ML050202", "EHA", "Forages"],
    ["#Sahel", None, None, None, None, None, None, None, "Santé", None],
    ["IRC", "ONG internationale", "Mopti", "ML05", "Bankass", "ML0502", None, None, "Protection", None],
]
#: no HXL row; its second data row holds only two cells, both starting with "#" (a row of hashtags, at first
#: sight): it lies under a data row, not under the headers, so it is data (rejected: it gives no place)
NO_HXL = [
    ["Organisation Accronyme", "Type organisation", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster", "Remarques"],
    ["NRC", "ONG internationale", "ML05", "ML0502", "ML050202", "Santé", None],
    ["#Sahel", None, None, None, None, None, "#urgent"],
    ["IRC", "ONG internationale", "ML05", "ML0502", None, "Protection", None],
]


def test_a_row_tagging_some_columns_only_is_a_hxl_row():
    assert is_hxl_row(HALF_EMPTY[2])
    assert is_hxl_row([None, None, "#sector", None])  # one tag of the standard, the rest blank
    assert not is_hxl_row(HALF_EMPTY[5])  # "#Sahel" and "Santé": "#Sahel" is no HXL hashtag
    assert not is_hxl_row(["#Sahel", None, None])
    assert not is_hxl_row(HALF_EMPTY[4])  # one cell starting with "#" among nine of data
    assert not is_hxl_row(["#REF!", "#N/A"])  # spreadsheet errors are no hashtags


@pytest.mark.parametrize("fit", [None, header_fit(THREE_W_LAYOUT)])
def test_the_half_empty_hxl_row_is_read_as_the_hxl_row(tmp_path, fit):
    table = read_table(write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": HALF_EMPTY}), fit=fit)
    assert table.headers == HALF_EMPTY[1]
    assert table.hxl_tags == HALF_EMPTY[2]
    assert table.first_row_number == 4  # title, headers, HXL row, then the data
    assert [row[0] for row in table.rows] == ["NRC", "#AMSS", "#Sahel", "IRC"]
    mapping = map_columns(table)
    # the unknown header "Code zone" is the region's code by its tag; untagged columns by their headers
    assert mapping.fields["adm1_code"] == 3 and mapping.method["adm1_code"] == "hxl"
    assert mapping.fields["adm3_code"] == 7 and mapping.fields["sector"] == 8
    assert mapping.fields["org_acronym"] == 0 and mapping.method["org_acronym"] == "header"
    assert mapping.fields["adm2_code"] == 5 and mapping.method["adm2_code"] == "header"


@pytest.mark.parametrize("fit", [None, header_fit(THREE_W_LAYOUT)])
def test_a_sparse_row_of_hashtags_under_a_data_row_is_data(tmp_path, fit):
    table = read_table(write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": NO_HXL}), fit=fit)
    assert table.headers == NO_HXL[0]
    assert table.hxl_tags == [None] * 7
    assert table.first_row_number == 2
    assert [row[0] for row in table.rows] == ["NRC", "#Sahel", "IRC"]


def acronyms_and_places(engine, batch_id):
    with Session(engine) as session:
        rows = session.execute(select(Activity.source_row, Organisation.acronym, Activity.pcode)
                               .join(Organisation, Organisation.id == Activity.organisation_id)
                               .where(Activity.batch_id == batch_id)).all()
    return {row.source_row: (row.acronym, row.pcode) for row in rows}


def test_importing_the_half_empty_hxl_file(prepared_engine, tmp_path):
    result = import_3w(prepared_engine, write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": HALF_EMPTY}))
    # four data rows (the HXL row is none of them); the "#Sahel" row gives no place
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 3, 1)
    assert acronyms_and_places(prepared_engine, result.batch_id) == {
        4: ("NRC", "ML050202"), 5: ("#AMSS", "ML050202"), 7: ("IRC", "ML0502")}


def test_importing_a_file_whose_data_row_looks_like_hashtags(prepared_engine, tmp_path):
    result = import_3w(prepared_engine, write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": NO_HXL}))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    assert acronyms_and_places(prepared_engine, result.batch_id) == {2: ("NRC", "ML050202"), 4: ("IRC", "ML0502")}
