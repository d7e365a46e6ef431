"""Food insecurity of the 2021 cercles: the Cadre Harmonisé's population in phase 3 or worse (crisis,
emergency, famine) of its latest cycle, current and projected, from the data mirror.

The Cadre Harmonisé (Government, CILSS, IPC, via HDX) writes Mali's units in the older 9-region scheme of
COD-PS v2: cercle codes are the 2021 ones, except two that no 2021 cercle has, and Bamako is given by commune.
Each row is placed in a 2021 unit, and each translation is listed:

- a cercle code of the 2021 boundaries whose name agrees is kept (``Bankass ML0502``);
- a commune row counts in its 2021 cercle (Bamako's six communes make Bamako, ML0901);
- a code the 2015 boundaries had, under the same name, goes where the crosswalk of the two sets puts it
  (``Menaka ML0704``, a cercle of Gao, is the whole 2021 region of Ménaka, ML10: its four 2021 cercles have no
  figure of their own);
- a longer code inside a 2021 cercle counts in that cercle (``Taoudenit ML06051`` in Tombouctou, ML0605);
- anything else is left out, and listed.

The latest cycle is the latest analysis by year and month (the March analysis, ``Jan-May``, comes before the
November one, ``Sep-Dec``): its ``current`` and ``projected`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.domain.text import place_key

#: folder and file in the data mirror (listed in data/manifest.toml, role "food-insecurity")
CH_DIR = "cadre_harmonise_mli"
CH_FILE = "cadre_harmonise_mli_2014_2023.csv"
#: first month of each analysis period label, to order the cycles of a year
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
          "nov": 11, "dec": 12}
#: columns of :attr:`FoodInsecurity.table`
CH_COLUMNS = ["pcode", "level", "phase3plus_current", "phase3plus_projected", "population"]
#: columns of :attr:`FoodInsecurity.translations`
TRANSLATION_COLUMNS = ["code", "name", "to_pcode", "to_level", "how"]


@dataclass(frozen=True)
class FoodInsecurity:
    """The latest Cadre Harmonisé cycle on the 2021 units."""

    #: per 2021 cercle (and region, for a code that is a whole 2021 region): :data:`CH_COLUMNS`
    table: pd.DataFrame
    #: every code not kept as it is: :data:`TRANSLATION_COLUMNS` (``how``: commune, crosswalk, inside, left_out)
    translations: pd.DataFrame
    #: the cycle, e.g. ``{"year": 2023, "label": "Jan-May", "current": "Jan-May 2023", "projected": "Jun-Aug 2023"}``
    cycle: dict[str, object]


def ch_path(mirror: Path) -> Path:
    path = Path(mirror) / CH_DIR / CH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"Missing the Cadre Harmonisé table: {path}. Point MALI3W_DATA_MIRROR at the "
                                "shared data mirror.")
    return path


def _latest_cycle(raw: pd.DataFrame) -> pd.DataFrame:
    order = raw["exercise_year"].astype(int) * 100 + raw["exercise_label"].str[:3].str.lower().map(MONTHS).fillna(0)
    return raw[order == order.max()]


def _place(code: str, name: str, level: int, units: pd.DataFrame, crosswalk: Mapping[str, tuple],
           legacy_names: Mapping[str, str]) -> tuple[str | None, int | None, str]:
    """(2021 P-code, its level, how it was found: kept, commune, crosswalk, inside or left_out)."""
    known = units.set_index("pcode")
    if code in known.index and int(known.at[code, "level"]) == level and \
            place_key(known.at[code, "name_fr"]) == place_key(name):
        return code, level, "kept"
    if code in crosswalk and place_key(legacy_names.get(code, "")) == place_key(name):
        to_pcode, to_level = crosswalk[code][:2]
        return str(to_pcode), int(to_level), "crosswalk"
    for length in (6, 4):
        prefix = code[:length]
        if len(code) > length and prefix in known.index and int(known.at[prefix, "level"]) == (2 if length == 6 else 1):
            return prefix, int(known.at[prefix, "level"]), "inside"
    return None, None, "left_out"


def load_food_insecurity(mirror: Path, units: pd.DataFrame, crosswalk: Mapping[str, tuple] | None = None,
                         legacy_names: Mapping[str, str] | None = None) -> FoodInsecurity:
    """The latest cycle on the 2021 units. ``units``: the 2021 units (``pcode``, ``level``, ``name_fr``,
    ``parent_pcode``); ``crosswalk``: the 2015 → 2021 crosswalk (2015 code → (2021 code, level, share)) and
    ``legacy_names`` the 2015 names by code, with which a code of the older scheme is translated."""
    raw = pd.read_csv(ch_path(mirror), dtype=str)
    raw = raw[raw["adm0_pcod2"].fillna("ML") == "ML"]
    latest = _latest_cycle(raw)
    crosswalk, legacy_names = crosswalk or {}, legacy_names or {}
    rows, translations = [], []
    cercle_of_commune = units.set_index("pcode")["parent_pcode"]
    for (code, name, commune, commune_name), group in latest.groupby(
            ["adm2_pcod2", "adm2_name", latest["adm3_pcod2"].fillna(""), latest["adm3_name"].fillna("")],
            sort=False):
        if commune:
            pcode, level, how = _place(commune, commune_name, 3, units, {}, {})
            if pcode is not None:
                pcode, level, how = cercle_of_commune.get(pcode), 2, "commune"
            translations.append((commune, commune_name, pcode, level, how))
        else:
            pcode, level, how = _place(code, name, 2, units, crosswalk, legacy_names)
            if how != "kept":
                translations.append((code, name, pcode, level, how))
        if pcode is None:
            continue
        values = {chtype: pd.to_numeric(part["phase35"]).sum(min_count=1) for chtype, part in group.groupby("chtype")}
        population = pd.to_numeric(group.loc[group["chtype"] == "current", "population"]).sum(min_count=1)
        rows.append((pcode, level, values.get("current"), values.get("projected"), population))
    table = pd.DataFrame(rows, columns=CH_COLUMNS).groupby(["pcode", "level"], as_index=False, sort=False).sum(
        min_count=1)
    for column in ("phase3plus_current", "phase3plus_projected", "population"):
        table[column] = table[column].round().astype("Int64")
    first = latest.iloc[0]
    labels = latest.drop_duplicates("chtype").set_index("chtype")
    cycle = {"year": int(first["exercise_year"]), "label": first["exercise_label"],
             **{chtype: f"{labels.at[chtype, 'reference_label']} {labels.at[chtype, 'reference_year']}"
                for chtype in ("current", "projected") if chtype in labels.index}}
    return FoodInsecurity(table, pd.DataFrame(translations, columns=TRANSLATION_COLUMNS).drop_duplicates(), cycle)
