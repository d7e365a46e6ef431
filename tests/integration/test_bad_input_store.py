"""A bad file changes nothing in the store, on SQLite and PostgreSQL: not even the earlier import of the same
period and source that a good file would replace. Refusals come within seconds, hashing included."""

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import import_3w
from dashboard.reports.imports import rejected_rows_csv
from dashboard.store.models import Activity, ImportBatch, ImportIssue, Organisation, RejectedRow
from tests import bad_files
from tests.bad_files import GOOD_ROWS, HEADERS, HXL
from tests.workbooks import write_workbook

PERIOD, SOURCE = "2024-03", "OCHA Mali"
#: a refusal, file hashing and boundary loading included, takes well under a second
SECONDS = 5.0


def two_communes(path):
    return write_workbook(path, {"ML_5W": [
        ["Organisation Accronyme", "admin1Pcod", "Commune", "Cluster", "Commune"],
        ["NRC", "ML05", "Baye", "Santé", "Bamba"],
    ]})


BAD_FILES = [
    ("empty.xlsx", bad_files.empty_file, "empty_file"),
    ("headers_only.xlsx", bad_files.headers_only_workbook, "no_data_rows"),
    ("truncated.xlsx", bad_files.truncated_workbook, "corrupt"),
    ("random.xls", bad_files.random_bytes, "corrupt"),
    ("protected.xlsx", bad_files.encrypted_workbook, "password"),
    ("huge.csv", bad_files.oversized_file, "too_large"),
    ("bomb.xlsx", bad_files.zip_bomb, "zip_bomb"),
    ("formulas.xlsx", bad_files.formulas_only_workbook, "uncalculated_formulas"),
    ("mixed.csv", bad_files.mixed_encoding_csv, "encoding"),
    ("two_communes.xlsx", two_communes, "duplicate_column"),
]


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (ImportBatch, Activity, RejectedRow, ImportIssue, Organisation)}


def test_bad_files_leave_the_store_unchanged(prepared_engine, tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", {"ML_5W": [HEADERS, HXL, *GOOD_ROWS,
                                                             ["BAD", "ML05", "ML0599", "Santé"]]})
    first = import_3w(prepared_engine, good, period=PERIOD, source=SOURCE)
    before = counts(prepared_engine)
    # by hand: one import; NRC and AMSS accepted (two organisations), BAD rejected (ML0599 is no cercle)
    assert {name: before[name] for name in ("import_batch", "activity", "rejected_row", "organisation")} == {
        "import_batch": 1, "activity": 2, "rejected_row": 1, "organisation": 2}
    for name, make, reason in BAD_FILES:
        path = make(tmp_path / name)
        start = time.perf_counter()
        with pytest.raises(ImportRefused) as refused:
            # same period and source: a good file would replace the first import
            import_3w(prepared_engine, path, period=PERIOD, source=SOURCE)
        assert time.perf_counter() - start < SECONDS, name
        assert refused.value.reason == reason, (name, str(refused.value))
        assert counts(prepared_engine) == before, name
    with Session(prepared_engine) as session:
        assert session.scalars(select(ImportBatch.id)).all() == [first.batch_id]


def test_an_xls_imports_the_same_rows_as_the_xlsx(prepared_engine, tmp_path):
    sheet = [HEADERS, HXL, *GOOD_ROWS]
    xlsx = import_3w(prepared_engine, write_workbook(tmp_path / "3w.xlsx", {"ML_5W": sheet}), period="2024-01")
    xls = import_3w(prepared_engine, bad_files.xls_workbook(tmp_path / "3w.xls", {"ML_5W": sheet}), period="2024-02")
    assert (xls.rows_read, xls.rows_accepted, xls.rows_rejected) == (2, 2, 0)

    def rows(batch_id):
        with Session(prepared_engine) as session:
            return session.execute(select(Activity.source_row, Activity.organisation_id, Activity.sector_code,
                                          Activity.pcode).where(Activity.batch_id == batch_id)
                                   .order_by(Activity.source_row)).all()

    assert rows(xls.batch_id) == rows(xlsx.batch_id)
    assert [(row.source_row, row.pcode) for row in rows(xls.batch_id)] == [(3, "ML0502"), (4, "ML0601")]


def test_rejected_rows_downloaded_and_imported_again_keep_their_values(prepared_engine, tmp_path):
    # the download puts an apostrophe before "=..." and "-5" so Excel keeps them as text; importing the
    # download again must give back the values as uploaded, not with the apostrophe
    # (a CSV: openpyxl would write "=SUM(...)" as a formula, not as the text a partner typed)
    path = tmp_path / "3w.csv"
    path.write_text("Organisation Accronyme;admin1Pcod;admin2Pcod;Cluster;Remarques\n"
                    "NRC;ML05;ML0502;Astronomie;=SUM(A1:A2)\n"
                    "AMSS;ML06;ML0601;Astronomie;-5\n", encoding="utf-8")
    first = import_3w(prepared_engine, path, period="2024-01")
    download = tmp_path / "rejected.csv"
    download.write_bytes(rejected_rows_csv(prepared_engine, first.batch_id))
    assert b"'=SUM(A1:A2)" in download.read_bytes() and b"'-5" in download.read_bytes()
    again = import_3w(prepared_engine, download, period="2024-02")
    assert (again.rows_read, again.rows_rejected) == (2, 2)  # still an unknown sector
    with Session(prepared_engine) as session:
        values = session.scalars(select(RejectedRow.raw_values).where(RejectedRow.batch_id == again.batch_id)
                                 .order_by(RejectedRow.source_row)).all()
    assert [value["Remarques"] for value in values] == ["=SUM(A1:A2)", "-5"]
