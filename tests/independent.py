"""Computations on the raw December 2023 workbook that tests compare the dashboard's figures with.

They are written apart from the dashboard's code on purpose (label propagation here where the importer uses
union-find), so that a mistake in one does not hide in the other.
"""

import unicodedata

import numpy as np
import pandas as pd

ACRONYM, NAME = "Organisation Accronyme", "Nom Organisation"


def read_sample(path) -> pd.DataFrame:
    """The ML_5W sheet as text: French headers on row 1, HXL tags on row 2 (skipped), data from row 3."""
    return pd.read_excel(path, sheet_name="ML_5W", engine="calamine", header=0, skiprows=[1], dtype=str)


def folded(series: pd.Series) -> pd.Series:
    """Case, accents and spacing folded; empty cells become ''."""
    return series.fillna("").map(lambda text: "".join(
        ch for ch in unicodedata.normalize("NFKD", " ".join(unicodedata.normalize("NFKC", text).split()).casefold())
        if not unicodedata.combining(ch)))


def organisation_labels(frame: pd.DataFrame) -> pd.Series:
    """One label per row naming its organisation: rows whose acronyms are equal once folded, or whose names
    are, are one organisation (connected components, by label propagation until nothing changes)."""
    keys = pd.DataFrame({"a": folded(frame[ACRONYM]), "n": folded(frame[NAME])}, index=frame.index)
    pairs = keys.drop_duplicates().copy()
    pairs["label"] = pairs["a"]
    while True:
        before = pairs["label"].copy()
        pairs["label"] = pairs.groupby("n")["label"].transform("min")
        pairs["label"] = pairs.groupby("a")["label"].transform("min")
        if pairs["label"].equals(before):
            break
    return pd.Series(keys.merge(pairs, on=["a", "n"], how="left")["label"].to_numpy(), index=frame.index)


SECTORS = {"Santé": "health", "Protection": "protection", "Education": "education",
           "Sécurité Alimentaire": "food_security", "Nutrition": "nutrition", "EHA": "wash", "Abris": "shelter_nfi",
           "Coordination": "coordination"}
TYPES = {"ONG Nat": "ngo_national", "ONG Int": "ngo_international", "Agence UN": "un_agency",
         "Mouv. CR": "red_cross"}
FIRST_DATA_ROW = 3  # Excel row of the first data row: headers on row 1, HXL tags on row 2


def most_frequent(frame: pd.DataFrame, group: str, value: str) -> pd.Series:
    """Per group, its most frequent value; ties go to the value met first in the file."""
    counted = frame.reset_index().groupby([group, value]).agg(rows=("index", "size"), first=("index", "min"))
    counted = counted.reset_index().sort_values(["rows", "first"], ascending=[False, True])
    return counted.drop_duplicates(group).set_index(group)[value]


def compact(series: pd.Series) -> pd.Series:
    """Place names compared as the README says: case, accents, spaces and punctuation aside."""
    return folded(series).str.replace(r"[^0-9a-z]", "", regex=True)


def placed_rows(raw: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The December 2023 workbook (:func:`read_sample`) as one row per 3W row: ``source_row``, ``org`` (label),
    ``acronym``, ``org_type``, ``sector_code``, ``adm1_pcode`` / ``adm2_pcode`` / ``adm3_pcode`` and
    ``location_level``, placed as the README says the importer places them (``units``: the 2021 units).

    Places: the finest P-code given decides, cercle and region follow from the 2021 hierarchy; except the
    namesake repair: when the commune code lies outside the stated cercle, the stated cercle lies in the stated
    region and has exactly one commune of the row's commune name (case, accents, spaces and punctuation aside),
    that commune is meant. The repaired rows are in ``attrs["repaired_source_rows"]``.
    """
    assert len(raw) == 24088
    rows = pd.DataFrame(index=raw.index)
    rows["source_row"] = raw.index + FIRST_DATA_ROW
    rows["org"] = organisation_labels(raw)
    raw_acronyms = raw["Organisation Accronyme"].map(lambda text: " ".join(unicodedata.normalize("NFKC", text).split()))
    rows["acronym"] = rows["org"].map(most_frequent(rows.assign(a=raw_acronyms), "org", "a"))
    rows["org_type"] = rows["org"].map(most_frequent(rows.assign(t=raw["Type Organisation"].map(TYPES)),
                                                     "org", "t"))
    rows["sector_code"] = raw["Cluster"].map(SECTORS)
    assert rows[["org", "acronym", "org_type", "sector_code"]].notna().all().all()

    parent = units.set_index("pcode")["parent_pcode"]
    commune, cercle, region = raw["admin3Pcod"], raw["admin2Pcod"], raw["admin1Pcod"]
    communes = units[units["level"] == 3].assign(key=lambda u: compact(u["name_fr"]))
    unique_named = communes.groupby(["parent_pcode", "key"])["pcode"].agg(["first", "size"])
    candidate = pd.MultiIndex.from_arrays([cercle, compact(raw["Commune"])])
    found = unique_named.reindex(candidate)
    repair = (commune.notna() & (commune.map(parent) != cercle) & (cercle.map(parent) == region)
              & raw["Commune"].notna() & (found["size"].to_numpy() == 1))
    rows.attrs["repaired_source_rows"] = set(rows.loc[repair, "source_row"])
    commune = commune.where(~repair, pd.Series(found["first"].to_numpy(), index=raw.index))
    rows["adm3_pcode"] = commune
    rows["adm2_pcode"] = commune.map(parent).where(commune.notna(), cercle)
    rows["adm1_pcode"] = rows["adm2_pcode"].map(parent)
    rows["location_level"] = np.where(commune.notna(), 3, 2)
    assert rows["adm1_pcode"].notna().all()
    return rows
