"""Overlaps: places and sectors where several organisations work in the same period.

Definition (DESIGN.md): an overlap is a unit x sector (x activity where known) with at least k distinct
organisations in the same period, k set by the user. It is listed with the organisations, for
coordination, not as a fault. Presence follows :mod:`dashboard.analysis.presence`: rows at the unit's level
or finer count in it; rows known only at a coarser level do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.change import _units_of
from dashboard.analysis.cube import (
    PresenceCube,
    Selection,
    counts,
    counts_by_type,
    label_lists,
)
from dashboard.analysis.organisations import NATIONAL_NGO
from dashboard.domain.text import fold

OVERLAP_COLUMNS = ["period", "pcode", "sector_code", "organisations", "acronyms", "national_ngos"]
#: joins a sector and an activity into one cell key when overlaps are counted by activity
ACTIVITY_SEPARATOR = "\x1f"


def overlap_table(selection: Selection, level: int, min_organisations: int, area: str | None = None,
                  period: str | None = None) -> pd.DataFrame:
    """Unit (inside ``area``) x sector cells of a cube selection with at least ``min_organisations`` distinct
    organisations present. Columns: ``period`` (the selection's), ``pcode``, ``sector_code``, ``organisations``
    (count), ``acronyms`` (sorted list, case-insensitive), ``national_ngos`` (how many are national NGOs).
    Sorted by ``organisations`` descending, then P-code and sector."""
    if min_organisations < 1:
        raise ValueError(f"min_organisations must be at least 1, not {min_organisations!r}")
    if level not in (1, 2, 3):
        raise ValueError(f"overlaps are computed for regions (1), cercles (2) or communes (3), not level {level!r}")
    cube = selection.cube
    slots = len(cube.sectors)
    size = len(cube.units.codes[level]) * slots
    present = selection.cells(level, True)
    total = counts(present, size)
    national = (counts_by_type(cube, present, size)[:, cube.types.index(NATIONAL_NGO)]
                if NATIONAL_NGO in cube.types else np.zeros(size, dtype=np.int64))
    inside = np.repeat(cube.units.inside(level, area), slots)
    cells = np.flatnonzero((total >= min_organisations) & inside)
    if not len(cells):
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
    lists = label_lists(cube, present, cells)
    table = pd.DataFrame({"period": period, "pcode": cube.units.codes[level][cells // slots],
                          "sector_code": np.array(cube.sectors, dtype=object)[cells % slots],
                          "organisations": total[cells].astype(int),
                          "acronyms": [lists[int(cell)] for cell in cells],
                          "national_ngos": national[cells].astype(int)})
    return table.sort_values(["organisations", "pcode", "sector_code"], ascending=[False, True, True],
                             kind="stable")[OVERLAP_COLUMNS].reset_index(drop=True)


def overlaps(activities: pd.DataFrame, organisations: pd.DataFrame, level: int, min_organisations: int,
             by_activity: bool = False) -> pd.DataFrame:
    """Cells with at least ``min_organisations`` distinct organisations present, in the rows given.

    Cells are period x unit at ``level`` x sector (:func:`overlap_table` per period), and x activity when
    ``by_activity`` and ``activities`` has an ``activity`` column (otherwise ``by_activity`` is ignored;
    activity texts are compared ignoring case, accents and spacing, and rows without one are left out of the
    activity view): a sector and an activity are then counted together as one cell. Columns: ``period``,
    ``pcode``, ``sector_code``, [``activity``], ``organisations``, ``acronyms``, ``national_ngos``. Sorted by
    ``organisations`` descending, then P-code, sector and period.
    """
    by_activity = by_activity and "activity" in activities.columns
    rows = activities
    if by_activity:
        texts = rows["activity"].astype(object)
        keys = texts.map(lambda text: fold(text) if isinstance(text, str) else None)
        rows = rows[keys.fillna("") != ""]
        spelling = (pd.DataFrame({"key": keys, "text": texts}).dropna().groupby("key")["text"].min())
        keys = keys[rows.index]
        rows = rows.assign(sector_code=rows["sector_code"].astype(object).astype(str) + ACTIVITY_SEPARATOR + keys)
    if min_organisations < 1:
        raise ValueError(f"min_organisations must be at least 1, not {min_organisations!r}")
    units = _units_of(rows)
    cube = PresenceCube.build(rows, units, organisations)
    tables = [overlap_table(cube.select(period), level, min_organisations, period=period) for period in cube.periods]
    columns = OVERLAP_COLUMNS[:3] + (["activity"] if by_activity else []) + OVERLAP_COLUMNS[3:]
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=OVERLAP_COLUMNS)
    if table.empty:
        return pd.DataFrame(columns=columns)
    if by_activity:
        split = table["sector_code"].str.split(ACTIVITY_SEPARATOR, n=1, expand=True)
        table["sector_code"], table["activity"] = split[0], split[1].map(spelling)
    table = table.sort_values(["organisations", "pcode", "sector_code", "period"],
                              ascending=[False, True, True, True], kind="stable")
    return table[columns].reset_index(drop=True)
