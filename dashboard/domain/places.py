"""Places: P-codes, the units of a boundary set and how they nest.

One implementation of the nesting serves every layer: :class:`UnitIndex` numbers the units of each level and
holds each unit's parent, so ancestry and containment are array look-ups (the analyses' presence cube, the
views' "inside an area", the lineage of a unit shown beside its P-code); :class:`Hierarchy`, which the intake
checks rows against, answers its questions (a unit's ancestor) from the same index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from dashboard.domain.text import bare_place_key, clean_text, place_key

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


#: levels of a boundary set: 0 the country, 1 regions, 2 cercles (departments, provinces), 3 communes
LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True)
class UnitIndex:
    """The units of a boundary set by level, each level's units numbered in the order given (level 0, the
    country, is unit 0), and the parent of each unit as a number at the level above (-1 for none)."""

    codes: dict[int, np.ndarray]
    parent: dict[int, np.ndarray]
    names: dict[int, np.ndarray]

    @classmethod
    def build(cls, units: pd.DataFrame) -> UnitIndex:
        """From a units frame (``pcode, level, parent_pcode`` and ``name_fr``), in its order."""
        return cls.from_units(list(zip(units["pcode"], units["level"], units["parent_pcode"],
                                       units["name_fr"] if "name_fr" in units else units["pcode"])))

    @classmethod
    def from_units(cls, units: list[tuple[str, int, str | None, str]]) -> UnitIndex:
        codes, parent, names, number = {}, {}, {}, {}
        for level in LEVELS:
            at_level = [unit for unit in units if int(unit[1]) == level]
            codes[level] = np.array([str(unit[0]) for unit in at_level], dtype=object)
            names[level] = np.array([unit[3] for unit in at_level], dtype=object)
            number[level] = {code: index for index, code in enumerate(codes[level])}
            above = number.get(level - 1, {})
            parent[level] = np.array([above.get(unit[2], -1) for unit in at_level], dtype=np.int32)
        return cls(codes, parent, names)

    @cached_property
    def number(self) -> dict[int, dict[str, int]]:
        """Level → unit code → its number."""
        return {level: {code: index for index, code in enumerate(codes)} for level, codes in self.codes.items()}

    def locate(self, code: str | None) -> tuple[int, int] | None:
        """(level, number) of a unit code, or None."""
        for level in LEVELS:
            if code in self.number[level]:
                return level, self.number[level][code]
        return None

    def ancestors(self, level: int, coarse: int) -> np.ndarray:
        """For each unit of ``level``, the number of its ancestor at ``coarse`` (itself at its own level)."""
        current = np.arange(len(self.codes[level]), dtype=np.int32)
        for step in range(level, coarse, -1):
            current = np.where(current >= 0, self.parent[step][np.maximum(current, 0)], -1)
        return current

    def ancestor(self, code: str, level: int) -> str | None:
        """The unit at ``level`` that contains ``code`` (itself at its own level), or None."""
        found = self.locate(code)
        if found is None or found[0] < level:
            return None
        number = found[1]
        for step in range(found[0], level, -1):
            number = int(self.parent[step][number])
            if number < 0:
                return None
        return str(self.codes[level][number])

    def inside(self, level: int, area: str | None) -> np.ndarray:
        """Which units of ``level`` lie in ``area`` (a unit of any level; all of them without one)."""
        if not area:
            return np.ones(len(self.codes[level]), dtype=bool)
        found = self.locate(area)
        if found is None or found[0] > level:
            return np.zeros(len(self.codes[level]), dtype=bool)
        return self.ancestors(level, found[0]) == found[1]

    @cached_property
    def lineage(self) -> pd.DataFrame:
        """Per unit of levels 1 to 3 (index ``pcode``): ``level``, ``name``, the codes of its region, cercle and
        commune (itself at its own level, empty below it) and the names ``cercle`` and ``region``."""
        frames = []
        for level in (1, 2, 3):
            frame = pd.DataFrame({"level": level, "name": self.names[level]}, index=pd.Index(self.codes[level],
                                                                                           name="pcode"))
            for coarse in (1, 2, 3):
                if coarse <= level:
                    frame[f"adm{coarse}_pcode"] = self.codes[coarse][self.ancestors(level, coarse)] \
                        if len(self.codes[level]) else []
                else:
                    frame[f"adm{coarse}_pcode"] = None
            frames.append(frame)
        table = pd.concat(frames)
        names = pd.Series(np.concatenate([self.names[level] for level in (1, 2, 3)]),
                          index=np.concatenate([self.codes[level] for level in (1, 2, 3)]))
        table["cercle"] = table["adm2_pcode"].map(names)
        table["region"] = table["adm1_pcode"].map(names)
        return table


@dataclass(frozen=True)
class Hierarchy:
    """The units of one boundary version: level and parent of each P-code, French names."""

    version: str
    level: dict[str, int]
    parent: dict[str, str | None]
    name: dict[str, str]
    #: how messages about these units name the levels (1-3) and the country ("country"), and which advice a
    #: wrong code gets ("advice"), when not as for Mali: texts in each language (``{"fr": "département", "en":
    #: "department"}``) from the country's profile
    wording: dict[object, object] = field(default_factory=dict, compare=False)

    def unit_word(self, key: object) -> object:
        """A message's value naming a level (``2``) or the country: Mali's catalogue entry (``"@unit.2"``, the
        cercle), or the country's own words."""
        return self.wording.get(key, f"@unit.{key}")

    def advice_on_codes(self) -> str:
        """The catalogue key of the advice given for a code that is no unit of its level."""
        return str(self.wording.get("advice", "advice.check_pcode_2021"))

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

    @cached_property
    def _children_by_bare_name(self) -> dict[str, dict[str, list[str]]]:
        """As :attr:`_children_by_name`, the names without the words put before them (:func:`bare_place_key`)."""
        index: dict[str, dict[str, list[str]]] = {}
        for code, up in self.parent.items():
            if up is not None:
                index.setdefault(up, {}).setdefault(bare_place_key(self.name[code]), []).append(code)
        return index

    def children_named(self, parent: str, name: object) -> list[str]:
        """Units directly inside ``parent`` whose French name equals ``name`` (case, accents, spaces and
        punctuation ignored: ``Commune - I`` is ``Commune I``); when none does, those whose name equals it once the
        words put before names are left out of both (``Commune urbaine de Tillabéri`` is ``Tillabéri``, ``Niamey``
        is ``Ville de Niamey``)."""
        found = self._children_by_name.get(parent, {}).get(place_key(name))
        if found:
            return list(found)
        return list(self._children_by_bare_name.get(parent, {}).get(bare_place_key(name), []))

    def closest_child(self, parent: str, name: object, cutoff: float) -> tuple[str, float] | None:
        """The unit inside ``parent`` whose name is closest to ``name`` (similarity 0-100 of the folded
        names as compared by :func:`place_key`), when it is at least ``cutoff`` and names a single unit."""
        names = self._children_by_name.get(parent, {})
        best = process.extractOne(place_key(name), list(names), scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None or len(names[best[0]]) != 1:
            return None
        return names[best[0]][0], best[1]

    @cached_property
    def index(self) -> UnitIndex:
        return UnitIndex.from_units([(code, level, self.parent[code], self.name[code])
                                     for code, level in self.level.items()])

    def ancestor(self, pcode: str, level: int) -> str | None:
        """The unit at ``level`` that contains ``pcode`` (itself if it is at that level)."""
        return self.index.ancestor(pcode, level)

    def __len__(self) -> int:
        return len(self.level)
