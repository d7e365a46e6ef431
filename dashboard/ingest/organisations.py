"""Canonical organisations: the spellings of one organisation in a file, and in earlier imports, are one.

Two rows designate the same organisation when their acronyms are equal once case, accents and spacing are
folded (``UNICEF`` = ``Unicef``), or when their full names are (``AAA`` and ``Alianza-ActionAid`` are both
named "Alianza-ActionAid"). Punctuation is kept: ``S.A.D`` and ``SAD`` are two different NGOs in the
December 2023 Mali 3W. Spellings already registered (table ``org_alias``) resolve to their organisation.

A row none of whose spellings is registered is matched (:meth:`KnownOrganisations.resolve`) to the one
registered organisation that, exactly once folded:

- has as acronym what the row gives as name, or as name what it gives as acronym (``known_acronym``,
  ``known_name``: a file that puts acronyms in its name column);
- the curated table of UN acronyms in French and English says it is (``equivalents``: ``WFP`` is ``PAM``);
- HDX HAPI's name mapping or organisation list says it is (``hapi_mapping``: "Fonds des Nations Unies pour
  l'Enfance" is UNICEF; ``hapi_organisations``), unless the row gives an acronym the reference does not give
  (``IRW`` "Islamic Relief Worldwide" is not HAPI's ``IR``).

When these point at several organisations, or HAPI's list points at one of another type or the spelling is
also close to the name of another organisation, nothing is chosen: a new organisation is created and the
import report says which ones it may be. Close spellings are never matched here; they are proposed to a
person (:mod:`dashboard.ingest.organisation_matching`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from dashboard.ingest.organisation_reference import OrganisationReference
from dashboard.domain.text import clean_text, fold, header_key
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY

#: how sure a match by each method is (0-1): exact spellings, but of another kind or from a reference
MATCH_CONFIDENCE = {"known_acronym": 0.95, "known_name": 0.95, "equivalents": 0.95, "hapi_mapping": 0.9,
                    "hapi_organisations": 0.85}
#: methods whose match is doubted when the spelling is also close to another organisation's name
_DOUBTED = frozenset({"hapi_mapping", "hapi_organisations"})
#: a name this alike another organisation's (rapidfuzz token sort ratio, as the merge proposals use)
CLOSE_NAME_CUTOFF = 90


def alias_keys(acronym: object, name: object) -> list[str]:
    """The registry keys a row's organisation cells designate (``acronym:unicef``, ``name:...``)."""
    keys = []
    if clean_text(acronym):
        keys.append("acronym:" + fold(acronym))
    if clean_text(name):
        keys.append("name:" + fold(name))
    return keys


@dataclass(frozen=True)
class Match:
    """How a spelling no file used before was found to be a registered organisation (or several)."""

    #: the organisation, or None when several may be meant (``candidates``)
    organisation_id: int | None
    method: str
    confidence: float
    #: the text that matched, as the file wrote it
    spelling: str
    candidates: tuple[int, ...] = ()


@dataclass
class KnownOrganisations:
    """The registered spellings (alias key → organisation id), the organisations' types, and the reference
    that recognises spellings no file used (see :meth:`resolve`)."""

    aliases: dict[str, int]
    types: dict[int, str] = field(default_factory=dict)
    reference: OrganisationReference = field(default_factory=OrganisationReference)

    def __post_init__(self) -> None:
        self._names: list[tuple[str, int]] | None = None

    def resolve(self, acronym: object, name: object) -> tuple[Match | None, set[str]]:
        """For a row none of whose keys is registered: the organisation its spellings designate exactly (see
        the module), or the organisations they may designate, or None; and the nodes of curated identities the
        row designates, so that ``PAM`` and ``WFP`` met in one file are one organisation."""
        found: dict[int, tuple[float, str, str]] = {}
        nodes: set[str] = set()

        def add(organisation_id: int, method: str, text: str) -> None:
            confidence = MATCH_CONFIDENCE[method]
            if organisation_id not in found or found[organisation_id][0] < confidence:
                found[organisation_id] = (confidence, method, text)

        texts = [(kind, clean_text(value)) for kind, value in (("acronym", acronym), ("name", name))]
        own_acronym = f"acronym:{fold(acronym)}" if clean_text(acronym) else None
        for kind, text in texts:
            if text is None:
                continue
            other = "name" if kind == "acronym" else "acronym"
            if f"{other}:{fold(text)}" in self.aliases:
                add(self.aliases[f"{other}:{fold(text)}"], f"known_{other}", text)
            for identity in self.reference.identities_of(text):
                if own_acronym and own_acronym not in identity.keys and any(
                        key.startswith("acronym:") for key in identity.keys):
                    continue  # the row's own acronym says otherwise (IRW "Islamic Relief Worldwide" is not IR)
                if identity.node:
                    nodes.add(identity.node)
                for organisation_id in {self.aliases[key] for key in identity.keys if key in self.aliases}:
                    known_type = self.types.get(organisation_id, "other")
                    if (identity.source == "hapi_organisations" and identity.org_type not in (None, "other")
                            and known_type != "other" and known_type != identity.org_type):
                        continue  # HAPI lists a namesake of another type (a national NGO of another country)
                    add(organisation_id, identity.source, text)
        if not found:
            return None, nodes
        if len(found) > 1:
            best = max(found.values())
            return Match(None, best[1], best[0], best[2], tuple(sorted(found))), nodes
        (organisation_id, (confidence, method, text)), = found.items()
        if method in _DOUBTED:
            others = self.close_names(text) - {organisation_id}
            if others:
                return Match(None, method, confidence, text, tuple(sorted({organisation_id, *others}))), nodes
        return Match(organisation_id, method, confidence, text), nodes

    def designated(self, acronym: object, name: object) -> set[int]:
        """The organisations a row's spellings designate: those its registered spellings name, else the one
        they are matched to (none when several may be meant)."""
        direct = {self.aliases[key] for key in alias_keys(acronym, name) if key in self.aliases}
        if direct or not alias_keys(acronym, name):
            return direct
        match, _ = self.resolve(acronym, name)
        return {match.organisation_id} if match is not None and match.organisation_id is not None else set()

    def close_names(self, text: str) -> set[int]:
        """Organisations with a registered name close to ``text`` (see :data:`CLOSE_NAME_CUTOFF`)."""
        if self._names is None:
            self._names = [(header_key(key[5:]), organisation_id) for key, organisation_id in self.aliases.items()
                           if key.startswith("name:")]
        if not self._names:
            return set()
        hits = process.extract(header_key(text), [name for name, _ in self._names], scorer=fuzz.token_sort_ratio,
                               score_cutoff=CLOSE_NAME_CUTOFF, limit=None)
        return {self._names[index][1] for _, _, index in hits}


def as_known(registry: dict[str, int] | KnownOrganisations) -> KnownOrganisations:
    """``registry`` as :class:`KnownOrganisations` (a plain alias mapping has no types and no reference)."""
    return registry if isinstance(registry, KnownOrganisations) else KnownOrganisations(dict(registry))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: str, second: str) -> None:
        self.parent[self.find(first)] = self.find(second)


@dataclass
class OrganisationGroup:
    """The rows of one file that designate one organisation."""

    keys: set[str] = field(default_factory=set)
    acronyms: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    #: id of the registered organisation these spellings already belong to, if any
    existing_id: int | None = None
    #: spellings (cleaned acronym, name) no file used before, and how they were matched (see :class:`Match`)
    matches: dict[tuple[str | None, str | None], Match] = field(default_factory=dict)
    #: organisations the group's rows designate only through a match
    matched_ids: Counter = field(default_factory=Counter)

    @property
    def acronym(self) -> str | None:
        return self.acronyms.most_common(1)[0][0] if self.acronyms else None

    @property
    def name(self) -> str | None:
        return self.names.most_common(1)[0][0] if self.names else None

    @property
    def org_type(self) -> str:
        """The type most rows report (``other`` when none is known)."""
        return self.types.most_common(1)[0][0] if self.types else "other"

    @property
    def label(self) -> str:
        return self.acronym or self.name or "?"

    def match_of(self, acronym: object, name: object) -> Match | None:
        """How the spelling (acronym, name) of one of its rows was matched, when it was."""
        return self.matches.get((clean_text(acronym), clean_text(name)))


def group_organisations(rows: list[tuple[object, object, object]],
                        registry: dict[str, int] | KnownOrganisations) -> tuple[list[int], list[OrganisationGroup]]:
    """Group rows ``(acronym, name, reported type)`` into organisations.

    ``registry`` maps known alias keys to organisation ids (or is a :class:`KnownOrganisations`, which also
    matches spellings no file used before). Returns, for each row, the index of its group (or -1 when the row
    names no organisation), and the groups. A 3W repeats a few hundred spellings over tens of thousands of
    rows: each distinct spelling is grouped once, counted as often as it occurs.
    """
    distinct: dict[tuple[object, object, object], int] = {}
    for row in rows:
        distinct[row] = distinct.get(row, 0) + 1
    assignment, groups = _group_distinct(list(distinct.items()), as_known(registry))
    position = dict(zip(distinct, assignment))
    return [position[row] for row in rows], groups


def _group_distinct(rows: list[tuple[tuple[object, object, object], int]],
                    known: KnownOrganisations) -> tuple[list[int], list[OrganisationGroup]]:
    """:func:`group_organisations` on distinct rows, each with how many times it occurs."""
    registry = known.aliases
    links = _UnionFind()
    row_keys = [alias_keys(acronym, name) for (acronym, name, _), _count in rows]
    row_matches: list[Match | None] = []
    for ((acronym, name, _), _count), keys in zip(rows, row_keys):
        nodes = keys + [f"id:{registry[key]}" for key in keys if key in registry]
        match = None
        if keys and len(nodes) == len(keys):  # no spelling of the row is registered
            match, curated = known.resolve(acronym, name)
            nodes += sorted(curated)
            if match is not None and match.organisation_id is not None:
                nodes.append(f"id:{match.organisation_id}")
        row_matches.append(match)
        for node in nodes[1:]:
            links.union(nodes[0], node)
    groups: dict[str, OrganisationGroup] = {}
    assignment: list[int] = []
    order: dict[str, int] = {}
    for ((acronym, name, reported_type), count), keys, match in zip(rows, row_keys, row_matches):
        if not keys:
            assignment.append(-1)
            continue
        root = links.find(keys[0])
        group = groups.setdefault(root, OrganisationGroup())
        order.setdefault(root, len(order))
        group.keys.update(keys)
        if clean_text(acronym):
            group.acronyms[clean_text(acronym)] += count
        if clean_text(name):
            group.names[clean_text(name)] += count
        term = ORG_TYPE_VOCABULARY.match(reported_type)
        if term:
            group.types[term.code] += count
        if match is not None:
            group.matches[(clean_text(acronym), clean_text(name))] = match
            if match.organisation_id is not None:
                group.matched_ids[match.organisation_id] += count
        assignment.append(order[root])
    ordered = sorted(groups.items(), key=lambda item: order[item[0]])
    for _, group in ordered:
        registered = Counter(registry[key] for key in group.keys if key in registry)
        known_ids = registered or group.matched_ids
        group.existing_id = known_ids.most_common(1)[0][0] if known_ids else None
    return assignment, [group for _, group in ordered]


# --- a name column that holds acronyms ------------------------------------------------------------------

@dataclass(frozen=True)
class AcronymReading:
    """Why a column of organisation names is read as acronyms: how many of its distinct values read as
    acronyms and as names, whether its header says acronym, and a few of its values."""

    acronyms: int
    names: int
    values: int
    header_says_acronym: bool
    examples: tuple[str, ...]


def looks_like_acronym(text: str) -> bool:
    """One word (``UNICEF``, ``ACF-E``, ``AMADE-Mali``), or up to three words in capitals (``STOP SAHEL``);
    ``Norwegian Refugee Council`` is a name."""
    words = text.split()
    letters = [ch for ch in text if ch.isalpha()]
    return len(words) == 1 or (len(words) <= 3 and bool(letters) and all(ch.isupper() for ch in letters))


def names_hold_acronyms(values: Iterable[object], registry: dict[str, int] | KnownOrganisations,
                        header_says_acronym: bool = False) -> AcronymReading | None:
    """Whether the values of a column of organisation names (in a file with no acronym column) are acronyms.

    Each distinct value votes: a registered acronym that is no registered name for acronym, a registered name
    that is no registered acronym for name, an unknown value as it looks (:func:`looks_like_acronym`); a
    value registered as both does not vote. Acronyms win with two votes in three, or with a majority when the
    column's header itself says acronym (``Organisation Accronyme`` tagged ``#org+name``). Returns why, or
    None when the column holds names.
    """
    aliases = as_known(registry).aliases
    first_spelling: dict[str, str] = {}  # one vote per folded spelling: ``UNICEF`` and ``Unicef`` are one
    for text in map(clean_text, values):
        if text:
            first_spelling.setdefault(fold(text), text)
    distinct = list(first_spelling.values())
    acronyms: list[str] = []
    names = 0
    for text in distinct:
        as_acronym, as_name = f"acronym:{fold(text)}" in aliases, f"name:{fold(text)}" in aliases
        if as_acronym and as_name:
            continue
        if as_acronym or (not as_name and looks_like_acronym(text)):
            acronyms.append(text)
        else:
            names += 1
    enough = len(acronyms) > names if header_says_acronym else len(acronyms) >= 2 * names
    if not acronyms or not enough:
        return None
    return AcronymReading(len(acronyms), names, len(distinct), header_says_acronym, tuple(acronyms[:5]))
