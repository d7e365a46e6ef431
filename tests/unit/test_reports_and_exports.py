import io

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import ExportHeader, neutralise, to_csv, to_json, to_xlsx
from dashboard.reports import ReportParams, params_from_query, params_to_query

HEADER = ExportHeader("Présence", ("Filtres : Secteur : Santé", "Données au : décembre 2023"))


def test_query_round_trip():
    query = {"level": "2", "sector": "health,wash", "type": "ngo_national", "org": "3,12", "period": "2023-12",
             "area": "ML05", "lang": "en", "k": "3"}
    params = params_from_query(query)
    assert params == ReportParams(level=2, sectors=("health", "wash"), org_types=("ngo_national",),
                                  organisations=(3, 12), period="2023-12", area="ML05", lang="en", options={"k": "3"})
    assert params_to_query(params) == query


def test_defaults_are_left_out_and_bad_values_fall_back():
    assert params_to_query(params_from_query({})) == {}
    params = params_from_query({"level": "7", "org": "NRC,4", "lang": "de", "sector": ",,"})
    assert (params.level, params.organisations, params.lang, params.sectors) == (3, (4,), "fr", ())


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+33", "'+33"), ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("Santé", "Santé"), (-5, -5), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


FRAME = pd.DataFrame({"pcode": ["ML05", "ML06"], "name": ["Mopti", "=cmd|' /C calc'!A0"], "organisations": [3, 0],
                      "acronyms": [["AMSS", "NRC"], []]})


def test_csv_has_the_header_lines_then_the_table():
    text = to_csv(FRAME, HEADER).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[:3] == ["# Présence", "# Filtres : Secteur : Santé", "# Données au : décembre 2023"]
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert table["name"].tolist() == ["Mopti", "'=cmd|' /C calc'!A0"]
    assert table["acronyms"].fillna("").tolist() == ["AMSS, NRC", ""]


def test_excel_has_the_header_lines_then_the_table():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(FRAME, HEADER))).active
    assert [sheet.cell(row=r, column=1).value for r in (1, 2, 3)] == list((HEADER.title, *HEADER.lines))
    assert [cell.value for cell in sheet[5]] == ["pcode", "name", "organisations", "acronyms"]
    assert [cell.value for cell in sheet[7]][:3] == ["ML06", "'=cmd|' /C calc'!A0", 0]


def test_json_keeps_the_header():
    import json
    document = json.loads(to_json(FRAME, HEADER))
    assert document["title"] == "Présence" and document["about"] == list(HEADER.lines)
    assert document["rows"][0] == {"pcode": "ML05", "name": "Mopti", "organisations": 3, "acronyms": ["AMSS", "NRC"]}
