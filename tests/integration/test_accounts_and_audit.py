"""Accounts, login throttling and the append-only audit trail, on SQLite and PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dashboard.security import accounts
from dashboard.security.accounts import AccountError, create_account, log_in, session_viewer, set_active, set_password
from dashboard.store.audit import audit_frame
from dashboard.domain.roles import Permission, Role
from dashboard.store.models import AuditEvent, LoginThrottle, Organisation, UserAccount

PASSWORD = "a long test password"


@pytest.fixture
def engine(prepared_engine):
    with Session(prepared_engine) as session, session.begin():
        session.add_all([Organisation(acronym="AMSS", name="Association Malienne pour la Survie au Sahel",
                                      org_type="ngo_national"),
                         Organisation(acronym="NRC", name="Norwegian Refugee Council", org_type="ngo_international")])
    return prepared_engine


def test_accounts_are_bound_to_their_scope(engine):
    partner = create_account(engine, "focal.amss", PASSWORD, "partner", organisation="amss")
    coordinator = create_account(engine, "coord", PASSWORD, Role.COORDINATOR, sectors=("wash", "health"))
    with Session(engine) as session:
        amss = session.scalar(select(Organisation.id).where(Organisation.acronym == "AMSS"))
        stored = session.scalar(select(UserAccount).where(UserAccount.username == "focal.amss"))
        assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert partner.organisation_id == amss
    viewer = log_in(engine, "focal.amss", PASSWORD).viewer
    assert (viewer.role, viewer.organisation_id) == (Role.PARTNER, amss)
    assert viewer.covers(organisation_id=amss) and not viewer.covers(organisation_id=amss + 1)
    assert viewer.can(Permission.IMPORT_OWN_ROWS) and not viewer.can(Permission.IMPORT_3W)
    assert coordinator.sectors == ["wash", "health"]
    coord = log_in(engine, "coord", PASSWORD).viewer
    assert coord.covers(sector_code="wash") and not coord.covers(sector_code="protection")
    assert not coord.can(Permission.MANAGE_REGISTRY) and not coord.can(Permission.IMPORT_OWN_ROWS)


@pytest.mark.parametrize("arguments, message", [
    (("x", "short", "imo"), "at least 12 characters"),
    (("x", PASSWORD, "partner"), "names its organisation"),
    (("x", PASSWORD, "coordinator"), "names its clusters"),
    (("x", PASSWORD, "public"), "needs no account"),
])
def test_account_creation_refusals(engine, arguments, message):
    with pytest.raises(AccountError, match=message):
        create_account(engine, *arguments)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(UserAccount)) == 0


def test_unknown_organisation_and_sector_are_refused(engine):
    with pytest.raises(AccountError, match="0 organisations are called 'XYZ'"):
        create_account(engine, "x", PASSWORD, "partner", organisation="XYZ")
    with pytest.raises(AccountError, match="unknown: astronomy"):
        create_account(engine, "x", PASSWORD, "coordinator", sectors=("astronomy",))
    create_account(engine, "x", PASSWORD, "imo")
    with pytest.raises(AccountError, match="exists already"):
        create_account(engine, "x", PASSWORD, "imo")


def test_logins_are_recorded_and_throttled(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        result = log_in(engine, "imo", "wrong password", ip="10.0.0.1")
        assert (result.viewer, result.refusal) == (None, "wrong")
    # the right password is refused too once the name has had its five failures
    result = log_in(engine, "imo", PASSWORD, ip="10.0.0.2")
    assert (result.viewer, result.refusal) == (None, "throttled")
    events = audit_frame(engine)
    assert events["action"].tolist() == ["login.throttled"] + ["login.failed"] * 5 + ["account.create"]
    assert set(events.loc[events["action"] == "login.failed", "ip"]) == {"10.0.0.1"}
    # another account is not throttled by this one's failures
    create_account(engine, "other", PASSWORD, "imo")
    assert log_in(engine, "other", PASSWORD, ip="10.0.0.3").viewer.username == "other"


def test_unknown_user_names_fail_like_wrong_passwords(engine):
    assert log_in(engine, "nobody", PASSWORD).refusal == "wrong"


def test_password_change_and_closing_end_sessions(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    first = log_in(engine, "imo", PASSWORD)
    user_id = first.viewer.user_id
    assert session_viewer(engine, user_id, first.session_key).username == "imo"
    set_password(engine, "imo", "another long password")
    assert session_viewer(engine, user_id, first.session_key) is None
    second = log_in(engine, "imo", "another long password")
    set_active(engine, "imo", False)
    assert session_viewer(engine, user_id, second.session_key) is None
    assert log_in(engine, "imo", "another long password").refusal == "wrong"
    assert audit_frame(engine, action="account.deactivate")["before"].tolist() == [{"active": True}]


def test_logging_out_ends_only_that_session(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    first, second = log_in(engine, "imo", PASSWORD), log_in(engine, "imo", PASSWORD)
    user_id = first.viewer.user_id
    assert accounts.end_session(engine, first.session_key)
    assert session_viewer(engine, user_id, first.session_key) is None
    assert session_viewer(engine, user_id, second.session_key).username == "imo"
    assert not accounts.end_session(engine, first.session_key)  # ended once
    assert session_viewer(engine, user_id + 1, second.session_key) is None  # a token is one account's


def test_simultaneous_wrong_passwords_are_checked_at_most_up_to_the_limit(engine):
    # the probe: 30 wrong passwords for one name sent at once; 15 were checked where the limit is 5
    create_account(engine, "imo", PASSWORD, "imo")
    start = threading.Barrier(30)

    def attempt(_):
        start.wait()
        return log_in(engine, "imo", "wrong password", ip="10.0.0.9").refusal

    with ThreadPoolExecutor(30) as pool:
        refusals = list(pool.map(attempt, range(30)))
    assert sorted(set(refusals)) == ["throttled", "wrong"]
    assert refusals.count("wrong") == accounts.MAX_FAILED_LOGINS
    events = audit_frame(engine)
    assert (events["action"] == "login.failed").sum() == accounts.MAX_FAILED_LOGINS
    assert (events["action"] == "login.throttled").sum() == 30 - accounts.MAX_FAILED_LOGINS
    assert log_in(engine, "imo", PASSWORD).refusal == "throttled"


def test_a_successful_login_does_not_count_against_the_limit(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    for _ in range(3 * accounts.MAX_FAILED_LOGINS):
        assert log_in(engine, "imo", PASSWORD, ip="10.0.0.4").viewer is not None
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert log_in(engine, "imo", "wrong password", ip="10.0.0.4").refusal == "wrong"
    assert log_in(engine, "imo", PASSWORD, ip="10.0.0.4").viewer is not None


def test_an_address_is_throttled_across_names(engine):
    for number in range(accounts.MAX_FAILED_LOGINS_PER_ADDRESS):
        assert log_in(engine, f"name{number}", "wrong password", ip="10.0.0.5").refusal == "wrong"
    assert log_in(engine, "another", "wrong password", ip="10.0.0.5").refusal == "throttled"
    assert log_in(engine, "another", "wrong password", ip="10.0.0.6").refusal == "wrong"


def test_the_throttle_window_ends(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        log_in(engine, "imo", "wrong password")
    assert log_in(engine, "imo", PASSWORD).refusal == "throttled"
    with engine.begin() as connection:  # the window began longer ago than it lasts
        connection.execute(update(LoginThrottle).values(
            window_start=datetime.now(UTC) - accounts.THROTTLE_WINDOW - timedelta(minutes=1)))
    assert log_in(engine, "imo", PASSWORD).viewer is not None


def test_the_audit_trail_cannot_be_changed(engine):
    create_account(engine, "imo", PASSWORD, "imo")
    for statement in (update(AuditEvent).values(actor="someone else"), text("DELETE FROM audit_event")):
        with pytest.raises(DBAPIError, match="audit trail cannot be changed"):
            with engine.begin() as connection:
                connection.execute(statement)
    assert audit_frame(engine)["action"].tolist() == ["account.create"]
