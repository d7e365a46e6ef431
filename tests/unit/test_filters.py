"""The filters declared once (:mod:`dashboard.domain.filters`): their address codec, the rows a selection keeps,
and the parameters made from them. Table-driven: each line is an address as a user or a link writes it, and
what every view must read from it."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.analysis.filters import ActivityFilter, filter_activities
from dashboard.domain.filters import FILTERS, ROW_FILTERS, decode, encode
from dashboard.reports.params import ReportParams, params_from_query, params_to_query

EMPTY = {"country": None, "level": 3, "period": None, "area": None, "sectors": (), "org_types": (), "organisations": ()}


@pytest.mark.parametrize("query, expected", [
    ({}, {}),
    ({"level": "2"}, {"level": 2}),
    ({"level": "9"}, {}), ({"level": "abc"}, {}), ({"level": "-1"}, {}), ({"level": "[1]"}, {}),
    ({"period": "2023-12"}, {"period": "2023-12"}),
    ({"period": "2024-01' OR 1=1--"}, {}), ({"period": "2023-13"}, {}), ({"period": "décembre"}, {}),
    ({"area": "ML05"}, {"area": "ML05"}), ({"area": "NE001001"}, {"area": "NE001001"}),
    ({"area": '"><img src=x>'}, {}), ({"area": "ml05"}, {}),
    ({"sector": "health,wash"}, {"sectors": ("health", "wash")}),
    ({"sector": "health, ,wash,health"}, {"sectors": ("health", "wash")}),   # blanks and repeats dropped
    ({"sector": "Health;DROP"}, {}),
    ({"type": "ngo_national"}, {"org_types": ("ngo_national",)}),
    ({"org": "12,x,3"}, {"organisations": (12, 3)}), ({"org": '["x"]'}, {}),
    ({"k": "5", "lang": "en"}, {}),  # not filters: a report's setting and the language
    ({"country": "NER"}, {"country": "NER"}), ({"country": "ner"}, {"country": "NER"}),
    ({"country": "NE"}, {}), ({"country": "NER;1"}, {}), ({"country": "Niger"}, {}),
])
def test_an_address_is_read_as_every_view_reads_it(query, expected):
    assert decode(query) == {**EMPTY, **expected}


@pytest.mark.parametrize("values, query", [
    ({}, {}),
    ({"level": 3}, {}),  # the default is left out: links stay short
    ({"level": 1, "sectors": ("health", "wash"), "organisations": (4, 2)},
     {"level": "1", "sector": "health,wash", "org": "4,2"}),
    ({"period": "2022-03", "area": "ML0502", "org_types": ("un_agency",)},
     {"period": "2022-03", "area": "ML0502", "type": "un_agency"}),
    ({"country": "NER", "area": "NE001001"}, {"country": "NER", "area": "NE001001"}),
])
def test_values_are_written_with_the_declared_keys(values, query):
    assert encode(values) == query
    assert decode(query) == {**EMPTY, **values}


def test_report_parameters_have_one_field_per_declared_filter_and_round_trip():
    params = params_from_query({"level": "2", "sector": "gbv", "period": "2023-12", "k": "5", "lang": "en"})
    assert [getattr(params, declared.name) for declared in FILTERS] == [None, 2, "2023-12", None, ("gbv",), (), ()]
    assert params.options == {"k": "5"} and params.lang == "en"
    assert params_from_query(params_to_query(params)) == params
    assert ReportParams().filter_values() == EMPTY


ROWS = pd.DataFrame({
    "period": ["2023-12", "2023-12", "2023-12", "2023-09"],
    "sector_code": ["health", "wash", "health", "health"],
    "org_type": ["ngo_national", "un_agency", "ngo_national", "ngo_national"],
    "organisation_id": [1, 2, 3, 1],
    "adm1_pcode": ["ML05", "ML05", "ML06", "ML05"],
    "adm2_pcode": ["ML0502", "ML0501", "ML0601", "ML0502"],
    "adm3_pcode": ["ML050201", None, None, "ML050201"]})


@pytest.mark.parametrize("selection, rows", [
    ({}, [0, 1, 2]),                                   # the latest period by default
    ({"period": "2023-09"}, [3]),
    ({"sectors": ("health",)}, [0, 2]),
    ({"org_types": ("un_agency",)}, [1]),
    ({"organisations": (1, 3)}, [0, 2]),
    ({"area": "ML05"}, [0, 1]), ({"area": "ML0502"}, [0]), ({"area": "ML050201"}, [0]),
    ({"area": "ML05", "sectors": ("wash",)}, [1]),
])
def test_a_selection_keeps_the_rows_of_every_filter_set(selection, rows):
    assert list(filter_activities(ROWS, ActivityFilter(**selection)).index) == rows


def test_every_row_filter_reads_a_column_of_the_activity_frame_or_its_units():
    assert {declared.name for declared in ROW_FILTERS} == {"period", "area", "sectors", "org_types", "organisations"}
    assert all(declared.field in ROWS.columns for declared in ROW_FILTERS if declared.field)
