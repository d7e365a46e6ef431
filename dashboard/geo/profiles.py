"""Country profiles (``data/countries/<ISO3>.toml``) and the boundary units each one reads from the mirror.

Mali (:data:`DEFAULT_COUNTRY`) is the default; another country is a profile and its datasets in the data
manifest, with no code (see README "Adding a country"). The units of a level are read from the level's file
(a shapefile, or a bare ``.dbf`` attribute table when the geometry is elsewhere or missing) without geometry,
in the folder of the profile's boundaries dataset, which the caller finds in the manifest.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.config import PROJECT_ROOT
from dashboard.domain.country import CountryProfile, ProfileError, parse_profile

PROFILES_DIR = PROJECT_ROOT / "data" / "countries"
DEFAULT_COUNTRY = "MLI"
UNIT_COLUMNS = ["pcode", "level", "name_fr", "parent_pcode"]


def available_countries(folder: Path = PROFILES_DIR) -> list[str]:
    """The ISO3 codes of the countries that have a profile, sorted."""
    return sorted(path.stem for path in folder.glob("*.toml"))


@cache
def load_profile(iso3: str = DEFAULT_COUNTRY, folder: Path = PROFILES_DIR) -> CountryProfile:
    """The profile of ``iso3`` (case ignored); :class:`ProfileError` names the countries that have one."""
    code = iso3.strip().upper() if isinstance(iso3, str) else ""
    # three letters only make a file name: "../x" looked outside the folder, 300 letters were a system error
    path = folder / f"{code}.toml"
    if not re.fullmatch(r"[A-Z]{3}", code) or not path.is_file():
        raise ProfileError(f"no country profile {path.name[:16]} in {folder}: the countries configured are "
                           f"{', '.join(available_countries(folder)) or 'none'}")
    with path.open("rb") as stream:
        profile = parse_profile(tomllib.load(stream), source=str(path))
    if profile.iso3 != path.stem:
        raise ProfileError(f"{path}: iso3 is {profile.iso3!r}, the file name says {path.stem!r}")
    return profile


def level_path(profile: CountryProfile, folder: Path, level: int) -> Path:
    """The file of one level in the boundaries dataset's ``folder`` (in the mirror), failing early with a helpful
    message."""
    path = Path(folder) / profile.level(level).file
    if not path.is_file():
        raise FileNotFoundError(
            f"Missing {profile.level(level).name_en} boundaries of {profile.name_en} (admin {level}): {path}. "
            "Point the environment variable MALI3W_DATA_MIRROR at the shared data mirror.")
    return path


def load_profile_units(profile: CountryProfile, folder: Path, level: int) -> pd.DataFrame:
    """The units of one level: ``pcode, level, name_fr, parent_pcode`` (codes stripped of stray spaces)."""
    spec = profile.level(level)
    columns = {spec.code_column: "pcode", spec.name_column: "name_fr"}
    if spec.parent_column:
        columns[spec.parent_column] = "parent_pcode"
    frame = pyogrio.read_dataframe(level_path(profile, folder, level), columns=list(columns),
                                   read_geometry=False).rename(columns=columns)
    frame["pcode"] = frame["pcode"].str.strip()
    if spec.parent_column:
        frame["parent_pcode"] = frame["parent_pcode"].str.strip()
    else:
        frame["parent_pcode"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    frame["level"] = level
    return frame[UNIT_COLUMNS]


def load_country_units(profile: CountryProfile, folder: Path) -> pd.DataFrame:
    """The whole P-code hierarchy of a country (levels 0-3), sorted by level then P-code; a code that does not
    match its level's pattern in the profile is refused (the profile or the files are wrong)."""
    units = pd.concat([load_profile_units(profile, folder, level) for level in range(4)], ignore_index=True)
    wrong = units[[not profile.level(level).matches(code) for code, level in zip(units["pcode"], units["level"])]]
    if len(wrong):
        first = wrong.iloc[0]
        raise ProfileError(f"{len(wrong)} P-codes of {profile.name_en} do not match their level's pattern in the "
                           f"profile, e.g. {first.pcode!r} (level {first.level}, pattern "
                           f"{profile.level(int(first.level)).pcode!r})")
    return units.sort_values(["level", "pcode"], ignore_index=True)


def profile_of_version(version: str, folder: Path = PROFILES_DIR) -> CountryProfile | None:
    """The profile whose boundary set is ``version``, or None."""
    return next((profile for profile in (load_profile(iso3, folder) for iso3 in available_countries(folder))
                 if profile.boundary_version == version), None)


def installation_profiles(versions: set[str] | frozenset[str],
                          folder: Path = PROFILES_DIR) -> list[CountryProfile]:
    """The countries of an installation that holds the units of these boundary versions: Mali first when it
    holds Mali's (the default view), then the others by ISO3."""
    held = [profile for profile in (load_profile(iso3, folder) for iso3 in available_countries(folder))
            if profile.boundary_version in versions]
    return sorted(held, key=lambda profile: (profile.iso3 != DEFAULT_COUNTRY, profile.iso3))


def installation_profile(versions: set[str] | frozenset[str], folder: Path = PROFILES_DIR) -> CountryProfile | None:
    """The default country of an installation that holds the units of these boundary versions: Mali when it
    holds Mali's, else the first country (by ISO3) whose boundary set is held, or None."""
    held = installation_profiles(versions, folder)
    return held[0] if held else None


def country_wording(profile: CountryProfile) -> dict[object, object]:
    """How the importer's messages name a country's levels and the country itself, in each language (see
    :attr:`dashboard.domain.places.Hierarchy.wording`); empty for Mali, whose words are the catalogue's."""
    if profile.iso3 == DEFAULT_COUNTRY:
        return {}
    wording: dict[object, object] = {level.level: {"fr": level.name_fr, "en": level.name_en}
                                     for level in profile.levels[1:]}
    wording["country"] = {"fr": f"le pays ({profile.name_fr})", "en": profile.name_en}
    wording["advice"] = "advice.check_pcode_country"
    return wording
