"""Files as people send them: every bad file is refused with a message saying what is wrong and what to do,
within seconds, before a huge or bomb-like file is read or unpacked; good files in every accepted format read
the same rows. Expected messages, sizes, lines and cells are worked out from how each file is built."""

import csv
import datetime as dt
import re
import shutil
import time
import zipfile

import pytest

from dashboard import exports
from dashboard.i18n import render_message
from dashboard.ingest import reader
from dashboard.ingest.columns import map_columns
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.reader import (
    MAX_UPLOAD_BYTES,
    NEUTRALISED_STARTS,
    check_zip,
    read_table,
    restore_neutralised,
    uncalculated_formulas,
)
from tests import bad_files
from tests.bad_files import MIB
from tests.workbooks import write_workbook

#: every refusal below must come this fast (they take milliseconds; the margin is for slow machines)
SECONDS = 2.0


def refused(path, **options) -> ImportRefused:
    start = time.perf_counter()
    with pytest.raises(ImportRefused) as caught:
        read_table(path, **options)
    assert time.perf_counter() - start < SECONDS
    return caught.value


# --- empty, headers only ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["3w.xlsx", "3w.xls", "3w.csv"])
def test_an_empty_file_is_refused_as_empty(tmp_path, name):
    error = refused(bad_files.empty_file(tmp_path / name))
    assert error.reason == "empty_file"
    assert str(error).startswith(f"file {name}: the file is empty (0 bytes): it was not saved or not copied "
                                 "completely.")


def test_a_workbook_with_headers_but_no_data_rows_is_refused(tmp_path):
    error = refused(bad_files.headers_only_workbook(tmp_path / "3w.xlsx"))
    assert error.reason == "no_data_rows"
    # header on row 1, HXL on row 2, then only empty rows
    assert str(error).startswith("file 3w.xlsx, sheet ML_5W: the table has a header row (row 1) but no data rows "
                                 "below it, so there is nothing to import.")
    assert "--sheet" in str(error)


def test_a_csv_with_headers_but_no_data_rows_is_refused(tmp_path):
    path = tmp_path / "3w.csv"
    path.write_text("\n\nOrganisation;Cluster\n;\n\n", encoding="utf-8")  # header on line 3, then ";" (empty cells)
    error = refused(path)
    assert error.reason == "no_data_rows"
    assert str(error).startswith("file 3w.csv: the table has a header row (row 3) but no data rows")


# --- damaged, not a workbook ------------------------------------------------------------------------------

@pytest.mark.parametrize("make, name", [
    (bad_files.random_bytes, "3w.xlsx"), (bad_files.random_bytes, "3w.xls"), (bad_files.random_bytes, "3w.ods"),
    (bad_files.truncated_workbook, "3w.xlsx"),
])
def test_a_damaged_workbook_is_refused_with_what_to_do(tmp_path, make, name):
    error = refused(make(tmp_path / name))
    assert error.reason == "corrupt"
    assert str(error).startswith(f"file {name}: the workbook cannot be opened: the file is damaged or incomplete")
    assert "save it again as .xlsx" in str(error) and "ask the sender for a new copy" in str(error)


def test_a_zip_that_is_no_workbook_is_refused_with_calamines_detail(tmp_path):
    # a valid zip archive, but without the parts of a workbook: the zip checks pass, calamine cannot read it
    path = bad_files.write_zip(tmp_path / "3w.xlsx", {"notes.txt": b"not a workbook"})
    error = refused(path)
    assert error.reason == "corrupt" and "cannot be opened" in str(error) and "(Detail: " in str(error)


def test_a_web_page_named_xls_is_refused_as_such(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xef\xbb\xbf  <html><body><table><tr><td>NRC</td></tr></table></body></html>")
    error = refused(path)
    assert error.reason == "corrupt"
    assert "a web page or XML text saved under a spreadsheet name" in str(error)


# --- password --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["3w.xlsx", "3w.xls"])
def test_a_password_protected_workbook_is_refused_with_how_to_remove_the_password(tmp_path, name):
    path = bad_files.encrypted_workbook(tmp_path / name)
    assert path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE compound file, as Excel writes it
    error = refused(path)
    assert error.reason == "password"
    assert str(error) == (
        f"file {name}: the workbook is protected by a password, so it cannot be read. Open it in Excel, remove "
        "the password (File > Info > Protect Workbook > Encrypt with Password: clear the password and click OK) "
        "and save it, then import it again.")


def test_an_unprotected_xls_is_not_taken_for_a_protected_one(tmp_path):
    path = bad_files.xls_workbook(tmp_path / "3w.xls", {"S": [["Organisation", "Cluster"], ["NRC", "Santé"]]})
    assert path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert not reader.is_encrypted_ole(path)
    assert read_table(path).rows == [["NRC", "Santé"]]


# --- too large -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["3w.xlsx", "3w.csv"])
def test_a_file_over_the_limit_is_refused_on_its_size_without_being_read(tmp_path, monkeypatch, name):
    assert MAX_UPLOAD_BYTES == 50 * MIB
    path = bad_files.oversized_file(tmp_path / name)  # 200 MiB, sparse

    def must_not_read(*_args, **_kwargs):
        raise AssertionError("the file was read")

    for function in ("_head", "read_workbook", "read_csv"):
        monkeypatch.setattr(reader, function, must_not_read)
    error = refused(path)
    assert error.reason == "too_large"
    assert str(error).startswith(f"file {name}: the file is 200 MB, more than the 50 MB an import accepts, so it "
                                 "was not read.")


def test_the_size_limit_can_be_changed(tmp_path, monkeypatch):
    path = bad_files.oversized_file(tmp_path / "3w.csv", 3 * MIB // 2)  # 1.5 MiB
    assert "more than the 1 KB" in str(refused(path, max_bytes=1024))
    monkeypatch.setattr(reader, "MAX_UPLOAD_BYTES", MIB)
    assert "the file is 1.5 MB, more than the 1 MB" in str(refused(path))
    monkeypatch.setattr(reader, "MAX_UPLOAD_BYTES", 2 * MIB)
    # under the limit it is read, and refused for what it is: 1.5 MiB of zero bytes is no text
    assert refused(path).reason == "encoding"


# --- zip bombs -------------------------------------------------------------------------------------------

class NoCalamine:
    """Stands in for python_calamine: the bomb must be refused before calamine gets the file."""

    PasswordError = type("PasswordError", (Exception,), {})

    class CalamineWorkbook:
        @staticmethod
        def from_path(*_args):
            raise AssertionError("the bomb was handed to calamine")

        from_filelike = from_path


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_unpacked(tmp_path, monkeypatch):
    path = bad_files.zip_bomb(tmp_path / "3w.xlsx", unpacked_mib=600)
    assert path.stat().st_size < 2 * MIB  # about 1 KB per MiB of zeros
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 600 * MIB
    monkeypatch.setattr(reader, "python_calamine", NoCalamine)
    error = refused(path)
    assert error.reason == "zip_bomb"
    # 600 MiB of sheet plus a few KB of other parts
    assert str(error).startswith("file 3w.xlsx: the workbook would unpack to 600 MB (the limit is 500 MB): it is "
                                 "not a normal 3W workbook")


def test_a_part_compressed_far_more_than_a_sheet_ever_is_is_refused(tmp_path, monkeypatch):
    path = bad_files.zip_bomb(tmp_path / "3w.xlsx", unpacked_mib=20)  # under 500 MB, but ~1000 times compressed
    monkeypatch.setattr(reader, "python_calamine", NoCalamine)
    error = refused(path)
    assert error.reason == "zip_bomb"
    ratio = re.search(r"has a part \(xl/worksheets/sheet1\.xml\) compressed ([\d,]+) times", str(error))
    assert ratio and int(ratio.group(1).replace(",", "")) > 100
    assert "the limit is 100" in str(error)


def test_a_zip_that_lies_about_its_sizes_is_stopped_by_calamine_at_the_declared_size(tmp_path):
    # declares 1 MiB for a sheet that unpacks to 600 MiB: the size checks pass, and calamine stops reading the
    # part once it exceeds the declared size, so the lie costs nothing either
    path = bad_files.zip_bomb(tmp_path / "3w.xlsx", unpacked_mib=600, declared_mib=1)
    check_zip(path)
    error = refused(path)
    assert error.reason == "corrupt" and "cannot be opened" in str(error)


def test_a_real_sized_workbook_passes_the_zip_checks(tmp_path):
    check_zip(bad_files.good_workbook(tmp_path / "3w.xlsx"))


# --- formulas without results ----------------------------------------------------------------------------

def test_formulas_never_calculated_are_refused_with_how_to_calculate_them(tmp_path):
    error = refused(bad_files.formulas_only_workbook(tmp_path / "3w.xlsx"))
    assert error.reason == "uncalculated_formulas" and error.sheet == "ML_5W"
    # rows 2 and 3, columns A to C: six formulas, the first in A2
    assert str(error).startswith("file 3w.xlsx, sheet ML_5W: the cells hold formulas whose results were never "
                                 "calculated (6 formula cells without a saved value, the first in A2)")
    assert "Open the file in Excel or LibreOffice, let it calculate, save it, then import again." in str(error)


def test_a_sheet_of_formulas_only_headers_included_is_refused_the_same_way(tmp_path):
    error = refused(bad_files.formulas_only_workbook(tmp_path / "3w.xlsx", formula_headers=True))
    assert error.reason == "uncalculated_formulas"
    assert "(4 formula cells without a saved value, the first in A1)" in str(error)  # A1:B2


def test_formulas_with_saved_results_are_read_as_their_results(tmp_path):
    # the same workbook once a spreadsheet has calculated it: each formula cell gets its result in <v>
    uncalculated = bad_files.formulas_only_workbook(tmp_path / "raw.xlsx")
    calculated = tmp_path / "3w.xlsx"
    results = iter(["NRC", "ML05", "santé", "AMSS", "ML06", "EHA"])
    with zipfile.ZipFile(uncalculated) as source, zipfile.ZipFile(calculated, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<c r=\"([A-C][23])\"><f>", rb'<c r="\1" t="str"><f>', content)
                content = re.sub(rb"<v ?/>", lambda _: f"<v>{next(results)}</v>".encode(), content)
            target.writestr(info, content)
    assert uncalculated_formulas(calculated) is None
    assert read_table(calculated).rows == [["NRC", "ML05", "santé"], ["AMSS", "ML06", "EHA"]]


# --- sheets far wider than their table -------------------------------------------------------------------

def wide_workbook(path, far_cell_value):
    """A 3W of 2,000 rows with one cell touched at column 16,000 of its header row."""
    import openpyxl
    from openpyxl.styles import Font
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "ML_5W"
    sheet.append(["Organisation Accronyme", "admin1Pcod", "Cluster"])
    sheet.append(["#org+acronym", "#adm1+code", "#sector"])
    for _ in range(2000):
        sheet.append(["NRC", "ML05", "Santé"])
    sheet.cell(row=1, column=16000).font = Font(bold=True)
    if far_cell_value is not None:
        sheet.cell(row=1, column=16000).value = far_cell_value
    workbook.save(path)
    return path


def test_a_value_far_to_the_right_is_refused_within_seconds(tmp_path):
    # a space typed in WQJ1: every row would be read 16,000 cells wide (minutes and gigabytes before)
    error = refused(wide_workbook(tmp_path / "3w.xlsx", " "))
    assert error.reason == "too_wide"
    assert "cell WQJ1 (column 16,000)" in str(error) and "Delete the columns to the right" in str(error)


def test_a_sheet_only_formatted_far_to_the_right_reads_as_usual(tmp_path):
    table = read_table(wide_workbook(tmp_path / "3w.xlsx", None))
    assert len(table.headers) == 3 and len(table.rows) == 2000


def test_csv_lines_ending_in_thousands_of_separators_add_no_columns(tmp_path):
    path = tmp_path / "3w.csv"
    # as Excel saves a sheet with a cell touched at column 16,000: every line runs to it
    lines = ["Organisation;Région;Cluster", "NRC;Mopti;Santé", "AMSS;Gao;EHA"]
    path.write_text("".join(line + ";" * 16000 + "\n" for line in lines), encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Organisation", "Région", "Cluster"] and table.rows == [["NRC", "Mopti", "Santé"],
                                                                                      ["AMSS", "Gao", "EHA"]]


# --- duplicate headers -----------------------------------------------------------------------------------

def test_two_columns_for_the_same_field_with_different_values_are_refused_naming_both(tmp_path):
    path = write_workbook(tmp_path / "3w.xlsx", {"S": [
        ["Organisation Accronyme", "admin1Pcod", "Commune", "Cluster", "Commune"],
        ["NRC", "ML05", "Baye", "Santé", "Baye"],
        ["DRC", "ML05", "Bamba", "Santé", "Koro"],  # row 3: the two Commune columns disagree
    ]})
    with pytest.raises(ImportRefused) as caught:
        map_columns(read_table(path))
    assert caught.value.reason == "duplicate_column"
    assert str(caught.value).startswith(
        "file 3w.xlsx, sheet S: the columns C ('Commune') and E ('Commune') both give the commune name but hold "
        "different values (row 3: 'Bamba' in C, 'Koro' in E), so it is not clear which one to import.")


def test_two_columns_with_the_same_hxl_tag_and_different_values_are_refused(tmp_path):
    path = write_workbook(tmp_path / "3w.xlsx", {"S": [
        ["Organisation Accronyme", "Cercle", "Code cercle", "Cluster", "Code cercle (ancien)"],
        ["#org+acronym", "#adm2+name", "#adm2+code", "#sector", "#adm2+code"],
        ["NRC", "Bankass", "ML0502", "Santé", "ML0502"],
        ["DRC", "Bankass", "ML0502", "EHA", None],  # row 4: C filled, E empty: they differ
    ]})
    with pytest.raises(ImportRefused, match=re.escape(
            "the columns C ('Code cercle', '#adm2+code') and E ('Code cercle (ancien)', '#adm2+code') both give the "
            "cercle P-code but hold different values (row 4: 'ML0502' in C, empty in E)")):
        map_columns(read_table(path))


def test_a_copied_column_or_an_empty_duplicate_is_harmless(tmp_path):
    path = write_workbook(tmp_path / "3w.xlsx", {"S": [
        ["Commune", "Organisation Accronyme", "admin1Pcod", "Commune", "Cluster", "Commune", "Divers", "Divers"],
        [None, "NRC", "ML05", "Baye", "Santé", "Baye", "a", "b"],
        [None, "DRC", "ML05", "Bamba", "Santé", "Bamba", None, "c"],
    ]})
    mapping = map_columns(read_table(path))
    # A is empty: the commune comes from D, the first with values; F is a copy of D
    assert mapping.fields["adm3_name"] == 3
    # the columns not used are kept with the row, the second "Notes" under its own name
    assert mapping.unknown == {0: "Commune", 5: "Commune (F)", 6: "Divers", 7: "Divers (H)"}


# --- CSV encodings and separators ------------------------------------------------------------------------

CSV_TEXT = "Organisation;Région;Cluster\nNRC;Ségou;Santé\nAMSS;Mopti;EHA\n"
CSV_ROWS = [["NRC", "Ségou", "Santé"], ["AMSS", "Mopti", "EHA"]]


@pytest.mark.parametrize("encoding, label", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Windows-1252"),
    ("utf-16", "UTF-16"),
])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_csv_in_each_encoding_and_separator_reads_the_same_rows(tmp_path, encoding, label, separator):
    path = tmp_path / "3w.csv"
    path.write_bytes(CSV_TEXT.replace(";", separator).encode(encoding))
    table = read_table(path)
    assert table.headers == ["Organisation", "Région", "Cluster"]  # no BOM left in the first header
    assert table.rows == CSV_ROWS
    assert table.encoding == label
    # the import report can say that the file was not UTF-8: "Région" is on line 1
    notes = tuple(render_message(note, "problem", "en") for note in table.notes)
    assert notes == (() if label != "Windows-1252" else (
        "the file is not UTF-8 (line 1); it was read as Windows-1252 (Latin-1), the encoding Excel uses on "
        "Windows: check that the accented names read right.",))


def test_a_csv_mixing_utf8_and_latin1_is_refused_naming_both_lines(tmp_path):
    error = refused(bad_files.mixed_encoding_csv(tmp_path / "3w.csv"))
    assert error.reason == "encoding"
    assert str(error) == (
        "file 3w.csv: the text mixes two encodings: some accented letters are saved as UTF-8 (line 2) and "
        "others as Windows-1252/Latin-1 (line 3), so they cannot all be read right. Open it in Excel or "
        "LibreOffice, check the accented names, save it as \"CSV UTF-8\", then import again.")


def test_bytes_that_are_text_in_no_encoding_are_refused(tmp_path):
    path = tmp_path / "3w.csv"
    # 0x81 and 0x9D are not characters in Windows-1252 (in Latin-1 they are control codes), line 3
    path.write_bytes(b"Organisation;Cluster\nNRC;Sant\xe9\nAMSS;\x81\x9d\n")
    error = refused(path)
    assert error.reason == "encoding"
    assert "are text neither in UTF-8 nor in Windows-1252/Latin-1 (line 3)" in str(error)


def test_binary_content_named_csv_is_refused(tmp_path):
    path = tmp_path / "3w.csv"
    path.write_bytes(b"Organisation;Cluster\nNRC\x00\x00\x01;EHA\n")
    error = refused(path)
    assert error.reason == "encoding" and "it holds binary data (line 2)" in str(error)


def test_an_unreadable_csv_structure_is_refused_with_its_line(tmp_path):
    path = tmp_path / "3w.csv"
    # an opening quote never closed on line 2: the field runs past the csv module's 131,072 characters
    path.write_text("Organisation;Cluster\n\"NRC;" + "x" * 200_000 + "\nAMSS;EHA\n", encoding="utf-8")
    error = refused(path)
    assert error.reason == "corrupt" and "the CSV cannot be read past line" in str(error)


def test_a_workbook_saved_under_a_csv_name_is_read_as_the_workbook_it_is(tmp_path):
    path = tmp_path / "3w.csv"
    shutil.copy(bad_files.good_workbook(tmp_path / "3w.xlsx"), path)
    table = read_table(path)
    assert table.sheet == "ML_5W" and table.rows == bad_files.GOOD_ROWS


# --- .xls ------------------------------------------------------------------------------------------------

XLS_SHEET = [
    ["Organisation Accronyme", "Région", "admin2Pcod", "Cluster", "Date début", "Total Personnes ciblées"],
    ["#org+acronym", "#adm1+name", "#adm2+code", "#sector", "#date+start", "#targeted"],
    ["NRC", "Mopti", "ML0502", "Protection", dt.date(2024, 3, 15), 120],
    ["AMSS", "Ségou", "ML0601", "Santé", dt.date(2024, 1, 2), 2.5],
]


def test_an_xls_reads_the_same_rows_as_the_same_xlsx(tmp_path):
    xls = read_table(bad_files.xls_workbook(tmp_path / "3w.xls", {"Notes": [["lisez-moi"]], "ML_5W": XLS_SHEET}))
    xlsx = read_table(write_workbook(tmp_path / "3w.xlsx", {"Notes": [["lisez-moi"]], "ML_5W": XLS_SHEET}))
    assert (xls.sheet, xls.headers, xls.hxl_tags, xls.first_row_number) == (
        "ML_5W", XLS_SHEET[0], XLS_SHEET[1], 3)
    assert xls.rows == xlsx.rows == XLS_SHEET[2:]  # 120 may come as 120 or 120.0: equal numbers
    assert map_columns(xls) == map_columns(xlsx)


@pytest.mark.parametrize("real, named", [("xls", "xlsx"), ("xlsx", "xls")])
def test_a_workbook_with_the_wrong_extension_is_read_by_its_content(tmp_path, real, named):
    source = (bad_files.xls_workbook(tmp_path / "real.xls", {"ML_5W": XLS_SHEET}) if real == "xls"
              else write_workbook(tmp_path / "real.xlsx", {"ML_5W": XLS_SHEET}))
    path = tmp_path / f"3w.{named}"
    shutil.copy(source, path)
    assert read_table(path).rows == XLS_SHEET[2:]


# --- apostrophes of our own exports ----------------------------------------------------------------------

def test_the_apostrophe_our_exports_add_is_removed_on_import(tmp_path):
    path = tmp_path / "rejected.csv"
    path.write_text("Organisation,Remarques,Total\n"
                    "NRC,'=SUM(A1:A2),'-5\n"
                    "DRC,'+223 70 00 00 00,'@home\n"
                    "AMSS,'Kidal,'\n", encoding="utf-8-sig")
    assert read_table(path).rows == [["NRC", "=SUM(A1:A2)", "-5"], ["DRC", "+223 70 00 00 00", "@home"],
                                     ["AMSS", "'Kidal", "'"]]  # an apostrophe before other text stays


def test_the_apostrophe_is_removed_in_workbooks_too(tmp_path):
    path = write_workbook(tmp_path / "rejected.xlsx", {"S": [["Organisation", "Total"], ["NRC", "'-5"]]})
    assert read_table(path).rows == [["NRC", "-5"]]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "-5", "+33", "@user", "\tx", "Kidal", "'Kidal", "", 12.5,
                                   None])
def test_export_then_import_gives_the_value_back(value):
    assert restore_neutralised(exports.neutralise(value)) == value


def test_export_then_import_gives_the_values_back_through_the_reader(tmp_path):
    values = ["=HYPERLINK(\"x\")", "-5", "+33", "@user", "Kidal", "'Kidal"]
    path = tmp_path / "rejected.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Organisation", "Remarques"])
        writer.writerows(["NRC", exports.neutralise(value)] for value in values)
    assert read_table(path).rows == [["NRC", value] for value in values]


def test_the_reader_knows_every_character_the_exports_neutralise():
    assert NEUTRALISED_STARTS == set(exports.FORMULA_STARTS)


@pytest.mark.parametrize("text, delimiter", [
    ("Organisation;Cluster;Remarques\nNRC;Santé;cliniques, vaccination\nDRC;EHA;forages, latrines\n", ";"),
    ('Organisation,Cluster,Remarques\nNRC,Santé,"cliniques; vaccination"\nDRC,EHA,"forages; latrines"\n', ","),
    ("Organisation\tCluster\nNRC\tSanté\n", "\t"),
    ("Organisation;Cluster\n;\n", ";"),
])
def test_the_separator_is_the_one_that_splits_the_lines_alike(text, delimiter):
    assert reader.csv_delimiter(text) == delimiter
