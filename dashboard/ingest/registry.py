"""The organisation registry in the database: spellings (``org_alias``) resolve to one organisation, new
ones are created, and a curated table gives a type to organisations no file typed.

Every import (3W, memberships, partnerships) goes through :func:`register_organisations`, so ``UNICEF``
in a membership list is the ``Unicef`` of the 3W. A spelling no file used before is matched to a registered
organisation when exactly one is known by it in the other role (a name column holding acronyms), or through
the curated table of UN acronyms and HDX HAPI's reference (see :mod:`dashboard.ingest.organisations`); it is
then registered as a spelling of that organisation, so later files resolve directly. The type registry
(``data/registry/organisation_types.csv``) is a small table the project ships, e.g. for the partners of a
partnership table, which has no type column.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard.config import PROJECT_ROOT
from dashboard.ingest.organisation_reference import OrganisationReference, ReferenceEntry, curated_rows, read_equivalents
from dashboard.ingest.organisations import KnownOrganisations, Match, alias_keys, group_organisations
from dashboard.store.models import OrgAlias, Organisation, OrgReference
from dashboard.domain.text import clean_text
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY

#: The curated organisation-type registry shipped with the project.
REGISTRY_PATH = PROJECT_ROOT / "data" / "registry" / "organisation_types.csv"
REGISTRY_COLUMNS = ("acronym", "name", "org_type", "scope", "note")
SCOPES = ("national", "international")

log = logging.getLogger(__name__)


def alias_registry(session: Session) -> dict[str, int]:
    """Every known spelling key and the organisation it designates."""
    return dict(session.execute(select(OrgAlias.alias, OrgAlias.organisation_id)).all())


def organisation_reference(session: Session) -> OrganisationReference:
    """The curated table of UN acronyms and HDX HAPI's reference (table ``org_reference``). Never fails: what
    cannot be read is left out, with a warning in the log, and organisations are matched without it."""
    try:
        equivalents = read_equivalents()
    except (OSError, ValueError, csv.Error) as error:
        log.warning("organisation equivalents not read (%s)", error)
        equivalents = []
    entries = []
    try:
        if inspect(session.connection()).has_table(OrgReference.__tablename__):
            entries = [ReferenceEntry(*row) for row in session.execute(
                select(OrgReference.source, OrgReference.spelling, OrgReference.acronym, OrgReference.name,
                       OrgReference.org_type).order_by(OrgReference.id))]
        else:
            log.warning("table org_reference missing (run `python -m dashboard setup`): HDX HAPI's reference "
                        "is not used to match organisations")
    except SQLAlchemyError as error:
        log.warning("HDX HAPI's organisation reference not read (%s)", error)
    return OrganisationReference.build(equivalents, entries)


def known_organisations(session: Session) -> KnownOrganisations:
    """Registered spellings and types of organisations, with the reference that matches new spellings."""
    types = dict(session.execute(select(Organisation.id, Organisation.org_type)).all())
    return KnownOrganisations(alias_registry(session), types, organisation_reference(session))


def organisation_identities(session: Session, rows: list[tuple[object, object, object]]) -> list[int]:
    """For each row ``(acronym, name, reported type)``, a number that is the same for rows designating the
    same organisation (-1 for none), creating nothing: to find repeated rows before anything is stored."""
    return group_organisations(rows, known_organisations(session))[0]


@dataclass(frozen=True)
class Registration:
    """What :func:`register` did: one organisation id per row (None for a row naming none), how many
    organisations it created, and for each row whose spelling no file used before how it was matched (None
    otherwise; a :class:`Match` without an id when several organisations may be meant and one was created)."""

    ids: list[int | None]
    created: int
    matches: list[Match | None]


def register(session: Session, rows: list[tuple[object, object, object]]) -> Registration:
    """Resolve rows ``(acronym, name, reported type)`` to organisation ids, creating the unknown ones.

    Known spellings resolve through ``org_alias``; spellings matched to a registered organisation (see
    :meth:`KnownOrganisations.resolve`) and new spellings are added to it.
    """
    known = known_organisations(session)
    registry = known.aliases
    assignment, groups = group_organisations(rows, known)
    created = 0
    for group in groups:
        if group.existing_id is None:
            organisation = Organisation(acronym=group.acronym, name=group.name, org_type=group.org_type,
                                        scope=ORG_TYPE_VOCABULARY.by_code[group.org_type].scope)
            session.add(organisation)
            session.flush()
            group.existing_id, created = organisation.id, created + 1
        for key in sorted(group.keys - registry.keys()):
            session.add(OrgAlias(alias=key, organisation_id=group.existing_id))
            registry[key] = group.existing_id
    session.flush()
    ids = [groups[index].existing_id if index >= 0 else None for index in assignment]
    matches = [groups[index].match_of(acronym, name) if index >= 0 else None
               for index, (acronym, name, _) in zip(assignment, rows)]
    return Registration(ids, created, matches)


def register_organisations(session: Session, rows: list[tuple[object, object, object]]) -> tuple[list[int | None], int]:
    """:func:`register`, returning one id per row (``None`` for a row naming no organisation) and how many
    organisations were created."""
    registration = register(session, rows)
    return registration.ids, registration.created


@dataclass(frozen=True)
class RegistryEntry:
    acronym: str | None
    name: str | None
    org_type: str
    scope: str | None


def read_registry(path: Path = REGISTRY_PATH) -> list[RegistryEntry]:
    """The entries of an organisation-type registry CSV; a malformed line stops with its line number."""
    entries = []
    for line, row in curated_rows(path, REGISTRY_COLUMNS):
        acronym, name = clean_text(row["acronym"]), clean_text(row["name"])
        org_type, scope = clean_text(row["org_type"]), clean_text(row["scope"])
        if not (acronym or name) or org_type not in ORG_TYPE_VOCABULARY.by_code or scope not in (*SCOPES, None):
            raise ValueError(
                f"file {path.name}, line {line}: give an acronym or a name, an org_type among "
                f"{', '.join(ORG_TYPE_VOCABULARY.codes())} and a scope among {', '.join(SCOPES)} (or empty)")
        entries.append(RegistryEntry(acronym, name, org_type, scope))
    return entries


def apply_registry_types(session: Session, path: Path = REGISTRY_PATH) -> int:
    """Type the organisations the registry knows and no file typed; returns how many were typed.

    An organisation matches an entry when one of its aliases is the entry's acronym or name (same keys as
    the 3W). Only organisations still of type ``other`` change: a type a file gave is never overwritten.
    The scope is the entry's, else the type's (national NGO → national).
    """
    typed = 0
    for entry in read_registry(path):
        ids = set(session.scalars(select(OrgAlias.organisation_id)
                                  .where(OrgAlias.alias.in_(alias_keys(entry.acronym, entry.name)))))
        for organisation in session.scalars(select(Organisation).where(Organisation.id.in_(ids),
                                                                       Organisation.org_type == "other")):
            organisation.org_type = entry.org_type
            organisation.scope = entry.scope or ORG_TYPE_VOCABULARY.by_code[entry.org_type].scope
            typed += 1
    session.flush()
    return typed
