"""Accounts: creation, argon2id password hashes, and login with throttling.

Failed logins are read from the audit trail, so throttling holds across the server's worker processes and
across restarts, and every attempt is on record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.store import audit
from dashboard.domain.roles import Role, Viewer
from dashboard.store.models import AuditEvent, Organisation, Sector, UserAccount

#: failed attempts for one user name (or from one address) within the window before logins are refused
MAX_FAILED_LOGINS = 5
THROTTLE_WINDOW = timedelta(minutes=15)
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
    #: what the session is bound to (a password change ends the other sessions)
    session_key: str | None = None


def session_key(account: UserAccount) -> str:
    """A fingerprint of the account's password hash, for the session cookie (the hash itself stays here)."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:32]


def viewer_of(account: UserAccount) -> Viewer:
    return Viewer(Role(account.role), account.username, account.id, account.organisation_id,
                  frozenset(account.sectors or ()))


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
        organisation_id = None
        if role is Role.PARTNER:
            if not organisation:
                raise AccountError("a partner focal point account names its organisation (--organisation)")
            matches = session.scalars(select(Organisation.id).where(
                (func.lower(Organisation.acronym) == organisation.lower())
                | (func.lower(Organisation.name) == organisation.lower()))).all()
            if len(matches) != 1:
                raise AccountError(f"{len(matches)} organisations are called {organisation!r}; "
                                   "give the acronym or the full name exactly as the dashboard lists it")
            organisation_id = matches[0]
        if role is Role.COORDINATOR:
            known = set(session.scalars(select(Sector.code)))
            unknown = [code for code in sectors if code not in known]
            if not sectors or unknown:
                raise AccountError("a cluster coordinator account names its clusters by sector code (--sectors); "
                                   f"unknown: {', '.join(unknown) or 'none given'}; known: {', '.join(sorted(known))}")
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
        audit.record(session, by, "account.password", username)


def set_active(engine: Engine, username: str, active: bool, *, by: Viewer | None = None) -> None:
    with Session(engine) as session, session.begin():
        account = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if account is None:
            raise AccountError(f"no account named {username!r}")
        audit.record(session, by, "account.activate" if active else "account.deactivate", username,
                     before={"active": account.active}, after={"active": active})
        account.active = active


def _recent_failures(session: Session, *, username: str | None = None, ip: str | None = None) -> int:
    query = select(func.count()).where(AuditEvent.action == "login.failed",
                                       AuditEvent.at >= datetime.now(UTC) - THROTTLE_WINDOW)
    query = query.where(AuditEvent.target == username) if username is not None else query.where(AuditEvent.ip == ip)
    return session.scalar(query) or 0


def log_in(engine: Engine, username: str, password: str, ip: str | None = None) -> LoginResult:
    """Check a user name and password; every attempt is recorded. After :data:`MAX_FAILED_LOGINS` failures
    for the name or from the address within :data:`THROTTLE_WINDOW`, attempts are refused unchecked."""
    username = (username or "").strip()[:80]
    with Session(engine) as session, session.begin():
        if (_recent_failures(session, username=username) >= MAX_FAILED_LOGINS
                or (ip and _recent_failures(session, ip=ip) >= 4 * MAX_FAILED_LOGINS)):
            audit.record(session, None, "login.throttled", username, ip=ip, actor=username)
            return LoginResult(None, "throttled")
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
        audit.record(session, viewer, "login", username, ip=ip)
        return LoginResult(viewer, session_key=session_key(account))


def session_viewer(engine: Engine, user_id: int, key: str) -> Viewer | None:
    """The viewer a session stands for, or None when the account was closed or its password changed since."""
    with Session(engine) as session:
        account = session.get(UserAccount, user_id)
        if account is None or not account.active or session_key(account) != key:
            return None
        return viewer_of(account)


def account_frame(engine: Engine) -> pd.DataFrame:
    """The accounts (without their password hashes)."""
    query = (select(UserAccount.username, UserAccount.role, Organisation.acronym.label("organisation"),
                    UserAccount.sectors, UserAccount.active, UserAccount.created_at)
             .outerjoin(Organisation, Organisation.id == UserAccount.organisation_id).order_by(UserAccount.username))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(),
                            columns=["username", "role", "organisation", "sectors", "active", "created_at"])
