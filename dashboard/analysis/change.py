"""Change between two reporting periods: organisations that arrived in, left or stayed in each unit, across
all sectors (the default) or by sector.

Definition (DESIGN.md): for a unit (and sector), an organisation *arrived* when it is present in the later
period and not in the earlier one, *left* in the opposite case, and *stayed* when it is present in both.
Presence follows :mod:`dashboard.analysis.presence` in each period separately: rows at the unit's level or
finer count. Across all sectors an organisation is present in a unit whatever the sector of its rows, rows
that state no sector included; by sector, rows that state no sector are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import PresenceCube, Selection, label_lists
from dashboard.domain.vocabulary import NO_SECTOR

#: counts per unit (and sector); ``net = organisations_to - organisations_from = arrived - left``
CHANGE_COUNTS = ["organisations_from", "organisations_to", "arrived", "left", "stayed", "net"]
#: the organisations behind ``arrived``, ``left`` and ``stayed``
CHANGE_NAMES = ["arrived_names", "left_names", "stayed_names"]


def change_columns(by_sector: bool) -> list[str]:
    return ["pcode", *(["sector_code"] if by_sector else []), *CHANGE_COUNTS, *CHANGE_NAMES]


def _compared(before: Selection, after: Selection, level: int, by_sector: bool):
    """Per cell (a flat array over units x sector slots): the counts of :data:`CHANGE_COUNTS`, and the (cell,
    organisation) keys of each kind of move."""
    if level not in (1, 2, 3):
        raise ValueError(f"change is computed for regions (1), cercles (2) or communes (3), not level {level!r}")
    if by_sector:
        before, after = before.stated_sector(NO_SECTOR), after.stated_sector(NO_SECTOR)
    cube = before.cube
    organisations = len(cube.organisation_ids)
    first, second = before.cells(level, by_sector), after.cells(level, by_sector)
    earlier = first.cell * organisations + first.organisation
    later = second.cell * organisations + second.organisation
    moves = {"arrived": np.setdiff1d(later, earlier, assume_unique=True),
             "left": np.setdiff1d(earlier, later, assume_unique=True),
             "stayed": np.intersect1d(earlier, later, assume_unique=True)}
    size = len(cube.units.codes[level]) * first.sectors
    table = {"organisations_from": np.bincount(first.cell, minlength=size),
             "organisations_to": np.bincount(second.cell, minlength=size),
             **{kind: np.bincount(keys // organisations, minlength=size) for kind, keys in moves.items()}}
    table["net"] = table["organisations_to"] - table["organisations_from"]
    return table, moves, first.sectors


def change_table(before: Selection, after: Selection, level: int, by_sector: bool = False,
                 area: str | None = None) -> pd.DataFrame:
    """Who arrived in, left and stayed in each unit at ``level`` (and sector) between two selections of one
    cube (the earlier period's, the later one's).

    Only units (x sectors) inside ``area`` with someone present in either period are listed. Columns
    (:func:`change_columns`): ``pcode``, ``sector_code`` (if ``by_sector``), ``organisations_from`` /
    ``organisations_to`` (distinct organisations present in each period), the counts ``arrived`` / ``left`` /
    ``stayed``, ``net``, and the sorted acronym lists (case-insensitive) ``arrived_names`` / ``left_names`` /
    ``stayed_names``. Sorted by P-code (and sector code).
    """
    cube = before.cube
    counts, moves, slots = _compared(before, after, level, by_sector)
    inside = np.repeat(cube.units.inside(level, area), slots)
    cells = np.flatnonzero(((counts["organisations_from"] > 0) | (counts["organisations_to"] > 0)) & inside)
    frame = pd.DataFrame({"pcode": cube.units.codes[level][cells // slots]})
    if by_sector:
        frame["sector_code"] = np.array(cube.sectors, dtype=object)[cells % slots]
    for column in CHANGE_COUNTS:
        frame[column] = counts[column][cells].astype(int)
    organisations = len(cube.organisation_ids)
    for kind, keys in moves.items():
        lists = label_lists(cube, _as_cells(keys, organisations, slots), cells)
        frame[f"{kind}_names"] = [lists.get(int(cell), []) for cell in cells]
    keys = ["pcode", "sector_code"] if by_sector else ["pcode"]
    return frame.sort_values(keys, kind="stable")[change_columns(by_sector)].reset_index(drop=True)


def _as_cells(keys: np.ndarray, organisations: int, slots: int):
    from dashboard.analysis.cube import Cells
    return Cells(keys // organisations, (keys % organisations).astype(np.int32), slots)


def unit_change(before: Selection, after: Selection, level: int, area: str | None = None) -> pd.DataFrame:
    """For a map: one row per unit at ``level`` inside ``area`` (zeros included, in the units' order), all
    sectors together: ``pcode`` and the counts of :data:`CHANGE_COUNTS`."""
    cube = before.cube
    counts, _, _ = _compared(before, after, level, by_sector=False)
    units = np.flatnonzero(cube.units.inside(level, area))
    frame = pd.DataFrame({"pcode": cube.units.codes[level][units]})
    for column in CHANGE_COUNTS:
        frame[column] = counts[column][units].astype(int)
    return frame


def _two_periods(activities: pd.DataFrame, units: pd.DataFrame, period_from: str, period_to: str,
                 organisations: pd.DataFrame | None = None) -> tuple[Selection, Selection]:
    cube = PresenceCube.build(activities, units, organisations)
    return cube.select(str(period_from)), cube.select(str(period_to))


def presence_change(activities: pd.DataFrame, organisations: pd.DataFrame, level: int, period_from: str,
                    period_to: str, by_sector: bool = False, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`change_table` of a frame holding both periods' rows (the units are those the rows name, unless
    ``units`` is given)."""
    units = units if units is not None else _units_of(activities)
    before, after = _two_periods(activities, units, period_from, period_to, organisations)
    return change_table(before, after, level, by_sector)


def net_change_by_unit(activities: pd.DataFrame, units: pd.DataFrame, level: int, period_from: str,
                       period_to: str) -> pd.DataFrame:
    """:func:`unit_change` of a frame holding both periods' rows, every unit of ``units`` at ``level``."""
    before, after = _two_periods(activities, units, period_from, period_to)
    return unit_change(before, after, level)


def _units_of(activities: pd.DataFrame) -> pd.DataFrame:
    """A units frame made of the unit codes the rows name (their parents from the rows' own columns)."""
    rows = []
    for level, column in ((1, "adm1_pcode"), (2, "adm2_pcode"), (3, "adm3_pcode")):
        parent = {1: None, 2: "adm1_pcode", 3: "adm2_pcode"}[level]
        known = activities[activities[column].notna()]
        pairs = known[[column] + ([parent] if parent else [])].astype(object).drop_duplicates(column)
        for values in pairs.itertuples(index=False):
            rows.append((str(values[0]), level, str(values[1]) if parent else "ROOT"))
    frame = pd.DataFrame(rows, columns=["pcode", "level", "parent_pcode"])
    frame = pd.concat([pd.DataFrame({"pcode": ["ROOT"], "level": [0], "parent_pcode": [None]}), frame])
    return frame.assign(name_fr=frame["pcode"]).sort_values(["level", "pcode"]).reset_index(drop=True)
