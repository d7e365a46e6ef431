"""P-codes as written in 3W files, checked against one boundary version's hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process

from dashboard.domain.text import clean_text, place_key

_MLI_PREFIX = re.compile(r"^MLI(?=\d)")
#: level of a Mali P-code by its length: ML01 region, ML0101 cercle, ML010101 commune
LEVEL_BY_LENGTH = {2: 0, 4: 1, 6: 2, 8: 3}
#: a P-code of the 2015 boundary set → (the 2021 unit holding it, that unit's level, the share of the 2015
#: unit's area inside it): see :mod:`dashboard.geo.crosswalk`
Crosswalk = dict[str, tuple[str, int, float]]
#: Share of a 2015 unit's area inside a 2021 unit from which it is taken for that unit (the two sets share
#: their line work: 695 of the 701 communes lie 94% or more in one 2021 commune, the least 84%); below it
#: the 2015 unit was split, as the cercle of Ménaka, a region of four cercles in 2021.
WHOLE_UNIT_SHARE = 0.8


@lru_cache(maxsize=65_536, typed=True)
def normalise_pcode(value: object) -> str | None:
    """Upper case, no spaces, ``MLI05`` → ``ML05`` (the ISO3 prefix some files use)."""
    text = clean_text(value)
    if text is None:
        return None
    return _MLI_PREFIX.sub("ML", text.upper().replace(" ", ""))


@dataclass(frozen=True)
class Hierarchy:
    """The units of one boundary version: level and parent of each P-code, French names."""

    version: str
    level: dict[str, int]
    parent: dict[str, str | None]
    name: dict[str, str]

    @classmethod
    def from_units(cls, version: str, units: list[tuple[str, int, str | None, str]]) -> Hierarchy:
        """Build from ``(pcode, level, parent_pcode, name_fr)`` tuples."""
        return cls(version, {u[0]: u[1] for u in units}, {u[0]: u[2] for u in units}, {u[0]: u[3] for u in units})

    @cached_property
    def _children_by_name(self) -> dict[str, dict[str, list[str]]]:
        """parent P-code → child name as compared (:func:`place_key`) → child P-codes (two when a name repeats
        within one parent)."""
        index: dict[str, dict[str, list[str]]] = {}
        for code, up in self.parent.items():
            if up is not None:
                index.setdefault(up, {}).setdefault(place_key(self.name[code]), []).append(code)
        return index

    @cached_property
    def root(self) -> str | None:
        """The country's P-code (the parent of the regions)."""
        return next((code for code, level in self.level.items() if level == 0), None)

    def children_named(self, parent: str, name: object) -> list[str]:
        """Units directly inside ``parent`` whose French name equals ``name`` (case, accents, spaces and
        punctuation ignored: ``Commune - I`` is ``Commune I``)."""
        return list(self._children_by_name.get(parent, {}).get(place_key(name), []))

    def closest_child(self, parent: str, name: object, cutoff: float) -> tuple[str, float] | None:
        """The unit inside ``parent`` whose name is closest to ``name`` (similarity 0-100 of the folded
        names as compared by :func:`place_key`), when it is at least ``cutoff`` and names a single unit."""
        names = self._children_by_name.get(parent, {})
        best = process.extractOne(place_key(name), list(names), scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None or len(names[best[0]]) != 1:
            return None
        return names[best[0]][0], best[1]

    def ancestor(self, pcode: str, level: int) -> str | None:
        """The unit at ``level`` that contains ``pcode`` (itself if it is at that level)."""
        current: str | None = pcode
        while current is not None and self.level.get(current, -1) > level:
            current = self.parent.get(current)
        return current if current is not None and self.level.get(current) == level else None

    def __len__(self) -> int:
        return len(self.level)
