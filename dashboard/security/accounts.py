"""Accounts: creation, argon2id password hashes, sessions kept on the server, and login with throttling.

Login attempts are counted in the database (one row per user name and per address), so throttling holds
across the server's worker processes, across several servers and across restarts; an attempt is counted in
the same statement that checks the limit, before its password is verified, so simultaneous attempts cannot
all pass. Every attempt is also on record in the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dashboard.store import audit
from dashboard.domain.roles import Role, Viewer
from dashboard.store.models import LoginThrottle, Organisation, Sector, UserAccount, UserSession

#: failed attempts for one user name (or from one address) within the window before logins are refused
MAX_FAILED_LOGINS = 5
#: failed attempts from one address (several people behind one office's address), within the window
MAX_FAILED_LOGINS_PER_ADDRESS = 4 * MAX_FAILED_LOGINS
THROTTLE_WINDOW = timedelta(minutes=15)
#: how long a session lasts without logging in again
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
#: verified against when the user name is unknown, so a wrong name costs as much time as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why, for the user."""


@dataclass(frozen=True)
class LoginResult:
    viewer: Viewer | None
    #: why the login failed: "throttled" or "wrong" (never which of the name or the password was wrong)
    refusal: str | None = None
    #: the session's token, for the cookie (logging out, a password change or closing the account end it)
    session_key: str | None = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def viewer_of(account: UserAccount) -> Viewer:
    return Viewer(Role(account.role), account.username, account.id, account.organisation_id,
                  frozenset(account.sectors or ()))


def role_scope(session: Session, role: Role, organisation: str | None, sectors: tuple[str, ...],
               error: type[Exception], partner: str, coordinator: str) -> int | None:
    """What a partner's or a coordinator's account or API token is bound to, checked: the partner's organisation
    (acronym or name as stored: its id) and the coordinator's clusters (known sector codes); ``error`` is raised
    with a sentence naming the ``partner`` or ``coordinator`` thing being made."""
    organisation_id = None
    if role is Role.PARTNER:
        if not organisation:
            raise error(f"{partner} names its organisation (--organisation)")
        matches = session.scalars(select(Organisation.id).where(
            (func.lower(Organisation.acronym) == organisation.lower())
            | (func.lower(Organisation.name) == organisation.lower()))).all()
        if len(matches) != 1:
            raise error(f"{len(matches)} organisations are called {organisation!r}; give the acronym or the full "
                        "name exactly as `python -m dashboard organisations` lists it")
        organisation_id = matches[0]
    if role is Role.COORDINATOR:
        known = set(session.scalars(select(Sector.code)))
        unknown = [code for code in sectors if code not in known]
        if not sectors or unknown:
            raise error(f"{coordinator} names its clusters by sector code (--sectors); unknown: "
                        f"{', '.join(unknown) or 'none given'}; known: {', '.join(sorted(known))}")
    return organisation_id


def create_account(engine: Engine, username: str, password: str, role: Role | str, *,
                   organisation: str | None = None, sectors: tuple[str, ...] = (),
                   created_by: Viewer | None = None) -> UserAccount:
    """A new account. A partner names its organisation (acronym or name as stored); a coordinator its
    clusters (sector codes)."""
    role = Role(role)
    username = username.strip()
    if role is Role.PUBLIC:
        raise AccountError("the public view needs no account")
    if not username or len(username) > 80:
        raise AccountError("the user name must have 1 to 80 characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if session.scalar(select(UserAccount.id).where(UserAccount.username == username)) is not None:
            raise AccountError(f"an account named {username!r} exists already")
        organisation_id = role_scope(session, role, organisation, sectors, AccountError,
                                     "a partner focal point account", "a cluster coordinator account")
        account = UserAccount(username=username, password_hash=_hasher.hash(password), role=str(role),
                              organisation_id=organisation_id,
                              sectors=list(sectors) if role is Role.COORDINATOR else None,
                              active=True, created_at=datetime.now(UTC))
        session.add(account)
        session.flush()
        audit.record(session, created_by, "account.create", username,
                     after={"role": str(role), "organisation_id": organisation_id, "sectors": list(sectors)})
    return account


def set_password(engine: Engine, username: str, password: str, *, by: Viewer | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with Session(engine) as session, session.begin():
        account = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if account is None:
            raise AccountError(f"no account named {username!r}")
        account.password_hash = _hasher.hash(password)
        _end_sessions(session, account.id)
        audit.record(session, by, "account.password", username)


def set_active(engine: Engine, username: str, active: bool, *, by: Viewer | None = None) -> None:
    with Session(engine) as session, session.begin():
        account = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if account is None:
            raise AccountError(f"no account named {username!r}")
        audit.record(session, by, "account.activate" if active else "account.deactivate", username,
                     before={"active": account.active}, after={"active": active})
        account.active = active
        if not active:
            _end_sessions(session, account.id)


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                    .values(ended_at=datetime.now(UTC)))


def _insert(engine: Engine):
    return postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert


def _take_attempt(engine: Engine, key: str, limit: int) -> bool:
    """Count one attempt under ``key`` unless ``limit`` attempts were counted within the window; whether it
    was counted. The check and the count are one UPDATE, committed at once: simultaneous attempts wait for
    each other's row lock (PostgreSQL re-reads the row it waited for; SQLite has one writer at a time)."""
    now = datetime.now(UTC)
    stale = now - THROTTLE_WINDOW
    with engine.begin() as connection:
        connection.execute(_insert(engine)(LoginThrottle).values(key=key, window_start=now, attempts=0)
                           .on_conflict_do_nothing(index_elements=["key"]))
        expired = LoginThrottle.window_start < stale
        counted = connection.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, (LoginThrottle.attempts < limit) | expired)
            .values(attempts=case((expired, 1), else_=LoginThrottle.attempts + 1),
                    window_start=case((expired, now), else_=LoginThrottle.window_start)))
        return counted.rowcount == 1


def _give_back_attempt(engine: Engine, key: str) -> None:
    """A successful login does not count against its name or address."""
    with engine.begin() as connection:
        connection.execute(update(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.attempts > 0)
                           .values(attempts=LoginThrottle.attempts - 1))


def log_in(engine: Engine, username: str, password: str, ip: str | None = None) -> LoginResult:
    """Check a user name and password; every attempt is recorded. After :data:`MAX_FAILED_LOGINS` failures
    for the name (or :data:`MAX_FAILED_LOGINS_PER_ADDRESS` from the address) within :data:`THROTTLE_WINDOW`,
    attempts are refused unchecked. A successful login opens a session (:attr:`LoginResult.session_key`)."""
    username = (username or "").strip()[:80]
    keys = [(f"user:{username}", MAX_FAILED_LOGINS)] + ([(f"ip:{ip}", MAX_FAILED_LOGINS_PER_ADDRESS)] if ip else [])
    taken = []
    for key, limit in keys:
        if not _take_attempt(engine, key, limit):
            for earlier in taken:
                _give_back_attempt(engine, earlier)
            with Session(engine) as session, session.begin():
                audit.record(session, None, "login.throttled", username, ip=ip, actor=username)
            return LoginResult(None, "throttled")
        taken.append(key)
    with Session(engine) as session, session.begin():
        account = session.scalar(select(UserAccount).where(UserAccount.username == username))
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, password or "")
            verified = account is not None and account.active
        except (VerificationError, InvalidHashError):
            verified = False
        if not verified:
            audit.record(session, None, "login.failed", username, ip=ip, actor=username)
            return LoginResult(None, "wrong")
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(password)
        viewer = viewer_of(account)
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session.execute(delete(UserSession).where(UserSession.expires_at < now - timedelta(days=1)))
        session.add(UserSession(token_hash=_token_hash(token), user_id=account.id, created_at=now,
                                expires_at=now + SESSION_LIFETIME))
        audit.record(session, viewer, "login", username, ip=ip)
    for key in taken:
        _give_back_attempt(engine, key)
    return LoginResult(viewer, session_key=token)


def session_viewer(engine: Engine, user_id: int, key: str) -> Viewer | None:
    """The viewer a session stands for, or None when it ended (logout, password change, account closed) or
    expired, or the account was closed."""
    with Session(engine) as session:
        account = session.scalar(
            select(UserAccount).join(UserSession, UserSession.user_id == UserAccount.id)
            .where(UserSession.token_hash == _token_hash(str(key)), UserAccount.id == user_id,
                   UserSession.ended_at.is_(None), UserSession.expires_at > datetime.now(UTC),
                   UserAccount.active.is_(True)))
        return None if account is None else viewer_of(account)


def end_session(engine: Engine, key: str) -> bool:
    """Log out: the session whose token is ``key`` opens nothing any more; whether one was open."""
    with engine.begin() as connection:
        ended = connection.execute(update(UserSession).where(UserSession.token_hash == _token_hash(str(key)),
                                                             UserSession.ended_at.is_(None))
                                   .values(ended_at=datetime.now(UTC)))
        return ended.rowcount == 1


def account_frame(engine: Engine) -> pd.DataFrame:
    """The accounts (without their password hashes)."""
    query = (select(UserAccount.username, UserAccount.role, Organisation.acronym.label("organisation"),
                    UserAccount.sectors, UserAccount.active, UserAccount.created_at)
             .outerjoin(Organisation, Organisation.id == UserAccount.organisation_id).order_by(UserAccount.username))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(),
                            columns=["username", "role", "organisation", "sectors", "active", "created_at"])
