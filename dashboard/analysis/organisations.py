"""How the analyses name and classify organisations: one label per organisation, lists sorted for reading,
and the type that counts as national NGO for localisation."""

from __future__ import annotations

import pandas as pd

#: The organisation type counted as "national NGO" in presence splits, overlaps and localisation.
NATIONAL_NGO = "ngo_national"


def organisation_labels(organisations: pd.DataFrame) -> pd.Series:
    """``organisation_id`` → acronym (else name, else the id as text), to list organisations by."""
    labels = organisations["acronym"].astype(object).where(organisations["acronym"].notna(),
                                                           organisations["name"].astype(object))
    labels = labels.where(labels.notna(), organisations["organisation_id"].astype(str))
    return pd.Series(labels.to_numpy(), index=organisations["organisation_id"].to_numpy())


def sorted_label_lists(pairs: pd.DataFrame, keys: list[str], labels: pd.Series) -> pd.Series:
    """Per group of ``keys``: the sorted (case-insensitive) list of the labels of its organisations."""
    named = pairs.assign(_label=pairs["organisation_id"].map(labels).astype(object))
    named["_label"] = named["_label"].where(named["_label"].notna(), named["organisation_id"].astype(str))
    named["_key"] = named["_label"].str.casefold()
    named = named.sort_values(["_key", "_label"], kind="stable")
    return named.groupby(keys, sort=False)["_label"].agg(list)
