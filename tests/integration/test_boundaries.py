"""The COD-AB Mali 2021 boundaries and the simplified web geometry, checked on the real data mirror."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.geometry

from dashboard.config import get_settings
from dashboard.geo.boundaries import (
    BOUNDARY_DIR,
    LEVEL_NAMES,
    boundary_path,
    load_admin_units,
    load_boundaries,
)
from dashboard.geo.web_geometry import (
    BUILD_INFO_NAME,
    DEFAULT_DECIMALS,
    DEFAULT_TOLERANCE,
    WEB_LEVELS,
    build_web_geometry,
    load_web_geometry,
    web_geometry_path,
)

UNIT_COUNTS = {0: 1, 1: 10, 2: 53, 3: 701}
EQUAL_AREA_CRS = "EPSG:6933"  # WGS 84 / NSIDC EASE-Grid 2.0 Global, cylindrical equal-area
MAX_SLIVER_M2 = 10_000.0  # 1 ha
MAX_COMMUNE_BYTES = 300_000


@pytest.fixture(scope="module")
def mirror() -> Path:
    mirror = get_settings().data_mirror
    if not (mirror / BOUNDARY_DIR).is_dir():
        pytest.skip(f"OCHA COD-AB Mali 2021 not found in the data mirror {mirror} (set MALI3W_DATA_MIRROR)")
    return mirror


@pytest.fixture(scope="module")
def original(mirror: Path) -> dict[int, gpd.GeoDataFrame]:
    return {level: load_boundaries(mirror, level) for level in LEVEL_NAMES}


@pytest.fixture(scope="module")
def geo_dir(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    geo_dir = tmp_path_factory.mktemp("geo")
    build_web_geometry(mirror, geo_dir)
    return geo_dir


@pytest.fixture(scope="module")
def simplified(geo_dir: Path) -> dict[int, gpd.GeoDataFrame]:
    """The built artefacts read back as GeoDataFrames (``pcode`` from the feature id)."""
    frames = {}
    for level in WEB_LEVELS:
        features = load_web_geometry(geo_dir, level)["features"]
        frames[level] = gpd.GeoDataFrame(
            {"pcode": [feature["id"] for feature in features]},
            geometry=[shapely.geometry.shape(feature["geometry"]) for feature in features],
            crs="EPSG:4326",
        )
    return frames


def _areas_m2(geometries: np.ndarray) -> np.ndarray:
    return gpd.GeoSeries(geometries, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.to_numpy()


def _hole_polygons(geometry: shapely.Geometry) -> list[shapely.Polygon]:
    return [shapely.Polygon(ring) for part in shapely.get_parts(geometry) for ring in part.interiors]


# --- boundaries -------------------------------------------------------------------------------


def test_boundary_path_names_the_missing_file_and_the_env_var(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as error:
        boundary_path(tmp_path, 3)
    assert "mli_admbnda_adm3_1m_gov_20211220.shp" in str(error.value)
    assert "MALI3W_DATA_MIRROR" in str(error.value)


@pytest.mark.parametrize("level", sorted(LEVEL_NAMES))
def test_load_boundaries_gives_every_unit_of_the_level(
    original: dict[int, gpd.GeoDataFrame], level: int
) -> None:
    units = original[level]
    assert list(units.columns) == ["pcode", "name_fr", "parent_pcode", "level", "geometry"]
    assert units.crs.to_epsg() == 4326
    assert len(units) == UNIT_COUNTS[level]
    assert units["pcode"].is_unique
    assert (units["pcode"] == units["pcode"].str.strip()).all()
    assert (units["level"] == level).all()
    assert units.geometry.is_valid.all() and not units.geometry.is_empty.any()
    if level == 0:
        assert units["parent_pcode"].tolist() == [None]
    else:
        assert set(units["parent_pcode"]) <= set(original[level - 1]["pcode"])
        assert all(pcode.startswith(parent) for pcode, parent in zip(units["pcode"], units["parent_pcode"]))


def test_load_admin_units_is_the_whole_hierarchy(
    mirror: Path, original: dict[int, gpd.GeoDataFrame]
) -> None:
    units = load_admin_units(mirror)
    assert list(units.columns) == ["pcode", "level", "name_fr", "parent_pcode"]
    assert len(units) == 765
    assert units.groupby("level").size().to_dict() == UNIT_COUNTS
    assert units["pcode"].is_unique
    assert units.equals(units.sort_values(["level", "pcode"], ignore_index=True))
    for level, frame in original.items():
        assert set(units.loc[units["level"] == level, "pcode"]) == set(frame["pcode"])
    names = units.set_index("pcode")["name_fr"]
    assert names["ML04"] == "Ségou"
    assert names["ML070201"] == "Bamba" and names["ML050501"] == "Bamba"


# --- web geometry -----------------------------------------------------------------------------


@pytest.mark.parametrize("level", WEB_LEVELS)
def test_every_unit_is_present_valid_and_named(
    geo_dir: Path, original: dict[int, gpd.GeoDataFrame], simplified: dict[int, gpd.GeoDataFrame], level: int
) -> None:
    features = load_web_geometry(geo_dir, level)["features"]
    assert len(features) == UNIT_COUNTS[level]
    assert {feature["id"] for feature in features} == set(original[level]["pcode"])
    for feature in features:
        assert feature["properties"] == {}  # the P-code is the feature id; names travel with the figure
    geometries = simplified[level].geometry
    assert geometries.is_valid.all()
    assert not geometries.is_empty.any()


@pytest.mark.parametrize("level", WEB_LEVELS)
def test_no_overlap_between_neighbours(simplified: dict[int, gpd.GeoDataFrame], level: int) -> None:
    units = simplified[level]
    geometries = units.geometry.to_numpy()
    left, right = units.sindex.query(geometries, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    areas = _areas_m2(shapely.intersection(geometries[left], geometries[right]))
    worst = int(np.argmax(areas))
    pcodes = units["pcode"].to_numpy()
    assert areas[worst] <= MAX_SLIVER_M2, (
        f"largest overlap {areas[worst]:.0f} m² between {pcodes[left[worst]]} and {pcodes[right[worst]]}"
    )


@pytest.mark.parametrize("level", WEB_LEVELS)
def test_no_gap_between_neighbours(
    original: dict[int, gpd.GeoDataFrame], simplified: dict[int, gpd.GeoDataFrame], level: int
) -> None:
    country_holes = _hole_polygons(original[0].geometry.iloc[0])
    holes = _hole_polygons(shapely.union_all(simplified[level].geometry.to_numpy()))
    gaps = [hole for hole in holes if not any(hole.intersects(country_hole) for country_hole in country_holes)]
    largest = float(_areas_m2(np.array(gaps, dtype=object)).max(initial=0.0))
    assert largest <= MAX_SLIVER_M2, (
        f"{len(gaps)} gaps, the largest {largest:.0f} m², at {[gap.representative_point().wkt for gap in gaps]}"
    )


@pytest.mark.parametrize(("child_level", "parent_level"), [(3, 2), (2, 1)])
def test_levels_share_their_borders(
    original: dict[int, gpd.GeoDataFrame],
    simplified: dict[int, gpd.GeoDataFrame],
    child_level: int,
    parent_level: int,
) -> None:
    """Each simplified unit lies within its simplified parent: the levels draw the same lines."""
    parent_of = original[child_level].set_index("pcode")["parent_pcode"]
    parents = simplified[parent_level].set_index("pcode").geometry
    children = simplified[child_level]
    outside = shapely.difference(
        children.geometry.to_numpy(), parents[children["pcode"].map(parent_of)].to_numpy()
    )
    areas = _areas_m2(outside)
    worst = int(np.argmax(areas))
    assert areas[worst] <= 1.0, (
        f"{children['pcode'].iloc[worst]} sticks out of its parent by {areas[worst]:.0f} m²"
    )


def test_commune_artefact_fits_the_size_budget(geo_dir: Path) -> None:
    size = web_geometry_path(geo_dir, 3).stat().st_size
    assert size <= MAX_COMMUNE_BYTES, f"communes weigh {size:,} bytes"


def test_every_commune_keeps_its_identity(
    original: dict[int, gpd.GeoDataFrame], simplified: dict[int, gpd.GeoDataFrame]
) -> None:
    """The representative point of each simplified commune lies in the original commune (701/701)."""
    originals = original[3].set_index("pcode").geometry
    communes = simplified[3]
    points = shapely.point_on_surface(communes.geometry.to_numpy())
    inside = shapely.contains(originals[communes["pcode"]].to_numpy(), points)
    assert inside.all(), f"points outside their commune: {communes['pcode'][~inside].tolist()}"


def test_build_info_records_sources_parameters_and_sizes(mirror: Path, geo_dir: Path) -> None:
    build_info = json.loads((geo_dir / BUILD_INFO_NAME).read_text(encoding="utf-8"))
    assert build_info["tolerance"] == DEFAULT_TOLERANCE
    assert build_info["decimals"] == DEFAULT_DECIMALS
    assert "mli_admbnda_adm3_1m_gov_20211220.shp" in build_info["sources"]
    for name, checksum in build_info["sources"].items():
        assert hashlib.sha256((mirror / BOUNDARY_DIR / name).read_bytes()).hexdigest() == checksum
    for level in WEB_LEVELS:
        recorded = build_info["levels"][str(level)]
        assert recorded["features"] == UNIT_COUNTS[level]
        assert recorded["bytes"] == web_geometry_path(geo_dir, level).stat().st_size
