"""The validation report of an import: counts, every problem located, rejected rows as uploaded (both back ends)."""

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import cli
from dashboard.i18n import catalogue
from dashboard.ingest.importer import import_3w
from dashboard.reports.imports import (
    batch_issues,
    import_batches,
    issue_groups,
    readable_groups,
    rejected_rows,
    rejected_rows_csv,
    validation_report_xlsx,
)
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Type Organisation", "admin1Pcod", "admin2Pcod", "Cluster", "Remarques"]
HXL = ["#org+acronym", "#org+type", "#adm1+code", "#adm2+code", "#sector", None]
ROWS = [
    ["NRC", "ONG Int", "ML05", "ML0502", "Protection", "ok"],                  # row 3: accepted
    ["NRC", "ONG Int", "MLI05", "ML0502", "Santé", "=HYPERLINK(\"x\")"],        # row 4: accepted, MLI repaired
    ["AMSS", "ONG Nat", "ML06", "ML0699", "EHA", None],                         # row 5: rejected, unknown cercle
    ["CRS", "ONG Int", "ML05", "ML0502", "Astronomie", "à revoir"],             # row 6: rejected, unknown sector
]


@pytest.fixture
def imported(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_2024-05.xlsx", {"ML_5W": [HEADERS, HXL, *ROWS]})
    result = import_3w(prepared_engine, path)
    return prepared_engine, result.batch_id


def test_batches_list_counts(imported):
    engine, batch_id = imported
    batch = import_batches(engine).set_index("batch_id").loc[batch_id]
    # by hand: 4 rows read, rows 3-4 accepted, rows 5-6 rejected; one repair (MLI05 on row 4)
    assert (batch["rows_read"], batch["rows_accepted"], batch["rows_rejected"], batch["repairs"]) == (4, 2, 2, 1)


def test_every_problem_is_located(imported):
    engine, batch_id = imported
    issues = batch_issues(engine, batch_id)
    located = issues[["source_row", "letter", "column", "value", "severity"]].values.tolist()
    assert located == [[4, "C", "admin1Pcod", "MLI05", "repair"], [5, "D", "admin2Pcod", "ML0699", "error"],
                       [6, "E", "Cluster", "Astronomie", "error"]]
    assert issues["suggestion"].notna().all()


def test_rejected_rows_come_back_as_uploaded(imported):
    engine, batch_id = imported
    table = rejected_rows(engine, batch_id)
    assert table["source_row"].tolist() == [5, 6]
    again = pd.read_csv(io.BytesIO(rejected_rows_csv(engine, batch_id)), encoding="utf-8-sig", dtype=str)
    assert again.columns.tolist() == HEADERS  # the uploaded headers, so the file can be corrected and re-imported
    assert again.fillna("").values.tolist() == [["AMSS", "ONG Nat", "ML06", "ML0699", "EHA", ""],
                                                ["CRS", "ONG Int", "ML05", "ML0502", "Astronomie", "à revoir"]]


def test_excel_report_has_summary_columns_problems_and_rejected_rows(imported):
    engine, batch_id = imported
    workbook = openpyxl.load_workbook(io.BytesIO(validation_report_xlsx(engine, batch_id, "fr")))
    assert workbook.sheetnames == ["Résumé", "Colonnes", "Problèmes", "Lignes rejetées"]
    summary = {row[0]: row[1] for row in workbook["Résumé"].iter_rows(min_row=2, values_only=True)}
    # by hand: 4 read, 2 accepted (row 4 repaired), no suggestion waiting, 2 rejected
    assert (summary["Lignes lues"], summary["Acceptées"], summary["Acceptées avec valeurs corrigées"],
            summary["Suggestions en attente"], summary["Rejetées"]) == (4, 2, 1, 0, 2)
    columns = list(workbook["Colonnes"].iter_rows(values_only=True))
    assert columns[0] == ("Champ", "Col.", "En-tête du fichier", "Reconnue par")
    assert ("P-code région", "C", "admin1Pcod", "étiquette HXL") in columns
    problems = list(workbook["Problèmes"].iter_rows(values_only=True))
    assert problems[0] == ("Feuille", "Ligne", "Col.", "Colonne", "Valeur", "Type", "Problème",
                           "Correction proposée", "Règle ou méthode", "Confiance", "Décision")
    assert problems[1][:6] == ("ML_5W", 4, "C", "admin1Pcod", "MLI05", "Correction")
    # in the reader's language: French here
    assert problems[1][6:10] == ("P-code écrit 'MLI05'", "ML05", "code normalisé", 1)
    assert problems[2][6] == "le P-code ML0699 n'est pas une unité de niveau cercle des limites cod-ab-mli-2021"
    assert [row[5] for row in problems[2:]] == ["Rejet", "Rejet"]
    assert workbook["Lignes rejetées"].max_row == 1 + 2


def test_the_english_report_says_the_same_in_english(imported):
    engine, batch_id = imported
    workbook = openpyxl.load_workbook(io.BytesIO(validation_report_xlsx(engine, batch_id, "en")))
    problems = list(workbook["Problems"].iter_rows(values_only=True))
    assert problems[2][5:8] == ("Rejection", "P-code ML0699 is not a cercle of boundary version cod-ab-mli-2021",
                                "correct the code against the OCHA COD-AB 2021 P-code list")


def test_problems_by_kind_most_serious_first(imported):
    engine, batch_id = imported
    groups = issue_groups(engine, batch_id)
    assert groups[["severity", "column", "count", "first_row"]].values.tolist() == [
        ["error", "admin2Pcod", 1, 5], ["error", "Cluster", 1, 6], ["repair", "admin1Pcod", 1, 4]]


MIXED = [
    ["NRC", "ONG Int", "ML0901", None, "Santé", None],          # row 3: a cercle code in the region column
    ["NRC", "ONG Int", "ML0901", None, "Santé", None],          # row 4: the same
    ["NRC", "ONG Int", "ML11", None, "Santé", None],            # row 5: no region ML11
    ["NRC", "ONG Int", "ML090101", None, "Santé", None],        # row 6: a commune code in the region column
    ["NRC", "ONG Int", "MLI05", "ML0502", "Santé", None],       # row 7: accepted, MLI05 repaired
    ["NRC", "ONG Int", "MLI05", "ML0502", "Astronomie", None],  # row 8: MLI05 repaired, but rejected
]


def test_problems_are_grouped_by_kind_each_in_its_own_words(prepared_engine, tmp_path):
    """Two problems of one column found by one rule are two kinds (they once read as one, in the words of the
    first row); each kind is counted and told in its own words, the first row's own text as its example."""
    path = write_workbook(tmp_path / "3W_2024-05.xlsx", {"ML_5W": [HEADERS, HXL, *MIXED]})
    batch_id = import_3w(prepared_engine, path).batch_id
    groups = issue_groups(prepared_engine, batch_id, "fr")
    assert groups[["severity", "column", "kind", "count", "first_row"]].values.tolist() == [
        ["error", "admin1Pcod", "msg.pcode_wrong_level", 3, 3], ["error", "admin1Pcod", "msg.pcode_unknown", 1, 5],
        ["error", "Cluster", "msg.unknown_sector", 1, 8], ["repair", "admin1Pcod", "msg.code_written", 2, 7]]
    shown = readable_groups(groups, "fr")
    assert shown[["problem", "value", "example"]].values.tolist() == [
        ["P-code d'un autre niveau que sa colonne", "ML0901", "le P-code ML0901 est un code de cercle, pas un code de "
                                                              "région"],
        ["P-code qui n'existe pas dans les limites administratives", "ML11",
         "le P-code ML11 n'est pas une unité de niveau région des limites cod-ab-mli-2021"],
        ["Secteur inconnu", "Astronomie", "secteur inconnu 'Astronomie'"],
        ["P-code écrit sous une autre forme", "MLI05", "P-code écrit 'MLI05'"]]
    assert readable_groups(groups, "en")["problem"].iloc[0] == "P-code of another level than its column"
    # accepted rows with repaired values: row 7; row 8 had its code repaired but is rejected, and counts so
    batch = import_batches(prepared_engine, batch_id).iloc[0]
    assert (batch["rows_accepted"], batch["rows_repaired"], batch["rows_rejected"]) == (1, 1, 5)


def test_a_check_on_the_command_line_says_what_repaired_means_and_lists_problems_by_kind(
        prepared_engine, tmp_path, monkeypatch, capsys):
    path = write_workbook(tmp_path / "3W_2024-05.xlsx", {"ML_5W": [HEADERS, HXL, *MIXED]})
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    assert cli.main(["import", str(path), "--check"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "checked, nothing written: period 2024-05, sheet ML_5W: read 6, would accept 1 (of which 1 with repaired "
        "values; 0 suggestions to review), reject 5; 0 warnings",
        "  error         3  admin1Pcod: P-code of another level than its column (e.g. row 3: P-code ML0901 is a "
        "cercle code, not a region code)",
        "  error         1  admin1Pcod: P-code that does not exist in the boundaries (e.g. row 5: P-code ML11 is not "
        "a region of boundary version cod-ab-mli-2021)",
        "  error         1  Cluster: Unknown sector (e.g. row 8: unknown sector 'Astronomie')",
        "  repair        2  admin1Pcod: P-code written in another form (e.g. row 7: P-code written 'MLI05')",
        "import it without --check to keep it"]


def test_every_problem_has_a_kind_in_both_languages():
    for lang in ("fr", "en"):
        words = catalogue(lang)
        assert [key for key in words if key.startswith("msg.") and f"kind.{key}" not in words] == []


def test_command_line_writes_the_report(imported, monkeypatch, tmp_path, capsys):
    engine, batch_id = imported
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    output = tmp_path / "report.xlsx"
    assert cli.main(["import-report", str(batch_id), "--output", str(output)]) == 0
    assert openpyxl.load_workbook(output).sheetnames[0] == "Résumé"
    assert cli.main(["import-report", "999"]) == 2


def test_a_replacement_is_reported(prepared_engine, tmp_path):
    first = write_workbook(tmp_path / "a.xlsx", {"ML_5W": [HEADERS, HXL, ROWS[0], ROWS[1]]})
    corrected = write_workbook(tmp_path / "b.xlsx", {"ML_5W": [HEADERS, HXL, ROWS[0]]})
    earlier = import_3w(prepared_engine, first, period="2024-05", source="Cluster Santé").batch_id
    later = import_3w(prepared_engine, corrected, period="2024-05", source="Cluster Santé").batch_id
    batch = import_batches(prepared_engine).set_index("batch_id").loc[later]
    assert batch["replaced_batch_id"] == earlier
    workbook = openpyxl.load_workbook(io.BytesIO(validation_report_xlsx(prepared_engine, later, "fr")))
    # by hand: NRC had 2 rows, now 1
    assert list(workbook["Changements"].iter_rows(min_row=2, values_only=True)) == [("NRC", 2, 1)]


def test_every_rule_an_importer_records_has_its_words_in_both_languages():
    """The report's "rule or method" column is translated: every method string the importers record (a literal
    ``method="..."`` or a value of a table of methods) has its catalogue entry in French and English."""
    import ast
    from pathlib import Path

    from dashboard.i18n import catalogue
    methods = set()
    for path in Path("dashboard/ingest").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "method" and isinstance(node.value, ast.Constant):
                methods.add(node.value.value)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "").endswith("METHODS") for t in node.targets):
                methods |= {value.value for value in getattr(node.value, "values", []) if isinstance(value, ast.Constant)}
    methods.discard(None)
    assert len(methods) > 20
    for lang in ("fr", "en"):
        assert sorted(method for method in methods if f"method.{method}" not in catalogue(lang)) == [], lang


def test_the_imports_table_the_report_and_the_check_count_repaired_rows_alike(prepared_engine, tmp_path):
    """Row 3 has two values written in another form, row 4 one: 3 repairs, 2 rows with repaired values. The
    imports table, the report and the check all say 2 (the table once said 3 where the report said 2)."""
    from dashboard.layouts.imports_page import COLUMNS
    rows = [["NRC", "ONG Int", "MLI05", "MLI0502", "Protection", None],   # two repairs
            ["NRC", "ONG Int", "MLI05", "ML0502", "Santé", None],         # one repair
            ["AMSS", "ONG Nat", "ML05", "ML0502", "EHA", None]]            # none
    path = write_workbook(tmp_path / "3W_2024-06.xlsx", {"ML_5W": [HEADERS, HXL, *rows]})
    check = import_3w(prepared_engine, path, check_only=True).preview
    batch_id = import_3w(prepared_engine, path).batch_id
    batch = import_batches(prepared_engine).set_index("batch_id").loc[batch_id]
    assert batch["repairs"] == 3  # issues: a row can have several
    assert check["rows_repaired"] == batch["rows_repaired"] == 2
    assert "rows_repaired" in COLUMNS and "repairs" not in COLUMNS
    book = openpyxl.load_workbook(io.BytesIO(validation_report_xlsx(prepared_engine, batch_id, "fr")))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert summary["Acceptées avec valeurs corrigées"] == 2


@pytest.mark.parametrize("command", ["import", "import-memberships", "import-partnerships", "import-needs",
                                     "import-access"])
def test_a_missing_file_is_refused_in_one_sentence(prepared_engine, tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    missing = tmp_path / "3W_mars_2024.xlsx"
    assert cli.main([command, str(missing)]) == 2
    assert capsys.readouterr().err.strip() == (f"import refused, nothing was written: there is no file at {missing} "
                                               "(check the path and the name)")
