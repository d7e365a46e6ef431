"""Layouts of real OCHA 3W files other than the December 2023 Mali sample, rebuilt here on small workbooks.

The header spellings come from the operational-presence files HDX HAPI reads (its pipeline configuration
lists each file's sheet, header row and columns): Cameroon's snake-case English, Haiti's ``_fr`` suffixes,
Chad's French, Niger's instructions in brackets under a title, Mozambique's ``#org+impl`` tags.
"""

from datetime import date

import pytest

from dashboard.ingest.columns import header_breakdown, header_fit, map_columns, row_organisation, THREE_W_LAYOUT
from dashboard.ingest.reader import read_table
from dashboard.ingest.validate import parse_date, parse_number, parse_presence
from tests.workbooks import write_workbook

FIT = header_fit(THREE_W_LAYOUT)


def mapped(tmp_path, sheets, name="3w.xlsx"):
    table = read_table(write_workbook(tmp_path / name, sheets), fit=FIT)
    return table, map_columns(table)


def test_a_title_and_a_date_above_the_header_are_passed_over(tmp_path):
    table, mapping = mapped(tmp_path, {"3W": [
        ["MALI - Présence opérationnelle (3W)"], ["Mise à jour : 31/03/2024"], [],
        ["Organisation", "Type", "Région", "Cercle", "Cluster"],
        ["NRC", "ONG Int", "Mopti", "Bankass", "Santé"]]})
    assert table.headers == ["Organisation", "Type", "Région", "Cercle", "Cluster"]
    assert table.first_row_number == 5 and table.rows == [["NRC", "ONG Int", "Mopti", "Bankass", "Santé"]]
    assert mapping.fields == {"organisation": 0, "org_type": 1, "adm1_name": 2, "adm2_name": 3, "sector": 4}


def test_instructions_in_brackets_do_not_hide_the_header(tmp_path):
    # Niger 3W: "ACCRONYME (Choisir dans la liste déroulante)", header on row 4 under a title
    _, mapping = mapped(tmp_path, {"3W_Data": [
        ["3W NIGER"], ["Période : T3 2023"], [],
        ["ACCRONYME\n(Choisir dans la liste déroulante)",
         "NOM ORGANISATION\n(cette colonne est renseignée automatiquement selon la selection dans le colonne A)",
         "SECTEUR/DOMAINE\n(Choisir dans la liste déroulante)", "Code Région"],
        ["NRC", "Norwegian Refugee Council", "Santé", "ML05"]]})
    assert mapping.fields == {"org_acronym": 0, "org_name": 1, "sector": 2, "adm1_code": 3}


@pytest.mark.parametrize("headers, fields", [
    # Cameroon / DRC: snake case English
    (["implementing_org_name", "implementing_org_acronym", "implementing_org_type", "clusters", "adm2_pcode"],
     ["org_name", "org_acronym", "org_type", "sector", "adm2_code"]),
    # Haiti: French with a language suffix
    (["ORG_NAME_fr", "ORG_ACRONYM_fr", "ORG_TYPE_fr", "SECTORS_fr", "adm2code"],
     ["org_name", "org_acronym", "org_type", "sector", "adm2_code"]),
    # Chad
    (["Nom de l'organisation", "Acronyme", "Type d'organisation", "Cluster", "Pcode1"],
     ["org_name", "org_acronym", "org_type", "sector", "adm1_code"]),
    # Colombia, Sudan, South Sudan (English)
    (["IMPLEMENTER ORGANIZATION", "Organization acronym", "Org Type", "SECTOR / CLUSTER", "Pcode 2"],
     ["org_name", "org_acronym", "org_type", "sector", "adm2_code"]),
    # COD-AB attribute names copied into a 3W
    (["Org Acronym", "ADM1_PCODE", "ADM1_FR", "ADM2_PCODE", "ADM2_FR", "ADM3_PCODE", "ADM3_FR", "Secteur"],
     ["org_acronym", "adm1_code", "adm1_name", "adm2_code", "adm2_name", "adm3_code", "adm3_name", "sector"]),
    # spaces, underscores and case do not count
    (["Organisation Acronyme", "Admin 1 P-code", "ADMIN2_PCODE", "admin3 pcode", "Cluster"],
     ["org_acronym", "adm1_code", "adm2_code", "adm3_code", "sector"]),
])
def test_header_spellings_of_other_3w_files(tmp_path, headers, fields):
    _, mapping = mapped(tmp_path, {"data": [headers, ["x"] * len(headers)]})
    assert mapping.fields == {field: index for index, field in enumerate(fields)}


def test_a_close_misspelling_is_read_and_said(tmp_path):
    _, mapping = mapped(tmp_path, {"data": [["Organistion Acronyme", "admin2Pcod", "Clusteur"],
                                            ["NRC", "ML0502", "Santé"]]})
    assert mapping.fields["org_acronym"] == 0
    assert mapping.method["org_acronym"] == "header (close to 'organisationacronyme')"
    # too short to be read as a misspelling: "Clusteur" is left unknown rather than guessed
    assert "sector" not in mapping.fields and mapping.unknown == {2: "Clusteur"}


def test_a_close_spelling_with_other_digits_is_not_taken(tmp_path):
    # "admin4 pcode" is one letter from "admin1 pcode" but names another level
    _, mapping = mapped(tmp_path, {"data": [["Acronyme", "admin4 pcode", "admin2Pcod"], ["NRC", "x", "ML0502"]]})
    assert mapping.fields == {"org_acronym": 0, "adm2_code": 2} and mapping.unknown == {1: "admin4 pcode"}


def test_a_two_row_header_reads_each_column_with_its_group(tmp_path):
    table, mapping = mapped(tmp_path, {"3W": [
        ["Organisation", None, "Localisation", None, "Cluster", "Personnes ciblées", None],
        ["Acronyme", "Type", "Région", "Cercle", None, "Femmes", "Hommes"],
        ["NRC", "ONG Int", "Mopti", "Bankass", "Santé", 120, 80]]})
    assert table.headers[4] == "Cluster"  # the merged cell spanning both rows
    assert mapping.fields == {"org_acronym": 0, "org_type": 1, "adm1_name": 2, "adm2_name": 3, "sector": 4,
                              "targeted_f": 5, "targeted_m": 6}


def test_the_data_sheet_is_the_one_whose_header_fits(tmp_path):
    # no HXL anywhere: a longer list of organisations and a P-code sheet lose to the 3W itself
    organisations = [["Acronyme", "Nom"]] + [[f"ORG{n}", f"Organisation {n}"] for n in range(30)]
    pcodes = [["admin1Pcod", "admin2Pcod", "Cercle"]] + [["ML05", f"ML05{n:02}", "x"] for n in range(40)]
    table, _ = mapped(tmp_path, {"Organisations": organisations, "Admin": pcodes,
                                 "Données": [["Acronyme", "admin2Pcod", "Cluster"], ["NRC", "ML0502", "Santé"]]})
    assert table.sheet == "Données"


def test_a_pivot_table_longer_than_the_data_is_not_taken_for_it(tmp_path):
    # Excel's pivot table in tabular form names a region, a province and an organisation on every line, so its
    # header fits a 3W's; here it is longer than the 3W it sums up (three lines) and comes first
    pivot = [["Région", "Province", "Organisation", "Somme de Bénéficiaires atteints"]]
    pivot += [["Sahel" if n == 0 else None, "Soum", f"ORG{n}", n] for n in range(10)] + [["Total général", None, None, 45]]
    data = [["Région", "Province", "Organisation", "Secteur / Cluster", "Bénéficiaires atteints"],
            ["Sahel", "Soum", "ORG1", "Santé", 1], ["Sahel", "Soum", "ORG2", "EHA", 2], ["Sahel", "Séno", "ORG3", "EHA", 3]]
    table, _ = mapped(tmp_path, {"TCD": pivot, "5W": data})
    assert table.sheet == "5W"
    # nor a cross-tab with Excel's labels and totals, even when it is the only sheet beside a shorter 3W
    crosstab = [["Nombre de Organisation", "Étiquettes de colonnes"], ["Étiquettes de lignes", "EHA", "Total général"],
                *[[f"Région {n}", 1, 1] for n in range(10)]]
    table, _ = mapped(tmp_path, {"Synthèse": crosstab, "5W": data}, name="crosstab.xlsx")
    assert table.sheet == "5W"


def test_a_3w_whose_headers_begin_with_nombre_de_is_no_pivot_table():
    from dashboard.ingest.reader import looks_like_pivot
    assert not looks_like_pivot([["Organisation", "Région", "Nombre de personnes ciblées", "Nombre de ménages"]])
    assert looks_like_pivot([["Row Labels", "Count of Organisation"]])


def test_an_implementing_organisation_tag_alone_names_the_organisation(tmp_path):
    # Mozambique, Venezuela: #org+impl is the only organisation column; it is the one doing the work
    _, mapping = mapped(tmp_path, {"3W": [["Implementing partner", "Type", "District", "Cluster"],
                                          ["#org+impl", "#org+type", "#adm2+code", "#sector"],
                                          ["NRC", "ONG Int", "ML0502", "Santé"]]})
    assert mapping.fields["organisation"] == 0
    assert mapping.method["organisation"] == "hxl (as organisation: no organisation column)"


def test_with_an_organisation_column_the_implementing_partner_stays_a_partner(tmp_path):
    _, mapping = mapped(tmp_path, {"3W": [["Sigle", "Partenaire de mise en oeuvre", "admin2Pcod", "Cluster"],
                                          ["UNICEF", "AMSS", "ML0502", "EHA"]]})
    assert mapping.fields == {"org_acronym": 0, "implementing_partner": 1, "adm2_code": 2, "sector": 3}


@pytest.mark.parametrize("cell, expected", [
    ("NRC", ("NRC", None)), ("Norwegian Refugee Council", (None, "Norwegian Refugee Council")), (None, (None, None)),
])
def test_a_one_cell_organisation_is_an_acronym_when_it_is_one_word(cell, expected):
    assert row_organisation({"organisation": cell, "org_type": "ONG Int"}) == (*expected, "ONG Int")


def test_two_activity_columns_are_detail_not_a_contradiction(tmp_path):
    _, mapping = mapped(tmp_path, {"3W": [["Acronyme", "admin2Pcod", "Cluster", "Activité", "Activité"],
                                          ["NRC", "ML0502", "Santé", "Cliniques mobiles", "Consultations"]]})
    assert mapping.fields["activity"] == 3 and mapping.set_aside == {4: "activity"}
    assert mapping.unknown == {4: "Activité"}  # kept with the row


@pytest.mark.parametrize("header, field", [
    ("Total Filles ciblées (<18)", "targeted_f_child"), ("Total Femmesciblées", "targeted_f"),
    ("Femmes âgées ciblées (> =59)", "targeted_f_elderly"), ("Total Adult Hommes atteints (> =18)", "reached_m_adult"),
    ("Personnes vivant avec Handicap atteintes", "reached_disabled"), ("Boys reached", "reached_m_child"),
    ("Women targeted", "targeted_f"), ("Total Personnes ciblées", None), ("Date de fin", None),
    ("Montant Cash Transfert (USD)", None),
])
def test_sex_and_age_breakdowns_are_read_from_what_the_header_says(header, field):
    assert header_breakdown(header) == field


@pytest.mark.parametrize("value, expected", [
    (45291, date(2023, 12, 31)), ("45291", date(2023, 12, 31)), ("31/12/23", date(2023, 12, 31)),
    ("2023/12/31", date(2023, 12, 31)), ("12/31/2023", date(2023, 12, 31)), ("2023-12-31T00:00:00", date(2023, 12, 31)),
    ("", None),
])
def test_dates_as_files_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("1 250", 1250), ("1,250", 1250), ("1,250.5", 1250.5), ("12,5", 12.5), ("1.234.567", 1234567),
    ("1.250,75", 1250.75), ("3.5", 3.5), (42, 42), ("", None),
])
def test_numbers_as_files_write_them(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Oui", True), ("Présence physique", True), ("direct", True), ("Non", False), ("À distance", False),
    ("Via partenaire", False), (None, None), (1.0, True),
])
def test_physical_presence(value, expected):
    assert parse_presence(value) is expected


def test_an_unreadable_presence_is_a_value_error():
    with pytest.raises(ValueError):
        parse_presence("peut-être")
