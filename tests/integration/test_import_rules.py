"""Import behaviour on small workbooks made here: rejections kept as uploaded, all-or-nothing, the CLI."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.ingest import importer
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.importer import import_3w
from dashboard.ingest.periods import infer_period
from dashboard.store.models import Activity, ImportBatch, ImportIssue, OrgAlias, Organisation, RejectedRow
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Commune", "Cluster"]
HXL = ["#org+acronym", "#org+name", "#org+type", "#adm1+code", "#adm2+code", "#adm3+code", None, "#sector"]
ROWS = [
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", "ML050202", "Baye", "Protection"],  # ok
    ["Nrc ", "Norwegian Refugee Council", "ONG Int", "MLI05", "ML0502 ", None, None, "Santé"],  # ok, repaired
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML06", "ML0601", None, None, "EHA"],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML06", "ML0601", None, None,
     "Astronomie"],  # rejected: unknown sector
    ["CRS", "Catholic Relief Services", "ONG Int", "ML05", "ML0599", None, None, "Santé"],  # rejected: P-code
    [None, None, "ONG Int", "ML05", "ML0502", None, None, "Santé"],  # rejected: no organisation
    [None, None, None, None, None, None, None, None],  # empty: not a row
]


@pytest.fixture
def small_workbook(tmp_path):
    return write_workbook(tmp_path / "3W_test_2024-03.xlsx", {"ML_5W": [HEADERS, HXL, *ROWS]})


def count(engine, model):
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_rows_end_accepted_or_rejected_with_reasons(prepared_engine, small_workbook):
    result = import_3w(prepared_engine, small_workbook)
    assert result.period == "2024-03"  # read from the file name
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 3, 3)
    assert result.organisations_created == 2  # NRC (two spellings) and AMSS
    with Session(prepared_engine) as session:
        rejected = session.scalars(select(RejectedRow).order_by(RejectedRow.source_row)).all()
        assert [r.source_row for r in rejected] == [6, 7, 8]  # Excel rows: header 1, HXL 2, data from 3
        assert rejected[0].raw_values["Cluster"] == "Astronomie"  # kept exactly as uploaded
        assert rejected[0].raw_values["Organisation Accronyme"] == "AMSS"
        assert ["unknown sector" in reason for reason in rejected[0].reasons] == [True]
        assert "ML0599" in rejected[1].reasons[0]
        assert "no organisation" in rejected[2].reasons[0]
        cercle_row = session.scalars(select(Activity).where(Activity.source_row == 4)).one()
        assert (cercle_row.location_level, cercle_row.pcode, cercle_row.adm1_pcode) == (2, "ML0502", "ML05")
        repairs = session.scalars(select(ImportIssue).where(ImportIssue.severity == "repair")
                                  .order_by(ImportIssue.id)).all()
        # row 4 wrote MLI05 and "ML0502 ": both repairs are listed, with how they were made
        assert [(r.source_row, r.column, r.value, r.suggestion, r.method) for r in repairs] == [
            (4, "admin1Pcod", "MLI05", "ML05", "code normalised"), (4, "admin2Pcod", "ML0502 ", "ML0502", "code normalised")]


def test_a_later_file_reuses_registered_organisations(prepared_engine, small_workbook, tmp_path):
    import_3w(prepared_engine, small_workbook)
    later = write_workbook(tmp_path / "later.xlsx", {"ML_5W": [HEADERS, HXL, ["NRC", None, "ONG Int", "ML05",
                                                                             "ML0502", None, None, "Santé"]]})
    result = import_3w(prepared_engine, later, period="2024-06")
    assert result.organisations_created == 0
    assert count(prepared_engine, Organisation) == 2


def test_an_import_that_fails_midway_writes_nothing(prepared_engine, small_workbook, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "issue_record", fail)  # fails after organisations and batch are flushed
    with pytest.raises(RuntimeError):
        import_3w(prepared_engine, small_workbook)
    for model in (ImportBatch, Organisation, OrgAlias, Activity, RejectedRow, ImportIssue):
        assert count(prepared_engine, model) == 0, model.__name__


def test_a_refused_file_writes_nothing(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"S": [["Cluster"], ["Santé"]]})
    with pytest.raises(ImportRefused):
        import_3w(prepared_engine, path, period="2024-01")
    assert count(prepared_engine, ImportBatch) == 0


def test_period_must_be_given_when_the_name_does_not_say(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "partners.xlsx", {"ML_5W": [HEADERS, HXL, ROWS[0]]})
    with pytest.raises(ImportRefused, match="--period"):
        import_3w(prepared_engine, path)


@pytest.mark.parametrize("name, period", [
    ("operational_presence_mli_mali_3w_december_2023.xlsx", "2023-12"), ("3W_Mali_Juin_2024.xlsx", "2024-06"),
    ("mali-3w-2022-03.csv", "2022-03"), ("3W février 2021.xlsx", "2021-02"), ("partners.xlsx", None),
    # the names of the OCHA Mali 3W resources on HDX (mali-operational-presence.hdx_metadata.json)
    ("mali-3w_troisieme-trimestre2023.xlsx", "2023-09"),
    ("mali_3w-presence-operationnelle-premier-trismestre-2023.xlsx", "2023-03"),
    ("mali-5w_mars-2022.xlsx", "2022-03"), ("mali_5w_decembre2021.xlsx", "2021-12"),
    ("mli_ocha_3w_20201007_vf.xlsx", "2020-10"), ("3w_mli_avril-2020_vf.xlsx", "2020-04"),
    ("3w_mli_nov2019.xlsx", "2019-11"), ("mali_3wop_august_2018_eng.xlsx", "2018-08"),
    ("mali_3wop_juin-2017.xls", "2017-06"), ("mali_3wop_nov_2016.xlsm", "2016-11"),
    ("mali-5w_presence-operationnel-dexieme-trimestre-2.xlsx", None), ("mali-3w_maj-2.xlsx", None),
    ("mli_5w_2021.xlsx", None), ("3W T4 2023.xlsx", "2023-12"), ("3w_2024_Q1.csv", "2024-03"),
    ("3W 03-2024.csv", "2024-03"),
])
def test_infer_period(name, period):
    assert infer_period(name) == period


def test_cli_prints_accepted_and_rejected(prepared_engine, small_workbook, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    assert cli.main(["import", str(small_workbook), "--period", "2024-03"]) == 0
    output = capsys.readouterr().out
    assert "read 6, accepted 3, rejected 3" in output
    assert cli.main(["import", str(small_workbook), "--period", "2024-03"]) == 0
    assert "already imported" in capsys.readouterr().out


def test_a_names_only_csv_is_placed_by_names_within_each_parent(prepared_engine, tmp_path):
    # COD-AB 2021 (SOURCE.md): Bamba is a commune of Bourem (ML070201, Gao) and of Koro (ML050501, Mopti);
    # Baye of Bankass is ML050202 (another Baye is in Kéniéba, Kayes).
    path = tmp_path / "3w_names_2024-02.csv"
    path.write_text("Organization acronym;Sector;Region;Cercle;Commune\n"
                    "NRC;Health;Gao;Bourem;Bamba\n"
                    "NRC;Health;MOPTI;koro;BAMBA\n"
                    "DRC;Protection;Mopti;Bankass;Baye\n"
                    "DRC;Protection;Mopti;Bankas;\n", encoding="utf-8")
    result = import_3w(prepared_engine, path)
    assert (result.rows_accepted, result.rows_rejected) == (4, 0)
    with Session(prepared_engine) as session:
        places = session.execute(select(Activity.source_row, Activity.pcode).order_by(Activity.source_row)).all()
        review = session.scalars(select(ImportIssue).where(ImportIssue.severity == "review")).one()
    assert [tuple(place) for place in places] == [(2, "ML070201"), (3, "ML050501"), (4, "ML050202"), (5, "ML05")]
    # "Bankas" is offered as Bankass for review, not applied: the row counts for the region until then
    assert (review.source_row, review.column, review.value, review.suggestion) == (5, "Cercle", "Bankas", "ML0502")


def test_a_file_coded_with_the_2015_p_codes_is_translated_to_2021_and_says_so(prepared_engine, tmp_path):
    # SOURCE.md of the 2015 set and its shapefiles, read with pyogrio: in 2015 ML0101 was the cercle of Kayes
    # and ML010112 its commune "Kayes Commune"; ML0704 was the cercle of Ménaka (region of Gao). In 2021 the
    # same units are ML0103 Kayes, ML010312 Kayes, and the region ML10 Menaka; ML0101 is Bafoulabé.
    path = write_workbook(tmp_path / "3W_2019-06.xlsx", {"ML_5W": [
        ["Organisation Accronyme", "admin1Pcod", "Region", "admin2Pcod", "Cercle", "admin3Pcod", "Commune", "Cluster"],
        ["NRC", "ML01", "Kayes", "ML0101", "Kayes", "ML010112", "Kayes Commune", "Santé"],
        ["NRC", "ML07", "Gao", "ML0704", "Menaka", None, None, "Santé"],
        ["AMSS", "ML01", None, "ML0101", None, None, None, "EHA"],          # codes only: follows the file
        ["DRC", "ML01", "Kayes", "ML0101", "Bafoulabé", None, None, "Santé"],  # a 2021 name: read as 2021
    ]})
    result = import_3w(prepared_engine, path)
    assert (result.rows_accepted, result.rows_rejected) == (4, 0)
    with Session(prepared_engine) as session:
        places = session.execute(select(Activity.source_row, Activity.location_level, Activity.adm1_pcode,
                                        Activity.adm2_pcode, Activity.adm3_pcode).order_by(Activity.source_row)).all()
        batch = session.scalars(select(ImportBatch)).one()
        notes = session.scalars(select(ImportIssue).where(ImportIssue.source_row.is_(None))).all()
        translations = session.scalars(select(ImportIssue).where(ImportIssue.method == "2015 P-code translated by area")
                                       .order_by(ImportIssue.id)).all()
    assert [tuple(place) for place in places] == [
        (2, 3, "ML01", "ML0103", "ML010312"), (3, 1, "ML10", None, None), (4, 2, "ML01", "ML0103", None),
        (5, 2, "ML01", "ML0101", None)]
    assert batch.codes_version == "cod-ab-mli-2015"
    assert [note.method for note in notes] == ["2015 P-codes found"]
    assert "3 rows are coded with the 2015 P-codes" in notes[0].problem
    # each translation is on record with its row, and how sure it is (share of the 2015 unit's area)
    assert [(t.source_row, t.column, t.value, t.suggestion) for t in translations][:3] == [
        (2, "admin3Pcod", "ML010112", "ML010312"), (2, "admin2Pcod", "ML0101", "ML0103"),
        (2, "admin1Pcod", "ML01", "ML01")]
    assert all(0.8 <= t.confidence <= 1 for t in translations)


def test_the_code_set_can_be_given_for_a_file_that_does_not_tell(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_2019-06.xlsx", {"ML_5W": [
        ["Organisation Accronyme", "admin2Pcod", "Cluster"], ["NRC", "ML0101", "Santé"]]})
    result = import_3w(prepared_engine, path, code_set="2015")
    with Session(prepared_engine) as session:
        stored = session.scalars(select(Activity)).one()
    assert result.rows_accepted == 1 and stored.adm2_pcode == "ML0103"  # Kayes, not Bafoulabé


def small_3w(tmp_path, name, rows):
    header = ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster"]
    return write_workbook(tmp_path / name, {"ML_5W": [header, ["#org+acronym", "#adm1+code", "#adm2+code", "#sector"],
                                                      *rows]})


FIRST = [["NRC", "ML05", "ML0502", "Santé"], ["NRC", "ML05", "ML0501", "Santé"], ["AMSS", "ML06", "ML0601", "EHA"],
         ["BAD", "ML05", "ML0599", "Santé"]]
CORRECTED = [["NRC", "ML05", "ML0502", "Santé"], ["AMSS", "ML06", "ML0601", "EHA"], ["DRC", "ML05", "ML0502", "EHA"],
             ["DRC", "ML05", "ML0501", "EHA"]]


def test_a_corrected_file_replaces_the_import_of_its_period_and_source(prepared_engine, tmp_path):
    first = import_3w(prepared_engine, small_3w(tmp_path, "a.xlsx", FIRST), period="2024-03", source="OCHA Mali")
    second = import_3w(prepared_engine, small_3w(tmp_path, "b.xlsx", CORRECTED), period="2024-03",
                       source="OCHA Mali")
    assert second.replaced_batch_id == first.batch_id
    # by hand: NRC 2 -> 1, DRC 0 -> 2, AMSS 1 -> 1 (unchanged, not listed); largest change first
    assert second.changes == {"rows_before": 3, "rows_after": 4, "organisations": [
        {"organisation": "DRC", "before": 0, "after": 2}, {"organisation": "NRC", "before": 2, "after": 1}]}
    with Session(prepared_engine) as session:
        assert session.scalars(select(ImportBatch.id)).all() == [second.batch_id]
        assert session.scalar(select(func.count()).select_from(Activity)) == 4
        assert session.scalar(select(func.count()).select_from(RejectedRow)) == 0  # the first file's went with it


def test_without_a_source_or_in_another_period_nothing_is_replaced(prepared_engine, tmp_path):
    import_3w(prepared_engine, small_3w(tmp_path, "a.xlsx", FIRST), period="2024-03")
    import_3w(prepared_engine, small_3w(tmp_path, "b.xlsx", CORRECTED), period="2024-03")
    import_3w(prepared_engine, small_3w(tmp_path, "c.xlsx", CORRECTED[:1]), period="2024-04", source="OCHA Mali")
    assert count(prepared_engine, ImportBatch) == 3


def test_a_replacement_that_fails_keeps_the_earlier_import(prepared_engine, tmp_path, monkeypatch):
    first = import_3w(prepared_engine, small_3w(tmp_path, "a.xlsx", FIRST), period="2024-03", source="OCHA Mali")

    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    # fails after the earlier batch was deleted and the new rows inserted: the whole transaction rolls back
    monkeypatch.setattr(importer, "_changes", fail)
    with pytest.raises(RuntimeError):
        import_3w(prepared_engine, small_3w(tmp_path, "b.xlsx", CORRECTED), period="2024-03", source="OCHA Mali")
    with Session(prepared_engine) as session:
        assert session.scalars(select(ImportBatch.id)).all() == [first.batch_id]
        assert session.scalar(select(func.count()).select_from(Activity)) == 3


def test_a_rejected_row_keeps_both_columns_of_a_repeated_header(prepared_engine, tmp_path):
    """Two unknown columns named "Note interne" with different notes, and "Commune" twice (the second empty,
    so the file is accepted): the rejected row keeps every value."""
    path = write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": [
        [*HEADERS, "Note interne", "Note interne", "Commune"],
        ["AMSS", None, "ONG Nat", "ML06", "ML0601", None, "Baye", "Astronomie", "à revoir", "appelé le 3", None]]})
    import_3w(prepared_engine, path)
    with Session(prepared_engine) as session:
        kept = session.scalars(select(RejectedRow)).one().raw_values
    # By hand: the columns are A-K; the second "Note interne" is J, the second "Commune" K.
    assert (kept["Note interne"], kept["Note interne (J)"]) == ("à revoir", "appelé le 3")
    assert (kept["Commune"], kept["Commune (K)"]) == ("Baye", None)


def test_a_windows_1252_csv_says_so_in_its_report(prepared_engine, tmp_path):
    path = tmp_path / "3W_2024-03.csv"
    path.write_bytes(("Organisation Accronyme;admin1Pcod;admin2Pcod;Cluster\n"
                      "AMSS;ML06;ML0601;Santé\n").encode("cp1252"))
    result = import_3w(prepared_engine, path)
    assert result.rows_accepted == 1
    with Session(prepared_engine) as session:
        note = session.scalars(select(ImportIssue).where(ImportIssue.batch_id == result.batch_id)).one()
        sector = session.scalar(select(Activity.sector_code))
    assert (note.severity, note.source_row) == ("warning", None)
    assert "Windows" in note.problem
    assert sector == "health"  # "Santé" read right, so the sector is known
