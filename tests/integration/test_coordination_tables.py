"""Cluster membership and partnership imports, on SQLite and on PostgreSQL.

The real APO partnership table comes from the data mirror; its expected figures are computed here with
pandas, independently of the importer. Membership files are small workbooks made here, with expectations
worked out by hand next to each row.
"""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.ingest import partnerships
from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.membership import import_memberships, membership_frame
from dashboard.ingest.partnerships import import_partnerships, partnership_frame
from dashboard.ingest.registry import REGISTRY_PATH, apply_registry_types
from dashboard.store.models import (
    ClusterMembership,
    ImportBatch,
    ImportIssue,
    OrgAlias,
    Organisation,
    Partnership,
    RejectedRow,
)
from tests.workbooks import write_workbook

APO_RELATIVE = ("partnerships_apo_ddrk_ddrg_2023", "partnerships_apo_2023.csv")


def count(engine, model, *where):
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def organisation_types(engine) -> dict[str, tuple[str, str | None]]:
    with Session(engine) as session:
        return {o.acronym or o.name: (o.org_type, o.scope) for o in session.scalars(select(Organisation))}


# --- the real APO table ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def apo_path(mirror):
    return mirror.joinpath(*APO_RELATIVE)


@pytest.fixture(scope="module")
def apo_frame(apo_path):
    return pd.read_csv(apo_path, dtype={"region_pcode": str})


def test_the_real_apo_table_imports_every_agreement(prepared_engine, apo_path, apo_frame):
    result = import_partnerships(prepared_engine, apo_path, source="Livret 1 DDRK-DDRG")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (18, 18, 0)
    assert result.kind == "partnership" and result.records_created == 18 and result.records_updated == 0
    assert result.warnings == 0  # every EUR amount agrees with its FCFA amount at 655.957 within 0.1%
    assert result.organisations_created == apo_frame["partner"].nunique() + 2 == 20  # + Luxembourg, PROMAN

    frame = partnership_frame(prepared_engine)
    assert len(frame) == len(apo_frame) == 18
    assert set(frame["currency"]) == {"XOF"}
    by_region = apo_frame.groupby("region_pcode").agg(rows=("reference", "size"), fcfa=("amount_fcfa", "sum"),
                                                      eur=("amount_eur", "sum"))
    # SOURCE.md: Kidal's 11 rows add up to the booklet's total; Gao's 7 rows to 349,401,300 FCFA (the
    # booklet's stated 664,816,458 is wrong), and to 532,657 EUR.
    assert by_region.loc["ML08"].tolist() == [11, 1_029_026_198, 1_568_740]
    assert by_region.loc["ML07"].tolist() == [7, 349_401_300, 532_657]
    stored = frame.groupby("pcode").agg(rows=("reference", "size"), fcfa=("amount", "sum"), eur=("amount_eur", "sum"))
    pd.testing.assert_frame_equal(stored, by_region.rename_axis("pcode"), check_dtype=False)

    by_reference = frame.set_index("reference")
    expected = apo_frame.set_index("reference")
    assert by_reference["duration_months"].to_dict() == expected["duration_months"].astype(float).to_dict()
    assert by_reference.loc["DDRG23-001-APO", "duration_months"] == 19.2
    assert (by_reference["start_date"] == pd.to_datetime(expected["signature_date"])).all()
    assert by_reference["end_date"].notna().sum() == expected["end_date"].notna().sum() == 7  # Gao only
    assert by_reference.loc["DDRG23-007-APO", "end_date"] == pd.Timestamp("2025-07-31")
    assert set(by_reference["programme"]) == {"DDRK", "DDRG"} and set(by_reference["modality"]) == {"APO"}

    with Session(prepared_engine) as session:
        funders = session.scalars(select(Organisation).join(Partnership, Partnership.funder_id == Organisation.id)
                                  .distinct()).all()
        intermediaries = session.scalars(select(Organisation).join(
            Partnership, Partnership.intermediary_id == Organisation.id).distinct()).all()
        assert [(o.acronym, o.org_type, o.scope) for o in funders] == [("Luxembourg", "donor", "international")]
        assert [(o.acronym, o.org_type) for o in intermediaries] == [("PROMAN", "private_sector")]
        batch = session.get(ImportBatch, result.batch_id)
        assert (batch.kind, batch.source, batch.column_mapping["amount_xof"]["column"]) == (
            "partnership", "Livret 1 DDRK-DDRG", "amount_fcfa")
    registry = pd.read_csv(REGISTRY_PATH).set_index("acronym")
    types = organisation_types(prepared_engine)
    for partner in apo_frame["partner"]:
        assert types[partner] == (registry.loc[partner, "org_type"], registry.loc[partner, "scope"]), partner
    expected_types = apo_frame["partner"].map(registry["org_type"]).value_counts().to_dict()
    assert frame["partner_org_type"].value_counts().to_dict() == expected_types == {
        "government": 8, "ngo_national": 8, "local_authority": 2}  # none left "other"
    # localisation: all of the delegated funding went to national partners
    assert set(frame["partner_scope"]) == {"national"}


def test_the_same_file_twice_changes_nothing(prepared_engine, apo_path):
    first = import_partnerships(prepared_engine, apo_path)
    again = import_partnerships(prepared_engine, apo_path)
    assert again.already_imported and again.batch_id == first.batch_id and again.rows_accepted == 18
    assert count(prepared_engine, Partnership) == 18
    assert count(prepared_engine, ImportBatch) == 1


def test_a_failure_midway_writes_nothing(prepared_engine, apo_path, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(partnerships, "apply_registry_types", fail)  # after organisations are flushed
    with pytest.raises(RuntimeError):
        import_partnerships(prepared_engine, apo_path)
    for model in (ImportBatch, Organisation, OrgAlias, Partnership, RejectedRow, ImportIssue):
        assert count(prepared_engine, model) == 0, model.__name__


# --- partnership tables made here ------------------------------------------------------------------------

FR_HEADERS = ["Référence", "Bailleur", "Agence d'exécution", "Partenaire", "Région", "Montant (FCFA)", "Montant EUR",
              "Durée (mois)", "Date de signature", "Date de fin", "Statut"]
FR_ROWS = [  # spreadsheet rows 2 to 6
    ["APO-1", "Luxembourg", "PROMAN", "DRS-KIDAL", "Kidal", 65_595_700, None, "19,2", "05/07/2023", "30/04/2025",
     "En cours"],  # accepted: 100,000.00 EUR at the peg
    ["APO-2", "Luxembourg", None, "Association Malienne pour la Survie au Sahel", "Mopti", 6_559_570, 11_000, 12,
     "2023-09-01", "2023-08-01", None],  # accepted, 2 warnings: EUR 10% off the peg; end before start
    ["APO-3", "Luxembourg", "PROMAN", None, "Gao", 1000, None, 5, None, None, None],  # rejected: no partner
    ["APO-4", "Luxembourg", "PROMAN", "APEJ", "Atlantide", 1000, None, 5, None, None, None],  # rejected: region
    ["APO-1", "Luxembourg", "PROMAN", "DRA", "Gao", 1000, None, 5, None, None, None],  # rejected: repeats row 2
]


def test_partnership_rows_are_accepted_or_rejected_with_reasons(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "apo.xlsx", {"APO": [FR_HEADERS, *FR_ROWS]})
    result = import_partnerships(prepared_engine, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.warnings) == (5, 2, 3, 2)
    assert result.organisations_created == 4  # Luxembourg, PROMAN, DRS-KIDAL, AMSS (rejected rows create none)
    frame = partnership_frame(prepared_engine).set_index("reference")
    assert frame.loc["APO-1", ["amount", "currency", "amount_eur", "duration_months", "pcode", "status"]].tolist() == [
        65_595_700, "XOF", 100_000.0, 19.2, "ML08", "En cours"]
    assert frame.loc["APO-2", ["amount_eur", "pcode"]].tolist() == [11_000, "ML05"]  # the file's EUR is kept
    assert pd.isna(frame.loc["APO-2", "intermediary_id"])
    with Session(prepared_engine) as session:
        rejected = session.scalars(select(RejectedRow).order_by(RejectedRow.source_row)).all()
        assert [r.source_row for r in rejected] == [4, 5, 6]
        assert rejected[0].reasons == ["column Partenaire: the row names no partner; fill in the partner that "
                                       "receives the funds or responsibility"]
        assert rejected[1].raw_values["Région"] == "Atlantide" and "unknown region" in rejected[1].reasons[0]
        assert "row 2 has the same funder and reference" in rejected[2].reasons[0]
        warnings = session.scalars(select(ImportIssue).where(ImportIssue.severity == "warning")
                                   .order_by(ImportIssue.id)).all()
        assert [(w.source_row, w.column) for w in warnings] == [(3, "Montant EUR"), (3, "Date de fin")]
        assert "differs by more than 0.1%" in warnings[0].problem
    types = organisation_types(prepared_engine)
    assert types["DRS-KIDAL"] == ("government", "national")  # from the registry
    assert types["Association Malienne pour la Survie au Sahel"] == ("other", None)  # not in the registry


def test_amounts_in_other_currencies_and_a_sector(prepared_engine, tmp_path):
    headers = ["reference", "funder", "partner", "sector", "amount", "currency", "amount_eur"]
    rows = [
        ["US-1", "ECHO", "AMSS", "Santé", 10_000, "USD", None],  # no EUR equivalent: warning
        ["US-2", "ECHO", "AMSS", "Santé", 5_000, "$", 4_600],  # the file's EUR
        ["EU-1", "ECHO", "AMSS", "EHA", 20_000, "euros", None],
        ["XOF-1", "ECHO", "AMSS", "EHA", 655_957, "F CFA", None],  # 1,000 EUR at the peg
        ["X-2", "ECHO", "AMSS", "Astronomie", 1, "USD", None],  # rejected: unknown sector
    ]
    result = import_partnerships(prepared_engine, write_workbook(tmp_path / "p.xlsx", {"S": [headers, *rows]}))
    assert (result.rows_accepted, result.rows_rejected, result.warnings) == (4, 1, 2)  # rows 2 and 6: no EUR
    frame = partnership_frame(prepared_engine).set_index("reference")
    assert frame["currency"].to_dict() == {"US-1": "USD", "US-2": "USD", "EU-1": "EUR", "XOF-1": "XOF"}
    assert frame["amount_eur"].fillna(-1).to_dict() == {"US-1": -1, "US-2": 4_600, "EU-1": 20_000, "XOF-1": 1_000}
    assert frame["sector_code"].to_dict() == {"US-1": "health", "US-2": "health", "EU-1": "wash", "XOF-1": "wash"}
    with Session(prepared_engine) as session:
        warnings = session.scalars(select(ImportIssue).where(ImportIssue.severity == "warning")
                                   .order_by(ImportIssue.source_row)).all()
        assert [(w.source_row, w.column) for w in warnings] == [(2, "amount"), (6, "amount")]
        assert "no EUR equivalent for an amount in USD" in warnings[0].problem


def test_a_corrected_file_updates_agreements_by_funder_and_reference(prepared_engine, tmp_path):
    import_partnerships(prepared_engine, write_workbook(tmp_path / "v1.xlsx", {"APO": [FR_HEADERS, *FR_ROWS[:2]]}))
    corrected = [list(FR_ROWS[0]), list(FR_ROWS[1])]
    corrected[0][10] = "Résilié"
    path = write_workbook(tmp_path / "v2.xlsx", {"APO": [FR_HEADERS, *corrected]})
    result = import_partnerships(prepared_engine, path)
    assert (result.records_created, result.records_updated, result.organisations_created) == (0, 2, 0)
    frame = partnership_frame(prepared_engine).set_index("reference")
    assert len(frame) == 2 and frame.loc["APO-1", "status"] == "Résilié"
    assert set(frame["batch_id"]) == {result.batch_id}


def test_a_table_without_partner_column_is_refused(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"S": [["Bailleur", "Montant"], ["ECHO", 10]]})
    with pytest.raises(ImportRefused, match="no partner column"):
        import_partnerships(prepared_engine, path)
    assert count(prepared_engine, ImportBatch) == 0


# --- cluster memberships ---------------------------------------------------------------------------------

FR_MEMBERSHIP_HEADERS = ["Sigle", "Nom de l'organisation", "Cluster", "Sous-cluster", "Rôle", "Niveau", "Région",
                         "Depuis"]
FR_MEMBERSHIP_ROWS = [  # spreadsheet rows 2 to 14
    ["UNICEF", "Fonds des Nations unies pour l'enfance", "EHA", None, "Chef de file", "National", None,
     "2015-01-01"],  # 2 accepted: wash, lead, national
    ["Unicef", None, "Nutrition", None, "chef de file", "National", None, None],  # 3 accepted, same organisation
    ["AMSS", "Association Malienne pour la Survie au Sahel", "Protection", "VBG", "Co-facilitateur", "Régional",
     "Mopti", "01/03/2022"],  # 4 accepted: gbv, co-lead, ML05
    ["AMSS", None, "Santé", None, "Membre", "Régional", "ML06 ", None],  # 5 accepted: health, member, ML06
    ["NRC", "Norwegian Refugee Council", "Abris", None, "Observateur", None, None, "hier"],  # 6 accepted, 2 warnings
    ["APEJ", None, "Education", None, "membre", "Régional", "Gao", None],  # 7 accepted; typed by the registry
    ["IRC", None, "Astronomie", None, "Membre", "National", None, None],  # 8 rejected: unknown cluster
    ["IRC", None, "Santé", None, "Président", "National", None, None],  # 9 rejected: unknown role
    ["IRC", None, "Santé", None, "Membre", "Régional", "Atlantide", None],  # 10 rejected: unknown region
    [None, None, "Santé", None, "Membre", "National", None, None],  # 11 rejected: no organisation
    ["AMSS", None, "Protection", "VBG", "Membre", None, "ML05", None],  # 12 rejected: repeats row 4
    ["DRS", None, "Santé", None, "Membre", "Régional", "ML0502", None],  # 13 rejected: a cercle
    ["IRC", None, "Santé", None, None, "Régional", None, None],  # 14 rejected: regional without region (+1 warning)
]


@pytest.fixture
def french_memberships(tmp_path):
    return write_workbook(tmp_path / "membres_clusters.xlsx",
                          {"Membres": [FR_MEMBERSHIP_HEADERS, *FR_MEMBERSHIP_ROWS]})


def memberships(engine) -> set[tuple]:
    frame = membership_frame(engine)
    with Session(engine) as session:
        acronym = dict(session.execute(select(Organisation.id, Organisation.acronym)).all())
    return {(acronym[row.organisation_id], row.sector_code, row.role, None if pd.isna(row.admin_pcode) else
             row.admin_pcode, None if pd.isna(row.since) else row.since.date()) for row in frame.itertuples()}


def test_membership_rows_are_accepted_or_rejected_with_reasons(prepared_engine, french_memberships):
    result = import_memberships(prepared_engine, french_memberships, imported_by="imo")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (13, 6, 7)
    assert result.warnings == 3  # row 6: no level, bad date; row 14: no role
    assert (result.organisations_created, result.records_created, result.kind) == (4, 6, "membership")
    assert memberships(prepared_engine) == {
        ("UNICEF", "wash", "lead", None, date(2015, 1, 1)),
        ("UNICEF", "nutrition", "lead", None, None),
        ("AMSS", "gbv", "co-lead", "ML05", date(2022, 3, 1)),
        ("AMSS", "health", "member", "ML06", None),
        ("NRC", "shelter_nfi", "observer", None, None),
        ("APEJ", "education", "member", "ML07", None),
    }
    with Session(prepared_engine) as session:
        reasons = dict(session.execute(select(RejectedRow.source_row, RejectedRow.reasons)).all())
        assert sorted(reasons) == [8, 9, 10, 11, 12, 13, 14]
        assert reasons[8] == ["column Cluster: unknown cluster (sector) 'Astronomie'; use a cluster name such as "
                              "Santé, Protection, Education, EHA, Abris, or a sub-cluster such as VBG, Protection "
                              "de l'enfance"]
        assert "unknown role 'Président'" in reasons[9][0]
        assert reasons[10][0].startswith("column Région: 'Atlantide' is neither National nor a region")
        assert "names no organisation" in reasons[11][0]
        assert "as row 4" in reasons[12][0]
        assert "ML0502 is a cercle P-code" in reasons[13][0] and "ML05" in reasons[13][0]
        assert reasons[14][0].startswith("column Niveau: the level is regional but the row names no region")
        batch = session.get(ImportBatch, result.batch_id)
        assert (batch.kind, batch.imported_by, batch.rows_rejected) == ("membership", "imo", 7)
        assert batch.column_mapping["role"] == {"column": "Rôle", "letter": "E", "method": "header"}
    types = organisation_types(prepared_engine)
    assert types["APEJ"] == ("government", "national")  # from the registry
    assert types["UNICEF"] == ("other", None)  # not in the registry, no type column


def test_a_later_english_file_updates_roles_instead_of_duplicating(prepared_engine, french_memberships, tmp_path):
    import_memberships(prepared_engine, french_memberships)
    english = write_workbook(tmp_path / "cluster_members.xlsx", {"Members": [
        ["Acronym", "Organization name", "Cluster", "Role", "Level", "Member since"],
        ["UNICEF", None, "WASH", "Co-lead", "National", None],  # UNICEF wash: lead → co-lead, since kept
        ["amss", None, "GBV", "Lead", "ML05", "2024-01-15"],  # AMSS gbv Mopti: co-lead → lead, new since
        ["Oxfam", "Oxfam Intermón", "Food security", "Member", "Mopti", None],  # new
    ]})
    result = import_memberships(prepared_engine, english)
    assert (result.rows_accepted, result.rows_rejected, result.warnings) == (3, 0, 0)
    assert (result.records_created, result.records_updated, result.organisations_created) == (1, 2, 1)
    stored = memberships(prepared_engine)
    assert ("UNICEF", "wash", "co-lead", None, date(2015, 1, 1)) in stored
    assert ("AMSS", "gbv", "lead", "ML05", date(2024, 1, 15)) in stored
    assert ("Oxfam", "food_security", "member", "ML05", None) in stored
    assert len(stored) == count(prepared_engine, ClusterMembership) == 7


def test_the_same_membership_file_twice_changes_nothing(prepared_engine, french_memberships):
    first = import_memberships(prepared_engine, french_memberships)
    again = import_memberships(prepared_engine, french_memberships)
    assert again.already_imported and again.batch_id == first.batch_id
    assert (again.rows_accepted, again.rows_rejected) == (6, 7)
    assert count(prepared_engine, ClusterMembership) == 6 and count(prepared_engine, ImportBatch) == 1


def test_a_membership_list_without_cluster_column_is_refused(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", {"S": [["Organisation", "Rôle"], ["NRC", "Membre"]]})
    with pytest.raises(ImportRefused, match="no cluster column"):
        import_memberships(prepared_engine, path)
    assert count(prepared_engine, ImportBatch) == 0


def test_registry_types_only_organisations_no_file_typed(prepared_engine, tmp_path):
    registry = tmp_path / "types.csv"
    registry.write_text("acronym,name,org_type,scope,note\nDRA,,government,national,\n"
                        ",Direction Régionale des Services Vétérinaires,government,,by name\n", encoding="utf-8")
    with Session(prepared_engine) as session, session.begin():
        typed_by_file = Organisation(acronym="DRA", org_type="ngo_national", scope="national")
        untyped = Organisation(name="Direction régionale des services vétérinaires", org_type="other")
        session.add_all([typed_by_file, untyped])
        session.flush()
        session.add_all([OrgAlias(alias="acronym:dra", organisation_id=typed_by_file.id),
                         OrgAlias(alias="name:direction regionale des services veterinaires",
                                  organisation_id=untyped.id)])
        assert apply_registry_types(session, registry) == 1
        assert (typed_by_file.org_type, untyped.org_type, untyped.scope) == ("ngo_national", "government", "national")
