"""Merging organisations: the decisions an IMO takes on proposals (see
:func:`dashboard.ingest.organisation_matching.merge_proposals`), applied to the store.

A merge folds one organisation (``other``) into another (``kept``) in one transaction: every 3W row,
implementing-partner mention, cluster membership, partnership, account and upload of ``other`` becomes
``kept``'s, and so do its spellings (``org_alias``), so the next file that writes it the old way lands on
``kept`` too. ``other`` is deleted; the decision keeps what it was. A "distinct" decision stops the pair
from being proposed again. Both are audited in the same transaction, and both change the dataset version
(see :func:`dashboard.store.queries.dataset_version`), so every view and cached result refreshes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session

from dashboard.store import audit
from dashboard.domain.roles import Permission, Viewer
from dashboard.store.database import serialise_imports
from dashboard.store.models import (
    Activity,
    ClusterMembership,
    ImportJob,
    Organisation,
    OrganisationDecision,
    OrgAlias,
    Partnership,
    UserAccount,
)

ORGANISATION_COLUMNS = ["organisation_id", "acronym", "name", "org_type", "scope", "rows"]
HISTORY_COLUMNS = ["decided_at", "decided_by", "decision", "kept_id", "kept_acronym", "other_id", "other_label",
                   "rows_moved"]


class MergeRefused(PermissionError):
    """Only an IMO merges organisations or marks them distinct."""


def organisation_frame(where: Engine | Connection | Session) -> pd.DataFrame:
    """Every registered organisation with its number of 3W rows (``ORGANISATION_COLUMNS``), by acronym."""
    rows = select(Activity.organisation_id, func.count().label("rows")).group_by(Activity.organisation_id).subquery()
    query = (select(Organisation.id, Organisation.acronym, Organisation.name, Organisation.org_type,
                    Organisation.scope, func.coalesce(rows.c.rows, 0))
             .outerjoin(rows, rows.c.organisation_id == Organisation.id))
    if isinstance(where, Engine):
        with where.connect() as connection:
            result = connection.execute(query).all()
    else:
        result = where.execute(query).all()
    frame = none_for_missing(pd.DataFrame(result, columns=ORGANISATION_COLUMNS), ("acronym", "name"))
    order = frame["acronym"].fillna(frame["name"]).fillna("").str.casefold()
    return frame.loc[order.sort_values(kind="stable").index].reset_index(drop=True)


def none_for_missing(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``columns`` of text with None where a value is missing (pandas reads them as NaN, which reads ``nan``
    once written into a label or a message)."""
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def distinct_pairs(where: Engine | Connection | Session) -> set[frozenset[int]]:
    """The pairs of organisations an IMO marked distinct: never proposed again."""
    query = select(OrganisationDecision.kept_id, OrganisationDecision.other_id).where(
        OrganisationDecision.decision == "distinct")
    if isinstance(where, Engine):
        with where.connect() as connection:
            return {frozenset(pair) for pair in connection.execute(query).all()}
    return {frozenset(pair) for pair in where.execute(query).all()}


def _check(viewer: Viewer) -> None:
    if not viewer.can(Permission.MANAGE_REGISTRY):
        raise MergeRefused("only an information management officer merges organisations")


def _label(organisation: Organisation) -> str:
    return organisation.acronym or organisation.name or f"#{organisation.id}"


def merge_organisations(engine: Engine, kept_id: int, other_id: int, viewer: Viewer, ip: str | None = None) -> dict:
    """Fold ``other_id`` into ``kept_id`` (see the module text); returns what moved.

    Raises :class:`MergeRefused` for a viewer who may not, :class:`LookupError` when either organisation does
    not exist (e.g. merged a moment ago by someone else), :class:`ValueError` for one organisation twice.
    """
    _check(viewer)
    if kept_id == other_id:
        raise ValueError("an organisation cannot be merged into itself")
    with Session(engine) as session, session.begin():
        serialise_imports(session)  # an import registering a spelling of ``other`` now would resurrect it
        kept, other = session.get(Organisation, kept_id), session.get(Organisation, other_id)
        if kept is None or other is None:
            raise LookupError(f"organisation {kept_id if kept is None else other_id} no longer exists")
        aliases = sorted(session.scalars(select(OrgAlias.alias).where(OrgAlias.organisation_id == other_id)))
        was = {"id": other.id, "acronym": other.acronym, "name": other.name, "org_type": other.org_type,
               "scope": other.scope, "aliases": aliases}

        def move(column) -> int:
            return session.execute(update(column.class_).where(column == other_id).values({column.key: kept_id})
                                   .execution_options(synchronize_session=False)).rowcount

        moved = {"activities": move(Activity.organisation_id),
                 "implementing_partner": move(Activity.implementing_partner_id),
                 "partnerships": sum(move(column) for column in (
                     Partnership.funder_id, Partnership.intermediary_id, Partnership.partner_id)),
                 "accounts": move(UserAccount.organisation_id), "uploads": move(ImportJob.organisation_id),
                 "aliases": move(OrgAlias.organisation_id)}
        moved["memberships"], dropped = _move_memberships(session, kept_id, other_id)
        session.execute(update(OrganisationDecision).where(OrganisationDecision.decision == "distinct",
                                                           OrganisationDecision.kept_id == other_id)
                        .values(kept_id=kept_id))
        session.execute(update(OrganisationDecision).where(OrganisationDecision.decision == "distinct",
                                                           OrganisationDecision.other_id == other_id)
                        .values(other_id=kept_id))
        filled = _fill_in(kept, other)
        session.execute(delete(Organisation).where(Organisation.id == other_id))
        details = {"merged": was, "moved": moved, "memberships_dropped": dropped, "filled_in": filled}
        session.add(OrganisationDecision(kept_id=kept_id, other_id=other_id, decision="merge", details=details,
                                         decided_by=viewer.username, decided_at=datetime.now(UTC)))
        audit.record(session, viewer, "organisation.merge", f"{was['acronym'] or was['name']} → {_label(kept)}",
                     before=was, after={"kept": kept_id, "kept_acronym": kept.acronym, **details}, ip=ip)
    return details


def _move_memberships(session: Session, kept_id: int, other_id: int) -> tuple[int, list[dict]]:
    """Give ``other``'s memberships to ``kept``; where ``kept`` is already a member of the same cluster at the
    same level, its own membership stays and ``other``'s is dropped (and listed)."""
    held = set(session.execute(select(ClusterMembership.sector_code, ClusterMembership.admin_pcode)
                               .where(ClusterMembership.organisation_id == kept_id)).all())
    moved, dropped = 0, []
    for membership in session.scalars(select(ClusterMembership).where(ClusterMembership.organisation_id == other_id)):
        if (membership.sector_code, membership.admin_pcode) in held:
            dropped.append({"sector": membership.sector_code, "admin_pcode": membership.admin_pcode,
                            "role": membership.role})
            session.delete(membership)
        else:
            membership.organisation_id = kept_id
            moved += 1
    session.flush()
    return moved, dropped


def _fill_in(kept: Organisation, other: Organisation) -> dict:
    """What ``kept`` lacks and ``other`` knew: a missing acronym or name, a type where ``kept`` has none."""
    filled = {}
    for attribute in ("acronym", "name"):
        if getattr(kept, attribute) is None and getattr(other, attribute) is not None:
            filled[attribute] = getattr(other, attribute)
    if kept.org_type == "other" and other.org_type != "other":
        filled["org_type"], filled["scope"] = other.org_type, other.scope
    for attribute, value in filled.items():
        setattr(kept, attribute, value)
    return filled


def mark_distinct(engine: Engine, first_id: int, second_id: int, viewer: Viewer, ip: str | None = None) -> None:
    """Record that two organisations are not one, so they are not proposed again (asking twice is harmless)."""
    _check(viewer)
    if first_id == second_id:
        raise ValueError("an organisation is not distinct from itself")
    low, high = sorted((first_id, second_id))
    with Session(engine) as session, session.begin():
        organisations = {organisation.id: organisation for organisation in
                         session.scalars(select(Organisation).where(Organisation.id.in_((low, high))))}
        if len(organisations) < 2:
            raise LookupError("one of the two organisations no longer exists")
        known = session.scalar(select(OrganisationDecision.id).where(
            OrganisationDecision.decision == "distinct",
            or_((OrganisationDecision.kept_id == low) & (OrganisationDecision.other_id == high),
                (OrganisationDecision.kept_id == high) & (OrganisationDecision.other_id == low))))
        if known is not None:
            return
        labels = {identifier: _label(organisation) for identifier, organisation in organisations.items()}
        session.add(OrganisationDecision(kept_id=low, other_id=high, decision="distinct",
                                         details={"labels": [labels[low], labels[high]]},
                                         decided_by=viewer.username, decided_at=datetime.now(UTC)))
        audit.record(session, viewer, "organisation.distinct", f"{labels[low]} ≠ {labels[high]}",
                     after={"organisations": [low, high]}, ip=ip)


def decision_history(engine: Engine) -> pd.DataFrame:
    """Every merge and distinct decision, the newest first (``HISTORY_COLUMNS``)."""
    query = (select(OrganisationDecision.decided_at, OrganisationDecision.decided_by, OrganisationDecision.decision,
                    OrganisationDecision.kept_id, Organisation.acronym, OrganisationDecision.other_id,
                    OrganisationDecision.details)
             .outerjoin(Organisation, Organisation.id == OrganisationDecision.kept_id)
             .order_by(OrganisationDecision.id.desc()))
    with engine.connect() as connection:
        result = connection.execute(query).all()
    rows = []
    for decided_at, decided_by, decision, kept_id, kept_acronym, other_id, details in result:
        details = details or {}
        if decision == "merge":
            merged = details.get("merged", {})
            other_label = merged.get("acronym") or merged.get("name") or f"#{other_id}"
            rows_moved = details.get("moved", {}).get("activities", 0)
        else:
            other_label, rows_moved = (details.get("labels") or ["", f"#{other_id}"])[1], 0
            kept_acronym = (details.get("labels") or [kept_acronym])[0]
        rows.append([decided_at, decided_by, decision, kept_id, kept_acronym, other_id, other_label, rows_moved])
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)
