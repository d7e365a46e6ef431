"""Presence: which organisations work in each unit.

Definition (DESIGN.md): the presence of a unit is the number of distinct canonical organisations with at
least one matching activity in the unit or inside it. Rows known only at a coarser level (a cercle without
commune, a region without cercle) count at that coarser level; on a finer map they are shown as "reported
at cercle (or region) level only" for every unit inside, never dropped and never counted as present.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.organisations import NATIONAL_NGO

LEVEL_COLUMN = {1: "adm1_pcode", 2: "adm2_pcode", 3: "adm3_pcode"}


def _ancestor(units: pd.DataFrame, level: int, coarse: int) -> pd.Series:
    """For each unit at ``level`` (index: its P-code), its ancestor at the ``coarse`` level."""
    parent = units.set_index("pcode")["parent_pcode"]
    codes = units.loc[units["level"] == level, "pcode"]
    ancestor = pd.Series(codes.to_numpy(), index=codes.to_numpy())
    for _ in range(level - coarse):
        ancestor = ancestor.map(parent)
    return ancestor


def presence_by_unit(activities: pd.DataFrame, units: pd.DataFrame, level: int) -> pd.DataFrame:
    """One row per unit at ``level`` (all of them, zeros included), in the order of ``units``.

    Columns: ``pcode``, ``organisations`` (distinct organisations present), ``coarser_only`` (distinct other
    organisations reported only at a coarser level that contains the unit).
    """
    frame = units[units["level"] == level][["pcode"]].reset_index(drop=True)
    present = keyed_unit_pairs(activities, level).groupby("pcode").size()
    coarser = coarser_only_counts(activities, units, level)
    frame["organisations"] = frame["pcode"].map(present).fillna(0).astype(int)
    frame["coarser_only"] = frame["pcode"].map(coarser).fillna(0).astype(int)
    return frame


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


# --- Presence by organisation type, and the keyed building blocks the gap, overlap and change analyses share.


def level_codes(rows: pd.DataFrame, level: int, units: pd.DataFrame | None = None) -> pd.Series:
    """The P-code of each row's unit at ``level`` (rows must be known at ``level`` or finer).

    Level 0 (the country) has no column in the activity frame: its single P-code is read from ``units``.
    """
    if level == 0:
        if units is None:
            raise ValueError("level 0 (country) needs the admin units to name the country P-code")
        countries = units.loc[units["level"] == 0, "pcode"]
        if len(countries) != 1:
            raise ValueError(f"expected one level-0 unit, found {len(countries)}")
        return pd.Series(str(countries.iloc[0]), index=rows.index, dtype=object)
    if level not in LEVEL_COLUMN:
        raise ValueError(f"unknown admin level {level!r}: expected 0 (country), 1, 2 or 3")
    return rows[LEVEL_COLUMN[level]].astype(object).astype(str)


def keyed_unit_pairs(activities: pd.DataFrame, level: int, by: tuple[str, ...] = (),
                     units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distinct ``(pcode, *by, organisation_id)`` among rows known at ``level`` or finer (presence)."""
    rows = activities[activities["location_level"] >= level]
    pairs = pd.DataFrame({"pcode": level_codes(rows, level, units),
                          **{key: rows[key].astype(object) for key in by},
                          "organisation_id": rows["organisation_id"]})
    return pairs.drop_duplicates().reset_index(drop=True)


def coarser_only_counts(activities: pd.DataFrame, units: pd.DataFrame, level: int,
                        by: tuple[str, ...] = ()) -> pd.Series:
    """Per unit at ``level`` (and ``by`` group, e.g. sector): organisations reported only at a coarser level
    around it, i.e. with a row for its cercle (or region) and none in the unit. Index ``(pcode, *by)``; units
    with none are left out.

    Computed at the granularity of the unit's parent: the organisations reported around each parent, minus
    those of them also present in the unit, so a cercle's reports are never copied to each of its communes.
    """
    keys = ["pcode", *by]
    if level <= 1:
        return pd.Series(dtype="int64", index=pd.MultiIndex.from_tuples([], names=keys) if by else None)
    parent_level = level - 1
    around_frames = []
    for coarse in range(1, level):
        rows = activities[activities["location_level"] == coarse]
        pairs = pd.DataFrame({"place": rows[LEVEL_COLUMN[coarse]].astype(object).astype(str),
                              **{key: rows[key].astype(object) for key in by},
                              "organisation_id": rows["organisation_id"]}).drop_duplicates()
        if coarse < parent_level:  # a region's rows reach every cercle of the region (a handful per region)
            inside = _ancestor(units, parent_level, coarse)
            pairs = pairs.merge(pd.DataFrame({"parent": inside.index, "place": inside.to_numpy()}), on="place")
        else:
            pairs = pairs.rename(columns={"place": "parent"})
        around_frames.append(pairs[["parent", *by, "organisation_id"]])
    around_pairs = pd.concat(around_frames).drop_duplicates()
    around = around_pairs.groupby(["parent", *by]).size().rename("around").reset_index()
    rows = activities[activities["location_level"] >= level]
    present = pd.DataFrame({"pcode": rows[LEVEL_COLUMN[level]].astype(object).astype(str),
                            "parent": rows[LEVEL_COLUMN[parent_level]].astype(object).astype(str),
                            **{key: rows[key].astype(object) for key in by},
                            "organisation_id": rows["organisation_id"]}).drop_duplicates()
    also_present = (present.merge(around_pairs, on=["parent", *by, "organisation_id"])
                    .groupby(keys).size().rename("also_present").reset_index())
    parents = _ancestor(units, level, parent_level)
    frame = pd.DataFrame({"pcode": parents.index, "parent": parents.to_numpy()}).merge(around, on="parent")
    frame = frame.merge(also_present, on=keys, how="left")
    counts = (frame["around"] - frame["also_present"].fillna(0)).astype(int)
    counts.index = pd.MultiIndex.from_frame(frame[keys]) if by else pd.Index(frame["pcode"], name="pcode")
    return counts[counts > 0]


def ordered_type_codes(codes: pd.Series) -> list[str]:
    """The organisation types that occur, in vocabulary order (unknown codes last, sorted)."""
    from dashboard.domain.vocabulary import ORG_TYPES

    occurring = {str(code) for code in codes.dropna().unique()}
    known = [term.code for term in ORG_TYPES if term.code in occurring]
    return known + sorted(occurring - set(known))


def presence_by_type(activities: pd.DataFrame, units: pd.DataFrame, level: int,
                     by_sector: bool = True) -> pd.DataFrame:
    """Presence per unit (and sector) split by organisation type: the localisation view.

    One row per unit at ``level`` (every unit, zeros included, in the order of ``units``) and, when
    ``by_sector``, per sector present in ``activities`` (a unit x sector grid, sectors sorted by code).
    Level 0 gives national figures. Columns: ``pcode``, ``sector_code`` (if ``by_sector``), ``total``
    (distinct organisations present: rows at ``level`` or finer, as :func:`presence_by_unit`), one column per
    organisation type code occurring in ``activities`` (distinct organisations of that type present),
    ``national_ngo_share`` (``ngo_national`` / ``total``; NaN when ``total`` is 0) and ``coarser_only``
    (other organisations reported only at a coarser level containing the unit, in that sector).
    Pass the activities of one period (see :func:`dashboard.analysis.filters.filter_activities`).
    """
    by = ("sector_code",) if by_sector else ()
    keys = ["pcode", *by]
    unit_codes = units.loc[units["level"] == level, "pcode"].astype(str).tolist()
    if by_sector:
        sectors = sorted({str(code) for code in activities["sector_code"].dropna().unique()})
        grid = pd.MultiIndex.from_product([unit_codes, sectors], names=keys)
    else:
        grid = pd.Index(unit_codes, name="pcode")
    type_codes = ordered_type_codes(activities["org_type"])

    present = keyed_unit_pairs(activities, level, by + ("org_type",), units)
    total = present.groupby(keys)["organisation_id"].nunique()
    by_type = (present.groupby([*keys, "org_type"])["organisation_id"].nunique()
               .unstack("org_type", fill_value=0) if len(present) else pd.DataFrame(index=total.index))
    coarser = coarser_only_counts(activities, units, level, by)

    frame = pd.DataFrame(index=grid)
    frame["total"] = total.reindex(grid, fill_value=0).astype(int)
    for code in type_codes:
        column = by_type[code] if code in by_type.columns else pd.Series(dtype=int)
        frame[code] = column.reindex(grid, fill_value=0).astype(int)
    national = frame[NATIONAL_NGO] if NATIONAL_NGO in frame.columns else pd.Series(0, index=grid)
    frame["national_ngo_share"] = (national / frame["total"]).where(frame["total"] > 0).astype(float)
    frame["coarser_only"] = coarser.reindex(grid, fill_value=0).astype(int)
    return frame.reset_index()
