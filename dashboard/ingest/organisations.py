"""Canonical organisations: the spellings of one organisation in a file, and in earlier imports, are one.

Two rows designate the same organisation when their acronyms are equal once case, accents and spacing are
folded (``UNICEF`` = ``Unicef``), or when their full names are (``AAA`` and ``Alianza-ActionAid`` are both
named "Alianza-ActionAid"). Punctuation is kept: ``S.A.D`` and ``SAD`` are two different NGOs in the
December 2023 Mali 3W. Spellings already registered (table ``org_alias``) resolve to their organisation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dashboard.text import clean_text, fold
from dashboard.vocabulary import ORG_TYPE_VOCABULARY


def alias_keys(acronym: object, name: object) -> list[str]:
    """The registry keys a row's organisation cells designate (``acronym:unicef``, ``name:...``)."""
    keys = []
    if clean_text(acronym):
        keys.append("acronym:" + fold(acronym))
    if clean_text(name):
        keys.append("name:" + fold(name))
    return keys


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


def group_organisations(rows: list[tuple[object, object, object]],
                        registry: dict[str, int]) -> tuple[list[int], list[OrganisationGroup]]:
    """Group rows ``(acronym, name, reported type)`` into organisations.

    ``registry`` maps known alias keys to organisation ids. Returns, for each row, the index of its group
    (or -1 when the row names no organisation), and the groups. A 3W repeats a few hundred spellings over
    tens of thousands of rows: each distinct spelling is grouped once, counted as often as it occurs.
    """
    distinct: dict[tuple[object, object, object], int] = {}
    for row in rows:
        distinct[row] = distinct.get(row, 0) + 1
    assignment, groups = _group_distinct(list(distinct.items()), registry)
    position = dict(zip(distinct, assignment))
    return [position[row] for row in rows], groups


def _group_distinct(rows: list[tuple[tuple[object, object, object], int]],
                    registry: dict[str, int]) -> tuple[list[int], list[OrganisationGroup]]:
    """:func:`group_organisations` on distinct rows, each with how many times it occurs."""
    links = _UnionFind()
    row_keys = [alias_keys(acronym, name) for (acronym, name, _), _count in rows]
    for keys in row_keys:
        nodes = keys + [f"id:{registry[key]}" for key in keys if key in registry]
        for node in nodes[1:]:
            links.union(nodes[0], node)
    groups: dict[str, OrganisationGroup] = {}
    assignment: list[int] = []
    order: dict[str, int] = {}
    for ((acronym, name, reported_type), count), keys in zip(rows, row_keys):
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
        assignment.append(order[root])
    ordered = sorted(groups.items(), key=lambda item: order[item[0]])
    for _, group in ordered:
        known = Counter(registry[key] for key in group.keys if key in registry)
        group.existing_id = known.most_common(1)[0][0] if known else None
    return assignment, [group for _, group in ordered]
