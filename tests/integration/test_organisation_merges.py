"""Organisations proposed as one, merged or marked distinct by an IMO, on both back ends.

The small 3W below has Islamic Relief written two ways (IR, and IRW "Islamic Relief Worldwide"), which no
exact rule joins: by hand, IR has 2 rows, IRW 1; NRC is unrelated.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.ingest.importer import import_3w
from dashboard.store.audit import audit_frame
from dashboard.domain.roles import Role, Viewer
from dashboard.store.models import (
    Activity,
    ClusterMembership,
    ImportIssue,
    Organisation,
    OrganisationDecision,
    OrgAlias,
    Partnership,
    UserAccount,
)
from dashboard.ingest.organisation_matching import merge_proposals
from dashboard.store.organisation_decisions import (
    MergeRefused,
    decision_history,
    mark_distinct,
    merge_organisations,
)
from dashboard.store.queries import dataset_version
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster"]
FIRST_FILE = [
    ["IR", "Islamic Relief", "ONG Int", "ML05", "ML0502", "ML050202", "EHA"],
    ["IR", "Islamic Relief", "ONG Int", "ML05", "ML0502", None, "Santé"],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", "ML050202", "Santé"],
]
SECOND_FILE = [
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", None, "EHA"],
    ["IRW", "Islamic Relief Worldwide", None, "ML05", "ML0502", "ML050202", "Protection"],
]
IMO = Viewer(Role.IMO, "imo.test")


def import_file(engine, tmp_path, name, rows, period):
    path = write_workbook(tmp_path / name, {"3W": [HEADERS, *rows]})
    return import_3w(engine, path, period=period, imported_by="imo.test")


def organisation_id(session, acronym):
    return session.scalar(select(Organisation.id).where(Organisation.acronym == acronym))


@pytest.fixture
def two_spellings(prepared_engine, tmp_path):
    """The two files imported; IRW gets a membership that IR also holds, one it does not, a partnership and
    a partner focal point's account."""
    import_file(prepared_engine, tmp_path, "first.xlsx", FIRST_FILE, "2024-01")
    result = import_file(prepared_engine, tmp_path, "second.xlsx", SECOND_FILE, "2024-02")
    with Session(prepared_engine) as session, session.begin():
        ir, irw, nrc = (organisation_id(session, acronym) for acronym in ("IR", "IRW", "NRC"))
        session.add_all([
            ClusterMembership(organisation_id=ir, sector_code="wash", role="member"),
            ClusterMembership(organisation_id=irw, sector_code="wash", role="co-lead"),
            ClusterMembership(organisation_id=irw, sector_code="health", role="member"),
            Partnership(funder_id=nrc, partner_id=irw),
            UserAccount(username="focal.irw", password_hash="x", role="partner", organisation_id=irw,
                        created_at=datetime.now(UTC)),
        ])
    return prepared_engine, result, (ir, irw, nrc)


def test_an_import_warns_about_a_new_organisation_that_resembles_a_known_one(two_spellings):
    engine, result, (ir, irw, _) = two_spellings
    assert result.organisations_created == 1
    with Session(engine) as session:
        warnings = session.scalars(select(ImportIssue).where(ImportIssue.batch_id == result.batch_id,
                                                             ImportIssue.severity == "warning")).all()
    # By hand: one warning, on IRW's row (row 3 of the sheet: header, NRC, IRW), naming Islamic Relief.
    assert [(issue.source_row, issue.column, issue.value) for issue in warnings] == [
        (3, "Organisation Accronyme", "IRW")]
    assert "Islamic Relief" in warnings[0].problem and "Registry page" in warnings[0].suggestion
    proposals = merge_proposals(engine)
    assert proposals[["first_id", "second_id"]].values.tolist() == [[ir, irw]]  # IR first: it has more rows
    assert proposals.at[0, "reasons"] == ["name_within"]
    assert (proposals.at[0, "first_rows"], proposals.at[0, "second_rows"]) == (2, 1)


def test_a_merge_moves_rows_spellings_memberships_partnerships_and_accounts(two_spellings, tmp_path):
    engine, _, (ir, irw, nrc) = two_spellings
    version = dataset_version(engine)
    details = merge_organisations(engine, ir, irw, IMO, ip="10.0.0.5")
    assert details["moved"]["activities"] == 1
    assert details["memberships_dropped"] == [{"sector": "wash", "admin_pcode": None, "role": "co-lead"}]
    with Session(engine) as session:
        assert session.get(Organisation, irw) is None
        rows = dict(session.execute(select(Activity.organisation_id, func.count()).group_by(Activity.organisation_id)).all())
        assert rows == {ir: 3, nrc: 2}
        assert session.scalars(select(OrgAlias.alias).where(OrgAlias.organisation_id == ir)
                                       .order_by(OrgAlias.alias)).all() == sorted(
            ["acronym:ir", "name:islamic relief", "acronym:irw", "name:islamic relief worldwide"])
        memberships = session.execute(select(ClusterMembership.sector_code, ClusterMembership.role)
                                      .where(ClusterMembership.organisation_id == ir)).all()
        assert sorted(memberships) == [("health", "member"), ("wash", "member")]
        assert session.scalar(select(Partnership.partner_id)) == ir
        assert session.scalar(select(UserAccount.organisation_id).where(UserAccount.username == "focal.irw")) == ir
        decision = session.scalars(select(OrganisationDecision)).one()
        assert (decision.kept_id, decision.other_id, decision.decision, decision.decided_by) == (
            ir, irw, "merge", "imo.test")
        assert decision.details["merged"]["name"] == "Islamic Relief Worldwide"
    event = audit_frame(engine, action="organisation.merge").iloc[0]
    assert (event["actor"], event["ip"], event["before"]["acronym"]) == ("imo.test", "10.0.0.5", "IRW")
    assert dataset_version(engine) != version  # every view and cached result is recomputed
    assert merge_proposals(engine).empty
    # A later file that still writes "IRW" lands on Islamic Relief, creating nothing.
    later = import_file(engine, tmp_path, "third.xlsx", [SECOND_FILE[1]], "2024-03")
    assert later.organisations_created == 0
    with Session(engine) as session:
        assert session.scalar(select(Activity.organisation_id).where(Activity.batch_id == later.batch_id)) == ir
    history = decision_history(engine)
    assert history[["decision", "kept_acronym", "other_label", "rows_moved"]].values.tolist() == [
        ["merge", "IR", "IRW", 1]]


def test_a_pair_marked_distinct_is_not_proposed_again(two_spellings):
    engine, _, (ir, irw, _) = two_spellings
    mark_distinct(engine, irw, ir, IMO)
    mark_distinct(engine, ir, irw, IMO)  # asking twice stores one decision
    assert merge_proposals(engine).empty
    with Session(engine) as session:
        assert session.scalar(select(func.count(OrganisationDecision.id))) == 1
    assert len(audit_frame(engine, action="organisation.distinct")) == 1
    assert decision_history(engine)[["decision", "kept_acronym", "other_label"]].values.tolist() == [
        ["distinct", "IR", "IRW"]]


def test_a_distinct_decision_follows_a_merge(two_spellings):
    """IRW marked distinct from NRC, then IRW merged into IR: IR and NRC stay marked distinct."""
    engine, _, (ir, irw, nrc) = two_spellings
    mark_distinct(engine, irw, nrc, IMO)
    merge_organisations(engine, ir, irw, IMO)
    with Session(engine) as session:
        pairs = session.execute(select(OrganisationDecision.kept_id, OrganisationDecision.other_id)
                                .where(OrganisationDecision.decision == "distinct")).all()
    assert [set(pair) for pair in pairs] == [{ir, nrc}]


@pytest.mark.parametrize("viewer", [Viewer(Role.COORDINATOR, "coord", 3, None, frozenset({"wash"})),
                                    Viewer(Role.PARTNER, "focal", 4, 1)])
def test_only_an_imo_merges(two_spellings, viewer):
    engine, _, (ir, irw, _) = two_spellings
    with pytest.raises(MergeRefused):
        merge_organisations(engine, ir, irw, viewer)
    with pytest.raises(MergeRefused):
        mark_distinct(engine, ir, irw, viewer)
    with Session(engine) as session:
        assert session.get(Organisation, irw) is not None
        assert session.scalar(select(func.count(OrganisationDecision.id))) == 0


def test_merging_an_organisation_already_merged_changes_nothing(two_spellings):
    engine, _, (ir, irw, nrc) = two_spellings
    merge_organisations(engine, ir, irw, IMO)
    with pytest.raises(LookupError):
        merge_organisations(engine, nrc, irw, IMO)
    with pytest.raises(ValueError):
        merge_organisations(engine, ir, ir, IMO)
    with Session(engine) as session:
        assert session.scalar(select(func.count(OrganisationDecision.id))) == 1
        assert session.scalar(select(func.count(Activity.id)).where(Activity.organisation_id == nrc)) == 2
