"""A country profile: what differs from one country to the next, as data rather than code.

A profile (``data/countries/<ISO3>.toml``, read by :mod:`dashboard.geo.profiles`) names the country's boundary
set and the files it is read from (datasets of the data manifest), the pattern of each level's P-codes (Mali and
Burkina Faso two digits per level, Niger three), each level's name in French and English (cercle, département,
province), the population source, the map's extent and the sector spellings met in its 3Ws. This module only
checks and holds what a profile says; it reads no file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard.domain.vocabulary import SECTOR_VOCABULARY, Vocabulary


class ProfileError(ValueError):
    """A profile that cannot be used, with the sentence saying what to fix."""


@dataclass(frozen=True)
class AdminLevel:
    level: int
    name_fr: str
    name_en: str
    #: regular expression every P-code of the level matches in full (``NE[0-9]{6}`` for a Niger department)
    pcode: str
    #: the level's file inside the boundaries dataset's folder, its code and name columns, and its parent's code
    file: str
    code_column: str
    name_column: str
    parent_column: str | None = None
    #: the plural of the name when it is not the name and an "s" (``plural_fr = "pays"``)
    plural_fr: str | None = None
    plural_en: str | None = None
    #: whether the French name is feminine (``province``: "la province", "une province"); masculine by default
    feminine: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    def plural(self, lang: str) -> str:
        given = self.plural_en if lang == "en" else self.plural_fr
        return given or f"{self.name(lang)}s"

    def matches(self, code: object) -> bool:
        return isinstance(code, str) and re.fullmatch(self.pcode, code) is not None


@dataclass(frozen=True)
class MapGeometry:
    """Where the map's polygons come from when the boundaries' communes have none: the finest ``level`` the map
    draws, read from ``file`` in the profile's ``map`` dataset, its units joined by ``code_column``; the coarser
    levels are dissolved from it (so the levels share their borders)."""

    level: int
    file: str
    code_column: str


@dataclass(frozen=True)
class PopulationFile:
    """One level's population table in the profile's ``population`` dataset: the file, its P-code column and its
    total column (COD-PS ``T_TL``)."""

    level: int
    file: str
    code_column: str
    total_column: str = "T_TL"


@dataclass(frozen=True)
class Extent:
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float


@dataclass(frozen=True)
class CountryProfile:
    iso3: str
    iso2: str
    name_fr: str
    name_en: str
    boundary_version: str
    #: data manifest dataset ids: the boundaries (units, and geometry when the files have it), the population
    #: (None when there is none), the map when it is another dataset than the boundaries
    boundaries: str
    levels: tuple[AdminLevel, ...]
    extent: Extent
    population: str | None = None
    map: str | None = None
    #: spelling → sector code (a code of :data:`dashboard.domain.vocabulary.SECTORS`)
    sector_spellings: dict[str, str] = field(default_factory=dict)
    #: the map's polygons when the communes of ``boundaries`` have none (None: the communes' own shapefile, whose
    #: coverage gives every level)
    map_geometry: MapGeometry | None = None
    #: the population of each level the ``population`` dataset gives (none: Mali's COD-PS, read by its own code)
    population_files: tuple[PopulationFile, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    def level(self, number: int) -> AdminLevel:
        return self.levels[number]

    @property
    def map_level(self) -> int:
        """The finest level the map can draw: the communes (3) unless only coarser units have polygons."""
        return self.map_geometry.level if self.map_geometry is not None else 3

    @property
    def map_levels(self) -> tuple[int, ...]:
        """The levels the map can draw (1 regions, 2 cercles / departments / provinces, 3 communes)."""
        return tuple(range(1, self.map_level + 1))

    def drawn_level(self, level: int) -> int:
        """The level a map asked for at ``level`` is drawn at: that level when it has polygons, else the finest
        level that has (Burkina Faso's communes are drawn as their provinces). The one rule every map follows."""
        return min(level, self.map_level)

    def level_of(self, code: object) -> int | None:
        """The level whose P-code pattern ``code`` matches (``NE001001`` → 2), or None."""
        return next((level.level for level in self.levels if level.matches(code)), None)


def parse_profile(raw: dict, source: str = "profile", vocabulary: Vocabulary = SECTOR_VOCABULARY) -> CountryProfile:
    """A profile from the TOML's tables; :class:`ProfileError` names ``source`` and what is wrong."""
    try:
        levels = tuple(AdminLevel(**entry) for entry in raw["levels"])
        profile = CountryProfile(
            iso3=raw["iso3"], iso2=raw["iso2"], name_fr=raw["name_fr"], name_en=raw["name_en"],
            boundary_version=raw["boundary_version"], boundaries=raw["boundaries"], levels=levels,
            extent=Extent(**raw["extent"]), population=raw.get("population"), map=raw.get("map"),
            sector_spellings=dict(raw.get("sector_spellings", {})),
            map_geometry=MapGeometry(**raw["map_geometry"]) if "map_geometry" in raw else None,
            population_files=tuple(PopulationFile(**entry) for entry in raw.get("population_files", ())))
    except KeyError as error:
        raise ProfileError(f"{source}: the key {error.args[0]!r} is missing") from None
    except TypeError as error:
        raise ProfileError(f"{source}: {error}") from None
    if [level.level for level in levels] != [0, 1, 2, 3]:
        raise ProfileError(f"{source}: give the levels 0 (country) to 3 (communes), in that order")
    for level in levels:
        try:
            re.compile(level.pcode)
        except re.error as error:
            raise ProfileError(f"{source}: the P-code pattern {level.pcode!r} of level {level.level} is not a "
                               f"regular expression ({error})") from None
        if not level.pcode.startswith(profile.iso2):
            raise ProfileError(f"{source}: the P-codes of level {level.level} ({level.pcode!r}) must begin with "
                               f"the country's code {profile.iso2!r}")
        if level.level > 0 and not level.parent_column:
            raise ProfileError(f"{source}: level {level.level} needs a parent_column")
    geometry = profile.map_geometry
    if geometry is None and not levels[3].file.lower().endswith(".shp"):
        raise ProfileError(f"{source}: the communes' file {levels[3].file!r} has no geometry (not a shapefile): "
                           "give a [map_geometry] table (level, file, code_column) naming the finest level a map "
                           "dataset draws")
    if geometry is not None and (geometry.level not in (1, 2, 3) or not profile.map):
        raise ProfileError(f"{source}: [map_geometry] needs a level of 1 to 3 and the profile's `map` dataset id")
    wrong_population = [entry.level for entry in profile.population_files if entry.level not in (1, 2, 3)]
    if profile.population_files and (wrong_population or not profile.population):
        raise ProfileError(f"{source}: [[population_files]] need levels of 1 to 3 and the profile's `population` "
                           "dataset id")
    unknown = {spelling: code for spelling, code in profile.sector_spellings.items()
               if code not in vocabulary.by_code}
    if unknown:
        raise ProfileError(f"{source}: these sector spellings name no sector code: "
                           + ", ".join(f"{spelling!r} = {code!r}" for spelling, code in unknown.items())
                           + f" (codes: {', '.join(vocabulary.codes())})")
    return profile
