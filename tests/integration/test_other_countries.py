"""A 3W of another country is refused as a whole, before its rows are checked, naming its country and the
countries this installation knows; nothing is stored (both back ends)."""

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.ingest import importer
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import import_3w
from dashboard.ingest.jobs import failure_message, job_state, run_job, submit
from dashboard.domain.roles import Role, Viewer
from dashboard.store.models import ImportBatch, ImportIssue, Organisation, RejectedRow
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster"]
# real-looking P-codes of each country: region, district (and commune for Niger)
FILES = {
    "Chad": ("TD", "Tchad", [("TD01", "TD0101", None), ("TD02", "TD0203", None), ("TD19", None, None)]),
    "Somalia": ("SO", "Somalie", [("SO11", "SO1101", None), ("SO22", "SO2201", None), ("SO11", "SO1102", None)]),
    "South Sudan": ("SS", "Soudan du Sud", [("SS01", "SS0101", None), ("SS04", "SS0402", None),
                                            ("SS01", None, None)]),
    "Niger": ("NE", "Niger", [("NE001", "NE001001", "NE001001001"), ("NE006", "NE006003", None),
                              ("NE008", "NE008001", "NE008001002")]),
    "Afghanistan": ("AF", "Afghanistan", [("AF01", "AF0101", None), ("AF24", "AF2401", None), ("AF01", None, None)]),
    "Nigeria": ("NG", "Nigeria", [("NG002", "NG002001", None), ("NG008", "NG008011", None), ("NG036", None, None)]),
}


def foreign_workbook(path, codes):
    return write_workbook(path, {"3W": [HEADERS, *[["NRC", *place, "Santé"] for place in codes]]})


def stored(engine):
    with Session(engine) as session:
        return [session.scalar(select(func.count()).select_from(model))
                for model in (ImportBatch, RejectedRow, ImportIssue, Organisation)]


@pytest.mark.parametrize("name", list(FILES))
def test_a_file_of_another_country_is_refused_naming_it(prepared_engine, tmp_path, name):
    code, french, places = FILES[name]
    path = foreign_workbook(tmp_path / "3W_2024-01.xlsx", places)
    with pytest.raises(ImportRefused) as refused:
        import_3w(prepared_engine, path)
    error = refused.value
    # by hand: the codes filled in the three rows
    codes = sum(value is not None for place in places for value in place)
    assert error.reason == "other_country"
    assert error.in_language("en") == (
        f"its place codes are those of another country, {name} ({code}): {codes} codes of {codes} (e.g. "
        f"{places[0][0]}). Countries this installation knows: Mali (ML); check that this is the right file, or "
        "import it into that country's dashboard.")
    assert error.in_language("fr").startswith(
        f"ses codes de lieu sont ceux d'un autre pays, {french} ({code}) : {codes} codes sur {codes} (par ex. "
        f"{places[0][0]}). Pays connus de cette installation : Mali (ML) ;")
    assert stored(prepared_engine) == [0, 0, 0, 0]


def test_alpha_3_codes_and_a_country_column_tell_the_country_too(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_2024-01.xlsx", {"3W": [
        ["Pays", *HEADERS], *[["Tchad", "NRC", "TCD01", None, None, "Santé"]] * 3, ["Tchad", "NRC", None, None, None,
                                                                                     "Santé"]]})
    with pytest.raises(ImportRefused, match=r"Chad \(TD\): 7 codes of 7 \(e.g. TCD01\)"):
        import_3w(prepared_engine, path)


def test_a_mali_file_with_a_few_stray_codes_is_imported_and_those_rows_rejected(prepared_engine, tmp_path):
    mali = [("ML05", "ML0502", None)] * 8
    stray = [("NE001", "NE001001", None)]
    path = foreign_workbook(tmp_path / "3W_2024-01.xlsx", mali + stray)
    # by hand: 16 Mali codes and 2 Niger codes: 11% foreign, a Mali file
    result = import_3w(prepared_engine, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (9, 8, 1)


def test_the_file_is_refused_before_its_rows_are_checked(prepared_engine, tmp_path, monkeypatch):
    """A Somalia 3W of 31,085 rows gave as many rejections: it is refused in the time it takes to read it."""
    path = tmp_path / "3w_somalia_2024-01.csv"
    lines = [";".join(HEADERS)] + [f"ORG{n % 300};SO{11 + n % 8};SO{11 + n % 8}0{1 + n % 5};;Santé"
                                   for n in range(31_085)]
    path.write_text("\n".join(lines), encoding="utf-8")

    def no_row_checks(*args, **kwargs):
        raise AssertionError("rows were checked")

    monkeypatch.setattr(importer, "check_rows", no_row_checks)
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match=r"Somalia \(SO\): 62170 codes of 62170"):
        import_3w(prepared_engine, path)
    assert time.perf_counter() - started < 20  # about 1 s here; generous for a busy machine
    assert stored(prepared_engine) == [0, 0, 0, 0]


def test_the_refusal_reads_in_french_on_the_upload_page_and_in_english_on_the_command_line(
        prepared_engine, tmp_path, monkeypatch, capsys):
    path = foreign_workbook(tmp_path / "3W_Tchad_2024-01.xlsx", FILES["Chad"][2])
    imo = Viewer(Role.IMO, "imo")
    job = submit(prepared_engine, path.name, path.read_bytes(), imo, run=False)
    run_job(prepared_engine, job)
    state = job_state(prepared_engine, job, imo)
    assert state["state"] == "failed"
    assert failure_message(state, "fr").startswith("ses codes de lieu sont ceux d'un autre pays, Tchad (TD) :")
    assert failure_message(state, "en").startswith("its place codes are those of another country, Chad (TD):")
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    assert cli.main(["import", str(path), "--check"]) == 2
    assert capsys.readouterr().err.startswith(
        "import refused, nothing was written: file 3W_Tchad_2024-01.xlsx, sheet 3W: its place codes are those of "
        "another country, Chad (TD): 5 codes of 5 (e.g. TD01). Countries this installation knows: Mali (ML);")
