"""Uploads imported in the background, by role, and decisions on pending place suggestions (both back ends)."""

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from dashboard.ingest import jobs
from dashboard.ingest.jobs import UploadRefused, cancel, confirm, failure_message, job_state, run_job, submit
from dashboard.ingest.review import ReviewRefused, decide_suggestion, pending_suggestions
from dashboard.layouts.imports_page import preview_section
from dashboard.store.audit import audit_frame
from dashboard.domain.roles import PUBLIC, Role, Viewer
from dashboard.store.models import Activity, ImportBatch, ImportIssue, ImportUpload, Organisation, RejectedRow
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]
ROWS = [
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "ML050202", "EHA"],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", None, "Santé"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", "ML050202", "Santé"],
]
IMO = Viewer(Role.IMO, "imo")


def texts(component) -> list[str]:
    """The texts of a Dash layout, depth first."""
    if isinstance(component, (str, int, float)):
        return [str(component)]
    if isinstance(component, (list, tuple)):
        return [text for child in component for text in texts(child)]
    return texts(getattr(component, "children", None) or [])


def count_batches(engine):
    with Session(engine) as session:
        return len(session.scalars(select(ImportBatch.id)).all())


def upload(engine, tmp_path, rows, viewer, **options):
    """Upload, read the check, confirm: what the Imports page does."""
    content = write_workbook(tmp_path / "made.xlsx", {"3W": [HEADERS, *rows]}).read_bytes()
    job = submit(engine, "3W Bankass 2024-03.xlsx", content, viewer, run=False, **options)
    batches = count_batches(engine)
    run_job(engine, job)
    assert job_state(engine, job, viewer)["state"] == "checked"
    assert count_batches(engine) == batches  # a check keeps nothing
    confirm(engine, job, viewer, run=False)
    run_job(engine, job)
    return job_state(engine, job, viewer)


def uploads_kept(engine):
    with Session(engine) as session:
        return len(session.scalars(select(ImportUpload.job_id)).all())


def organisation_id(engine, acronym):
    with Session(engine) as session:
        return session.scalar(select(Organisation.id).where(Organisation.acronym == acronym))


def test_an_imo_upload_is_imported_and_audited(prepared_engine, tmp_path):
    job = upload(prepared_engine, tmp_path, ROWS, IMO)
    assert (job["state"], job["progress"], job["message"]) == ("done", 1.0, "read 3, accepted 3, rejected 0")
    with Session(prepared_engine) as session:
        batch = session.get(ImportBatch, job["batch_id"])
        assert (batch.file_name, batch.period, batch.imported_by) == ("3W Bankass 2024-03.xlsx", "2024-03", "imo")
    event = audit_frame(prepared_engine, action="import.3w").iloc[0]
    assert (event["actor"], event["role"], event["after"]["rows_accepted"]) == ("imo", "imo", 3)
    assert uploads_kept(prepared_engine) == 0  # the uploaded file is not kept


def test_a_partner_imports_its_own_rows_only(prepared_engine, tmp_path):
    first = upload(prepared_engine, tmp_path, ROWS[:1], IMO)  # AMSS is known from an earlier import
    partner = Viewer(Role.PARTNER, "focal.amss", 7, organisation_id(prepared_engine, "AMSS"))
    job = upload(prepared_engine, tmp_path, [ROWS[1], ROWS[2]], partner, period="2024-04")
    # By hand: the AMSS health row is accepted, the NRC row is not AMSS's and is rejected, kept as uploaded.
    assert job["message"] == "read 2, accepted 1, rejected 1"
    with Session(prepared_engine) as session:
        rejected = session.scalars(select(RejectedRow).where(RejectedRow.batch_id == job["batch_id"])).one()
        assert rejected.raw_values["Organisation Accronyme"] == "NRC"
        assert "not a row of your organisation" in rejected.reasons[0]
        batch = session.get(ImportBatch, job["batch_id"])
        assert batch.source == f"partner:{partner.organisation_id}"
    # A corrected file for the same period replaces the partner's earlier upload, not anyone else's.
    again = upload(prepared_engine, tmp_path, [ROWS[0], ROWS[1]], partner, period="2024-04")
    with Session(prepared_engine) as session:
        batches = session.scalars(select(ImportBatch.id).order_by(ImportBatch.id)).all()
    assert batches == [first["batch_id"], again["batch_id"]]


def test_a_partner_uploading_an_imos_file_is_not_told_its_counts(prepared_engine, tmp_path):
    # the probe: a partner uploads a file identical to one an IMO imported
    upload(prepared_engine, tmp_path, ROWS, IMO)  # 3 rows read, 3 accepted
    partner = Viewer(Role.PARTNER, "focal.nrc", 7, organisation_id(prepared_engine, "NRC"))
    content = write_workbook(tmp_path / "made.xlsx", {"3W": [HEADERS, *ROWS]}).read_bytes()
    job = submit(prepared_engine, "3W Bankass 2024-03.xlsx", content, partner, run=False)
    run_job(prepared_engine, job)
    state = job_state(prepared_engine, job, partner)
    # by hand: checked as the partner's own file: its one NRC row accepted, the two AMSS rows not its own
    assert (state["state"], state["batch_id"]) == ("checked", None)
    assert (state["preview"]["rows_read"], state["preview"]["rows_accepted"], state["preview"]["rows_rejected"]) == (
        3, 1, 2)
    # the same file uploaded again by the same partner is its own earlier import
    confirm(prepared_engine, job, partner, run=False)
    run_job(prepared_engine, job)
    again = submit(prepared_engine, "3W Bankass 2024-03.xlsx", content, partner, run=False)
    run_job(prepared_engine, again)
    assert job_state(prepared_engine, again, partner)["batch_id"] == job_state(prepared_engine, job, partner)["batch_id"]


def test_a_check_says_what_the_import_would_do_and_a_cancel_keeps_nothing(prepared_engine, tmp_path):
    rows = [*ROWS, ["DRC", "Danish Refugee Council", "ONG Int", "ML05", "ML0599", None, "Santé"]]
    content = write_workbook(tmp_path / "made.xlsx", {"3W": [HEADERS, *rows]}).read_bytes()
    job = submit(prepared_engine, "3W Bankass 2024-03.xlsx", content, IMO, run=False)
    run_job(prepared_engine, job)
    state = job_state(prepared_engine, job, IMO)
    preview = state["preview"]
    # by hand: 4 rows, the DRC row's cercle ML0599 does not exist
    assert (state["state"], preview["rows_read"], preview["rows_accepted"], preview["rows_rejected"]) == (
        "checked", 4, 3, 1)
    assert [(g["severity"], g["column"], g["count"], g["first_row"]) for g in preview["groups"]] == [
        ("error", "admin2Pcod", 1, 5)]
    assert preview["columns"]["adm2_code"]["letter"] == "E"
    # as the Imports page shows it: rows with repaired values beside the accepted ones, the kind in its words
    shown = texts(preview_section(preview, "fr"))
    assert shown[0] == ("4 lignes lues · 3 seraient acceptées (dont 0 avec des valeurs corrigées) · 0 suggestions à "
                        "vérifier · 1 rejetées · 0 avertissements")
    assert shown[shown.index("admin2Pcod") + 2:shown.index("admin2Pcod") + 5] == [
        "P-code qui n'existe pas dans les limites administratives", "5",
        "le P-code ML0599 n'est pas une unité de niveau cercle des limites cod-ab-mli-2021"]
    assert count_batches(prepared_engine) == 0 and audit_frame(prepared_engine, action="import.3w").empty
    with pytest.raises(UploadRefused):  # only its submitter (or an IMO) decides
        cancel(prepared_engine, job, Viewer(Role.PARTNER, "someone else", 9, 1))
    cancel(prepared_engine, job, IMO)
    assert job_state(prepared_engine, job, IMO)["state"] == "cancelled"
    assert uploads_kept(prepared_engine) == 0  # the file is gone
    with pytest.raises(UploadRefused, match="cancelled"):
        confirm(prepared_engine, job, IMO, run=False)


@pytest.mark.parametrize("viewer, kind", [(PUBLIC, "3w"), (Viewer(Role.COORDINATOR, "coord", 3, None, frozenset({"wash"})), "3w"),
                                          (Viewer(Role.COORDINATOR, "coord", 3, None, frozenset({"wash"})),
                                           "partnerships"),
                                          (Viewer(Role.PARTNER, "p", 4, 1), "memberships"), (PUBLIC, "memberships")])
def test_other_roles_may_not_upload(prepared_engine, tmp_path, viewer, kind):
    with pytest.raises(UploadRefused, match="may not import"):
        submit(prepared_engine, "x.xlsx", b"data", viewer, kind=kind, run=False)


def test_a_refused_file_fails_its_job_and_writes_nothing(prepared_engine, tmp_path):
    job = submit(prepared_engine, "3w_2024-03.csv", b"\x00\x01garbage", IMO, run=False)
    run_job(prepared_engine, job)
    state = job_state(prepared_engine, job, IMO)
    assert state["state"] == "failed" and state["message"]
    with Session(prepared_engine) as session:
        assert session.scalars(select(ImportBatch)).all() == []
    assert job_state(prepared_engine, job, Viewer(Role.PARTNER, "someone else", 9, 1)) is None


def test_an_unexpected_error_fails_its_job_with_one_sentence_and_logs_the_detail(prepared_engine, tmp_path,
                                                                                 monkeypatch, caplog):
    """A failure of the database (once, 34,000 characters of SQL) is no message for the person uploading."""
    statement = "INSERT INTO activity (batch_id, extra) VALUES (?, ?)" + ", (?, ?)" * 5000

    def failing_import(*args, **kwargs):
        raise StatementError("Object of type time is not JSON serializable", statement, [{"extra": "x"}] * 500,
                             TypeError("Object of type time is not JSON serializable"))

    monkeypatch.setattr(jobs, "import_3w", failing_import)
    content = write_workbook(tmp_path / "made.xlsx", {"3W": [HEADERS, *ROWS]}).read_bytes()
    job = submit(prepared_engine, "3W_Niger_2024-03.xlsx", content, IMO, run=False)
    with caplog.at_level(logging.ERROR, logger="dashboard.ingest.jobs"):
        run_job(prepared_engine, job)
    state = job_state(prepared_engine, job, IMO)
    assert state["state"] == "failed"
    assert state["message"] == (f"an unexpected error stopped the processing of the file (job {job}): tell the "
                                "administrator, who will find the details in the server log.")
    assert failure_message(state, "fr") == (
        f"une erreur inattendue a arrêté le traitement du fichier (tâche {job}) : signalez-la à l'administrateur, "
        "qui en trouvera le détail dans le journal du serveur.")
    assert "INSERT INTO activity" in caplog.text  # the detail is in the server's log
    assert uploads_kept(prepared_engine) == 0


def test_wrong_file_types_are_refused_before_storing(prepared_engine, tmp_path):
    with pytest.raises(UploadRefused, match="only .xlsx, .xlsm, .xls, .csv"):
        submit(prepared_engine, "script.exe", b"MZ", IMO, run=False)
    assert uploads_kept(prepared_engine) == 0


NAMES_ONLY = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
              "Commune", "Cluster"]


def test_a_suggestion_accepted_moves_the_row(prepared_engine, tmp_path):
    # "Bayee" is no commune of Bankass; Baye (ML050202) is the closest: the row waits at cercle level.
    content = write_workbook(tmp_path / "names.xlsx", {"3W": [NAMES_ONLY, [
        "AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "Bayee", "EHA"]]})
    job = submit(prepared_engine, "names_2024-03.xlsx", content.read_bytes(), IMO,
                 mode="import", run=False)
    run_job(prepared_engine, job)
    health = Viewer(Role.COORDINATOR, "coord.health", 5, None, frozenset({"health"}))
    wash = Viewer(Role.COORDINATOR, "coord.wash", 6, None, frozenset({"wash"}))
    assert pending_suggestions(prepared_engine, health).empty  # not the health coordinator's row
    pending = pending_suggestions(prepared_engine, wash)
    assert pending[["suggestion", "pcode"]].values.tolist() == [["ML050202", "ML0502"]]
    issue = int(pending["issue_id"].iloc[0])
    with pytest.raises(ReviewRefused):
        decide_suggestion(prepared_engine, issue, "accepted", health)
    decide_suggestion(prepared_engine, issue, "accepted", wash, ip="10.1.1.1")
    with Session(prepared_engine) as session:
        row = session.scalars(select(Activity)).one()
        assert (row.location_level, row.pcode, row.adm2_pcode, row.adm3_pcode) == (3, "ML050202", "ML0502", "ML050202")
        decided = session.get(ImportIssue, issue)
        assert (decided.decision, decided.decided_by) == ("accepted", "coord.wash")
    assert pending_suggestions(prepared_engine, wash).empty
    with pytest.raises(LookupError):
        decide_suggestion(prepared_engine, issue, "declined", wash)
    event = audit_frame(prepared_engine, action="suggestion.accepted").iloc[0]
    assert (event["actor"], event["before"], event["ip"]) == ("coord.wash", {"pcode": "ML0502", "location_level": 2},
                                                              "10.1.1.1")


MEMBER_HEADERS = ["Sigle", "Nom de l'organisation", "Cluster", "Sous-cluster", "Rôle", "Niveau", "Région"]
MEMBER_ROWS = [  # spreadsheet rows 2 to 6
    ["UNICEF", "Fonds des Nations unies pour l'enfance", "EHA", None, "Chef de file", "National", None],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "EHA", None, "Membre", "Régional", "Mopti"],
    ["NRC", "Norwegian Refugee Council", "Santé", None, "Membre", "National", None],  # another cluster
    ["AMSS", None, "Protection", "VBG", "Membre", "Régional", "Mopti"],  # another cluster (a sub-cluster)
    ["IRC", None, "Protection", None, "Co-facilitateur", "National", None],  # the coordinator's second cluster
]


def test_a_coordinator_uploads_the_members_of_their_own_clusters_only(prepared_engine, tmp_path):
    from dashboard.ingest.membership import membership_frame
    from dashboard.security.accounts import create_account
    # the runner reads the coordinator's clusters from their account
    create_account(prepared_engine, "coord.wash", "a long test password", "coordinator", sectors=("wash", "protection"))
    coordinator = Viewer(Role.COORDINATOR, "coord.wash", 3, None, frozenset({"wash", "protection"}))
    content = write_workbook(tmp_path / "membres.xlsx", {"Membres": [MEMBER_HEADERS, *MEMBER_ROWS]}).read_bytes()
    job = submit(prepared_engine, "membres.xlsx", content, coordinator, kind="memberships", run=False)
    run_job(prepared_engine, job)
    checked = job_state(prepared_engine, job, coordinator)
    assert checked["state"] == "checked"
    assert membership_frame(prepared_engine).empty  # a check keeps nothing
    confirm(prepared_engine, job, coordinator, run=False)
    run_job(prepared_engine, job)
    with Session(prepared_engine) as session:
        batch = session.get(ImportBatch, job_state(prepared_engine, job, coordinator)["batch_id"])
        # rows 2, 3 (WASH) and 6 (protection) accepted; 4 (health) rejected; 5 (GBV) accepted: a sub-cluster
        # of protection, the coordinator's
        assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (5, 4, 1)
        assert batch.source == "coordinator:coord.wash"
        issues = session.scalars(select(ImportIssue).where(ImportIssue.batch_id == batch.id,
                                                           ImportIssue.severity == "error")).all()
    assert [(issue.source_row, issue.message["problem"]) for issue in issues] == [(4, "msg.not_your_cluster")]
    from dashboard.i18n import render_message
    assert render_message(issues[0].message, "problem", "fr") == (
        "membre du cluster Santé : un coordinateur n'importe que les membres de ses clusters "
        "(Protection, Eau, hygiène et assainissement (EHA))")
    assert "member of the Health cluster" in render_message(issues[0].message, "problem", "en")
    stored = membership_frame(prepared_engine)
    assert sorted(stored["sector_code"]) == ["gbv", "protection", "wash", "wash"]
