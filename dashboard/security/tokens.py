"""Tokens of the read API (``/api/v1``): created and revoked on the server's command line, each scoped like a
role (a partner's organisation, a coordinator's clusters, an IMO), recorded in the audit trail.

A token is ``m3w_`` and 43 random URL-safe characters (256 bits), shown once when created; only its SHA-256 is
stored (a random secret of that length needs no slow hash, and a lookup by hash costs one indexed query).
Without a token the API answers as the public view.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from dashboard.domain.roles import Role, Viewer
from dashboard.security.accounts import role_scope
from dashboard.store import audit
from dashboard.store.models import ApiToken, Organisation

PREFIX = "m3w_"
#: how precisely a token's last use is kept
LAST_USE_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request that cannot be carried out; the message says why."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str, role: Role | str, *, organisation: str | None = None,
                 sectors: tuple[str, ...] = (), by: Viewer | None = None) -> str:
    """A new token for ``role`` (partner: its organisation, acronym or name as listed; coordinator: its
    clusters, sector codes); returns the secret, which is not kept."""
    try:
        role = Role(role)
    except ValueError:
        raise TokenError(f"unknown role {role!r}: partner, coordinator or imo") from None
    name = name.strip()
    if role is Role.PUBLIC:
        raise TokenError("the public view needs no token: the API answers without one")
    if not name or len(name) > 80:
        raise TokenError("the token's name must have 1 to 80 characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
            raise TokenError(f"a token named {name!r} exists already (revoked tokens keep their name)")
        organisation_id = role_scope(session, role, organisation, sectors, TokenError, "a partner's token",
                                     "a coordinator's token")
        session.add(ApiToken(name=name, token_hash=digest(secret), role=str(role), organisation_id=organisation_id,
                             sectors=list(sectors) if role is Role.COORDINATOR else None,
                             created_at=datetime.now(UTC), created_by=by.username if by else None))
        audit.record(session, by, "api_token.create", name,
                     after={"role": str(role), "organisation_id": organisation_id,
                            "sectors": list(sectors) if role is Role.COORDINATOR else []})
    return secret


def revoke_token(engine: Engine, name: str, *, by: Viewer | None = None) -> None:
    with Session(engine) as session, session.begin():
        token = session.scalar(select(ApiToken).where(ApiToken.name == name))
        if token is None:
            raise TokenError(f"no token named {name!r}; `python -m dashboard api-tokens` lists them")
        if token.revoked_at is not None:
            raise TokenError(f"the token {name!r} was revoked already, on {token.revoked_at:%Y-%m-%d %H:%M}")
        token.revoked_at = datetime.now(UTC)
        audit.record(session, by, "api_token.revoke", name, before={"revoked": False}, after={"revoked": True})


def token_viewer(engine: Engine, secret: str) -> tuple[int, Viewer] | None:
    """The token's id and the viewer it stands for, or None for an unknown or revoked token."""
    with engine.begin() as connection:
        found = connection.execute(select(ApiToken.id, ApiToken.name, ApiToken.role, ApiToken.organisation_id,
                                          ApiToken.sectors, ApiToken.last_used_at)
                                   .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))).first()
        if found is None:
            return None
        now = datetime.now(UTC)
        last = found.last_used_at
        if last is None or now - (last if last.tzinfo else last.replace(tzinfo=UTC)) > LAST_USE_PRECISION:
            # a write per minute at most, not per request (SQLite serialises writers)
            connection.execute(update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
    return found.id, Viewer(Role(found.role), f"api token {found.name}", None, found.organisation_id,
                            frozenset(found.sectors or ()))


def token_frame(engine: Engine) -> pd.DataFrame:
    """Every token (never its secret): name, role, scope, created, revoked, last used."""
    query = (select(ApiToken.name, ApiToken.role, Organisation.acronym.label("organisation"), ApiToken.sectors,
                    ApiToken.created_at, ApiToken.created_by, ApiToken.revoked_at, ApiToken.last_used_at)
             .outerjoin(Organisation, Organisation.id == ApiToken.organisation_id).order_by(ApiToken.id))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(),
                            columns=["name", "role", "organisation", "sectors", "created_at", "created_by",
                                     "revoked_at", "last_used_at"])
