"""Simplifying a hand-made coverage keeps shared borders; ensure_web_geometry rebuilds only when needed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.geo.boundaries import BOUNDARY_DIR
from dashboard.geo.web_geometry import (
    BUILD_INFO_NAME,
    DEFAULT_TOLERANCE,
    WEB_LEVELS,
    ensure_web_geometry,
    load_web_geometry,
    simplify_coverage,
    web_geometry_path,
)

TOLERANCE = 0.015
DECIMALS = 3
# Region ML99 -> cercles ML9901 (west), ML9902 (east) -> two communes each (south 01, north 02).
UNITS = pd.DataFrame(
    {
        "pcode": ["ML", "ML99", "ML9901", "ML9902"],
        "level": [0, 1, 2, 2],
        "name_fr": ["Mali (le)", "Ségou-Test", "Cercle Ouest", "Cercle Est"],
        "parent_pcode": [None, "ML", "ML99", "ML99"],
    }
)


def _wiggly_line(start: tuple[float, float], end: tuple[float, float]) -> shapely.LineString:
    """A border with many vertices that zigzag by less than the tolerance."""
    steps = np.linspace(0.0, 1.0, 41)
    x = start[0] + (end[0] - start[0]) * steps
    y = start[1] + (end[1] - start[1]) * steps
    wiggle = 0.0012345 * np.where(np.arange(steps.size) % 2, 1.0, -1.0)
    wiggle[[0, -1]] = 0.0
    if start[0] == end[0]:
        x = x + wiggle
    else:
        y = y + wiggle
    return shapely.LineString(np.column_stack([x, y]))


def _communes() -> gpd.GeoDataFrame:
    """Four communes forming a valid coverage of a 2° box, split by wiggly borders, all corners off the grid."""
    west, south, east, north, middle_x, middle_y = -1.00037, 14.00071, 0.99953, 16.00029, 0.00041, 15.00067
    lines = [
        shapely.box(west, south, east, north).exterior,
        _wiggly_line((middle_x, south), (middle_x, north)),
        _wiggly_line((west, middle_y), (east, middle_y)),
    ]
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    points = shapely.point_on_surface(faces)
    pcodes = [
        f"ML99{'01' if point.x < middle_x else '02'}{'01' if point.y < middle_y else '02'}" for point in points
    ]
    communes = gpd.GeoDataFrame(
        {"pcode": pcodes, "name_fr": [f"Commune {pcode[-4:]}" for pcode in pcodes]},
        geometry=list(faces),
        crs="EPSG:4326",
    )
    communes["parent_pcode"] = communes["pcode"].str[:6]
    return communes.sort_values("pcode", ignore_index=True)


def _write_mirror(mirror: Path) -> None:
    """Write the tiny coverage as COD-AB-style shapefiles of levels 0-3."""
    folder = mirror / BOUNDARY_DIR
    folder.mkdir(parents=True)
    communes = _communes()
    cercles = communes.dissolve("parent_pcode", as_index=False)
    names = UNITS.set_index("pcode")["name_fr"]
    country = communes.union_all()
    layers = {
        0: ({"ADM0_PCODE": ["ML"], "ADM0_FR": [names["ML"]]}, [country]),
        1: ({"ADM1_PCODE": ["ML99"], "ADM1_FR": [names["ML99"]], "ADM0_PCODE": ["ML"]}, [country]),
        2: (
            {
                "ADM2_PCODE": cercles["parent_pcode"],
                "ADM2_FR": cercles["parent_pcode"].map(names),
                "ADM1_PCODE": "ML99",
            },
            cercles.geometry,
        ),
        3: (
            {
                "ADM3_PCODE": communes["pcode"],
                "ADM3_FR": communes["name_fr"],
                "ADM2_PCODE": communes["parent_pcode"],
            },
            communes.geometry,
        ),
    }
    for level, (attributes, geometries) in layers.items():
        layer = gpd.GeoDataFrame(attributes, geometry=list(geometries), crs="EPSG:4326")
        layer.to_file(folder / f"mli_admbnda_adm{level}_1m_gov_20211220.shp", engine="pyogrio")


def _age(paths: list[Path]) -> int:
    """Push the modification time of the files an hour back and return it (in ns)."""
    past = (os.stat(paths[0]).st_mtime_ns // 1_000_000_000 - 3600) * 1_000_000_000
    for path in paths:
        os.utime(path, ns=(past, past))
    return past


def _artefacts(geo_dir: Path) -> list[Path]:
    return [web_geometry_path(geo_dir, level) for level in WEB_LEVELS] + [geo_dir / BUILD_INFO_NAME]


@pytest.fixture
def levels() -> dict[int, gpd.GeoDataFrame]:
    communes = _communes()
    assert shapely.coverage_is_valid(communes.geometry.to_numpy())
    return simplify_coverage(communes, UNITS, TOLERANCE, DECIMALS)


def test_every_level_keeps_every_unit(levels: dict[int, gpd.GeoDataFrame]) -> None:
    assert levels[3]["pcode"].tolist() == ["ML990101", "ML990102", "ML990201", "ML990202"]
    assert levels[2]["pcode"].tolist() == ["ML9901", "ML9902"]
    assert levels[1]["pcode"].tolist() == ["ML99"]
    assert levels[1]["name_fr"].tolist() == ["Ségou-Test"]
    for frame in levels.values():
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()


def test_simplification_drops_the_wiggles_and_rounds_to_the_grid(levels: dict[int, gpd.GeoDataFrame]) -> None:
    original_vertices = shapely.get_num_coordinates(_communes().geometry.to_numpy()).sum()
    assert shapely.get_num_coordinates(levels[3].geometry.to_numpy()).sum() < original_vertices / 2
    for frame in levels.values():
        coordinates = shapely.get_coordinates(frame.geometry.to_numpy()) * 10**DECIMALS
        assert np.allclose(coordinates, np.round(coordinates), rtol=0, atol=1e-6)


def test_dissolved_cercles_share_their_border(levels: dict[int, gpd.GeoDataFrame]) -> None:
    west, east = levels[2].geometry
    assert shapely.intersection(west, east).area == 0
    assert shapely.intersection(west, east).length > 1.9  # the whole north-south border
    union = shapely.union_all([west, east])
    assert union.geom_type == "Polygon" and not union.interiors
    assert union.equals(levels[1].geometry.iloc[0])


def test_cercles_are_exactly_the_union_of_their_communes(levels: dict[int, gpd.GeoDataFrame]) -> None:
    communes = levels[3]
    for pcode, cercle in zip(levels[2]["pcode"], levels[2].geometry):
        own_communes = communes.geometry[communes["parent_pcode"] == pcode].to_numpy()
        assert shapely.union_all(own_communes).equals(cercle)
        assert np.isclose(sum(shapely.area(own_communes)), cercle.area, rtol=0, atol=1e-12)


def test_exterior_rings_are_clockwise(levels: dict[int, gpd.GeoDataFrame]) -> None:
    for frame in levels.values():
        for polygon in shapely.get_parts(frame.geometry.to_numpy()):
            assert not polygon.exterior.is_ccw


def test_ensure_builds_then_rebuilds_only_when_inputs_change(tmp_path: Path) -> None:
    mirror, geo_dir = tmp_path / "mirror", tmp_path / "geo"
    _write_mirror(mirror)

    paths = ensure_web_geometry(mirror, geo_dir)
    assert paths == {level: web_geometry_path(geo_dir, level) for level in WEB_LEVELS}
    regions = load_web_geometry(geo_dir, 1)
    assert regions["features"][0]["id"] == "ML99"
    assert regions["features"][0]["id"] == "ML99"
    assert regions["features"][0]["properties"] == {}

    past = _age(_artefacts(geo_dir))
    ensure_web_geometry(mirror, geo_dir)
    assert all(path.stat().st_mtime_ns == past for path in _artefacts(geo_dir)), "rebuilt with nothing changed"

    build_info_path = geo_dir / BUILD_INFO_NAME
    build_info = json.loads(build_info_path.read_text(encoding="utf-8"))
    build_info["tolerance"] = DEFAULT_TOLERANCE * 2
    build_info_path.write_text(json.dumps(build_info), encoding="utf-8")
    past = _age(_artefacts(geo_dir))
    ensure_web_geometry(mirror, geo_dir)
    rebuilt = [path.stat().st_mtime_ns > past for path in _artefacts(geo_dir)]
    assert all(rebuilt), "not rebuilt for another tolerance"
    assert json.loads(build_info_path.read_text(encoding="utf-8"))["tolerance"] == DEFAULT_TOLERANCE

    web_geometry_path(geo_dir, 2).unlink()
    ensure_web_geometry(mirror, geo_dir)
    assert len(load_web_geometry(geo_dir, 2)["features"]) == 2
