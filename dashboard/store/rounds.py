"""Reporting rounds: a period's 3W imports, published together by an IMO, or withdrawn.

A round is the union of its period's imports, one per source (a cluster, a partner, OCHA's consolidated file);
an import is a draft until its round is published. The public sees published imports only, so a partial upload
changes nothing for it until an IMO publishes the round; a source's new file for a published round supersedes
its earlier one, which stays (for the public) until the round is published again. Withdrawing a round takes it
from the public, who then sees the previous published round again. Both are in the audit trail.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from dashboard.domain.enums import ImportKind, RoundState
from dashboard.domain.roles import Permission, Viewer
from dashboard.store import audit
from dashboard.store.database import serialise_imports
from dashboard.store.models import ImportBatch, ReportingRound

ROUND_COLUMNS = ["period", "state", "published_at", "published_by", "sources", "files", "rows_accepted",
                 "unpublished_files", "last_import", "country"]
#: the country of a round when none is named (the installation's default view)
DEFAULT_COUNTRY = "MLI"


class RoundRefused(PermissionError):
    """Only an IMO publishes or withdraws a round."""


def _round(session: Session, period: str, country: str) -> ReportingRound | None:
    return session.scalar(select(ReportingRound).where(ReportingRound.period == period,
                                                       ReportingRound.country == country))


def ensure_round(session: Session, period: str, by: str | None, country: str = DEFAULT_COUNTRY) -> ReportingRound:
    """The round of ``country``'s ``period``, created as a draft when it has none yet (in the caller's
    transaction)."""
    found = _round(session, period, country)
    if found is None:
        found = ReportingRound(country=country, period=period, state=RoundState.DRAFT, changed_at=datetime.now(UTC),
                               changed_by=by)
        session.add(found)
        session.flush()
    return found


def _three_w(period: str, country: str):
    return (ImportBatch.kind == ImportKind.THREE_W) & (ImportBatch.period == period) & (ImportBatch.country == country)


def _target(period: str, country: str) -> str:
    """What the audit trail names: the period (Mali's, as before several countries), or "NER 2024-03"."""
    return period if country == DEFAULT_COUNTRY else f"{country} {period}"


def _check(viewer: Viewer) -> None:
    if not viewer.can(Permission.PUBLISH_ROUNDS):
        raise RoundRefused("only an information management officer publishes or withdraws a round")


def _state(session: Session, period: str, country: str) -> dict:
    """What a round holds, for the audit trail: its state and its current imports."""
    rows = session.execute(select(ImportBatch.id, ImportBatch.source, ImportBatch.file_name, ImportBatch.rows_accepted,
                                  ImportBatch.published_at)
                           .where(_three_w(period, country), ImportBatch.superseded_by.is_(None))
                           .order_by(ImportBatch.id)).all()
    round_ = _round(session, period, country)
    return {"country": country, "state": round_.state if round_ else None,
            "imports": [{"batch": row.id, "source": row.source, "file": row.file_name, "rows": row.rows_accepted,
                         "published": row.published_at is not None} for row in rows]}


def _country_of(session: Session, period: str, country: str | None, published: bool = False) -> str:
    """The country whose round of ``period`` is meant: ``country`` when given; else the only country with 3W
    imports for the period (with a published round, for ``published``). :class:`LookupError` when several
    countries have one (the caller must say which) or none."""
    if country is not None:
        return country
    if published:
        query = select(ReportingRound.country).where(ReportingRound.period == period,
                                                     ReportingRound.state == RoundState.PUBLISHED)
    else:
        query = select(ImportBatch.country).where(ImportBatch.kind == ImportKind.THREE_W, ImportBatch.period == period)
    countries = sorted(set(session.scalars(query.distinct())))
    if len(countries) > 1:
        raise LookupError(f"{period} is a round of several countries ({', '.join(countries)}): say which one "
                          "(--country)")
    if not countries:
        raise LookupError(f"no 3W file was imported for {period}: there is nothing to publish" if not published
                          else f"the round {period} is not published: there is nothing to withdraw")
    return countries[0]


def publish_round(engine: Engine, period: str, viewer: Viewer, ip: str | None = None,
                  country: str | None = None) -> dict:
    """Publish the round of ``country``'s ``period`` (without a country, of the only country with imports for
    the period) with its current imports: each published now, the earlier files they supersede removed;
    returns what the round now holds. Raises :class:`LookupError` for a period without a 3W import,
    :class:`RoundRefused` for anyone but an IMO."""
    _check(viewer)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # an import of this period may be writing
        country = _country_of(session, period, country)
        if not session.scalar(select(func.count()).select_from(ImportBatch).where(_three_w(period, country))):
            raise LookupError(f"no 3W file was imported for {_target(period, country)}: there is nothing to publish")
        before = _state(session, period, country)
        session.execute(delete(ImportBatch).where(_three_w(period, country), ImportBatch.superseded_by.is_not(None)))
        session.execute(update(ImportBatch).where(_three_w(period, country), ImportBatch.published_at.is_(None))
                        .values(published_at=now))
        round_ = ensure_round(session, period, viewer.username, country)
        round_.state, round_.published_at, round_.published_by = RoundState.PUBLISHED, now, viewer.username
        round_.changed_at, round_.changed_by = now, viewer.username
        session.flush()
        after = _state(session, period, country)
        audit.record(session, viewer, "round.publish", _target(period, country), before=before, after=after, ip=ip)
    return after


def withdraw_round(engine: Engine, period: str, viewer: Viewer, ip: str | None = None,
                   country: str | None = None) -> dict:
    """Take the round of ``country``'s ``period`` back from the public (its imports become drafts again; earlier files
    kept only for the public are removed). Raises :class:`LookupError` when the round is not published."""
    _check(viewer)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        serialise_imports(session)
        country = _country_of(session, period, country, published=True)
        round_ = _round(session, period, country)
        if round_ is None or round_.state != RoundState.PUBLISHED:
            raise LookupError(f"the round {_target(period, country)} is not published: there is nothing to withdraw")
        before = _state(session, period, country)
        session.execute(delete(ImportBatch).where(_three_w(period, country), ImportBatch.superseded_by.is_not(None)))
        session.execute(update(ImportBatch).where(_three_w(period, country)).values(published_at=None))
        round_.state, round_.changed_at, round_.changed_by = RoundState.WITHDRAWN, now, viewer.username
        session.flush()
        after = _state(session, period, country)
        audit.record(session, viewer, "round.withdraw", _target(period, country), before=before, after=after, ip=ip)
    return after


def round_frame(engine: Engine) -> pd.DataFrame:
    """Every round of every country, newest first (``ROUND_COLUMNS``): its state, publication, and its current imports (sources,
    files, accepted rows, files imported since it was published, the last import's time)."""
    current = (ImportBatch.kind == ImportKind.THREE_W) & ImportBatch.superseded_by.is_(None)
    imports = (select(ImportBatch.country, ImportBatch.period,
                      func.count(func.distinct(func.coalesce(ImportBatch.source, ImportBatch.file_name))).label("sources"),
                      func.count(ImportBatch.id).label("files"),
                      func.coalesce(func.sum(ImportBatch.rows_accepted), 0).label("rows_accepted"),
                      func.count(ImportBatch.id).filter(ImportBatch.published_at.is_(None)).label("unpublished"),
                      func.max(ImportBatch.imported_at).label("last_import"))
               .where(current).group_by(ImportBatch.country, ImportBatch.period).subquery())
    query = (select(ReportingRound.period, ReportingRound.state, ReportingRound.published_at,
                    ReportingRound.published_by, func.coalesce(imports.c.sources, 0), func.coalesce(imports.c.files, 0),
                    func.coalesce(imports.c.rows_accepted, 0), func.coalesce(imports.c.unpublished, 0),
                    imports.c.last_import, ReportingRound.country)
             .outerjoin(imports, (imports.c.period == ReportingRound.period) & (imports.c.country == ReportingRound.country))
             .order_by(ReportingRound.period.desc(), ReportingRound.country))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=ROUND_COLUMNS)
    for column in ("sources", "files", "rows_accepted", "unpublished_files"):
        frame[column] = frame[column].astype(int)
    return frame
