"""Sector spellings the vocabulary does not know, taught by an IMO: past rows accepted, later files too
(both back ends)."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.ingest.importer import import_3w
from dashboard.ingest.sector_spellings import (
    TeachingRefused,
    taught_spellings,
    teach_sector_spelling,
    unknown_sector_spellings,
)
from dashboard.store.audit import audit_frame
from dashboard.domain.roles import Role, Viewer
from dashboard.store.models import Activity, ImportBatch, ImportIssue, RejectedRow
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster", "Activité"]
ROWS = [
    ["AMSS", "ML06", "ML0601", "Eau hygiène", "forages"],        # row 2: unknown sector only
    ["NRC", "ML05", "ML0599", "Eau hygiène", "latrines"],        # row 3: also a P-code that does not exist
    ["NRC", "ML05", "ML0502", "Astronomie", None],               # row 4: unknown, no close sector
    ["NRC", "ML05", "ML0502", "Santé", None],                    # row 5: accepted
]
IMO = Viewer(Role.IMO, "imo.test")


@pytest.fixture
def imported(prepared_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": [HEADERS, *ROWS]})
    return prepared_engine, import_3w(prepared_engine, path)


def test_unknown_spellings_are_listed_with_the_sector_they_likely_mean(imported):
    engine, result = imported
    assert (result.rows_accepted, result.rows_rejected) == (1, 3)
    unknown = unknown_sector_spellings(engine)
    assert unknown[["spelling", "rows", "imports"]].values.tolist() == [["Eau hygiène", 2, 1], ["Astronomie", 1, 1]]
    assert unknown["suggested_code"].fillna("none").tolist() == ["wash", "none"]
    with Session(engine) as session:
        issue = session.scalars(select(ImportIssue).where(ImportIssue.source_row == 2)).one()
    assert "Eau, hygiène et assainissement (EHA)" in issue.suggestion and "Registry page" in issue.suggestion


def test_teaching_a_spelling_accepts_the_past_rows_it_alone_kept_out(imported, tmp_path):
    engine, result = imported
    assert teach_sector_spelling(engine, "Eau hygiène", "wash", IMO, ip="10.0.0.9") == 1
    with Session(engine) as session:
        batch = session.get(ImportBatch, result.batch_id)
        assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (4, 2, 2)
        row = session.scalars(select(Activity).where(Activity.source_row == 2)).one()
        assert (row.sector_code, row.pcode, row.activity) == ("wash", "ML0601", "forages")
        assert session.scalars(select(RejectedRow.source_row).order_by(RejectedRow.source_row)).all() == [3, 4]
        repaired = session.scalars(select(ImportIssue).where(ImportIssue.source_row == 2)).one()
        assert (repaired.severity, repaired.suggestion) == ("repair", "wash")
    # Row 3 stays rejected for its P-code; the spelling is no longer listed as unknown.
    assert unknown_sector_spellings(engine)["spelling"].tolist() == ["Astronomie"]
    assert taught_spellings(engine)[["spelling", "sector_code", "added_by"]].values.tolist() == [
        ["Eau hygiène", "wash", "imo.test"]]
    event = audit_frame(engine, action="sector.spelling").iloc[0]
    assert (event["target"], event["after"]["rows_accepted"], event["ip"]) == ("Eau hygiène", 1, "10.0.0.9")
    # A later file that writes it in capitals without accents is accepted.
    later = write_workbook(tmp_path / "3W_2024-04.xlsx", {"3W": [HEADERS, ["AMSS", "ML06", "ML0601", "EAU HYGIENE", None]]})
    assert import_3w(engine, later).rows_accepted == 1


def test_only_an_imo_teaches_and_only_what_is_unknown(imported):
    engine, _ = imported
    with pytest.raises(TeachingRefused):
        teach_sector_spelling(engine, "Eau hygiène", "wash", Viewer(Role.COORDINATOR, "c", 2, None, frozenset({"wash"})))
    with pytest.raises(ValueError, match="already means health"):
        teach_sector_spelling(engine, "Sante", "wash", IMO)
    with pytest.raises(ValueError, match="unknown sector code"):
        teach_sector_spelling(engine, "Astronomie", "astronomy", IMO)
    assert taught_spellings(engine).empty


def test_the_command_line_lists_and_teaches(imported, monkeypatch, capsys):
    from dashboard import cli
    engine, _ = imported
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert cli.main(["sector-spellings"]) == 0
    assert "'Eau hygiène': 2 rejected row(s) in 1 import(s); closest sector: wash" in capsys.readouterr().out
    assert cli.main(["teach-sector", "Eau hygiène", "wash"]) == 0
    assert "1 rejected row(s) accepted" in capsys.readouterr().out
    assert cli.main(["teach-sector", "Eau hygiène", "wash"]) == 2


def test_a_taught_spelling_serves_membership_tables_too(imported, tmp_path):
    from dashboard.ingest.membership import import_memberships
    engine, _ = imported
    path = write_workbook(tmp_path / "membres.xlsx", {"Membres": [
        ["Organisation", "Cluster", "Rôle"], ["AMSS", "Eau hygiène", "membre"]]})
    teach_sector_spelling(engine, "Eau hygiène", "wash", IMO)
    result = import_memberships(engine, path)
    assert (result.rows_accepted, result.rows_rejected) == (1, 0)
