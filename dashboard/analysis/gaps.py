"""Gaps: units x sectors where nobody (or nobody of a chosen type) is present, ranked by a denominator.

Definition (DESIGN.md): a gap is a unit x sector with no organisation present (or none of a chosen type,
e.g. no national NGO), ranked by need: people in need when imported, else population; units without a
denominator say so and come last. Presence follows :mod:`dashboard.analysis.presence`: rows at the unit's
level or finer count; organisations reported only at a coarser level containing the unit (e.g. a cercle-level
row for a commune) do not fill the gap but are counted in ``coarser_only``, because "someone reports the
whole cercle" is a different kind of gap from "nobody at all".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.analysis.cube import Selection, counts
from dashboard.analysis.presence import given_rows

GAP_KEYS = ["pcode", "sector_code"]


def _denominator(population: pd.DataFrame | pd.Series | None) -> tuple[str, pd.Series | None]:
    """``(column name, values)``: values indexed by ``pcode`` or by ``(pcode, sector_code)``.

    A DataFrame is read as :func:`dashboard.geo.population.load_population` returns it (``pcode``,
    ``population``); a Series keeps its own name (e.g. ``people_in_need``, indexed by pcode and sector).
    """
    if population is None:
        return "population", None
    if isinstance(population, pd.DataFrame):
        return "population", population.set_index("pcode")["population"].convert_dtypes()
    return str(population.name or "population"), population.convert_dtypes()  # nullable: <NA> when missing


def gap_table(selection: Selection, level: int, sectors: Sequence[str],
              population: pd.DataFrame | pd.Series | None = None, org_type: str | None = None,
              area: str | None = None) -> pd.DataFrame:
    """The gap cells among every unit at ``level`` (inside ``area``) x each of ``sectors``, from a cube
    selection of one period.

    A cell is a gap when no organisation is present in it (rows at ``level`` or finer), or, when
    ``org_type`` is given (e.g. ``"ngo_national"``), no organisation of that type. Columns: ``pcode``,
    ``sector_code``, ``organisations`` (organisations present, any type), ``coarser_only`` (organisations
    meeting the gap's criterion, i.e. of ``org_type`` when given, reported only at a coarser level containing
    the unit), the denominator (``population`` by default, or the name of the Series given; <NA> when
    unknown) and ``<denominator>_known``. Sorted by denominator descending, unknown last, then P-code and the
    order of ``sectors``.
    """
    column, values = _denominator(population)
    sectors = list(dict.fromkeys(str(sector) for sector in sectors))
    cube = selection.cube
    slots = len(cube.sectors)
    size = len(cube.units.codes[level]) * slots
    scope = selection.of_type(org_type)
    any_present = counts(selection.cells(level, True), size)
    scope_cells = scope.cells(level, True)
    present = counts(scope_cells, size)
    coarser = scope.coarser_only(level, True, scope_cells)
    units = np.flatnonzero(cube.units.inside(level, area))
    slot = np.array([cube.sectors.index(code) if code in cube.sectors else -1 for code in sectors], dtype=np.int64)
    unit_grid, slot_grid = np.repeat(units, len(sectors)), np.tile(slot, len(units))
    cells = unit_grid * slots + np.maximum(slot_grid, 0)
    known = slot_grid >= 0
    grid = pd.DataFrame({"pcode": cube.units.codes[level][unit_grid],
                         "sector_code": np.tile(np.array(sectors, dtype=object), len(units)),
                         "present": np.where(known, present[cells] if size else 0, 0),
                         "organisations": np.where(known, any_present[cells] if size else 0, 0).astype(int),
                         "coarser_only": np.where(known, coarser[cells] if size else 0, 0).astype(int)})
    gaps = grid[grid["present"] == 0].drop(columns="present").reset_index(drop=True)
    if values is None:
        gaps[column] = pd.array([pd.NA] * len(gaps), dtype="Int64")
    elif values.index.nlevels == 2:
        gaps[column] = values.reindex(pd.MultiIndex.from_frame(gaps[GAP_KEYS])).array
    else:
        gaps[column] = values.reindex(gaps["pcode"]).array
    gaps[f"{column}_known"] = gaps[column].notna().astype(bool)
    gaps["_sector_order"] = gaps["sector_code"].map({sector: n for n, sector in enumerate(sectors)})
    gaps = gaps.sort_values([column, "pcode", "_sector_order"], ascending=[False, True, True],
                            na_position="last", kind="stable")
    return gaps.drop(columns="_sector_order").reset_index(drop=True)


def sector_gaps(activities: pd.DataFrame, units: pd.DataFrame, level: int, sectors: Sequence[str],
                population: pd.DataFrame | pd.Series | None = None, org_type: str | None = None) -> pd.DataFrame:
    """:func:`gap_table` of the rows given (pass the activities of one period)."""
    return gap_table(given_rows(activities, units), level, sectors, population, org_type)


def gap_summary(gaps: pd.DataFrame, units: pd.DataFrame, level: int) -> pd.DataFrame:
    """Per unit at ``level`` (all of them, in the order of ``units``), the sectors that are gaps there.

    ``gaps`` is a :func:`sector_gaps` result. Columns: ``pcode``, ``gaps`` (number of gap sectors: 0 means
    no gap among the sectors asked) and ``gap_sectors`` (their codes, sorted). The number of units with at
    least one gap is ``(summary["gaps"] > 0).sum()``.
    """
    frame = units.loc[units["level"] == level, ["pcode"]].astype(str).reset_index(drop=True)
    ordered = gaps.sort_values("sector_code")
    listed = ordered.groupby("pcode")["sector_code"].agg(list)
    frame["gaps"] = frame["pcode"].map(ordered.groupby("pcode").size()).fillna(0).astype(int)
    frame["gap_sectors"] = [listed.get(pcode, []) for pcode in frame["pcode"]]
    return frame
