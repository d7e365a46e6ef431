"""From the 2015 boundary set to the 2021 one: which 2021 unit each 2015 P-code designates.

Both sets write P-codes alike with other meanings (2015 ML0101 = Kayes, 2021 ML0101 = Bafoulabé) but share
their line work, so a 2015 unit is found in 2021 by area: the 2021 unit of the same level that holds most
of it. When none holds at least :data:`~dashboard.domain.places.WHOLE_UNIT_SHARE` of it, the unit was
split since (the 2015 cercle of Ménaka is the 2021 region of Ménaka, four cercles), and it goes to the
coarser 2021 unit that holds it whole; failing that (the 2015 region of Gao, now Gao and Ménaka) to the
unit holding most of it, with that share as the confidence of every translation made with it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.geo.boundaries import LEGACY_DIR, LEGACY_LAYERS, load_boundaries
from dashboard.domain.places import WHOLE_UNIT_SHARE

CROSSWALK_COLUMNS = ["from_pcode", "to_pcode", "to_level", "share"]


def _legacy_boundaries(mirror: Path, level: int) -> gpd.GeoDataFrame | None:
    path = mirror / LEGACY_DIR / f"{LEGACY_LAYERS[level]}.shp"
    if not path.exists():
        return None
    frame = gpd.read_file(path, engine="pyogrio", columns=[f"admin{level}Pcod"])
    frame = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
    return frame.assign(pcode=frame[f"admin{level}Pcod"].str.strip())[["pcode", "geometry"]]


def _shares(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> pd.DataFrame:
    """For each pair of an old and a new unit that overlap: the share of the old unit's area inside the new."""
    tree = shapely.STRtree(new.geometry.values)
    old_index, new_index = tree.query(old.geometry.values, predicate="intersects")
    inside = shapely.area(shapely.intersection(old.geometry.values[old_index], new.geometry.values[new_index]))
    whole = shapely.area(old.geometry.values[old_index])
    return pd.DataFrame({"from_pcode": old["pcode"].values[old_index], "to_pcode": new["pcode"].values[new_index],
                         "share": np.where(whole > 0, inside / np.maximum(whole, 1e-12), 0.0)})


@lru_cache(maxsize=4)
def legacy_crosswalk(mirror: Path) -> pd.DataFrame | None:
    """One row per 2015 unit (levels 1-3): ``from_pcode, to_pcode, to_level, share``; None without the
    2015 files. Computed from the shapefiles of the mirror in about a second."""
    rows = []
    new = {level: load_boundaries(mirror, level) for level in (1, 2, 3)}
    for level in (1, 2, 3):
        old = _legacy_boundaries(mirror, level)
        if old is None:
            return None
        best_by_level = []
        for target_level in range(level, 0, -1):
            shares = _shares(old, new[target_level]).sort_values("share", ascending=False)
            best = shares.drop_duplicates("from_pcode")
            best_by_level.append({row.from_pcode: (row.to_pcode, target_level, float(row.share))
                                  for row in best.itertuples()})
        for pcode in old["pcode"]:
            whole = next((best[pcode] for best in best_by_level
                          if pcode in best and best[pcode][2] >= WHOLE_UNIT_SHARE), None)
            rows.append((pcode, *(whole or best_by_level[0][pcode])))
    return pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)
