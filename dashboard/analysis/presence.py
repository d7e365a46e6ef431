"""Presence: which organisations work in each unit.

Definition (DESIGN.md): the presence of a unit is the number of distinct canonical organisations with at
least one matching activity in the unit or inside it. Rows known only at a coarser level (a cercle without
commune, a region without cercle) count at that coarser level; on a finer map they are shown as "reported
at cercle (or region) level only" for every unit inside, never dropped and never counted as present.

The counting is done on the presence cube (:mod:`dashboard.analysis.cube`): :func:`presence_table` reads a
selection of it; the frame functions below build a cube of the rows they are given, for callers (and tests)
that hold a frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import (
    LEVEL_COLUMN,
    PresenceCube,
    Selection,
    counts,
    counts_by_type,
)
from dashboard.analysis.organisations import NATIONAL_NGO
from dashboard.domain.places import UnitIndex

#: the one period of a cube made of the rows a frame function is given (whatever their periods)
GIVEN = "given"


def given_rows(activities: pd.DataFrame, units: pd.DataFrame, organisations: pd.DataFrame | None = None) -> Selection:
    """All the rows of a frame as one selection (a cube of one period, built on the spot)."""
    cube = PresenceCube.build(activities.assign(period=GIVEN), units, organisations)
    return cube.select(GIVEN)


def presence_table(selection: Selection, level: int, by_sector: bool = True, sectors: list[str] | None = None,
                   area: str | None = None) -> pd.DataFrame:
    """Presence per unit at ``level`` (and sector) split by organisation type, from a cube selection.

    One row per unit at ``level`` (every unit inside ``area``, zeros included, in the order of the units frame)
    and, when ``by_sector``, per sector of ``sectors`` (default: those of the selected rows, sorted by code).
    Level 0 gives national figures. Columns: ``pcode``, ``sector_code`` (if ``by_sector``), ``total``
    (distinct organisations present: rows at ``level`` or finer), one column per organisation type that
    occurs in the cube (in vocabulary order), ``national_ngo_share`` (``ngo_national / total``; NaN when
    ``total`` is 0) and ``coarser_only`` (other organisations reported only at a coarser level containing the
    unit, in that sector).
    """
    cube = selection.cube
    if level not in (0, 1, 2, 3):
        raise ValueError(f"unknown admin level {level!r}: expected 0 (country), 1, 2 or 3")
    slots = len(cube.sectors) if by_sector else 1
    unit_count = len(cube.units.codes[level])
    present = selection.cells(level, by_sector)
    total = counts(present, unit_count * slots)
    by_type = counts_by_type(cube, present, unit_count * slots)
    coarser = selection.coarser_only(level, by_sector, present)
    units = np.flatnonzero(cube.units.inside(level, area))
    if by_sector:
        chosen = ([cube.sectors.index(code) for code in sectors if code in cube.sectors] if sectors is not None
                  else sorted(selection.sector_numbers.tolist()))
        names = [code if code in cube.sectors else code for code in
                 (sectors if sectors is not None else [cube.sectors[n] for n in chosen])]
        slot_of = {code: (cube.sectors.index(code) if code in cube.sectors else -1) for code in names}
        unit_grid = np.repeat(units, len(names))
        slot_grid = np.tile(np.array([slot_of[code] for code in names], dtype=np.int64), len(units))
        cells = unit_grid * slots + np.maximum(slot_grid, 0)
        known = np.tile(np.array([slot_of[code] >= 0 for code in names]), len(units))
        frame = pd.DataFrame({"pcode": cube.units.codes[level][unit_grid],
                              "sector_code": np.tile(np.array(names, dtype=object), len(units))})
    else:
        cells, known = units.astype(np.int64), np.ones(len(units), dtype=bool)
        frame = pd.DataFrame({"pcode": cube.units.codes[level][units]})
    frame["total"] = np.where(known, total[cells], 0).astype(int)
    for number, code in enumerate(cube.types):
        frame[code] = np.where(known, by_type[cells, number], 0).astype(int)
    national = frame[NATIONAL_NGO] if NATIONAL_NGO in frame.columns else pd.Series(0, index=frame.index)
    frame["national_ngo_share"] = (national / frame["total"]).where(frame["total"] > 0).astype(float)
    frame["coarser_only"] = np.where(known, coarser[cells], 0).astype(int)
    return frame


def presence_by_unit(activities: pd.DataFrame, units: pd.DataFrame, level: int) -> pd.DataFrame:
    """One row per unit at ``level`` (all of them, zeros included), in the order of ``units``.

    Columns: ``pcode``, ``organisations`` (distinct organisations present), ``coarser_only`` (distinct other
    organisations reported only at a coarser level that contains the unit).
    """
    table = presence_table(given_rows(activities, units), level, by_sector=False)
    return table.rename(columns={"total": "organisations"})[["pcode", "organisations", "coarser_only"]]


def presence_by_type(activities: pd.DataFrame, units: pd.DataFrame, level: int,
                     by_sector: bool = True) -> pd.DataFrame:
    """Presence per unit (and sector) split by organisation type: :func:`presence_table` of the rows given
    (pass the activities of one period; see :func:`dashboard.analysis.filters.filter_activities`)."""
    return presence_table(given_rows(activities, units), level, by_sector)


def organisations_in_unit(activities: pd.DataFrame, organisations: pd.DataFrame, units: pd.DataFrame,
                          pcode: str) -> pd.DataFrame:
    """Who works in a unit: one row per organisation with the finest level it was reported at and its sectors
    at that level.

    ``reported_at`` is the unit's own level (or finer) for organisations present in it, and the coarser
    level (1 region, 2 cercle) for organisations reported only around it.
    """
    level = int(units.loc[units["pcode"] == pcode, "level"].iloc[0])
    inside = activities[(activities["location_level"] >= level)
                        & (activities[LEVEL_COLUMN[level]].astype(str) == pcode)]
    around = [activities[(activities["location_level"] == coarse)
                         & (activities[LEVEL_COLUMN[coarse]].astype(str) == _ancestor(units, level, coarse)[pcode])]
              for coarse in range(1, level)]
    rows = pd.concat([inside.assign(reported_at=level)] + [frame.assign(reported_at=frame["location_level"])
                                                           for frame in around])
    if rows.empty:
        return pd.DataFrame(columns=["organisation_id", "acronym", "name", "org_type", "sectors", "reported_at"])
    # An organisation's sectors are those of its finest reports: one working in the commune for WASH and
    # reported for GBV only at cercle level is listed in the commune for WASH, not as doing GBV there.
    finest = rows["reported_at"] == rows.groupby("organisation_id")["reported_at"].transform("max")
    summary = rows[finest].groupby("organisation_id").agg(
        sectors=("sector_code", lambda codes: sorted(set(map(str, codes)))),
        reported_at=("reported_at", "max")).reset_index()
    table = summary.merge(organisations[["organisation_id", "acronym", "name", "org_type"]], on="organisation_id")
    table = table.sort_values(["reported_at", "acronym"], ascending=[False, True], key=_sort_key)
    return table[["organisation_id", "acronym", "name", "org_type", "sectors", "reported_at"]].reset_index(drop=True)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.dtype == object or str(column.dtype) == "str" else column


def _ancestor(units: pd.DataFrame, level: int, coarse: int) -> pd.Series:
    """For each unit at ``level`` (index: its P-code), its ancestor at the ``coarse`` level."""
    index = UnitIndex.build(units)
    ancestors = index.ancestors(level, coarse)
    return pd.Series(index.codes[coarse][ancestors], index=index.codes[level])

