"""What is known of organisations beyond the files imported, to recognise a spelling no file used before.

- A small curated table shipped with the code (``data/registry/organisation_equivalents.csv``): the United
  Nations agencies and the Red Cross movement, whose French and English acronyms differ (``PAM`` = ``WFP``,
  ``OMS`` = ``WHO``, ``HCR`` = ``UNHCR``), with their official names in both languages.
- HDX HAPI's name mapping (``hapi_organisation_mapping.csv``: a spelling → HAPI's name and acronym, e.g.
  "Fonds des Nations Unies pour l'Enfance" → UNICEF; rows limited to another country are left out) and its
  organisation list (``hdx_hapi_organisations_global.csv``: acronym, name, type). Both are read from the
  data mirror by ``setup`` into the table ``org_reference`` (see
  :func:`sync_organisation_reference`).

Each gives *identities*: the alias keys (``acronym:pam``, ``name:world food programme``, as
:func:`dashboard.ingest.organisations.alias_keys` writes them) of one organisation, and the spellings that
designate it. Nothing here decides which registered organisation a spelling is: see
:class:`dashboard.ingest.organisations.KnownOrganisations`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from dashboard.config import PROJECT_ROOT
from dashboard.domain.text import clean_text, fold
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY
from dashboard.store.models import OrgReference

#: The curated table of equivalent acronyms and names shipped with the project.
EQUIVALENTS_PATH = PROJECT_ROOT / "data" / "registry" / "organisation_equivalents.csv"
EQUIVALENTS_COLUMNS = ("acronyms", "names", "org_type", "note")
#: the files of the HAPI reference in its mirror folder (see ``data/manifest.toml``)
HAPI_MAPPING_FILE = "hapi_organisation_mapping.csv"
HAPI_ORGANISATIONS_FILE = "hdx_hapi_organisations_global.csv"
#: where an identity comes from, surest first, and how sure a match through it is (0-1)
SOURCES = ("equivalents", "hapi_mapping", "hapi_organisations")
#: HAPI's organisation types (``org_type_description``) in the product's vocabulary
HAPI_TYPES = {"United Nations": "un_agency", "International NGO": "ngo_international",
              "National NGO": "ngo_national", "Red Cross / Red Crescent": "red_cross", "Government": "government",
              "Other": "other"}
#: HAPI mapping rows limited to a country apply in Mali only when it is this one
COUNTRY_NAMES = frozenset({"mali", "mli"})


@dataclass(frozen=True)
class ReferenceEntry:
    """One line of HAPI's reference as table ``org_reference`` stores it: a spelling a file may write and the
    organisation it designates."""

    source: str  # "hapi_mapping" or "hapi_organisations"
    spelling: str
    acronym: str | None
    name: str | None
    org_type: str | None


@dataclass(frozen=True)
class Identity:
    """One organisation as a reference knows it: its alias keys and its type (None when not known)."""

    source: str
    keys: frozenset[str]
    org_type: str | None
    #: a stable name for the identity, to link the rows of one file that designate it (curated ones only)
    node: str | None = None


def _keys(acronyms: list[str | None], names: list[str | None]) -> frozenset[str]:
    return frozenset([f"acronym:{fold(text)}" for text in acronyms if clean_text(text)]
                     + [f"name:{fold(text)}" for text in names if clean_text(text)])


def _split(cell: str | None) -> list[str]:
    return [text for text in (clean_text(part) for part in (cell or "").split("|")) if text]


def curated_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The lines of a table the project curates (``data/registry/``), with their line numbers; a header other
    than ``columns`` stops with a message naming the file."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"file {path.name}: the header must be {','.join(columns)}")
        yield from enumerate(reader, start=2)


def read_equivalents(path: Path = EQUIVALENTS_PATH) -> list[Identity]:
    """The identities of the curated table; a malformed line stops with its line number."""
    identities = []
    for line, row in curated_rows(path, EQUIVALENTS_COLUMNS):
        acronyms, names, org_type = _split(row["acronyms"]), _split(row["names"]), clean_text(row["org_type"])
        if not acronyms or org_type not in ORG_TYPE_VOCABULARY.by_code:
            raise ValueError(f"file {path.name}, line {line}: give acronyms (separated by |), names and an "
                             f"org_type among {', '.join(ORG_TYPE_VOCABULARY.codes())}")
        identities.append(Identity("equivalents", _keys(acronyms, names), org_type, f"ref:{fold(acronyms[0])}"))
    return identities


def read_hapi_mapping(path: Path) -> list[ReferenceEntry]:
    """HAPI's table of name variants (``#x_pattern`` → ``#org+name``, ``#org+acronym``, ``#org+type``), without
    the rows limited to another country or to a sector."""
    entries = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            pattern, name = clean_text(row.get("String pattern")), clean_text(row.get("Canonical org name"))
            if not pattern or pattern.startswith("#") or not name:
                continue
            country = {fold(row.get("Location filter")), fold(row.get("Location code"))} - {""}
            if (country and not country & COUNTRY_NAMES) or clean_text(row.get("Sector filter")):
                continue
            entries.append(ReferenceEntry("hapi_mapping", pattern, clean_text(row.get("Acronym")), name,
                                          HAPI_TYPES.get(clean_text(row.get("Org type")) or "")))
    return entries


def read_hapi_organisations(path: Path) -> list[ReferenceEntry]:
    """HAPI's organisation list (acronym, name, type); lines whose name only repeats the acronym say nothing
    a file does not already say and are left out."""
    entries = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            acronym, name = clean_text(row.get("acronym")), clean_text(row.get("name"))
            if not acronym or not name or fold(acronym) == fold(name):
                continue
            entries.append(ReferenceEntry("hapi_organisations", name, acronym, name,
                                          HAPI_TYPES.get(clean_text(row.get("org_type_description")) or "")))
    return entries


def read_hapi_reference(folder: Path) -> list[ReferenceEntry]:
    """Both HAPI files of a mirror folder."""
    return read_hapi_mapping(folder / HAPI_MAPPING_FILE) + read_hapi_organisations(folder / HAPI_ORGANISATIONS_FILE)


@dataclass
class OrganisationReference:
    """Identities by the folded spellings that designate them (see the module)."""

    identities: list[Identity] = field(default_factory=list)
    by_spelling: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, equivalents: list[Identity], entries: list[ReferenceEntry]) -> OrganisationReference:
        """Curated identities are found by each of their acronyms and names; a HAPI mapping line by its
        spelling and by HAPI's name; a HAPI organisation by its name only (an acronym alone is too often
        shared by organisations of different countries)."""
        reference = cls()
        for identity in equivalents:
            reference._add(identity, [key.split(":", 1)[1] for key in identity.keys])
        for entry in entries:
            names = [entry.name, entry.spelling]
            identity = Identity(entry.source, _keys([entry.acronym], names), entry.org_type)
            reference._add(identity, [fold(entry.spelling), fold(entry.name)])
        return reference

    def _add(self, identity: Identity, spellings: list[str]) -> None:
        self.identities.append(identity)
        for spelling in dict.fromkeys(spellings):
            if spelling:
                self.by_spelling.setdefault(spelling, []).append(len(self.identities) - 1)

    def identities_of(self, text: object) -> list[Identity]:
        """The identities a spelling designates. One found in HAPI's files and whose acronym or name is in the
        curated table also carries the curated keys (``World Food Programme`` → WFP → ``PAM``), and that
        table's node; it keeps HAPI as its source."""
        found = []
        for index in self.by_spelling.get(fold(text), ()):
            identity = self.identities[index]
            if identity.source != "equivalents":
                curated = [self.identities[other] for key in identity.keys
                           for other in self.by_spelling.get(key.split(":", 1)[1], ())
                           if self.identities[other].source == "equivalents"]
                if curated:
                    identity = Identity(identity.source, identity.keys.union(*(c.keys for c in curated)),
                                        identity.org_type or curated[0].org_type, curated[0].node)
            found.append(identity)
        return found

    def __len__(self) -> int:
        return len(self.identities)


def sync_organisation_reference(session: Session, entries: list[ReferenceEntry], version: str) -> int:
    """Make table ``org_reference`` hold exactly ``entries`` (of dataset ``version``); returns their count.
    Nothing is written when it already does."""
    columns = (OrgReference.source, OrgReference.spelling, OrgReference.acronym, OrgReference.name,
               OrgReference.org_type, OrgReference.version)
    stored = sorted((tuple(row) for row in session.execute(select(*columns)).all()), key=repr)
    wanted = [(entry.source, entry.spelling, entry.acronym, entry.name, entry.org_type, version) for entry in entries]
    if stored == sorted(wanted, key=repr):
        return len(stored)
    session.execute(delete(OrgReference))
    if wanted:
        session.execute(insert(OrgReference), [dict(zip(("source", "spelling", "acronym", "name", "org_type",
                                                         "version"), row)) for row in wanted])
    return len(wanted)
