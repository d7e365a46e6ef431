"""Every kind of value a reader can return ends stored, never in a traceback (both back ends).

calamine returns text, int, float (NaN and infinity too, when a program wrote them), bool, date, datetime,
time and timedelta, and an empty string for a cell whose cached value is an error (#N/A); other producers of
rows can give a datetime with a time zone or bytes. Each is pushed through the importer as an accepted row and
as a rejected one, in a date column, a number column and a column the product does not know (kept with the
row): the rejected row keeps it as uploaded, the accepted row keeps it in ``extra``, and a value that cannot
be read as a date or a number is a warning that shows it as text.
"""

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.ingest import importer
from dashboard.ingest.importer import import_3w
from dashboard.ingest.reader import RawTable
from dashboard.store.models import Activity, ImportIssue, RejectedRow
from tests.workbooks import set_raw_cells, write_workbook

HEADERS = ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster", "Date début",
           "Personnes ciblées", "Note de terrain"]
EAST = timezone(timedelta(hours=-5))
# (value as a reader returns it, as stored in JSON, the date read from it, the number read from it, the text
# a warning shows for a value that is not a date / not a number (None: no warning)), worked out by hand
VALUES = [
    (time(10, 30), "10:30:00", None, None, "10:30:00", "10:30:00"),
    (datetime(2023, 12, 31, 23, 30, tzinfo=EAST), "2023-12-31T23:30:00-05:00", date(2023, 12, 31), None,
     None, "2023-12-31 23:30:00-05:00"),
    (True, True, None, None, "True", "True"),
    (2**70, "1180591620717411303424", None, float(2**70), "1180591620717411303424", None),
    (1.2345678901234568e29, 1.2345678901234568e29, None, 1.2345678901234568e29, "1.2345678901234568e+29", None),
    (float("nan"), None, None, None, None, None),
    (float("inf"), "inf", None, None, "inf", "inf"),
    ("", None, None, None, None, None),  # an error cell (#N/A), as calamine returns it
    (b"caf\xc3\xa9", "café", None, None, "café", "café"),
    (timedelta(days=1, hours=2), "1 day, 2:00:00", None, None, "1 day, 2:00:00", "1 day, 2:00:00"),
    ("Ségou\x00", "Ségou", None, None, "Ségou", "Ségou"),
]


def reader_rows() -> list[list[object]]:
    """Two rows per value: accepted (Santé), then rejected (an unknown sector); the value in the date, number
    and unknown columns."""
    rows = []
    for value, *_ in VALUES:
        for sector in ("Santé", "Astronomie"):
            rows.append(["NRC", "ML05", "ML0502", "", sector, value, value, value])
    return rows


@pytest.fixture
def imported(prepared_engine, tmp_path, monkeypatch):
    """The rows above imported as a reader would hand them over (first data row: spreadsheet row 2)."""
    path = write_workbook(tmp_path / "3W_Niger_2024-01.xlsx", {"3W": [HEADERS, ["NRC"] * len(HEADERS)]})
    table = RawTable(path.name, "3W", HEADERS, [None] * len(HEADERS), reader_rows(), 2)
    monkeypatch.setattr(importer, "read_table", lambda *args, **kwargs: table)
    return prepared_engine, import_3w(prepared_engine, path)


def test_every_value_is_kept_with_its_rejected_row_and_its_accepted_row(imported):
    engine, result = imported
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (22, 11, 11)
    with Session(engine) as session:
        rejected = {row.source_row: row.raw_values for row in session.scalars(select(RejectedRow))}
        activities = {row.source_row: row for row in session.scalars(select(Activity))}
    for position, (value, stored, read_date, read_number, *_warnings) in enumerate(VALUES):
        accepted_row, rejected_row = 2 + 2 * position, 3 + 2 * position
        kept = rejected[rejected_row]
        assert (kept["Date début"], kept["Personnes ciblées"], kept["Note de terrain"]) == (stored,) * 3, value
        activity = activities[accepted_row]
        assert activity.extra == ({"Note de terrain": stored} if stored is not None else None), value
        assert (activity.start_date, activity.targeted) == (read_date, read_number), value


def test_a_value_that_is_no_date_or_no_number_is_a_warning_showing_it_as_text(imported):
    engine, _result = imported
    with Session(engine) as session:
        warnings = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value)
                                   .where(ImportIssue.severity == "warning")).all()
    found = {(row, column): value for row, column, value in warnings}
    for position, (value, *_stored, not_a_date, not_a_number) in enumerate(VALUES):
        for row in (2 + 2 * position, 3 + 2 * position):  # rejected rows keep their warnings too
            assert found.get((row, "Date début")) == not_a_date, value
            assert found.get((row, "Personnes ciblées")) == not_a_number, value
    assert len(found) == len(warnings)


def test_a_workbook_with_times_booleans_errors_and_nan_imports(prepared_engine, tmp_path):
    """Cells as calamine reads them from a real .xlsx: a time in the date column (a Niger 3W), a boolean, a
    commune code whose formula's cached value is #N/A, a #DIV/0! and a NaN in the number column."""
    path = write_workbook(tmp_path / "3W_2024-01.xlsx", {"3W": [HEADERS, *[
        ["NRC", "ML05", "ML0502", "ML050202", "Santé", time(10, 30), 12, True],          # row 2
        ["NRC", "ML05", "ML0502", "placeholder", "Astronomie", time(0, 0), 7, "x"],       # row 3: rejected
        ["AMSS", "ML06", "ML0601", "ML060101", "EHA", date(2023, 12, 31), 9, 2**70],   # row 4
        ["AMSS", "ML06", "ML0601", "ML060101", "EHA", date(2023, 12, 31), 9, "y"],       # row 5
    ]]})
    set_raw_cells(path, {"D3": '<c r="D3" t="e"><f>VLOOKUP(K3,Admin!A:B,2,0)</f><v>#N/A</v></c>',
                         "G4": '<c r="G4" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
                         "G5": '<c r="G5"><v>NaN</v></c>', "H5": '<c r="H5"><v>INF</v></c>'})
    result = import_3w(prepared_engine, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 3, 1)
    with Session(prepared_engine) as session:
        rejected = session.scalars(select(RejectedRow)).one()
        activities = {row.source_row: row for row in session.scalars(select(Activity))}
        warnings = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value)
                                   .where(ImportIssue.severity == "warning")).all()
    # the error cell is empty: the rejected row keeps no commune code; its time is kept as text
    assert (rejected.source_row, rejected.raw_values["admin3Pcod"], rejected.raw_values["Date début"]) == (
        3, None, "00:00:00")
    assert activities[2].start_date is None and activities[2].extra == {"Note de terrain": True}
    # a workbook holds numbers as doubles: 2**70 comes back a float, kept as the JSON number it is
    assert activities[4].targeted is None and activities[4].extra == {"Note de terrain": 1.180591620717411e21}
    assert (activities[5].targeted, activities[5].extra) == (None, {"Note de terrain": "inf"})
    assert sorted(warnings) == [(2, "Date début", "10:30:00"), (3, "Date début", "00:00:00")]


def test_a_csv_with_dates_with_a_time_zone_and_error_texts(prepared_engine, tmp_path):
    """A CSV saved from a sheet holds an error cell's text: #N/A reads as an empty cell, as in the workbook."""
    path = tmp_path / "3W_2024-01.csv"
    path.write_text("\n".join([
        ";".join(HEADERS),
        "NRC;ML05;ML0502;#N/A;Santé;2023-12-31T23:30:00+01:00;#DIV/0!;#N/A",   # row 2: at cercle level
        "NRC;ML05;ML0502;ML050202;Santé;2023-12-31 08:00:00Z;inf;nan",         # row 3
    ]), encoding="utf-8")
    result = import_3w(prepared_engine, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)
    with Session(prepared_engine) as session:
        activities = {row.source_row: row for row in session.scalars(select(Activity))}
        warnings = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.value)
                                   .where(ImportIssue.severity == "warning")).all()
    assert (activities[2].location_level, activities[2].pcode, activities[2].start_date, activities[2].targeted,
            activities[2].extra) == (2, "ML0502", date(2023, 12, 31), None, None)
    assert (activities[3].start_date, activities[3].targeted, activities[3].extra) == (
        date(2023, 12, 31), None, {"Note de terrain": "nan"})
    assert warnings == [(3, "Personnes ciblées", "inf")]


def test_texts_longer_than_their_column_are_cut_with_a_warning_and_kept_whole(prepared_engine, tmp_path):
    """PostgreSQL refuses a text longer than its column: a long status, and a header with a long explanation
    in brackets (recognised all the same), are stored cut, the whole status kept with the row."""
    status = "En cours " + "x" * 141  # 150 characters; an activity's status holds 100
    date_header = "Date début (" + "écrivez la date au format JJ/MM/AAAA " * 7 + ")"  # 272 characters
    path = write_workbook(tmp_path / "3W_2024-01.xlsx", {"3W": [
        ["Organisation Accronyme", "admin1Pcod", "Cluster", "Statut", date_header],
        ["NRC", "ML05", "Santé", status, "demain"]]})
    result = import_3w(prepared_engine, path)
    assert (result.rows_accepted, result.warnings) == (1, 2)
    with Session(prepared_engine) as session:
        activity = session.scalars(select(Activity)).one()
        warnings = session.execute(select(ImportIssue.column, ImportIssue.problem)
                                   .where(ImportIssue.severity == "warning").order_by(ImportIssue.id)).all()
    assert (activity.status, activity.extra) == (status[:100], {"Statut": status})
    assert warnings == [(date_header[:200], "'demain' is not a date (Start date)"),
                        ("Statut", "the text is longer than 100 characters and was cut")]
