"""Change between two reporting periods: organisations that arrived in or left each unit (and sector).

Definition (DESIGN.md): for a unit (and sector), an organisation *arrived* when it is present in the later
period and not in the earlier one, and *left* in the opposite case. Presence follows
:mod:`dashboard.analysis.presence` in each period separately: rows at the unit's level or finer count.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.organisations import organisation_labels, sorted_label_lists
from dashboard.analysis.presence import keyed_unit_pairs

CHANGE_COUNTS = ["organisations_from", "organisations_to", "arrived_count", "left_count", "net"]


def _period_pairs(activities: pd.DataFrame, level: int, period: str, by: tuple[str, ...]) -> pd.DataFrame:
    rows = activities[activities["period"].astype(object).astype(str) == str(period)]
    return keyed_unit_pairs(rows, level, by)


def _compared(activities: pd.DataFrame, level: int, period_from: str, period_to: str,
              keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (unit, [sector], organisation) pairs of both periods, outer-joined, and the counts per cell."""
    if level not in (1, 2, 3):
        raise ValueError(f"change is computed for regions (1), cercles (2) or communes (3), not level {level!r}")
    by = tuple(keys[1:])
    before = _period_pairs(activities, level, period_from, by)
    after = _period_pairs(activities, level, period_to, by)
    merged = before.merge(after, on=[*keys, "organisation_id"], how="outer", indicator=True)
    side = merged["_merge"].astype(object)
    merged["_from"] = side.isin(["left_only", "both"]).astype(int)
    merged["_to"] = side.isin(["right_only", "both"]).astype(int)
    merged["_arrived"] = (side == "right_only").astype(int)
    merged["_left"] = (side == "left_only").astype(int)
    counts = merged.groupby(keys).agg(organisations_from=("_from", "sum"), organisations_to=("_to", "sum"),
                                      arrived_count=("_arrived", "sum"), left_count=("_left", "sum")).reset_index()
    counts["net"] = counts["organisations_to"] - counts["organisations_from"]
    for column in CHANGE_COUNTS:
        counts[column] = counts[column].astype(int)
    return merged, counts


def presence_change(activities: pd.DataFrame, organisations: pd.DataFrame, level: int, period_from: str,
                    period_to: str, by_sector: bool = True) -> pd.DataFrame:
    """Who arrived in and who left each unit at ``level`` (and sector) between two periods.

    Only units (x sectors) with someone present in either period are listed. Columns: ``pcode``,
    ``sector_code`` (if ``by_sector``), ``organisations_from`` / ``organisations_to`` (distinct organisations
    present in each period), ``arrived`` / ``left`` (sorted acronym lists, case-insensitive), their counts
    ``arrived_count`` / ``left_count``, and ``net`` = ``organisations_to - organisations_from``. Sorted by
    P-code (and sector).
    """
    keys = ["pcode", "sector_code"] if by_sector else ["pcode"]
    merged, table = _compared(activities, level, period_from, period_to, keys)
    labels = organisation_labels(organisations)
    for kind, side in (("arrived", "right_only"), ("left", "left_only")):
        moved = merged[merged["_merge"].astype(object) == side]
        lists = sorted_label_lists(moved, keys, labels).rename(kind).reset_index()
        table = table.merge(lists, on=keys, how="left")
        table[kind] = table[kind].map(lambda names: names if isinstance(names, list) else [])
    columns = [*keys, "organisations_from", "organisations_to", "arrived", "left", "arrived_count", "left_count",
               "net"]
    return table.sort_values(keys, kind="stable")[columns].reset_index(drop=True)


def net_change_by_unit(activities: pd.DataFrame, units: pd.DataFrame, level: int, period_from: str,
                       period_to: str) -> pd.DataFrame:
    """For a map: one row per unit at ``level`` (all of them, zeros included, in the order of ``units``), all
    sectors together: ``pcode``, ``organisations_from``, ``organisations_to``, ``arrived_count``,
    ``left_count`` and ``net`` (distinct organisations, as :func:`presence_change` with ``by_sector=False``).
    """
    _, change = _compared(activities, level, period_from, period_to, ["pcode"])
    frame = units.loc[units["level"] == level, ["pcode"]].astype(str).reset_index(drop=True)
    frame = frame.merge(change, on="pcode", how="left")
    for column in CHANGE_COUNTS:
        frame[column] = frame[column].fillna(0).astype(int)
    return frame
