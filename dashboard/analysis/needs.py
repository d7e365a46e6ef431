"""Need against presence: people in need (HNO) beside the organisations present, by unit and sector.

Definitions (DESIGN.md, *Need coverage*):

- The people in need of a unit and sector are the figure the needs overview gives for that unit. A region
  without a figure of its own for a sector gets the sum of its cercles' figures (cercles split a region, and a
  cercle the overview leaves out of a sector has no need counted in it); a cercle or commune is never given a
  share of its region's figure (the HNO gives food security and the protection areas of responsibility by region
  only: their cercles have no figure, and say so). The intersectoral figure is kept apart: it is not the sum of
  the sectors (one person in need in two sectors counts once), and it is compared with the organisations present
  across all sectors.
- Organisations present: as for gaps (:mod:`dashboard.analysis.gaps`), rows at the unit's level or finer.
- People in need per organisation present: the figure divided by the organisations present; none when nobody
  is present (such cells are gaps, and come first).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.analysis.cube import Selection, counts

#: columns of :func:`needs_at_level`
LEVEL_COLUMNS = ["pcode", "sector_code", "intersectoral", "people_in_need", "targeted", "from_finer"]
#: the sector code the intersectoral figure goes by in tables (it has no sector)
INTERSECTORAL = "intersectoral"


def needs_at_level(needs: pd.DataFrame, level: int, region_of: pd.Series) -> pd.DataFrame:
    """The people in need and targeted of each unit of ``level`` and sector (``sector_code`` is
    :data:`INTERSECTORAL` for the intersectoral figure), from the unit totals of a needs import
    (:data:`dashboard.ingest.needs.NEED_COLUMNS`).

    At the region level (1), a sector without a region figure is the sum of its cercles' (``from_finer``
    True); ``region_of`` maps cercle P-codes to their region's. Other levels take the figures given for them.
    """
    frame = needs.assign(sector_code=needs["sector_code"].where(~needs["intersectoral"], INTERSECTORAL))
    own = frame.loc[frame["level"] == level, ["pcode", "sector_code", "intersectoral", "people_in_need", "targeted"]]
    own = own.assign(from_finer=False)
    if level != 1 or frame.empty:
        return own.reset_index(drop=True)[LEVEL_COLUMNS]
    cercles = frame[frame["level"] == 2].assign(pcode=lambda f: f["pcode"].map(region_of))
    summed = (cercles.dropna(subset=["pcode"])
              .groupby(["pcode", "sector_code", "intersectoral"], as_index=False, observed=True)
              [["people_in_need", "targeted"]].sum(min_count=1))
    given = pd.MultiIndex.from_frame(own[["pcode", "sector_code"]])
    summed = summed[~pd.MultiIndex.from_frame(summed[["pcode", "sector_code"]]).isin(given)].assign(from_finer=True)
    return pd.concat([own, summed], ignore_index=True)[LEVEL_COLUMNS]


def need_denominator(at_level: pd.DataFrame) -> pd.Series:
    """People in need by (``pcode``, ``sector_code``), the sectors only: what gaps are ranked by."""
    sectors = at_level[~at_level["intersectoral"]]
    return pd.Series(sectors["people_in_need"].to_numpy(), name="people_in_need",
                     index=pd.MultiIndex.from_frame(sectors[["pcode", "sector_code"]]))


def need_coverage_table(selection: Selection, level: int, at_level: pd.DataFrame, sectors: Sequence[str],
                        area_units: Sequence[str] | None = None) -> pd.DataFrame:
    """Per unit of ``level`` and sector with a figure of people in need (among ``sectors``; the intersectoral
    figure too when :data:`INTERSECTORAL` is among them, against the organisations present in any sector):
    ``pcode``, ``sector_code`` (none for the intersectoral figure), ``intersectoral``, ``people_in_need``, ``targeted``, ``from_finer``, ``organisations`` (present,
    rows at the unit's level or finer, of the selection) and ``people_in_need_per_organisation`` (<NA> when
    nobody is present). Units outside ``area_units`` (when given) are left out.

    Sorted by people in need per organisation, largest first, cells without any organisation first (by people
    in need), then P-code and sector.
    """
    cube = selection.cube
    table = at_level[at_level["sector_code"].isin(list(sectors)) & at_level["people_in_need"].notna()]
    if area_units is not None:
        table = table[table["pcode"].isin(set(area_units))]
    table = table.reset_index(drop=True)
    unit_number = pd.Series(np.arange(len(cube.units.codes[level])), index=cube.units.codes[level])
    units = unit_number.reindex(table["pcode"]).to_numpy()
    known = ~np.isnan(units)
    units = np.where(known, units, 0).astype(np.int64)
    slots = len(cube.sectors)
    by_sector = counts(selection.cells(level, True), len(cube.units.codes[level]) * slots)
    across = counts(selection.cells(level, False), len(cube.units.codes[level]))
    slot = np.array([cube.sectors.index(code) if code in cube.sectors else -1 for code in table["sector_code"]],
                    dtype=np.int64)
    intersectoral = table["intersectoral"].to_numpy(dtype=bool)
    present = np.where(intersectoral, across[units] if len(across) else 0,
                       np.where(slot >= 0, by_sector[units * slots + np.maximum(slot, 0)] if len(by_sector) else 0, 0))
    table["organisations"] = np.where(known, present, 0).astype(int)
    need = table["people_in_need"].astype("Float64")
    table["people_in_need_per_organisation"] = (need / table["organisations"].where(table["organisations"] > 0)
                                                .astype("Float64")).round(0)
    table["_none"] = table["organisations"] == 0
    table = table.sort_values(["_none", "people_in_need_per_organisation", "people_in_need", "pcode", "sector_code"],
                              ascending=[False, False, False, True, True], na_position="first", kind="stable")
    table["sector_code"] = table["sector_code"].where(~table["intersectoral"], None)
    columns = ["pcode", "sector_code", "intersectoral", "people_in_need", "targeted", "from_finer", "organisations",
               "people_in_need_per_organisation"]
    return table[columns].reset_index(drop=True)


def organisations_present(selection: Selection, level: int, pcodes: Sequence[str], sector: str | None) -> np.ndarray:
    """The organisations present (rows at the unit's level or finer) in each of ``pcodes`` (units of ``level``)
    in ``sector``, or in any sector for None; 0 for a P-code that is no unit of the level."""
    cube = selection.cube
    codes = cube.units.codes[level]
    number = pd.Series(np.arange(len(codes)), index=codes).reindex(list(pcodes)).to_numpy()
    known = ~np.isnan(number)
    units = np.where(known, number, 0).astype(np.int64)
    if sector is None:
        present = counts(selection.cells(level, False), len(codes))
        return np.where(known, present[units] if len(present) else 0, 0).astype(int)
    if sector not in cube.sectors:
        return np.zeros(len(units), dtype=int)
    slots = len(cube.sectors)
    present = counts(selection.cells(level, True), len(codes) * slots)
    cells = units * slots + cube.sectors.index(sector)
    return np.where(known, present[cells] if len(present) else 0, 0).astype(int)


#: columns of :func:`food_insecurity_table`
FOOD_COLUMNS = ["pcode", "phase3plus_current", "phase3plus_projected", "population", "projected_share",
                "organisations", "phase3plus_projected_per_organisation"]


def food_insecurity_table(selection: Selection, level: int, figures: pd.DataFrame, units: Sequence[str],
                          region_of: pd.Series, sector: str = "food_security") -> pd.DataFrame:
    """The Cadre Harmonisé's phase 3+ population beside the organisations present in ``sector`` (food security),
    per unit of ``level`` among ``units`` (regions: the sum of their cercles and of any figure given for the
    region itself; cercles: their own figure). Columns :data:`FOOD_COLUMNS`; the most people projected in
    phase 3+ first, units without a figure last. ``figures``: :attr:`dashboard.geo.food_insecurity.FoodInsecurity.table`."""
    values = ["phase3plus_current", "phase3plus_projected", "population"]
    if level == 1:
        cercles = figures[figures["level"] == 2].assign(pcode=lambda f: f["pcode"].map(region_of))
        given = pd.concat([cercles, figures[figures["level"] == 1]])
        by_unit = given.dropna(subset=["pcode"]).groupby("pcode")[values].sum(min_count=1)
    else:
        by_unit = figures[figures["level"] == level].set_index("pcode")[values]
    table = by_unit.reindex(list(units)).rename_axis("pcode").reset_index()
    table["projected_share"] = (table["phase3plus_projected"].astype("Float64")
                                / table["population"].astype("Float64")).round(3)
    table["organisations"] = organisations_present(selection, level, table["pcode"], sector)
    table["phase3plus_projected_per_organisation"] = (
        table["phase3plus_projected"].astype("Float64")
        / table["organisations"].where(table["organisations"] > 0).astype("Float64")).round(0)
    table = table.sort_values(["phase3plus_projected", "pcode"], ascending=[False, True], na_position="last",
                              kind="stable")
    return table[FOOD_COLUMNS].reset_index(drop=True)
