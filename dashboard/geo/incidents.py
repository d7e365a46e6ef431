"""Incidents affecting aid workers (Insecurity Insight, Security in Numbers), counted by 2021 cercle and year.

The file gives each incident a point whose precision varies ("25 km" for most of Mali's); a point says less
than it seems, and the descriptions are sensitive. So the points are read once, placed in the 2021 cercle that
contains them (the 2021 communes' cercle), and only the counts by cercle and year are kept: no coordinate, no
description leaves this module. It is a proxy for insecurity, not an access map.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.geo.boundaries import load_boundaries

INCIDENTS_DIR = "insecurity_insight_mli"
INCIDENTS_FILE = "aid_worker_incidents_mli_2020_2024.csv"
#: columns of :func:`incident_counts`
INCIDENT_COLUMNS = ["pcode", "year", "incidents", "killed", "injured", "kidnapped", "arrested"]
_VICTIMS = {"killed": "Aid Workers Killed", "injured": "Aid Workers Injured", "kidnapped": "Aid Workers Kidnapped",
            "arrested": "Aid Workers Arrested"}


def incidents_path(mirror: Path) -> Path:
    path = Path(mirror) / INCIDENTS_DIR / INCIDENTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"Missing the aid-worker incidents table: {path}. Point MALI3W_DATA_MIRROR at the "
                                "shared data mirror.")
    return path


@lru_cache(maxsize=2)
def incident_counts(mirror: Path) -> pd.DataFrame:
    """Per 2021 cercle (``pcode``) and year: incidents, and aid workers killed, injured, kidnapped and arrested
    (:data:`INCIDENT_COLUMNS`). Incidents outside every commune are left out (none in the 2020-2024 file)."""
    raw = pd.read_csv(incidents_path(mirror), dtype=str)
    raw = raw[raw["Country ISO"].fillna("MLI") == "MLI"]
    points = gpd.GeoDataFrame(
        {"year": pd.to_datetime(raw["Date"]).dt.year.to_numpy(),
         **{name: pd.to_numeric(raw[column]).fillna(0).astype(int).to_numpy() for name, column in _VICTIMS.items()}},
        geometry=gpd.points_from_xy(pd.to_numeric(raw["Longitude"]), pd.to_numeric(raw["Latitude"])), crs=4326)
    communes = load_boundaries(Path(mirror), 3)[["parent_pcode", "geometry"]]
    placed = gpd.sjoin(points, communes, how="inner", predicate="within")
    counts = (placed.assign(incidents=1).rename(columns={"parent_pcode": "pcode"})
              .groupby(["pcode", "year"], as_index=False)[["incidents", *_VICTIMS]].sum())
    return counts[INCIDENT_COLUMNS].sort_values(["pcode", "year"], ignore_index=True)
