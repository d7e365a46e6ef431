"""Reading tables and recognising their columns, on small workbooks and CSV files made here."""

import pytest

from dashboard.ingest.columns import field_for_hxl, map_columns, parse_hxl_tag
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.reader import is_hxl_row, read_table
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Type Organisation", "admin1Pcod", "admin2Pcod", "Commune", "Cluster",
           "Remarques libres"]
HXL = ["#org+acronym", "#org+type", "#adm1+code", "#adm2+code", "", "#sector", ""]
ROWS = [["NRC", "ONG Int", "ML05", "ML0502", "Baye", "Protection", "note"],
        ["AMSS", "ONG Nat", "ML06", "ML0601", "", "Santé", ""]]


@pytest.mark.parametrize("tag, expected", [
    ("#adm2+code", ("#adm2", {"code"})), ("#adm2 +code", ("#adm2", {"code"})),
    ("#ORG +Name+acronym", ("#org", {"name", "acronym"})), ("Cluster", None), ("", None),
])
def test_parse_hxl_tag(tag, expected):
    parsed = parse_hxl_tag(tag)
    assert (parsed and (parsed[0], set(parsed[1]))) == (expected and (expected[0], set(expected[1])))


@pytest.mark.parametrize("tag, field", [
    ("#org+acronym", "org_acronym"), ("#org +name", "org_name"), ("#org", "organisation"),
    # a role attribute decides whose organisation a tag names, whatever else it says
    ("#org+impl", "implementing_partner"), ("#org +impl +name", "implementing_partner_name"),
    ("#org+prog+acronym", "programme_org"), ("#org+funder+name", "funder_name"), ("#org+impl2+name", None),
    ("#org+type+name", "org_type"), ("#org+impl+type", "implementing_partner_type"),
    ("#org+type+code", "org_type"), ("#adm3 +code", "adm3_code"), ("#adm3+name", "adm3_name"),
    ("#sector+cluster", "sector"), ("#actor", "funder"), ("#date+start", "start_date"), ("#meta+id", None),
])
def test_field_for_hxl(tag, field):
    assert field_for_hxl(tag) == field


def test_is_hxl_row():
    assert is_hxl_row(HXL)
    assert not is_hxl_row(HEADERS)
    assert not is_hxl_row(["#1 priority", "note", "other"])


def test_workbook_with_hxl_row(tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", {"Notes": [["read me"]], "ML_5W": [HEADERS, HXL, *ROWS]})
    table = read_table(path)
    assert table.sheet == "ML_5W"  # found by its HXL row, not because it comes first
    assert table.headers == HEADERS
    assert table.first_row_number == 3  # header on row 1, HXL on row 2
    assert [row[0] for row in table.rows] == ["NRC", "AMSS"]
    mapping = map_columns(table)
    assert mapping.fields == {"org_acronym": 0, "org_type": 1, "adm1_code": 2, "adm2_code": 3, "sector": 5,
                              "adm3_name": 4}
    assert mapping.method["org_acronym"] == "hxl" and mapping.method["adm3_name"] == "header"
    assert mapping.unknown == {6: "Remarques libres"}


def test_csv_with_english_headers_semicolons_and_latin1(tmp_path):
    path = tmp_path / "three_w.csv"
    text = "Organization acronym;Organization type;Sector;Admin1 pcode;Admin2 pcode\nDRC;INGO;Santé;ML05;ML0502\n"
    path.write_bytes(text.encode("latin-1"))
    table = read_table(path)
    assert table.rows == [["DRC", "INGO", "Santé", "ML05", "ML0502"]]
    assert set(map_columns(table).fields) == {"org_acronym", "org_type", "sector", "adm1_code", "adm2_code"}


def test_sheet_override_and_unknown_sheet(tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", {"A": [HEADERS, *ROWS], "B": [HEADERS, HXL, *ROWS]})
    assert read_table(path, sheet="A").first_row_number == 2
    with pytest.raises(ImportRefused, match="no sheet named 'C'"):
        read_table(path, sheet="C")


def test_file_without_organisation_column_is_refused_with_what_was_expected(tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", {"S": [["Cluster", "admin1Pcod"], ["Santé", "ML05"]]})
    with pytest.raises(ImportRefused, match="no organisation column was recognised. Expected an organisation column"):
        map_columns(read_table(path))


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "empty"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "cannot be opened"),
    ("notes.pdf", b"%PDF-1.4", "not read"),
])
def test_unusable_files_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        read_table(path)
