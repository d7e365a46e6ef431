"""3W files laid out as Burkina Faso's and Niger's are, made from the real units of the data mirror, each with what
its generator put in: for every data row, where it must land (its commune, its province or department, or
rejected) and why. The expectations come from the generator's own choices, never from the importer.

- :func:`burkina_5w`: an OCHA Burkina Faso 5W workbook: a read-me sheet, two pivot-table sheets (summaries with
  merged-looking headers and totals) before the data sheet "5W", whose French headers (Région, Province, Commune and
  their P-code columns, Organisation, Type d'organisation, Secteur / Cluster...) sit under a title; some rows have
  only a province code, some no organisation.
- :func:`niger_names_3w`: a Niger 3W with names only (Région, Département, Commune), about 2,600 rows, the names
  written as people write them (capitals, accents dropped, hyphens for spaces, "Commune urbaine de ...", "Niamey"
  for the department "Ville de Niamey"), some rows without commune, some misspelt or unknown names.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyogrio
from rapidfuzz import fuzz

from tests.workbooks import write_workbook

BURKINA_FOLDER = "bfa_boundaries_2020/cod_ab_2020_attributes"
NIGER_FOLDER = "ocha_cod_ab_ner_2023"

#: (organisation as written, type as written): one word each, so each is one organisation
BURKINA_ORGANISATIONS = [
    ("NRC", "ONG Internationale"), ("MSF", "ONG Internationale"), ("ACF", "ONG Internationale"),
    ("IRC", "ONG Internationale"), ("CARE", "ONG Internationale"), ("OXFAM", "ONG Internationale"),
    ("ALIMA", "ONG Internationale"), ("INTERSOS", "ONG Internationale"), ("UNICEF", "Agence UN"),
    ("UNHCR", "Agence UN"), ("ATAD", "ONG Nationale"), ("APIL", "ONG Nationale"), ("AMMIE", "ONG Nationale"),
    ("OCADES", "ONG Nationale"), ("ASMADE", "ONG Nationale")]
NIGER_ORGANISATIONS = [
    ("NRC", "ONG Internationale"), ("MSF", "ONG Internationale"), ("ACF", "ONG Internationale"),
    ("IRC", "ONG Internationale"), ("CARE", "ONG Internationale"), ("COOPI", "ONG Internationale"),
    ("DRC", "ONG Internationale"), ("UNICEF", "Agence UN"), ("UNHCR", "Agence UN"), ("KARKARA", "ONG Nationale"),
    ("APBE", "ONG Nationale"), ("ADKOUL", "ONG Nationale"), ("DIKO", "ONG Nationale")]
#: the sector spellings met in these countries' 3Ws (issue 16) and others
BURKINA_SECTORS = ["Sécurite Alimentaire", "Abris/AME", "Protection - VGB", "Protection - PE", "Santé", "EHA",
                   "Nutrition", "Education", "Multi-Secteur", "Rélevement Précoce"]
NIGER_SECTORS = ["Sécurité Alimentaire", "Santé", "Nutrition", "EHA", "Abris/AME", "ABNA", "Protection",
                 "Education", "Services humanitaires communs"]
STATUSES = ["En cours", "Terminé", "Planifié"]

BURKINA_HEADERS = ["Région", "P-code Région", "Province", "P-code Province", "Commune", "P-code Commune",
                   "Organisation", "Type d'organisation", "Secteur / Cluster", "Activité", "Statut",
                   "Bénéficiaires ciblés", "Bénéficiaires atteints"]
NIGER_HEADERS = ["Région", "Département", "Commune", "Organisation", "Type d'organisation", "Secteur", "Activité",
                 "Statut"]


@dataclass(frozen=True)
class Expected:
    """What the generator put in one data row: its spreadsheet row, where it must land (``level`` 3 its commune,
    2 its province or department, None rejected) and its true units, the organisation, and how it was written."""

    row: int
    level: int | None
    commune: str | None
    province: str
    organisation: str | None
    kind: str

    @property
    def pcode(self) -> str | None:
        return None if self.level is None else self.commune if self.level == 3 else self.province


def expected_frame(rows: list[Expected]) -> pd.DataFrame:
    return pd.DataFrame([{**vars(row), "pcode": row.pcode} for row in rows])


def communes_of(mirror: Path, iso3: str) -> pd.DataFrame:
    """The communes with their department/province and region, codes and French names, from the mirror."""
    path = (mirror / BURKINA_FOLDER / "bfa_admbnda_adm3_igb_20200323.dbf" if iso3 == "BFA"
            else mirror / NIGER_FOLDER / "NER_admbnda_adm3_IGNN_20230720.shp")
    columns = ["ADM3_FR", "ADM3_PCODE", "ADM2_FR", "ADM2_PCODE", "ADM1_FR", "ADM1_PCODE"]
    frame = pyogrio.read_dataframe(path, columns=columns, read_geometry=False)
    return frame.apply(lambda column: column.str.strip()).sort_values("ADM3_PCODE", ignore_index=True)


def _unaccented(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _key(text: str) -> str:
    return "".join(ch for ch in _unaccented(text).casefold() if ch.isalnum())


# --- Burkina Faso: the OCHA 5W workbook ---------------------------------------------------------------------------

def burkina_5w(path: Path, mirror: Path, seed: int, rows: int = 700) -> list[Expected]:
    """Write the workbook; returns the expectation of each data row. About 78 % of the rows give a commune and
    its codes, 3 % a commune code without the region's and province's (their commune: the parents follow from it),
    15 % only their province (commune cells empty), 4 % no organisation (rejected)."""
    rng = random.Random(seed)
    communes = communes_of(mirror, "BFA")
    data, expected = [], []
    first_row = 5  # a title, a source line and an empty row above the header (row 4)
    for offset in range(rows):
        unit = communes.iloc[rng.randrange(len(communes))]
        acronym, org_type = rng.choice(BURKINA_ORGANISATIONS)
        draw = rng.random()
        kind = ("commune" if draw < 0.78 else "parents empty" if draw < 0.81 else "province" if draw < 0.96
                else "no organisation")
        commune = [unit.ADM3_FR, unit.ADM3_PCODE] if kind != "province" else [None, None]
        parents = [None, None] if kind == "parents empty" else [unit.ADM1_PCODE, unit.ADM2_PCODE]
        organisation = None if kind == "no organisation" else acronym
        targeted = rng.randrange(50, 5000)
        data.append([unit.ADM1_FR, parents[0], unit.ADM2_FR, parents[1], *commune, organisation, org_type,
                     rng.choice(BURKINA_SECTORS), "Distribution", rng.choice(STATUSES), targeted,
                     rng.randrange(0, targeted)])
        expected.append(Expected(first_row + offset, {"commune": 3, "parents empty": 3, "province": 2}.get(kind),
                                 unit.ADM3_PCODE,
                                 unit.ADM2_PCODE, organisation, kind))
    frame = pd.DataFrame(data, columns=BURKINA_HEADERS)
    write_workbook(path, {
        "Lisez-moi": [["5W Burkina Faso : qui fait quoi, où, quand, pour qui"], [],
                      ["Ce classeur rassemble les activités déclarées par les partenaires humanitaires."],
                      ["Colonne", "Description"], ["Région", "Nom de la région (COD-AB 2020)"],
                      ["Organisation", "Acronyme de l'organisation"], ["Secteur / Cluster", "Cluster de l'activité"],
                      [], ["Contact : OCHA Burkina Faso, gestion de l'information"]],
        "TCD Secteurs": _pivot_by_sector(frame),
        "TCD Provinces": _pivot_by_province(frame),
        "5W": [["BURKINA FASO : 5W - Présence opérationnelle des partenaires humanitaires (mars 2024)"],
               ["Source : OCHA Burkina Faso, clusters"], [], BURKINA_HEADERS, *data],
    })
    return expected


def _pivot_by_sector(frame: pd.DataFrame) -> list[list]:
    """Excel's pivot table: organisations by region (rows) and sector (columns), with its labels and totals."""
    known = frame.dropna(subset=["Organisation"])
    table = known.pivot_table(index="Région", columns="Secteur / Cluster", values="Organisation", aggfunc="nunique",
                              fill_value=0)
    sectors = list(table.columns)
    totals = known.groupby("Région")["Organisation"].nunique()
    return [["Nombre d'organisations par région et secteur"], [],
            ["Nombre de Organisation", "Étiquettes de colonnes"],
            ["Étiquettes de lignes", *sectors, "Total général"],
            *[[region, *[int(value) for value in values], int(totals[region])]
              for region, values in zip(table.index, table.to_numpy())],
            ["Total général", *[int(known.loc[known["Secteur / Cluster"] == sector, "Organisation"].nunique())
                                for sector in sectors], int(known["Organisation"].nunique())]]


def _pivot_by_province(frame: pd.DataFrame) -> list[list]:
    """Excel's pivot table in tabular form: region (written on its first line only, as a merged cell reads),
    province and organisation, with the number of sectors and people reached, and the region's and overall totals."""
    known = frame.dropna(subset=["Organisation"])
    rows = [["Région", "Province", "Organisation", "Nombre de Secteur / Cluster", "Somme de Bénéficiaires atteints"]]
    for region, by_region in known.groupby("Région"):
        first = True
        for (province, organisation), cells in by_region.groupby(["Province", "Organisation"]):
            rows.append([region if first else None, province, organisation, len(cells),
                         int(cells["Bénéficiaires atteints"].sum())])
            first = False
        rows.append([f"Total {region}", None, None, len(by_region), int(by_region["Bénéficiaires atteints"].sum())])
    rows.append(["Total général", None, None, len(known), int(known["Bénéficiaires atteints"].sum())])
    return rows


# --- Niger: a names-only 3W ---------------------------------------------------------------------------------------

def _variant(name: str, rng: random.Random, level: int, siblings: list[str] = ()) -> str:
    """``name`` as people write it: capitals, small letters, accents dropped, hyphens and spaces swapped, a
    double space; a commune with "Commune urbaine de" or "CR" before it; a department "Ville de X" without it,
    unless its region has a department X too (Tahoua and Ville de Tahoua: "Tahoua" would be the other one)."""
    if level == 2 and name.startswith("Ville de ") and name.removeprefix("Ville de ") not in siblings:
        return name.removeprefix("Ville de ")
    ways = [str.upper, str.lower, _unaccented, lambda text: text.replace(" ", "-") if " " in text else
            text.replace("-", " ") if "-" in text else text.upper(), lambda text: text.replace(" ", "  ") + " "]
    if level == 3:
        ways += [lambda text: f"Commune urbaine de {text}", lambda text: f"CR {text}"]
    return rng.choice(ways)(name)


def _misspelt(name: str, siblings: list[str], rng: random.Random) -> str | None:
    """``name`` with one letter doubled, when that is closer to it than to any other commune of its department
    and equal to none; None when the name is too short for a misspelling to stay recognisable."""
    letters = [index for index, ch in enumerate(name) if ch.isalpha()]
    if len(_key(name)) < 6:
        return None
    index = rng.choice(letters[1:])
    wrong = name[:index] + name[index] + name[index:]
    others = [sibling for sibling in siblings if sibling != name]
    if _key(wrong) in {_key(sibling) for sibling in siblings}:
        return None
    mine = fuzz.ratio(_key(wrong), _key(name))
    if any(fuzz.ratio(_key(wrong), _key(other)) >= mine - 5 for other in others):
        return None
    return wrong


def niger_names_3w(path: Path, mirror: Path, seed: int, rows: int = 2600) -> list[Expected]:
    """Write the 3W; returns the expectation of each data row: names as written (55 %), names written otherwise
    (30 %, their commune), no commune (8 %, their department), a misspelt commune (3 %) or an unknown one (2 %,
    their department), an unknown region or no organisation (rejected)."""
    rng = random.Random(seed)
    communes = communes_of(mirror, "NER")
    siblings = communes.groupby("ADM2_PCODE")["ADM3_FR"].apply(list).to_dict()
    departments = communes.groupby("ADM1_PCODE")["ADM2_FR"].apply(lambda names: sorted(set(names))).to_dict()
    data, expected = [], []
    for offset in range(rows):
        unit = communes.iloc[rng.randrange(len(communes))]
        acronym, org_type = rng.choice(NIGER_ORGANISATIONS)
        region, department, commune = unit.ADM1_FR, unit.ADM2_FR, unit.ADM3_FR
        draw = rng.random()
        kind, level = "exact", 3
        if draw < 0.30:
            kind = "variant"
            region, department, commune = (_variant(region, rng, 1) if rng.random() < 0.5 else region,
                                           _variant(department, rng, 2, departments[unit.ADM1_PCODE])
                                           if rng.random() < 0.5 else department,
                                           _variant(commune, rng, 3))
        elif draw < 0.38:
            kind, level, commune = "no commune", 2, None
        elif draw < 0.41:
            wrong = _misspelt(commune, siblings[unit.ADM2_PCODE], rng)
            if wrong is not None:
                kind, level, commune = "misspelt", 2, wrong
        elif draw < 0.43:
            kind, level, commune = "unknown commune", 2, f"Hameau de Tchirgawa {offset}"
        elif draw < 0.44:
            kind, level, region = "unknown region", None, "Région du Lac Tchad"
        elif draw < 0.45:
            kind, level, acronym = "no organisation", None, None
        data.append([region, department, commune, acronym, org_type, rng.choice(NIGER_SECTORS), "Distribution",
                     rng.choice(STATUSES)])
        expected.append(Expected(2 + offset, level, unit.ADM3_PCODE, unit.ADM2_PCODE, acronym, kind))
    write_workbook(path, {"3W": [NIGER_HEADERS, *data]})
    return expected
