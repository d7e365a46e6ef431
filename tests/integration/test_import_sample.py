"""The real December 2023 Mali 3W, imported on SQLite and on PostgreSQL.

Expected values come from the file itself, read here with pandas independently of the importer.
"""


import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.ingest.importer import import_3w
from dashboard.store.models import Activity, ImportBatch, ImportIssue, Organisation, RejectedRow
from tests.independent import organisation_labels


@pytest.fixture(scope="module")
def sample_frame(sample_path):
    return pd.read_excel(sample_path, sheet_name="ML_5W", engine="calamine", header=0, skiprows=[1], dtype=str)


def canonical_organisation_count(frame: pd.DataFrame) -> int:
    return organisation_labels(frame).nunique()


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_every_row_is_accounted_for(prepared_engine, sample_path, sample_frame):
    result = import_3w(prepared_engine, sample_path, period="2023-12")
    assert result.rows_read == len(sample_frame) == 24088
    assert result.rows_accepted + result.rows_rejected == 24088
    # SOURCE.md: every row has an organisation, one of 8 known clusters and 2021 P-codes: none is rejected.
    assert result.rows_rejected == 0
    with Session(prepared_engine) as session:
        assert count(session, Activity) == 24088
        assert count(session, RejectedRow) == 0
        cercles = session.scalar(select(func.count(func.distinct(Activity.adm2_pcode))))
        assert cercles == sample_frame["admin2Pcod"].nunique() == 53
        # rows without a commune code are kept at cercle level, not dropped
        at_cercle = count(session, Activity, Activity.location_level == 2)
        assert at_cercle == sample_frame["admin3Pcod"].isna().sum() == 6851
        # 162 acronyms; UNICEF/Unicef, Educo/EDUCO/educo, G-FORCE/G-Force, MDM-BE/MDM-Be, HELP/Help and
        # Arche Nova/arche noVa fold to one (155); AAA and Alianza-ActionAid share their name (154).
        expected = canonical_organisation_count(sample_frame)
        assert count(session, Organisation) == expected == 154
        # every stored place is consistent: the commune lies in the cercle, the cercle in the region
        inconsistent = count(session, Activity, Activity.adm3_pcode.is_not(None),
                             func.substr(Activity.adm3_pcode, 1, 6) != Activity.adm2_pcode)
        assert inconsistent == 0
        batch = session.scalars(select(ImportBatch)).one()
        assert (batch.period, batch.sheet, batch.rows_read) == ("2023-12", "ML_5W", 24088)
        assert batch.column_mapping["adm2_code"] == {"column": "admin2Pcod", "letter": "H", "method": "hxl"}


def test_namesake_commune_codes_are_repaired_and_listed(prepared_engine, sample_path, sample_frame):
    import_3w(prepared_engine, sample_path, period="2023-12")
    # Excel row 96 (data row 94): Mopti / Bankass / commune "Baye" coded ML010401, Baye of Kéniéba (Kayes).
    source = sample_frame.iloc[96 - 3]
    assert (source["admin2Pcod"], source["Commune"], source["admin3Pcod"]) == ("ML0502", "Baye", "ML010401")
    with Session(prepared_engine) as session:
        stored = session.scalars(select(Activity).where(Activity.source_row == 96)).one()
        assert (stored.adm1_pcode, stored.adm2_pcode, stored.adm3_pcode) == ("ML05", "ML0502", "ML050202")
        repair = session.scalars(select(ImportIssue).where(ImportIssue.source_row == 96,
                                                           ImportIssue.severity == "repair")).one()
        assert (repair.column, repair.value, repair.suggestion) == ("admin3Pcod", "ML010401", "ML050202")


def test_importing_the_same_file_again_changes_nothing(prepared_engine, sample_path):
    first = import_3w(prepared_engine, sample_path, period="2023-12")
    again = import_3w(prepared_engine, sample_path, period="2023-12")
    assert again.already_imported and again.batch_id == first.batch_id
    with Session(prepared_engine) as session:
        assert count(session, ImportBatch) == 1
        assert count(session, Activity) == 24088
