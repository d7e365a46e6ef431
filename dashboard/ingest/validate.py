"""Check one mapped 3W row: place (P-codes), sector, organisation, dates and figures.

A row is rejected only when it cannot be placed on the map or counted: no organisation, no known sector,
or a P-code that does not exist in the boundary version. Everything else is accepted with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rapidfuzz import fuzz, process

from dashboard.ingest.pcodes import Hierarchy, normalise_pcode
from dashboard.text import clean_text, fold, header_key
from dashboard.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY, Term, Vocabulary

LEVEL_LABELS = {1: "region", 2: "cercle", 3: "commune"}
#: Similarity (0-100) above which a misspelt unit name is offered as a suggestion for review.
NAME_SUGGESTION_CUTOFF = 85
#: Similarity (0-100) from which two names are taken for the same place written differently
#: ("Nioro Commune" and "Nioro", "Gadougou 1" and "Gadougou I").
SAME_PLACE_SIMILARITY = 80


@dataclass(frozen=True)
class CellIssue:
    severity: str  # "error" rejects the row; "warning" and "repair" do not
    field: str
    value: str | None
    problem: str
    suggestion: str | None = None


@dataclass
class CheckedRow:
    """What the importer needs from one row once it is checked."""

    issues: list[CellIssue] = field(default_factory=list)
    sector_code: str | None = None
    location_level: int | None = None
    pcodes: dict[int, str | None] = field(default_factory=dict)
    start_date: date | None = None
    end_date: date | None = None
    targeted: float | None = None
    reached: float | None = None

    @property
    def rejected(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


def parse_date(value: object) -> date | None:
    """A date from a workbook cell or a text in ISO (2023-12-31) or French (31/12/2023) order."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = clean_text(value)
    if text is None:
        return None
    return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))


def _check_place(cells: dict[str, object], hierarchy: Hierarchy, row: CheckedRow, legacy: Hierarchy | None) -> None:
    given: dict[int, str] = {}
    for level in (1, 2, 3):
        column = f"adm{level}_code"
        raw = clean_text(cells.get(column))
        code = normalise_pcode(raw)
        if code is None:
            continue
        if code != raw:
            row.issues.append(CellIssue("repair", column, raw, f"P-code written {raw!r}", code))
        if hierarchy.level.get(code) != level:
            known_level = hierarchy.level.get(code)
            problem = (f"P-code {code} is a {LEVEL_LABELS.get(known_level, 'unit')} code, not a "
                       f"{LEVEL_LABELS[level]} code" if known_level is not None else
                       f"P-code {code} is not a {LEVEL_LABELS[level]} of boundary version {hierarchy.version}")
            row.issues.append(CellIssue("error", column, raw, problem,
                                        "correct the code against the OCHA COD-AB 2021 P-code list"))
            continue
        mismatch = _legacy_code(cells, level, code, hierarchy, legacy)
        if mismatch:
            row.issues.append(mismatch)
            continue
        given[level] = code
    if any(issue.severity == "error" for issue in row.issues):
        return
    _place_by_names(cells, hierarchy, given, row)
    if not given:
        row.issues.append(CellIssue("error", "adm1_code", None,
                                    "the row has no region, cercle or commune P-code, nor a name found in the "
                                    "boundaries", "fill in at least the region P-code (admin1Pcod)"))
        return
    finest = max(given)
    _repair_namesake_commune(cells, hierarchy, given, row)
    for level in range(finest - 1, 0, -1):
        implied = hierarchy.ancestor(given[finest], level)
        if level in given and given[level] != implied:
            row.issues.append(CellIssue(
                "warning", f"adm{level}_code", given[level],
                f"{given[level]} ({hierarchy.name.get(given[level])}) does not contain "
                f"{given[finest]} ({hierarchy.name.get(given[finest])}); the finer code was kept",
                implied))
    row.location_level = finest
    row.pcodes = {level: hierarchy.ancestor(given[finest], level) if level <= finest else None
                  for level in (1, 2, 3)}


def _place_by_names(cells: dict[str, object], hierarchy: Hierarchy, given: dict[int, str],
                    row: CheckedRow) -> None:
    """Place a row by unit names where the file has no P-code column for a level.

    Names are compared case- and accent-insensitively among the units inside the parent already known, so a
    commune name repeated in several cercles resolves by its cercle. A name that matches no unit but is
    close to one gets a suggestion that waits for review (not applied): the row then counts at the parent's
    level. A file that has a code column keeps its codes: an empty code cell is not replaced by a name.
    """
    parent = hierarchy.root
    for level in (1, 2, 3):
        if level in given:
            parent = given[level]
            continue
        column = f"adm{level}_name"
        name = clean_text(cells.get(column))
        if f"adm{level}_code" in cells or name is None or parent is None:
            return
        where = hierarchy.name.get(parent, parent)
        matches = hierarchy.children_named(parent, name)
        if len(matches) == 1:
            given[level] = parent = matches[0]
            row.issues.append(CellIssue("repair", column, name, f"no P-code: the {LEVEL_LABELS[level]} {name!r} "
                                        f"of {where} is {matches[0]}", matches[0]))
            continue
        closest = hierarchy.closest_child(parent, name, NAME_SUGGESTION_CUTOFF)
        if closest:
            code, score = closest
            row.issues.append(CellIssue("review", column, name, f"no {LEVEL_LABELS[level]} named {name!r} in "
                                        f"{where}; closest is {hierarchy.name[code]} ({score:.0f}% alike): "
                                        "confirm before it is used", code))
        else:
            row.issues.append(CellIssue("warning", column, name, f"no {LEVEL_LABELS[level]} named {name!r} in {where}",
                                        f"add the {LEVEL_LABELS[level]} P-code"))
        return


def _repair_namesake_commune(cells: dict[str, object], hierarchy: Hierarchy, given: dict[int, str],
                             row: CheckedRow) -> None:
    """Fix a commune code that points to a namesake commune in another cercle.

    Fourteen commune names repeat in different cercles (Baye, Bamba, Benkadi...). Workbooks that fill the
    commune code by looking its name up pick the first namesake, e.g. Baye of Bafoulabé (ML010401) for a
    row that says region Mopti, cercle Bankass, commune Baye. When the stated cercle agrees with the stated
    region and has exactly one commune of the row's commune name, that commune is the one meant.
    """
    commune, cercle = given.get(3), given.get(2)
    if commune is None or cercle is None or hierarchy.parent.get(commune) == cercle:
        return
    if 1 in given and hierarchy.parent.get(cercle) != given[1]:
        return
    name = clean_text(cells.get("adm3_name"))
    candidates = hierarchy.children_named(cercle, name) if name else []
    if len(candidates) != 1 or fold(hierarchy.name[commune]) != fold(name):
        return
    given[3] = candidates[0]
    row.issues.append(CellIssue(
        "repair", "adm3_code", commune,
        f"{commune} is the commune {hierarchy.name[commune]} of cercle {hierarchy.name.get(hierarchy.parent[commune])}, "
        f"but the row says cercle {hierarchy.name[cercle]}, which has a commune of that name",
        candidates[0]))


def _alike(first: object, second: object) -> bool:
    return fuzz.token_set_ratio(fold(first), fold(second)) >= SAME_PLACE_SIMILARITY


def _legacy_code(cells: dict[str, object], level: int, code: str, hierarchy: Hierarchy,
                 legacy: Hierarchy | None) -> CellIssue | None:
    """An error when the row's code is read in the 2015 boundary set rather than the 2021 one.

    Both sets write codes alike (ML0101 is Kayes in 2015, Bafoulabé in 2021). The row is taken as coded in
    2015 when the name it gives is the code's 2015 unit, unlike its 2021 unit, and the two units differ
    (their names are unlike too): a mere spelling variant of one place ("Nioro Commune") is not flagged.
    """
    name = clean_text(cells.get(f"adm{level}_name"))
    if legacy is None or name is None or code not in legacy.name:
        return None
    then, now = legacy.name[code], hierarchy.name[code]
    if _alike(name, now) or not _alike(name, then) or _alike(then, now):
        return None
    return CellIssue("error", f"adm{level}_code", code,
                     f"P-code {code} is {now} in the 2021 boundaries but {then} in the 2015 ones, which is the "
                     f"name this row gives ({name!r}): the file seems coded with the 2015 P-codes",
                     "recode the file with the 2021 P-codes (OCHA COD-AB 2021) and import it again")


#: the start of the problem recorded for a sector spelling nobody knows (found again when an IMO teaches it)
UNKNOWN_SECTOR = "unknown sector"
#: a spelling at least this close (rapidfuzz WRatio, 0-100) to a known one is offered as its meaning
SECTOR_CUTOFF = 85


def closest_sector(spelling: object, sectors: Vocabulary = SECTOR_VOCABULARY) -> Term | None:
    """The sector an unknown spelling most likely means (``Eau hygiène`` → WASH), or ``None``."""
    known = sectors.keys()
    found = process.extractOne(header_key(spelling), list(known), scorer=fuzz.WRatio, score_cutoff=SECTOR_CUTOFF)
    return known[found[0]] if found else None


def check_row(cells: dict[str, object], hierarchy: Hierarchy, legacy: Hierarchy | None = None,
              sectors: Vocabulary = SECTOR_VOCABULARY) -> CheckedRow:
    """Check a row given as canonical field → cell value; ``legacy`` (the 2015 set) lets a row coded with it
    be recognised and explained; ``sectors`` may know spellings an IMO taught (see
    :mod:`dashboard.ingest.sector_spellings`)."""
    row = CheckedRow()
    if not clean_text(cells.get("org_acronym")) and not clean_text(cells.get("org_name")):
        row.issues.append(CellIssue("error", "org_acronym", None, "the row names no organisation",
                                    "fill in the organisation acronym or name"))
    sector = clean_text(cells.get("sector"))
    term = sectors.match(sector)
    if sector is None:
        row.issues.append(CellIssue("error", "sector", None, "the row has no sector (cluster)",
                                    "fill in the cluster, e.g. Santé, Protection, EHA"))
    elif term is None:
        closest = closest_sector(sector, sectors)
        row.issues.append(CellIssue("error", "sector", sector, f"{UNKNOWN_SECTOR} {sector!r}", (
            f"if it means {closest.name_fr} ({closest.name_en}), an IMO can teach this spelling on the Registry "
            "page and the row is accepted; otherwise use a cluster name such as Santé, Protection, EHA, Abris"
            if closest else "use a cluster name such as Santé, Protection, Education, EHA, Abris, or ask an IMO "
            "to teach this spelling on the Registry page")))
    else:
        row.sector_code = term.code
    org_type = clean_text(cells.get("org_type"))
    if org_type and ORG_TYPE_VOCABULARY.match(org_type) is None:
        row.issues.append(CellIssue("warning", "org_type", org_type, f"unknown organisation type {org_type!r}",
                                    "use ONG Nat, ONG Int, Agence UN, Mouv. CR, Gouvernement or Autre"))
    _check_place(cells, hierarchy, row, legacy)
    for column, attribute, parser in (("start_date", "start_date", parse_date), ("end_date", "end_date", parse_date),
                                      ("targeted", "targeted", parse_number), ("reached", "reached", parse_number)):
        try:
            setattr(row, attribute, parser(cells.get(column)))
        except ValueError:
            row.issues.append(CellIssue("warning", column, clean_text(cells.get(column)),
                                        f"{cells.get(column)!r} is not a valid {column.replace('_', ' ')}",
                                        "the value was left empty; correct it in the file"))
    return row
