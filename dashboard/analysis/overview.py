"""The presence page's overview: organisations by type and each organisation's reach (units and sectors),
read from a presence-cube selection (:mod:`dashboard.analysis.cube`), so they agree with the map and the
presence table for the same filters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import Selection


def organisations_by_type(selection: Selection) -> pd.DataFrame:
    """Distinct organisations of the selected rows per organisation type (types in vocabulary order, those
    with none left out), then all types together (``org_type`` None). Columns: ``org_type``, ``organisations``,
    ``share`` (of all the organisations selected)."""
    cube = selection.cube
    present = selection.organisations
    per_type = np.bincount(cube.organisation_type[present], minlength=len(cube.types))
    total = len(present)
    frame = pd.DataFrame({"org_type": list(cube.types) + [None],
                          "organisations": [*per_type.tolist(), total]}).astype({"org_type": object})
    frame = frame[(frame["organisations"] > 0) | frame["org_type"].isna()].reset_index(drop=True)
    frame["share"] = frame["organisations"] / total if total else np.nan
    return frame


def organisation_reach(selection: Selection, level: int, excluded_sector: str | None = None) -> pd.DataFrame:
    """Per organisation of the selected rows: ``units`` (units at ``level`` where it is present: a row at that
    level or finer inside them), ``sectors`` (distinct sectors its rows state; ``excluded_sector``, the rows
    that state none, is not one) and ``rows`` (3W rows). Sorted by units, then sectors, then label; columns
    ``organisation_id``, ``label``, ``org_type``, ``units``, ``sectors``, ``rows``."""
    cube, rows, mask = selection.cube, selection.rows, selection.mask
    count = len(cube.organisation_ids)
    present = selection.cells(level, by_sector=False)
    units = np.bincount(present.organisation, minlength=count)
    stated = mask.copy()
    if excluded_sector is not None and excluded_sector in cube.sectors:
        stated &= rows.sector != cube.sectors.index(excluded_sector)
    pairs = np.unique(rows.organisation[stated].astype(np.int64) * max(len(cube.sectors), 1)
                      + rows.sector[stated].astype(np.int64))
    sectors = np.bincount(pairs // max(len(cube.sectors), 1), minlength=count)
    row_count = np.bincount(rows.organisation[mask], weights=rows.rows[mask], minlength=count).astype(np.int64)
    chosen = selection.organisations
    frame = pd.DataFrame({
        "organisation_id": cube.organisation_ids[chosen], "label": cube.labels[chosen],
        "org_type": np.array(cube.types, dtype=object)[cube.organisation_type[chosen]] if len(chosen) else [],
        "units": units[chosen], "sectors": sectors[chosen], "rows": row_count[chosen],
        "_rank": cube.rank[chosen]})
    frame = frame.sort_values(["units", "sectors", "_rank"], ascending=[False, False, True])
    return frame.drop(columns="_rank").reset_index(drop=True)
