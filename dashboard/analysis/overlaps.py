"""Overlaps: places and sectors where several organisations work in the same period.

Definition (DESIGN.md): an overlap is a unit x sector (x activity where known) with at least k distinct
organisations in the same period, k set by the user. It is listed with the organisations, for
coordination, not as a fault. Presence follows :mod:`dashboard.analysis.presence`: rows at the unit's level
or finer count in it; rows known only at a coarser level do not.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.organisations import NATIONAL_NGO, organisation_labels, sorted_label_lists
from dashboard.analysis.presence import keyed_unit_pairs
from dashboard.domain.text import fold

OVERLAP_COLUMNS = ["period", "pcode", "sector_code", "organisations", "acronyms", "national_ngos"]


def overlaps(activities: pd.DataFrame, organisations: pd.DataFrame, level: int, min_organisations: int,
             by_activity: bool = False) -> pd.DataFrame:
    """Cells with at least ``min_organisations`` distinct organisations present.

    Cells are period x unit at ``level`` x sector, and x activity when ``by_activity`` and ``activities`` has
    an ``activity`` column (otherwise ``by_activity`` is ignored; activity texts are compared ignoring case,
    accents and spacing, and rows without one are left out of the activity view). Columns: ``period``,
    ``pcode``, ``sector_code``, [``activity``], ``organisations`` (count), ``acronyms`` (sorted list,
    case-insensitive), ``national_ngos`` (how many are national NGOs). Sorted by ``organisations``
    descending, then P-code, sector and period.
    """
    if min_organisations < 1:
        raise ValueError(f"min_organisations must be at least 1, not {min_organisations!r}")
    if level not in (1, 2, 3):
        raise ValueError(f"overlaps are computed for regions (1), cercles (2) or communes (3), not level {level!r}")
    by_activity = by_activity and "activity" in activities.columns
    rows = activities
    by: tuple[str, ...] = ("period", "sector_code", "org_type")
    if by_activity:
        texts = rows["activity"].astype(object)
        folded = texts.drop_duplicates().dropna()
        keys = dict(zip(folded, folded.map(fold)))
        rows = rows.assign(_activity_key=texts.map(keys))
        rows = rows[rows["_activity_key"].fillna("") != ""]
        by += ("_activity_key", "activity")
    pairs = keyed_unit_pairs(rows, level, by)
    pairs["period"] = pairs["period"].astype(str)
    cell = ["period", "pcode", "sector_code", *(["_activity_key"] if by_activity else [])]
    columns = OVERLAP_COLUMNS[:3] + (["activity"] if by_activity else []) + OVERLAP_COLUMNS[3:]

    distinct = pairs.drop_duplicates([*cell, "organisation_id"])
    distinct = distinct.assign(_national=(distinct["org_type"].astype(object) == NATIONAL_NGO).astype(int))
    counts = distinct.groupby(cell).agg(organisations=("organisation_id", "size"), national_ngos=("_national", "sum"))
    table = counts[counts["organisations"] >= min_organisations].reset_index()
    if table.empty:
        return pd.DataFrame(columns=columns)
    chosen = distinct.merge(table[cell], on=cell)
    lists = sorted_label_lists(chosen, cell, organisation_labels(organisations)).rename("acronyms").reset_index()
    table = table.merge(lists, on=cell, how="left")
    if by_activity:
        spelling = chosen.groupby("_activity_key")["activity"].min()
        table["activity"] = table["_activity_key"].map(spelling)
    table = table.sort_values(["organisations", "pcode", "sector_code", "period"],
                              ascending=[False, True, True, True], kind="stable")
    return table[columns].reset_index(drop=True)
