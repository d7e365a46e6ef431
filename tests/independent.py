"""Computations on the raw December 2023 workbook that tests compare the dashboard's figures with.

They are written apart from the dashboard's code on purpose (label propagation here where the importer uses
union-find), so that a mistake in one does not hide in the other.
"""

import unicodedata

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
