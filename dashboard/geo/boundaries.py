"""Read the OCHA COD-AB Mali 2021 boundaries (admin 0-3) from the shared data mirror.

The shapefiles are read in place from ``settings.data_mirror``; nothing is copied into the project.
Every P-code of the dashboard belongs to this boundary set (see ``dashboard.config.BOUNDARY_VERSION``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from dashboard.geo.profiles import DEFAULT_COUNTRY, load_profile

#: Folder of the 2021 boundary set inside the data mirror (the folder of the Mali profile's boundaries dataset).
BOUNDARY_DIR = "ocha_cod_ab_mli_2021"
#: Mali's profile (data/countries/MLI.toml) names each level's file and its English name
_MALI = load_profile(DEFAULT_COUNTRY)
LEVEL_NAMES = {level.level: level.name_en for level in _MALI.levels}
UNIT_COLUMNS = ["pcode", "level", "name_fr", "parent_pcode"]


def boundary_path(mirror: Path, level: int) -> Path:
    """Return the 2021 shapefile of one admin level in the mirror, failing early with a helpful message."""
    if level not in LEVEL_NAMES:
        raise ValueError(f"Unknown admin level {level!r}: expected one of {sorted(LEVEL_NAMES)}")
    path = Path(mirror) / BOUNDARY_DIR / _MALI.level(level).file
    if not path.is_file():
        raise FileNotFoundError(
            f"Missing {LEVEL_NAMES[level]} boundaries (admin {level}): {path}. "
            "Point the environment variable MALI3W_DATA_MIRROR at the shared data mirror."
        )
    return path


def _source_columns(level: int) -> dict[str, str]:
    """Map the shapefile attribute names of one level to the dashboard's column names."""
    columns = {f"ADM{level}_PCODE": "pcode", f"ADM{level}_FR": "name_fr"}
    if level > 0:
        columns[f"ADM{level - 1}_PCODE"] = "parent_pcode"
    return columns


def _tidy_units(frame: pd.DataFrame, level: int) -> pd.DataFrame:
    """Rename the attributes, strip stray whitespace from the codes and add level and parent."""
    tidy = frame.rename(columns=_source_columns(level))
    tidy["pcode"] = tidy["pcode"].str.strip()
    if level == 0:
        tidy["parent_pcode"] = pd.Series([None] * len(tidy), index=tidy.index, dtype=object)
    else:
        tidy["parent_pcode"] = tidy["parent_pcode"].str.strip()
    tidy["level"] = level
    return tidy


def load_boundaries(mirror: Path, level: int) -> gpd.GeoDataFrame:
    """Load one admin level with columns ``pcode, name_fr, parent_pcode, level, geometry`` in EPSG:4326."""
    frame = gpd.read_file(
        boundary_path(mirror, level), engine="pyogrio", columns=list(_source_columns(level))
    )
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    units = _tidy_units(frame, level)
    return units[["pcode", "name_fr", "parent_pcode", "level", "geometry"]]


def load_units(mirror: Path, level: int) -> pd.DataFrame:
    """Load the attributes of one admin level only (no geometry): ``pcode, level, name_fr, parent_pcode``."""
    frame = pyogrio.read_dataframe(
        boundary_path(mirror, level), columns=list(_source_columns(level)), read_geometry=False
    )
    return _tidy_units(frame, level)[UNIT_COLUMNS]


def load_admin_units(mirror: Path) -> pd.DataFrame:
    """Load the whole P-code hierarchy (levels 0-3, 765 units), sorted by level then P-code.

    This is the reference the importer checks the P-codes of uploaded 3W files against.
    """
    units = pd.concat([load_units(mirror, level) for level in LEVEL_NAMES], ignore_index=True)
    return units.sort_values(["level", "pcode"], ignore_index=True)


#: The 2015 boundary set: the same P-code format with other meanings (2015 ML0101 = Kayes, 2021 = Bafoulabé),
#: kept only to recognise files still coded with it.
LEGACY_DIR = "ocha_cod_ab_mli_2015_legacy"
LEGACY_LAYERS = {1: "mli_admbnda_adm1_gov_ocha_itos", 2: "mli_admbnda_adm2_gov_ocha_itos",
                 3: "mli_admbnda_adm3_gov_ocha"}


def load_legacy_units(mirror: Path) -> pd.DataFrame | None:
    """The 2015 units (levels 1-3) as ``pcode, level, name_fr, parent_pcode``, or None without the files."""
    frames = []
    for level, layer in LEGACY_LAYERS.items():
        path = mirror / LEGACY_DIR / f"{layer}.shp"
        if not path.exists():
            return None
        columns = {f"admin{level}Pcod": "pcode", f"admin{level}Name": "name_fr"}
        if level > 1:
            columns[f"admin{level - 1}Pcod"] = "parent_pcode"
        frame = pyogrio.read_dataframe(path, columns=list(columns), read_geometry=False).rename(columns=columns)
        frame["pcode"] = frame["pcode"].str.strip()
        frame["parent_pcode"] = frame["parent_pcode"].str.strip() if level > 1 else "ML"
        frame["level"] = level
        frames.append(frame[UNIT_COLUMNS])
    return pd.concat(frames, ignore_index=True)
