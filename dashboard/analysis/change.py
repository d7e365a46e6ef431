"""Change between two reporting periods: organisations that arrived in, left or stayed in each unit, across
all sectors (the default) or by sector.

Definition (DESIGN.md): for a unit (and sector), an organisation *arrived* when it is present in the later
period and not in the earlier one, *left* in the opposite case, and *stayed* when it is present in both.
Presence follows :mod:`dashboard.analysis.presence` in each period separately: rows at the unit's level or
finer count. Across all sectors an organisation is present in a unit whatever the sector of its rows, rows
that state no sector included; by sector, rows that state no sector are left out.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.organisations import organisation_labels, sorted_label_lists
from dashboard.analysis.presence import keyed_unit_pairs
from dashboard.domain.vocabulary import NO_SECTOR

#: counts per unit (and sector); ``net = organisations_to - organisations_from = arrived - left``
CHANGE_COUNTS = ["organisations_from", "organisations_to", "arrived", "left", "stayed", "net"]
#: the organisations behind ``arrived``, ``left`` and ``stayed``
CHANGE_NAMES = ["arrived_names", "left_names", "stayed_names"]
_SIDES = {"arrived": "right_only", "left": "left_only", "stayed": "both"}


def change_columns(by_sector: bool) -> list[str]:
    return ["pcode", *(["sector_code"] if by_sector else []), *CHANGE_COUNTS, *CHANGE_NAMES]


def _period_pairs(activities: pd.DataFrame, level: int, period: str, by: tuple[str, ...]) -> pd.DataFrame:
    rows = activities[activities["period"].astype(object).astype(str) == str(period)]
    return keyed_unit_pairs(rows, level, by)


def _compared(activities: pd.DataFrame, level: int, period_from: str, period_to: str,
              keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (unit, [sector], organisation) pairs of both periods, outer-joined, and the counts per cell."""
    if level not in (1, 2, 3):
        raise ValueError(f"change is computed for regions (1), cercles (2) or communes (3), not level {level!r}")
    by = tuple(keys[1:])
    if by:
        activities = activities[activities["sector_code"].astype(object) != NO_SECTOR]
    before = _period_pairs(activities, level, period_from, by)
    after = _period_pairs(activities, level, period_to, by)
    merged = before.merge(after, on=[*keys, "organisation_id"], how="outer", indicator=True)
    side = merged["_merge"].astype(object)
    merged["_from"] = side.isin(["left_only", "both"]).astype(int)
    merged["_to"] = side.isin(["right_only", "both"]).astype(int)
    for kind, which in _SIDES.items():
        merged[f"_{kind}"] = (side == which).astype(int)
    counts = merged.groupby(keys).agg(organisations_from=("_from", "sum"), organisations_to=("_to", "sum"),
                                      **{kind: (f"_{kind}", "sum") for kind in _SIDES}).reset_index()
    counts["net"] = counts["organisations_to"] - counts["organisations_from"]
    for column in CHANGE_COUNTS:
        counts[column] = counts[column].astype(int)
    return merged, counts


def presence_change(activities: pd.DataFrame, organisations: pd.DataFrame, level: int, period_from: str,
                    period_to: str, by_sector: bool = False) -> pd.DataFrame:
    """Who arrived in, left and stayed in each unit at ``level`` (and sector) between two periods.

    Only units (x sectors) with someone present in either period are listed. Columns (:func:`change_columns`):
    ``pcode``, ``sector_code`` (if ``by_sector``), ``organisations_from`` / ``organisations_to`` (distinct
    organisations present in each period), the counts ``arrived`` / ``left`` / ``stayed``, ``net`` =
    ``organisations_to - organisations_from``, and the sorted acronym lists (case-insensitive)
    ``arrived_names`` / ``left_names`` / ``stayed_names``. Sorted by P-code (and sector).
    """
    keys = ["pcode", "sector_code"] if by_sector else ["pcode"]
    merged, table = _compared(activities, level, period_from, period_to, keys)
    labels = organisation_labels(organisations)
    for kind, side in _SIDES.items():
        moved = merged[merged["_merge"].astype(object) == side]
        lists = sorted_label_lists(moved, keys, labels).rename(f"{kind}_names").reset_index()
        table = table.merge(lists, on=keys, how="left")
        table[f"{kind}_names"] = table[f"{kind}_names"].map(lambda names: names if isinstance(names, list) else [])
    return table.sort_values(keys, kind="stable")[change_columns(by_sector)].reset_index(drop=True)


def net_change_by_unit(activities: pd.DataFrame, units: pd.DataFrame, level: int, period_from: str,
                       period_to: str) -> pd.DataFrame:
    """For a map: one row per unit at ``level`` (all of them, zeros included, in the order of ``units``), all
    sectors together: ``pcode`` and the counts of :data:`CHANGE_COUNTS` (as :func:`presence_change`)."""
    _, change = _compared(activities, level, period_from, period_to, ["pcode"])
    frame = units.loc[units["level"] == level, ["pcode"]].astype(str).reset_index(drop=True)
    frame = frame.merge(change, on="pcode", how="left")
    for column in CHANGE_COUNTS:
        frame[column] = frame[column].fillna(0).astype(int)
    return frame
