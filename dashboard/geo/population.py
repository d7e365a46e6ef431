"""Population of the 2021 regions and cercles, from the OCHA COD-PS Mali v2 (DNP, 2022).

COD-PS v2 follows the older 9-region / 50-cercle structure: Ménaka is cercle ML0704 of Gao. The 2021
boundaries have 10 regions / 53 cercles: Ménaka is region ML10 with cercles ML1001-ML1004, and ML0704 does
not exist. So a 2021 cercle takes the COD-PS row with the same P-code (49 of 53 match; ML0704 is ignored),
and a 2021 region is the sum of its cercles only when every one of them is known: Gao (ML07) is then
ML0701 + ML0702 + ML0703, without Ménaka, as in 2021; Ménaka (ML10) and its cercles stay unknown (<NA>),
with a note saying why. Communes are not in COD-PS: they get no population here.

Another country's population is read from the files its profile names (``[[population_files]]``: one table per
level, a P-code and a total column), as they are: Burkina Faso's COD-PS 2023 regions and provinces.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.domain.country import CountryProfile

#: Folder and file of the cercle-level population table inside the data mirror.
POPULATION_DIR = "ocha_cod_ps_mli"
ADM2_FILE = "mli_pop_adm2_v2.csv"
SOURCE_LABEL = "COD-PS v2"
POPULATION_COLUMNS = ["pcode", "level", "population", "note"]


def population_path(mirror: Path) -> Path:
    path = Path(mirror) / POPULATION_DIR / ADM2_FILE
    if not path.is_file():
        raise FileNotFoundError(f"Missing the COD-PS population table: {path}. "
                                "Point the environment variable MALI3W_DATA_MIRROR at the shared data mirror.")
    return path


def read_cercle_population(mirror: Path) -> pd.DataFrame:
    """The COD-PS v2 cercle table as ``pcode, name, region_pcode, population`` (Int64, <NA> where ``<Null>``)."""
    raw = pd.read_csv(population_path(mirror), encoding="utf-8-sig", dtype=str, keep_default_na=False,
                      na_values=["<Null>", ""])
    return pd.DataFrame({
        "pcode": raw["admin2Pcode"].str.strip(),
        "name": raw["admin2Name_fr"].str.strip(),
        "region_pcode": raw["admin1Pcode"].str.strip(),
        "population": pd.to_numeric(raw["T_TL"].str.replace(",", "").str.strip()).astype("Int64"),
    })


def load_population(mirror: Path, units: pd.DataFrame) -> pd.DataFrame:
    """One row per 2021 region and cercle (levels 1 and 2 of ``units``, in their order).

    Columns: ``pcode``, ``level``, ``population`` (Int64, total T_TL; <NA> when unknown) and ``note``
    (None, or a short English reason why the population is unknown or how it was derived).
    """
    source = read_cercle_population(mirror)
    source_regions = set(source["region_pcode"].dropna())
    names = dict(zip(units["pcode"], units["name_fr"]))

    cercles = units.loc[units["level"] == 2, ["pcode", "parent_pcode"]].copy()
    cercles = cercles.merge(source[["pcode", "population"]], on="pcode", how="left")
    region_missing = ~cercles["parent_pcode"].isin(source_regions)
    cercle_note = pd.Series(None, index=cercles.index, dtype=object)
    cercle_note[cercles["population"].isna()] = f"no total population in {SOURCE_LABEL}"
    cercle_note[~cercles["pcode"].isin(source["pcode"])] = f"not in {SOURCE_LABEL}"
    cercle_note[~cercles["pcode"].isin(source["pcode"]) & region_missing] = cercles["parent_pcode"].map(
        lambda region: f"not in {SOURCE_LABEL} (cercle of {names.get(region, region)} ({region}), "
                       f"a region {SOURCE_LABEL} does not have)")
    cercles["note"] = cercle_note

    regions = units.loc[units["level"] == 1, ["pcode"]].copy()
    grouped = cercles.groupby("parent_pcode")
    unknown = grouped["population"].apply(lambda values: values.isna().sum())
    regions["population"] = regions["pcode"].map(grouped["population"].sum(min_count=1)).astype("Int64")
    regions.loc[regions["pcode"].map(unknown).fillna(1).gt(0).to_numpy(), "population"] = pd.NA
    # COD-PS cercles with no 2021 counterpart (ML0704 Ménaka): say which region total leaves them out.
    extra = source[~source["pcode"].isin(cercles["pcode"])]
    left_out = (extra["pcode"] + " " + extra["name"].fillna("")).str.strip().groupby(extra["region_pcode"]).agg(
        lambda labels: ", ".join(sorted(labels)))
    region_note = pd.Series(None, index=regions.index, dtype=object)
    excluded = regions["pcode"].isin(left_out.index) & regions["population"].notna()
    region_note[excluded] = regions["pcode"].map(
        lambda region: f"sum of its 2021 cercles; excludes {SOURCE_LABEL} cercle {left_out.get(region)}, "
                       "not a 2021 cercle")
    partial = regions["population"].isna() & regions["pcode"].isin(source_regions)
    region_note[partial] = f"population of some of its cercles unknown in {SOURCE_LABEL}"
    region_note[~regions["pcode"].isin(source_regions)] = regions["pcode"].map(
        lambda region: f"{SOURCE_LABEL} has no {names.get(region, region)} region ({region})")
    regions["note"] = region_note

    table = pd.concat([regions.assign(level=1), cercles.assign(level=2)[["pcode", "population", "note", "level"]]])
    order = units.loc[units["level"].isin([1, 2]), ["pcode"]]
    table = order.merge(table, on="pcode", how="left")
    table["level"] = table["level"].astype(int)
    table["population"] = table["population"].astype("Int64")
    table["note"] = table["note"].astype(object).where(table["note"].notna(), None)
    return table[POPULATION_COLUMNS]


def load_profile_population(profile: CountryProfile, folder: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Population of the units of each level the profile's ``[[population_files]]`` give (Burkina Faso's regions
    and provinces, COD-PS 2023), read from the population dataset's ``folder``: the same columns as
    :func:`load_population` (``pcode, level, population, note``), one row per unit of those levels of ``units`` in
    their order; a unit the table does not have is <NA>, with a note saying so. No file: FileNotFoundError."""
    tables = []
    for entry in profile.population_files:
        path = Path(folder) / entry.file
        if not path.is_file():
            raise FileNotFoundError(f"Missing the population table of {profile.name_en}: {path}. "
                                    "Point the environment variable MALI3W_DATA_MIRROR at the shared data mirror.")
        raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=["<Null>", ""])
        source = pd.Series(pd.to_numeric(raw[entry.total_column].str.replace(",", "").str.strip()).array,
                           index=raw[entry.code_column].str.strip()).astype("Int64")
        level = units.loc[units["level"] == entry.level, ["pcode"]].copy()
        level["level"] = entry.level
        level["population"] = source.reindex(level["pcode"]).array
        level["note"] = [None if found else f"not in {path.name}" for found in level["pcode"].isin(source.index)]
        tables.append(level)
    columns = {"pcode": object, "level": int, "population": "Int64", "note": object}
    if not tables:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    table = pd.concat(tables, ignore_index=True)
    table["population"] = table["population"].astype("Int64")
    return table[POPULATION_COLUMNS]
