"""Workbooks in the layouts of OCHA Mali's earlier releases, made from the December 2023 sample.

``march_2022_release`` writes a file laid out as OCHA Mali's 5W of March 2022 (HDX resource
``5W_MLI_Mar2022``): sheet ``ML_5W``, French headers on row 1 and HXL on row 2, the organisation's *acronym* in
a column tagged ``#org+name`` (its header says "Organisation Accronyme"), region and cercle codes and names,
and no sector and no commune column. Region codes are mostly written ``MLI05``, some ``ML05``; some Bamako rows
carry the cercle code ``ML0901`` in the region column and one row the unknown region ``MLI11``; region names are
written ``MOPTI`` and ``Mopti``; some cercle codes end with a space. Organisations are spelt as in December 2023
(``UNICEF`` and ``Unicef``, ``ACF-E``, ``Educo``), plus three that the sample does not have.

Which organisation works in which cercle is drawn from the sample with a seed: most of December's
(organisation, cercle) pairs, some of them moved to another cercle, so that the change between the two
periods has arrivals, departures and organisations that stayed. The frame returned beside the file says,
per row written, the organisation's acronym and the cercle it is in, for the tests' own counts.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from tests.independent import folded, read_sample
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "admin1Pcod", "Region", "admin2Pcod", "Cercle", "Activités"]
HXL = ["#org+name", "#adm1+code", "#adm1+name", "#adm2+code", "#adm2+name", "#activity"]
#: organisations of March 2022 that December 2023 does not have
NEW_ORGANISATIONS = ("ONG Espoir Sahel", "AMADE-Mali", "JEUNESSE ACTION")


def december_pairs(sample_path: Path) -> pd.DataFrame:
    """Distinct (acronym as written, region code and name, cercle code and name) of the sample's rows that
    give a cercle code, with the commune code's cercle when the row has one (the importer places a row by its
    finest code)."""
    raw = read_sample(sample_path)
    frame = pd.DataFrame({
        "acronym": raw["Organisation Accronyme"].str.strip(), "adm1": raw["admin1Pcod"], "region": raw["Region"],
        "adm2": raw["admin2Pcod"], "cercle": raw["Cercle"]})
    frame = frame[frame["adm2"].notna() & frame["acronym"].notna()]
    return frame.drop_duplicates().reset_index(drop=True)


def march_2022_release(sample_path: Path, path: Path, *, seed: int = 2022, keep: float = 0.7,
                       move: float = 0.12) -> pd.DataFrame:
    """Write the March 2022 layout to ``path`` (see the module); return one row per data row written with
    ``acronym`` (as written), ``adm2`` (the cercle's P-code) and ``row`` (its Excel row number)."""
    rng = random.Random(seed)
    pairs = december_pairs(sample_path)
    cercles = pairs[["adm1", "region", "adm2", "cercle"]].drop_duplicates("adm2").reset_index(drop=True)
    chosen = []
    for pair in pairs.itertuples(index=False):
        draw = rng.random()
        if draw < keep:
            chosen.append(pair._asdict())
        elif draw < keep + move:  # the organisation worked elsewhere in March 2022
            other = cercles.iloc[rng.randrange(len(cercles))]
            chosen.append({"acronym": pair.acronym, **other.to_dict()})
    for acronym in NEW_ORGANISATIONS:
        for _ in range(3):
            other = cercles.iloc[rng.randrange(len(cercles))]
            chosen.append({"acronym": acronym, **other.to_dict()})
    chosen = pd.DataFrame(chosen).drop_duplicates().reset_index(drop=True)
    rows, written = [], []
    for pair in chosen.itertuples(index=False):
        for _ in range(rng.randint(1, 4)):
            rows.append(pair)
    rng.shuffle(rows)
    cells = []
    bamako_in_region = 0
    for number, pair in enumerate(rows):
        region_code = "MLI" + pair.adm1[2:] if rng.random() < 0.9 else pair.adm1
        if pair.adm2 == "ML0901" and bamako_in_region < 38:
            region_code, bamako_in_region = "ML0901", bamako_in_region + 1  # the cercle code in the region column
        region = pair.region.upper() if rng.random() < 0.5 else pair.region
        cercle_code = pair.adm2 + " " if rng.random() < 0.1 else pair.adm2
        cells.append([pair.acronym, region_code, region, cercle_code, pair.cercle, "Appui"])
        written.append({"acronym": pair.acronym, "adm2": pair.adm2, "row": number + 3})
    # one row with a region code that does not exist, beside a cercle whose code and name agree
    unknown = next(index for index, row in enumerate(cells) if row[3].strip() == "ML0502")
    cells[unknown][1] = "MLI11"
    write_workbook(path, {"ML_5W": [HEADERS, HXL, *cells]})
    frame = pd.DataFrame(written)
    frame.attrs["bamako_region_cells"] = bamako_in_region
    frame.attrs["unknown_region_row"] = unknown + 3
    return frame


def organisation_key(acronyms: pd.Series, sample_path: Path) -> pd.Series:
    """For acronyms as written, the organisation they name in December 2023 (its rows' connected label, see
    :func:`tests.independent.organisation_labels`), or the folded acronym itself for an organisation the
    sample does not have."""
    from tests.independent import organisation_labels
    raw = read_sample(sample_path)
    labels = pd.Series(organisation_labels(raw).to_numpy(), index=folded(raw["Organisation Accronyme"]))
    labels = labels[~labels.index.duplicated()]
    keys = folded(acronyms)
    return keys.map(labels).fillna(keys)
