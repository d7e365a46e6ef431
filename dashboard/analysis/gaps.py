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

import pandas as pd

from dashboard.analysis.presence import coarser_only_counts, keyed_unit_pairs

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


def sector_gaps(activities: pd.DataFrame, units: pd.DataFrame, level: int, sectors: Sequence[str],
                population: pd.DataFrame | pd.Series | None = None, org_type: str | None = None) -> pd.DataFrame:
    """The gap cells among every unit at ``level`` x each of ``sectors``.

    A cell is a gap when no organisation is present in it (rows at ``level`` or finer), or, when
    ``org_type`` is given (e.g. ``"ngo_national"``), no organisation of that type. Columns: ``pcode``,
    ``sector_code``, ``organisations`` (organisations present, any type), ``coarser_only`` (organisations
    meeting the gap's criterion, i.e. of ``org_type`` when given, reported only at a coarser level containing
    the unit), the denominator (``population`` by default, or the name of the Series given; <NA> when
    unknown) and ``<denominator>_known``. Sorted by denominator descending, unknown last, then P-code and the
    order of ``sectors``. Pass the activities of one period.
    """
    column, values = _denominator(population)
    sectors = list(dict.fromkeys(str(sector) for sector in sectors))
    unit_codes = units.loc[units["level"] == level, "pcode"].astype(str).tolist()
    grid = pd.MultiIndex.from_product([unit_codes, sectors], names=GAP_KEYS)
    scope = activities if org_type is None else activities[activities["org_type"].astype(object) == org_type]

    by = ("sector_code",)
    present_any = keyed_unit_pairs(activities, level, by, units).groupby(GAP_KEYS)["organisation_id"].nunique()
    present = keyed_unit_pairs(scope, level, by, units).groupby(GAP_KEYS)["organisation_id"].nunique()
    coarser = coarser_only_counts(scope, units, level, by)

    frame = pd.DataFrame(index=grid)
    frame["present"] = present.reindex(grid, fill_value=0).to_numpy()
    frame["organisations"] = present_any.reindex(grid, fill_value=0).astype(int).to_numpy()
    frame["coarser_only"] = coarser.reindex(grid, fill_value=0).astype(int).to_numpy()
    gaps = frame[frame["present"] == 0].drop(columns="present").reset_index()

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
