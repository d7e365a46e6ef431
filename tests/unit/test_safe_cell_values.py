"""Cell values made safe to store, and dates and numbers read from every kind of value a reader returns."""

import json
from datetime import date, datetime, time, timedelta, timezone

import pytest

from dashboard.ingest.cells import json_value
from dashboard.ingest.validate import parse_date, parse_number
from dashboard.domain.text import clean_text


@pytest.mark.parametrize("value, stored", [
    ("Mopti ", "Mopti "), ("", None), (None, None), ("a\x00b", "ab"), (12.0, 12), (12.5, 12.5), (True, True),
    (False, False), (7, 7), (2**63 - 1, 2**63 - 1), (2**63, "9223372036854775808"), (-(2**70), "-1180591620717411303424"),
    (float(2**53), 2**53), (1e300, 1e300), (float("nan"), None), (float("inf"), "inf"), (float("-inf"), "-inf"),
    (date(2023, 12, 31), "2023-12-31"), (datetime(2023, 12, 31, 10, 30), "2023-12-31T10:30:00"),
    (datetime(2023, 12, 31, 10, 30, tzinfo=timezone(timedelta(hours=1))), "2023-12-31T10:30:00+01:00"),
    (time(10, 30), "10:30:00"), (timedelta(hours=26), "1 day, 2:00:00"), (b"S\xc3\xa9gou", "Ségou"),
    (b"\xff", "\ufffd"),
])
def test_json_value_holds_what_the_cell_said(value, stored):
    assert json_value(value) == stored
    json.dumps(json_value(value), allow_nan=False)  # strict JSON, as PostgreSQL wants it


def test_clean_text_reads_bytes_and_drops_nul():
    assert clean_text(b"Kidal\x00 ") == "Kidal"
    assert clean_text("Gao\x00") == "Gao"


@pytest.mark.parametrize("value, read", [
    (datetime(2023, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), date(2023, 12, 31)),
    ("2023-12-31T23:30:00+01:00", date(2023, 12, 31)), ("2023-12-31 08:00:00Z", date(2023, 12, 31)),
    (float("nan"), None), ("", None),
])
def test_dates_with_a_time_zone_are_read_as_the_day_written(value, read):
    assert parse_date(value) == read


@pytest.mark.parametrize("value", [time(10, 30), timedelta(days=1), True, float("inf"), b"x", "10:30"])
def test_values_that_are_no_date_say_so(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), "inf", "NaN", "Infinity", 10**400, "9" * 400, True,
                                   time(1, 0)])
def test_values_that_count_nothing_are_no_number(value):
    with pytest.raises(ValueError):
        parse_number(value)


def test_numbers_beyond_64_bits_and_nan():
    assert parse_number(2**70) == float(2**70)
    assert parse_number(float("nan")) is None
