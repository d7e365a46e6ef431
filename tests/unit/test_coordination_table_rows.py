"""Column recognition and row checks of the membership and partnership imports, on the hand-made hierarchy
of tests/unit/conftest.py (Mopti ML05 > Bankass ML0502 > Baye ML050202; Kayes ML01)."""

from datetime import date

import pytest

from dashboard.ingest.columns import map_table, organisation_cells
from dashboard.ingest.coordination_tables import place_code
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.membership import MEMBERSHIP_LAYOUT, check_membership
from dashboard.ingest.partnerships import PARTNERSHIP_LAYOUT, XOF_PER_EUR, check_partnership
from dashboard.ingest.reader import RawTable
from dashboard.ingest.registry import REGISTRY_PATH, read_registry
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY


def table(headers, hxl=None):
    return RawTable("f.xlsx", "S", headers, hxl or [None] * len(headers), [], 3)


def test_membership_columns_hxl_first_then_french_and_english_headers():
    mapping = map_table(table(["Org", "Sigle", "Cluster", "Role in cluster", "Niveau", "Date d'adhésion", "Notes"],
                              ["#org+name", "#org+acronym", "#sector", "#org+role", "#meta+level", "", ""]),
                        MEMBERSHIP_LAYOUT)
    assert mapping.fields == {"org_name": 0, "org_acronym": 1, "sector": 2, "role": 3, "level": 4, "since": 5}
    assert mapping.method["org_name"] == "hxl" and mapping.method["since"] == "header"
    assert mapping.unknown == {6: "Notes"}


def test_partnership_columns_of_the_apo_table():
    headers = ["reference", "programme", "funder", "executing_agency", "partner", "region", "region_pcode",
               "modality", "duration_months", "signature_date", "end_date", "amount_fcfa", "amount_eur"]
    mapping = map_table(table(headers), PARTNERSHIP_LAYOUT)
    assert mapping.fields == {
        "reference": 0, "programme": 1, "funder": 2, "intermediary": 3, "partner": 4, "region": 5, "pcode": 6,
        "modality": 7, "duration_months": 8, "start_date": 9, "end_date": 10, "amount_xof": 11, "amount_eur": 12}
    assert mapping.unknown == {}


@pytest.mark.parametrize("header, field", [
    ("Montant (FCFA)", "amount_xof"), ("Montant XOF", "amount_xof"), ("Montant EUR", "amount_eur"),
    ("Montant en euros", "amount_eur"), ("Montant", "amount"), ("Devise", "currency"),
    ("Durée (mois)", "duration_months"), ("Date de signature", "start_date"), ("Date de fin", "end_date"),
    ("Agence d'exécution", "intermediary"), ("Statut", "status"), ("Numéro de l'accord", "reference"),
])
def test_partnership_header_aliases(header, field):
    mapping = map_table(table(["Bailleur de fonds", "Partenaire", header]), PARTNERSHIP_LAYOUT)
    assert mapping.fields == {"funder": 0, "partner": 1, field: 2}


def test_a_table_without_required_columns_is_refused_with_what_to_add():
    with pytest.raises(ImportRefused) as refused:
        map_table(table(["Sigle", "Rôle"]), MEMBERSHIP_LAYOUT)
    message = str(refused.value)
    assert message.startswith("file f.xlsx, sheet S: no cluster column was recognised")
    assert "'Cluster'" in message and "Add the HXL row or rename the columns" in message


@pytest.fixture
def membership(hierarchy):
    """Check a membership row: a national NRC Protection member, with the cells given changed."""
    def check(**cells):
        return check_membership(7, {"org_acronym": "NRC", "sector": "Protection", "role": "Membre",
                                    "level": "National", **cells}, hierarchy, SECTOR_VOCABULARY)
    return check


@pytest.mark.parametrize("written, role", [
    ("Chef de file", "lead"), ("lead", "lead"), ("Co-lead", "co-lead"), ("co-facilitateur", "co-lead"),
    ("Co-facilitator", "co-lead"), ("membre", "member"), ("Member", "member"), ("Observateur", "observer"),
    ("observer", "observer"),
])
def test_roles_in_french_and_english(written, role, membership):
    checked = membership(role=written)
    assert (checked.role, checked.issues) == (role, [])


@pytest.mark.parametrize("cells, admin_pcode", [
    ({"level": "National"}, None), ({"level": "niveau national"}, None), ({"level": "ML"}, None),
    ({"level": "Mopti"}, "ML05"), ({"level": "MLI05"}, "ML05"), ({"region": "mopti"}, "ML05"),
    ({"level": "Régional", "region": "Kayes"}, "ML01"), ({"level": "National", "region_code": "ML05"}, "ML05"),
])
def test_level_national_or_a_region(cells, admin_pcode, membership):
    checked = membership(**cells)
    assert not checked.rejected and checked.admin_pcode == admin_pcode


@pytest.mark.parametrize("cells, problem", [
    ({"level": "ML0502"}, "ML0502 is a cercle P-code"),
    ({"level": "Régional"}, "the level is regional but the row names no region"),
    ({"region": "Atlantide"}, "'Atlantide' is neither National nor a region"),
    ({"role": "Président"}, "unknown role 'Président'"),
    ({"sector": "Astronomie"}, "unknown cluster (sector) 'Astronomie'"),
    ({"sector": None}, "the row has no cluster"),
    ({"org_acronym": None}, "the row names no organisation"),
])
def test_rejections_say_what_is_wrong(cells, problem, membership):
    checked = membership(**cells)
    assert checked.rejected
    assert [issue.problem for issue in checked.issues if issue.severity == "error"][0].startswith(problem)


def test_empty_role_and_level_are_member_and_national_with_warnings(membership):
    checked = membership(role=None, level=None, since="15/01/2024")
    assert (checked.rejected, checked.role, checked.admin_pcode, checked.since) == (False, "member", None,
                                                                                     date(2024, 1, 15))
    assert [issue.field for issue in checked.issues] == ["role", "level"]


def test_a_sub_cluster_is_the_membership_sector(membership):
    assert membership(sector="Protection", subsector="VBG").sector_code == "gbv"
    assert membership(sector=None, subsector="Protection de l'enfance").sector_code == "child_protection"
    other = membership(sector="Santé", subsector="VBG")
    assert other.sector_code == "gbv" and other.issues[0].problem.startswith("the sub-cluster 'VBG' is not part")


@pytest.fixture
def partnership(hierarchy):
    """Check a partnership row: Luxembourg to DRS-KIDAL in Mopti, with the cells given changed."""
    def check(**cells):
        return check_partnership(3, {"funder": "Luxembourg", "partner": "DRS-KIDAL", "pcode": "ML05", **cells},
                                 hierarchy, SECTOR_VOCABULARY)
    return check


def test_fcfa_amounts_are_converted_at_the_peg(partnership):
    checked = partnership(amount_xof="65 595 700", duration_months="19,2")
    assert (checked.amount, checked.currency, checked.amount_eur, checked.duration_months) == (
        65_595_700, "XOF", 100_000.0, 19.2)
    assert checked.issues == []


@pytest.mark.parametrize("eur, warned", [(100_000, False), (100_099, False), (99_901, False), (100_101, True)])
def test_a_given_eur_amount_must_agree_with_the_peg_within_a_thousandth(eur, warned, partnership):
    checked = partnership(amount_xof=100_000 * XOF_PER_EUR, amount_eur=eur)
    assert checked.amount_eur == eur
    assert [issue.field for issue in checked.issues] == (["amount_eur"] if warned else [])


@pytest.mark.parametrize("currency, code, amount_eur, warnings", [
    ("USD", "USD", None, 1), ("$", "USD", None, 1), ("euros", "EUR", 500, 0), ("FCFA", "XOF", 0.76, 0),
    ("CHF", "CHF", None, 1), ("coquillages", None, None, 1), (None, None, None, 1),
])
def test_amount_with_a_currency_column(currency, code, amount_eur, warnings, partnership):
    checked = partnership(amount=500, currency=currency)
    assert (checked.amount, checked.currency, checked.amount_eur, len(checked.issues)) == (
        500, code, amount_eur, warnings)
    assert not checked.rejected


def test_places_any_level_by_code_regions_by_name(partnership):
    assert partnership(pcode="ML050202").pcode == "ML050202"
    assert partnership(pcode=None, region="Mopti").pcode == "ML05"
    mismatch = partnership(pcode="ML0502", region="Kayes")
    assert mismatch.pcode == "ML0502" and mismatch.issues[0].problem.startswith("the region 'Kayes' does not contain")
    assert partnership(pcode="ML0599").rejected
    assert partnership(pcode=None, region="Baye").rejected  # commune names are not matched (namesakes)


def test_partnership_rows_need_funder_and_partner_and_keep_dates(partnership):
    checked = partnership(funder=None, partner=" ")
    assert [issue.field for issue in checked.issues] == ["funder", "partner"]
    dated = partnership(start_date="2023-09-25", end_date="30/04/2025", reference=12.0, status="En cours")
    assert (dated.start_date, dated.end_date, dated.reference, dated.status) == (
        date(2023, 9, 25), date(2025, 4, 30), "12", "En cours")
    late = partnership(start_date="2023-09-25", end_date="2023-01-01")
    assert not late.rejected and late.issues[0].field == "end_date"


def test_place_code_of_a_name_or_a_code(hierarchy):
    assert place_code(" ml05 ", hierarchy, (1,)) == "ML05"
    assert place_code("MOPTI", hierarchy, (1,)) == "ML05"
    assert place_code("ML0502", hierarchy, (1,)) is None


@pytest.mark.parametrize("cell, expected", [
    ("PROMAN", ("PROMAN", None)), (" AI-Gao ", ("AI-Gao", None)),
    ("Norwegian Refugee Council", (None, "Norwegian Refugee Council")), (None, (None, None)),
])
def test_a_single_organisation_cell_is_an_acronym_or_a_name(cell, expected):
    assert organisation_cells(cell) == expected


def test_the_shipped_registry_is_valid():
    entries = read_registry(REGISTRY_PATH)
    assert len(entries) == 20 and len({entry.acronym for entry in entries}) == 20
    assert all(entry.org_type in ORG_TYPE_VOCABULARY.by_code and entry.scope for entry in entries)


def test_a_malformed_registry_line_is_named(tmp_path):
    path = tmp_path / "types.csv"
    path.write_text("acronym,name,org_type,scope,note\nDRA,,gouvernement,national,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="file types.csv, line 2: .*org_type among"):
        read_registry(path)
