"""Build, once, the simplified region/cercle/commune geometry the browser map draws.

The full COD-AB communes weigh 1.7 MB as GeoJSON, too heavy to send to every browser. The commune
coverage is simplified as a whole (``shapely.coverage_simplify``) so neighbours keep sharing the
same border, snapped to a 10^-decimals degree grid (identical vertices stay identical), and the
cercles and regions are dissolved from the simplified communes, so all three levels draw the very
same lines. The artefacts land in ``settings.geo_dir`` with a ``build_info.json`` that records the
source checksums and parameters, so startup rebuilds only when one of them changed.

Mali's artefacts (the default country) are built from ``dashboard.geo.boundaries`` as they always were; another
country's are built from its profile's boundary files (``data/countries/<ISO3>.toml``) into ``geo_dir/<ISO3>/``.
A country whose communes have no geometry (Burkina Faso's COD-AB communes are attribute tables only) names in its
profile a map of its finest level that has some (``[map_geometry]``: Burkina's provinces); that level's polygons are
simplified the same way and the coarser levels dissolved from them, and only those levels are built
(:attr:`dashboard.domain.country.CountryProfile.map_levels`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from dashboard.config import BOUNDARY_VERSION
from dashboard.domain.country import CountryProfile
from dashboard.geo.boundaries import boundary_path, load_boundaries, load_units
from dashboard.geo.profiles import DEFAULT_COUNTRY, level_path, load_profile_units

logger = logging.getLogger(__name__)

#: Simplification tolerance in degrees (about 1.8 km). With the P-code as the only attribute the
#: communes weigh 297 KB at 0.015 (too close to the 300 KB budget), 289 KB at 0.016 and 281 KB at
#: 0.017; the smallest urban communes (5-20 km²) keep their own polygon around their representative point.
DEFAULT_TOLERANCE = 0.016
#: Decimals kept in the coordinates: 0.001° is about 110 m, far below the 1:1M source scale.
DEFAULT_DECIMALS = 3
#: Admin levels drawn on the map: regions, cercles, communes (a country's own: its profile's ``map_levels``).
WEB_LEVELS = (1, 2, 3)
#: Bumped whenever the artefact layout changes, so old artefacts get rebuilt.
FORMAT_VERSION = 2
BUILD_INFO_NAME = "build_info.json"


class NoCommuneGeometry(ValueError):
    """A country whose map file in the mirror has no geometry (a bare attribute table), so no map is built."""


def web_levels(profile: CountryProfile | None = None) -> tuple[int, ...]:
    """The levels built for the map: Mali's three, or those of the profile's country that have polygons."""
    return WEB_LEVELS if _is_mali(profile) else profile.map_levels


def _is_mali(profile: CountryProfile | None) -> bool:
    return profile is None or profile.iso3 == DEFAULT_COUNTRY


def country_geo_dir(geo_dir: Path, profile: CountryProfile | None = None) -> Path:
    """Where a country's artefacts live: ``geo_dir`` itself for Mali (as before profiles), ``geo_dir/<ISO3>`` for
    another country, so installations of several countries may share one ``MALI3W_GEO_DIR``."""
    return Path(geo_dir) if _is_mali(profile) else Path(geo_dir) / profile.iso3


def web_geometry_path(geo_dir: Path, level: int, profile: CountryProfile | None = None) -> Path:
    """Return the path of the simplified GeoJSON of one admin level (1 region, 2 cercle, 3 commune) of Mali, or
    of the country of ``profile``."""
    if level not in web_levels(profile):
        raise ValueError(f"No web geometry for admin level {level!r}: expected one of {web_levels(profile)}")
    if _is_mali(profile):
        return Path(geo_dir) / f"mli_adm{level}_2021.geojson"
    return country_geo_dir(geo_dir, profile) / f"{profile.iso3.lower()}_adm{level}.geojson"


def _repaired(geometries: np.ndarray, pcodes: pd.Series) -> np.ndarray:
    """Repair invalid polygons, if any, keeping only their polygonal parts."""
    invalid = ~shapely.is_valid(geometries)
    if not invalid.any():
        return geometries
    logger.warning("Repairing %d invalid simplified polygons: %s", invalid.sum(), list(pcodes[invalid]))
    repaired = geometries.copy()
    repaired[invalid] = shapely.make_valid(geometries[invalid], method="structure", keep_collapsed=False)
    return repaired


def _dissolve(children: gpd.GeoDataFrame, parents: pd.DataFrame) -> gpd.GeoDataFrame:
    """Merge child units into their parents (``children.parent_pcode``) along their shared edges.

    ``coverage_union_all`` only drops the shared edges, so the parents keep exactly the children's
    outer vertices and the levels share their borders.
    """
    unknown = sorted(set(children["parent_pcode"]) - set(parents["pcode"]))
    childless = sorted(set(parents["pcode"]) - set(children["parent_pcode"]))
    if unknown or childless:
        raise ValueError(f"Hierarchy mismatch: unknown parents {unknown}, parents without units {childless}")
    dissolved = (
        children.groupby("parent_pcode")["geometry"]
        .agg(lambda geometries: shapely.coverage_union_all(geometries.to_numpy()))
        .rename_axis("pcode")
        .reset_index()
    )
    units = parents[["pcode", "name_fr", "parent_pcode"]].merge(dissolved, on="pcode", validate="one_to_one")
    units["geometry"] = _repaired(units["geometry"].to_numpy(), units["pcode"])
    return gpd.GeoDataFrame(units, geometry="geometry", crs=children.crs)


def simplify_coverage(
    communes: gpd.GeoDataFrame, units: pd.DataFrame, tolerance: float, decimals: int, finest: int = 3
) -> dict[int, gpd.GeoDataFrame]:
    """Simplify the commune coverage and dissolve it into cercles and regions.

    ``communes`` has ``pcode, name_fr, parent_pcode, geometry`` (a valid coverage in degrees);
    ``units`` gives ``pcode, level, name_fr, parent_pcode`` of the cercles (2) and regions (1),
    other levels are ignored. Returns one GeoDataFrame (``pcode, name_fr, parent_pcode, geometry``,
    sorted by P-code) per level 1-3. Exterior rings are clockwise (the D3 convention of Plotly's
    geo traces; MapLibre accepts either), holes anticlockwise. With ``finest`` = 2, ``communes`` are the
    units of level 2 (provinces) and levels 1-2 are returned.
    """
    simplified = shapely.coverage_simplify(communes.geometry.to_numpy(), tolerance)
    snapped = shapely.set_precision(simplified, 10.0**-decimals)
    commune_units = communes[["pcode", "name_fr", "parent_pcode"]].reset_index(drop=True)
    commune_units["geometry"] = _repaired(snapped, commune_units["pcode"])
    collapsed = shapely.is_empty(commune_units["geometry"].to_numpy())
    if collapsed.any():
        # Never drop a unit: a commune missing from the map would hide its activities.
        raise ValueError(
            f"Simplification at tolerance {tolerance} collapsed {list(commune_units['pcode'][collapsed])}: "
            "lower the tolerance"
        )
    levels = {finest: gpd.GeoDataFrame(commune_units, geometry="geometry", crs=communes.crs)}
    for level in range(finest - 1, 0, -1):
        levels[level] = _dissolve(levels[level + 1], units[units["level"] == level])
    for level, frame in levels.items():
        frame["geometry"] = shapely.orient_polygons(frame.geometry.to_numpy(), exterior_cw=True)
        levels[level] = frame.sort_values("pcode", ignore_index=True)
    return levels


def _feature_collection(units: gpd.GeoDataFrame) -> bytes:
    """Serialise units as compact UTF-8 GeoJSON whose only attribute is the P-code, as the feature ``id``.

    The map joins colours and names to features by P-code, so properties would be dead weight: leaving
    them out saves about 30 KB on the communes, spent instead on a finer simplification.
    """
    features = [
        {"type": "Feature", "id": pcode, "properties": {}, "geometry": shapely.geometry.mapping(geometry)}
        for pcode, geometry in zip(units["pcode"], units.geometry, strict=True)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file and rename, so a reader never sees a half-written artefact."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(content)
    os.chmod(handle.name, 0o644)  # temporary files are private (0600); the artefacts are public data
    os.replace(handle.name, path)


def _finest_file(folder: Path, profile: CountryProfile, map_folder: Path | None = None) -> Path:
    """The file holding the polygons of the profile's finest map level: the communes' shapefile, or the map
    dataset's file (in ``map_folder``) its ``[map_geometry]`` names; :class:`NoCommuneGeometry` when it is an
    attribute table only or missing."""
    geometry = profile.map_geometry
    if geometry is None:
        path = level_path(profile, folder, 3)
    else:
        path = Path(map_folder or folder) / geometry.file
        if not path.is_file():
            raise NoCommuneGeometry(
                f"the map of {profile.name_en} ({path}) is not in the data mirror: point MALI3W_DATA_MIRROR at a "
                f"folder holding the profile's map dataset {profile.map!r}")
    if path.suffix.lower() not in (".shp", ".geojson", ".json", ".gpkg"):
        raise NoCommuneGeometry(
            f"the {profile.level(profile.map_level).name_en}s of {profile.name_en} in the data mirror ({path.name}) "
            "have no geometry, so its map cannot be built from them")
    return path


def _source_files(mirror: Path, profile: CountryProfile | None = None, map_folder: Path | None = None) -> list[Path]:
    """The mirror files the build reads: commune geometry and attributes, cercle and region attributes."""
    if _is_mali(profile):
        commune_shp = boundary_path(mirror, 3)
        return [
            commune_shp,
            commune_shp.with_suffix(".dbf"),
            boundary_path(mirror, 2).with_suffix(".dbf"),
            boundary_path(mirror, 1).with_suffix(".dbf"),
        ]
    finest = _finest_file(mirror, profile, map_folder)
    if profile.map_geometry is not None:  # the map's polygons; the names and parents from the boundaries
        return [finest, *(level_path(profile, mirror, level) for level in range(profile.map_level, 0, -1))]
    return [finest, finest.with_suffix(".dbf"),
            *(level_path(profile, mirror, level).with_suffix(".dbf") for level in (2, 1))]


def _load_map_geometry(mirror: Path, profile: CountryProfile,
                       map_folder: Path | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The polygons of the profile's finest map level from its map dataset, named and parented by the boundaries'
    units of that level (every unit must have exactly one polygon), and the units of the coarser levels."""
    geometry, level = profile.map_geometry, profile.map_level
    path = _finest_file(mirror, profile, map_folder)
    shapes = gpd.read_file(path, engine="pyogrio", columns=[geometry.code_column])
    if shapes.crs is None or shapes.crs.to_epsg() != 4326:
        shapes = shapes.to_crs(4326)
    shapes = shapes.rename(columns={geometry.code_column: "pcode"})
    shapes["pcode"] = shapes["pcode"].str.strip()
    units = load_profile_units(profile, mirror, level)
    unknown = sorted(set(shapes["pcode"]) - set(units["pcode"]))
    missing = sorted(set(units["pcode"]) - set(shapes["pcode"]))
    repeated = sorted(shapes.loc[shapes["pcode"].duplicated(), "pcode"])
    if unknown or missing or repeated:
        raise ValueError(f"the map {path.name} does not match the {profile.level(level).name_en}s of "
                         f"{profile.name_en}: codes not in the boundaries {unknown}, units without a polygon "
                         f"{missing}, codes given twice {repeated}")
    finest = units[["pcode", "name_fr", "parent_pcode"]].merge(shapes[["pcode", "geometry"]], on="pcode")
    coarser = [load_profile_units(profile, mirror, number) for number in range(1, level)]
    return (gpd.GeoDataFrame(finest, geometry="geometry", crs=shapes.crs),
            pd.concat(coarser, ignore_index=True) if coarser else units.iloc[0:0])


def _load_sources(mirror: Path, profile: CountryProfile | None,
                  map_folder: Path | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The communes with their geometry (``pcode, name_fr, parent_pcode, geometry`` in degrees) and the units of
    levels 1 and 2, of Mali (from the data mirror) or of the profile's country (from its boundaries folder); for a
    country whose communes have no polygons, the units of its finest map level instead (from ``map_folder``)."""
    if _is_mali(profile):
        communes = load_boundaries(mirror, 3)
        return communes, pd.concat([load_units(mirror, level) for level in (1, 2)], ignore_index=True)
    if profile.map_geometry is not None:
        return _load_map_geometry(mirror, profile, map_folder)
    spec = profile.level(3)
    columns = {spec.code_column: "pcode", spec.name_column: "name_fr", spec.parent_column: "parent_pcode"}
    communes = gpd.read_file(_finest_file(mirror, profile), engine="pyogrio", columns=list(columns))
    if communes.crs is None or communes.crs.to_epsg() != 4326:
        communes = communes.to_crs(4326)
    communes = communes.rename(columns=columns)
    communes["pcode"] = communes["pcode"].str.strip()
    communes["parent_pcode"] = communes["parent_pcode"].str.strip()
    units = pd.concat([load_profile_units(profile, mirror, level) for level in (1, 2)], ignore_index=True)
    return communes[["pcode", "name_fr", "parent_pcode", "geometry"]], units


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_inputs(mirror: Path, tolerance: float, decimals: int,
                  profile: CountryProfile | None = None, map_folder: Path | None = None) -> dict[str, Any]:
    """Everything the artefacts depend on; a build is current when its build_info records the same."""
    return {
        "format_version": FORMAT_VERSION,
        "boundary_version": BOUNDARY_VERSION if _is_mali(profile) else profile.boundary_version,
        "tolerance": tolerance,
        "decimals": decimals,
        "sources": {path.name: _sha256(path) for path in _source_files(mirror, profile, map_folder)},
    }


def build_web_geometry(
    mirror: Path, geo_dir: Path, tolerance: float = DEFAULT_TOLERANCE, decimals: int = DEFAULT_DECIMALS,
    profile: CountryProfile | None = None, map_folder: Path | None = None,
) -> dict[int, Path]:
    """Build the simplified GeoJSON of levels 1-3 and ``build_info.json`` of Mali into ``geo_dir``, from the data
    ``mirror``; or, given a ``profile`` of another country, from its boundaries dataset's folder (``mirror`` is then
    that folder, which the caller finds in the data manifest) into ``geo_dir/<ISO3>``; ``map_folder`` is the folder
    of the profile's map dataset when its ``[map_geometry]`` gives the polygons (the boundaries' folder by default).

    Returns the artefact path of each level. ``build_info.json`` is written last, so an
    interrupted build is rebuilt by the next ``ensure_web_geometry``.
    """
    inputs = _build_inputs(mirror, tolerance, decimals, profile, map_folder)
    target = country_geo_dir(geo_dir, profile)
    target.mkdir(parents=True, exist_ok=True)
    communes, units = _load_sources(mirror, profile, map_folder)
    levels = simplify_coverage(communes, units, tolerance, decimals, finest=max(web_levels(profile)))

    paths: dict[int, Path] = {}
    level_info: dict[str, dict[str, Any]] = {}
    for level in web_levels(profile):
        path = web_geometry_path(geo_dir, level, profile)
        content = _feature_collection(levels[level])
        _write_atomically(path, content)
        paths[level] = path
        level_info[str(level)] = {"file": path.name, "features": len(levels[level]), "bytes": len(content)}

    build_info = {**inputs, "levels": level_info, "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
    _write_atomically(target / BUILD_INFO_NAME, json.dumps(build_info, indent=2).encode("utf-8"))
    logger.info("Built web geometry in %s: %s", target, level_info)
    return paths


def _is_current(geo_dir: Path, inputs: dict[str, Any], profile: CountryProfile | None = None) -> bool:
    """Tell whether every artefact exists and was built from exactly these inputs."""
    if not all(web_geometry_path(geo_dir, level, profile).is_file() for level in web_levels(profile)):
        return False
    try:
        build_info = json.loads((country_geo_dir(geo_dir, profile) / BUILD_INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(build_info, dict) and all(build_info.get(key) == value for key, value in inputs.items())


def ensure_web_geometry(mirror: Path, geo_dir: Path, profile: CountryProfile | None = None,
                        map_folder: Path | None = None) -> dict[int, Path]:
    """Return the artefact paths (of Mali, or of the profile's country: ``mirror`` is then its boundaries folder, as
    for :func:`build_web_geometry`), (re)building them only if one is missing or its inputs changed.

    Checking costs a checksum of about 1.3 MB of source files, so it is cheap enough for startup.
    """
    geo_dir = Path(geo_dir)
    inputs = _build_inputs(mirror, DEFAULT_TOLERANCE, DEFAULT_DECIMALS, profile, map_folder)
    if _is_current(geo_dir, inputs, profile):
        return {level: web_geometry_path(geo_dir, level, profile) for level in web_levels(profile)}
    logger.info("Web geometry in %s is missing or stale: rebuilding", country_geo_dir(geo_dir, profile))
    return build_web_geometry(mirror, geo_dir, profile=profile, map_folder=map_folder)


def load_web_geometry(geo_dir: Path, level: int, profile: CountryProfile | None = None) -> dict[str, Any]:
    """Load the simplified GeoJSON FeatureCollection of one level, as built by ``build_web_geometry``."""
    return json.loads(web_geometry_path(geo_dir, level, profile).read_text(encoding="utf-8"))


def label_points(content: bytes) -> dict[str, tuple[float, float]]:
    """Where each unit's name is written on a map: a point inside the unit (its centroid when that lies inside,
    else a point on its surface: a crescent's centroid lies outside it), (lon, lat) by P-code, from a built
    level's GeoJSON."""
    features = json.loads(content)["features"]
    shapes = shapely.from_geojson([json.dumps(feature["geometry"]) for feature in features])
    centroids = shapely.centroid(shapes)
    inside = shapely.contains(shapes, centroids)
    points = np.where(inside, centroids, shapely.point_on_surface(shapes))
    return {feature["id"]: (round(float(shapely.get_x(point)), 4), round(float(shapely.get_y(point)), 4))
            for feature, point in zip(features, points, strict=True)}
