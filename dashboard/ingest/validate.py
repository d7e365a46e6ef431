"""Check one mapped 3W row: place (P-codes), sector, organisation, dates and figures.

A row is rejected only when it cannot be placed on the map or counted: no organisation, no known sector,
or a P-code that does not exist in the boundary version. Everything else is accepted with a warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date, datetime, timedelta
from functools import lru_cache

from rapidfuzz import fuzz, process

from dashboard.i18n import render_message
from dashboard.ingest.columns import organisation_field, row_organisation
from dashboard.domain.places import WHOLE_UNIT_SHARE, Crosswalk, Hierarchy, normalise_pcode
from dashboard.domain.text import clean_text, fold, header_key, place_key
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY, Term, Vocabulary

#: Similarity (0-100) above which a misspelt unit name is offered as a suggestion for review.
NAME_SUGGESTION_CUTOFF = 85
#: Similarity (0-100) from which two names are taken for the same place written differently
#: ("Nioro Commune" and "Nioro", "Gadougou 1" and "Gadougou I").
SAME_PLACE_SIMILARITY = 80


@dataclass(frozen=True)
class CellIssue:
    severity: str  # "error" rejects the row; "warning", "repair" and "review" (waits for a person) do not
    field: str
    value: str | None
    problem: str
    suggestion: str | None = None
    #: for repairs and suggestions: how the new value was found, and how sure it is (0-1); for other issues
    #: the check that found them
    method: str | None = None
    confidence: float | None = None
    #: the catalogue keys and values ``problem`` and ``suggestion`` were written from, so that a report reads
    #: them in its reader's language (see :func:`dashboard.i18n.render_message`)
    message: dict | None = None

    @classmethod
    def of(cls, severity: str, field: str, value: str | None, problem: str | list[str], advice: str | None = None,
           /, *, suggestion: str | None = None, method: str | None = None, confidence: float | None = None,
           **params: object) -> CellIssue:
        """An issue whose problem (and advice, for errors and warnings) are catalogue keys filled with
        ``params``; a repair or a suggestion gives its new value as ``suggestion`` instead of advice."""
        message = {"problem": problem, "advice": advice, "params": params}
        return cls(severity, field, value, render_message(message, "problem", "en"),
                   render_message(message, "advice", "en") if advice else suggestion, method, confidence, message)


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
    physical_presence: bool | None = None
    #: people by sex and age (``targeted_f_child``...; see :mod:`dashboard.ingest.columns`)
    people: dict[str, float] = field(default_factory=dict)
    #: (acronym, name, reported type) of the organisation doing the work, and of its implementing partner
    organisation: tuple[object, object, object] = (None, None, None)
    partner: tuple[object, object, object] = (None, None, None)

    @property
    def rejected(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


#: Day 0 of the spreadsheet date serials (Excel's 1900 system, as LibreOffice writes them too).
_SERIAL_EPOCH = date(1899, 12, 30)
#: Serials of 1954-12-31 to 2118-10-29: a number in this range in a date column is a date.
_SERIALS = range(20_000, 80_000)
_DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                  "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%Y")


def parse_date(value: object) -> date | None:
    """A date from a workbook cell, a spreadsheet serial (45291 = 2023-12-31) or a text in ISO (2023-12-31),
    French (31/12/2023, 31/12/23) or, when it can only be read so, US order (12/31/2023)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and int(value) in _SERIALS:
        return _SERIAL_EPOCH + timedelta(days=int(value))
    text = clean_text(value)
    if text is None:
        return None
    if text.isdigit() and int(text) in _SERIALS:
        return _SERIAL_EPOCH + timedelta(days=int(text))
    for pattern in _DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return datetime.fromisoformat(text).date()  # with a time zone (2023-12-31T10:30:00+01:00), or ValueError


_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+")


def parse_number(value: object) -> float | None:
    """A number from a cell: ``1 234``, ``1,234`` and ``1,234.5`` (thousands), ``12,5`` (decimal comma),
    ``1.234.567`` and ``1.234,5`` (dots between thousands). NaN reads as an empty cell; infinity, or a number
    too large for a float, is no count of anything (ValueError)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        number = float(value) if -1e308 < value < 1e308 else math.inf
        if not math.isfinite(number):
            raise ValueError(clean_text(value))
        return number
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if _THOUSANDS_COMMA.fullmatch(text):
        text = text.replace(",", "")
    elif _THOUSANDS_DOT.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    number = float(text)
    if not math.isfinite(number):  # "inf", "nan", or 400 digits
        raise ValueError(text)
    return number


_PRESENT = {header_key(word) for word in (
    "oui", "yes", "y", "o", "1", "true", "vrai", "x", "physique", "présence physique", "physical",
    "physical presence", "direct", "directe", "sur place", "sur le terrain", "on site", "in person", "présent",
    "présente", "bureau sur place")}
_NOT_PRESENT = {header_key(word) for word in (
    "non", "no", "n", "0", "false", "faux", "à distance", "distance", "remote", "remotely", "remote support",
    "via partenaire", "via un partenaire", "par partenaire", "through partner", "through partners", "appui",
    "soutien", "support", "appui à distance", "indirect", "indirecte", "absent", "absente")}


def parse_presence(value: object) -> bool | None:
    """Whether a cell says the organisation is physically there (``Oui``, ``Présence physique``, ``Direct``)
    or not (``Non``, ``À distance``, ``Via partenaire``); None when empty; ValueError otherwise."""
    if isinstance(value, bool):
        return value
    text = clean_text(int(value) if isinstance(value, float) and value.is_integer() else value)
    if text is None:
        return None
    key = header_key(text)
    if key in _PRESENT:
        return True
    if key in _NOT_PRESENT:
        return False
    raise ValueError(text)


def _written_codes(cells: dict[str, object], row: CheckedRow) -> dict[int, str]:
    """The row's P-codes by level, in their normal form; each code written otherwise (``MLI05``, a space
    before or after, lower case) is a repair on record."""
    codes: dict[int, str] = {}
    for level in (1, 2, 3):
        column = f"adm{level}_code"
        cell = cells.get(column)
        code = normalise_pcode(cell)
        if code is None:
            continue
        written = cell if isinstance(cell, str) else clean_text(cell)
        if code != written:
            row.issues.append(CellIssue.of("repair", column, written, "msg.code_written", suggestion=code,
                                           method="code normalised", confidence=1.0, written=written))
        codes[level] = code
    return codes


def _check_2021_codes(codes: dict[int, str], hierarchy: Hierarchy) -> tuple[dict[int, str], dict[int, str]]:
    """The row's codes that are units of their column's level, and those that are not (unknown, or a unit of
    another level: a cercle code in the region column), by level. What becomes of the latter depends on the
    row's other codes (see :func:`_settle_bad_codes`)."""
    given: dict[int, str] = {}
    bad: dict[int, str] = {}
    for level, code in codes.items():
        (given if hierarchy.level.get(code) == level else bad)[level] = code
    return given, bad


def _bad_code_issue(level: int, code: str, hierarchy: Hierarchy) -> CellIssue:
    """The error of a code that is no unit of its column's level (the row cannot be placed by it)."""
    column, known_level = f"adm{level}_code", hierarchy.level.get(code)
    if known_level in (1, 2, 3):
        return CellIssue.of("error", column, code, "msg.pcode_wrong_level", hierarchy.advice_on_codes(),
                            method="P-code check", code=code, known=hierarchy.unit_word(known_level),
                            level=hierarchy.unit_word(level))
    return CellIssue.of("error", column, code, "msg.pcode_unknown", hierarchy.advice_on_codes(),
                        method="P-code check", code=code, level=hierarchy.unit_word(level), version=hierarchy.version)


def _names_confirm(cells: dict[str, object], hierarchy: Hierarchy, level: int, code: str) -> bool:
    """Whether the row's name of ``level`` is the name of unit ``code`` (spelling aside)."""
    name = clean_text(cells.get(f"adm{level}_name"))
    return name is not None and _alike(name, hierarchy.name[code])


def _settle_bad_codes(cells: dict[str, object], hierarchy: Hierarchy, given: dict[int, str], bad: dict[int, str],
                      row: CheckedRow) -> None:
    """A parent cell that is no unit of its level beside a finer code that is one keeps the row: the finer code
    places it, the parent is derived from it, and the cell is reported. That holds when the cell names the
    finer unit or one of its ancestors at another level (the cercle code ``ML0901`` in the region column of a
    Bamako row), or when the row's name of the finer unit confirms its code (the unknown region ``ML11`` beside
    cercle ``ML0502`` Bankass, named Bankass). Any other code that is no unit of its level rejects the row."""
    finest = max(given, default=0)
    for level, code in sorted(bad.items()):
        place = given.get(finest)
        known_level = hierarchy.level.get(code)
        in_lineage = known_level is not None and place is not None and hierarchy.ancestor(place, known_level) == code
        if level < finest and (in_lineage or _names_confirm(cells, hierarchy, finest, place)):
            implied = hierarchy.ancestor(place, level)
            row.issues.append(CellIssue.of(
                "warning", f"adm{level}_code", code,
                "msg.parent_cell_other_level" if known_level in (1, 2, 3) else "msg.parent_cell_unknown",
                suggestion=implied, method="parent of the finer code", code=code, level=hierarchy.unit_word(level),
                known=hierarchy.unit_word(known_level) if known_level in (1, 2, 3) else None, parent=implied,
                parent_name=hierarchy.name.get(implied), child=place, child_name=hierarchy.name[place]))
        else:
            row.issues.append(_bad_code_issue(level, code, hierarchy))


def _translate_2015_codes(codes: dict[int, str], hierarchy: Hierarchy, legacy: Hierarchy, crosswalk: Crosswalk,
                          row: CheckedRow) -> dict[int, str]:
    """The 2021 units of a row coded with the 2015 P-codes, finest first. Each translation is a repair on
    record with its confidence, the share of the 2015 unit's area inside the 2021 one. A 2015 unit split
    since (the cercle of Ménaka is a region now) goes to the 2021 unit holding it whole, one level up; a
    coarser code of the row whose unit was split (Gao) is left out when a finer one places the row."""
    given: dict[int, str] = {}
    for level in sorted(codes, reverse=True):
        code, column = codes[level], f"adm{level}_code"
        if legacy.level.get(code) != level or code not in crosswalk:
            row.issues.append(CellIssue.of("error", column, code, "msg.pcode_unknown_2015", "advice.check_pcode_list",
                                           method="P-code check", code=code, level=hierarchy.unit_word(level)))
            continue
        target, target_level, share = crosswalk[code]
        if given and (target_level in given or share < WHOLE_UNIT_SHARE):
            continue
        row.issues.append(CellIssue.of(
            "repair", column, code, "msg.pcode_translated" if target_level == level else "msg.pcode_translated_up",
            suggestion=target, method=TRANSLATED, confidence=round(share, 3), code=code, old=legacy.name[code],
            target=target, new=hierarchy.name[target], level=hierarchy.unit_word(level),
            target_level=hierarchy.unit_word(target_level)))
        given[target_level] = target
    return given


#: the fields a row's place is read from
PLACE_FIELDS = tuple(f"adm{level}_{part}" for level in (1, 2, 3) for part in ("code", "name"))
#: stands for a place field the file has no column for (which differs from an empty cell)
_NO_COLUMN = object()
#: a place as checked: its issues, level and P-codes by level
Place = tuple[tuple[CellIssue, ...], int | None, dict[int, str | None]]


def check_place(cells: dict[str, object], hierarchy: Hierarchy, legacy: Hierarchy | None,
                crosswalk: Crosswalk | None, coded_2015: bool, known: dict[tuple, Place] | None = None,
                key: tuple | None = None) -> Place:
    """The place of a row (see :func:`_check_place`). A 3W repeats its places over thousands of rows: with a
    ``known`` dict, each combination of codes and names is checked once (``key``, when the caller made it:
    the row's place cells, every row of a file having the same fields)."""
    key = (coded_2015, key if key is not None else tuple(cells.get(name, _NO_COLUMN) for name in PLACE_FIELDS))
    if known is not None and key in known:
        return known[key]
    scratch = CheckedRow()
    _check_place(cells, hierarchy, scratch, legacy, crosswalk, coded_2015)
    place = (tuple(scratch.issues), scratch.location_level, scratch.pcodes)
    if known is not None:
        known[key] = place
    return place


def _check_place(cells: dict[str, object], hierarchy: Hierarchy, row: CheckedRow, legacy: Hierarchy | None,
                 crosswalk: Crosswalk | None, coded_2015: bool) -> None:
    codes = _written_codes(cells, row)
    if coded_2015 and legacy is not None and crosswalk:
        given = _translate_2015_codes(codes, hierarchy, legacy, crosswalk, row)
    else:
        given, bad = _check_2021_codes(codes, hierarchy)
        _settle_bad_codes(cells, hierarchy, given, bad, row)
    if any(issue.severity == "error" for issue in row.issues):
        return
    _place_by_names(cells, hierarchy, given, row)
    if not given:
        row.issues.append(CellIssue.of("error", "adm1_code", None, *_worded("msg.no_place", hierarchy),
                                       "advice.fill_region", method="place check", **_level_words(hierarchy)))
        return
    finest = max(given)
    _repair_namesake_commune(cells, hierarchy, given, row)
    for level in range(finest - 1, 0, -1):
        implied = hierarchy.ancestor(given[finest], level)
        if level in given and given[level] != implied:
            row.issues.append(CellIssue.of(
                "warning", f"adm{level}_code", given[level], "msg.parent_contradicts", suggestion=implied,
                method="parent of the finer code", parent=given[level], parent_name=hierarchy.name.get(given[level]),
                child=given[finest], child_name=hierarchy.name.get(given[finest])))
        elif (level not in given and f"adm{level}_code" in cells and implied
              and normalise_pcode(cells[f"adm{level}_code"]) is None):
            # an empty parent cell of a column the file has: the parent follows from the child code
            row.issues.append(CellIssue.of(
                "repair", f"adm{level}_code", None, "msg.parent_inferred", suggestion=implied,
                method="parent of the finer code", confidence=1.0, level=hierarchy.unit_word(level), parent=implied,
                parent_name=hierarchy.name.get(implied), child=given[finest]))
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
        where = hierarchy.name.get(parent, parent) if parent != hierarchy.root else hierarchy.unit_word("country")
        matches = hierarchy.children_named(parent, name)
        if len(matches) == 1:
            given[level] = parent = matches[0]
            row.issues.append(CellIssue.of("repair", column, name, "msg.name_matched", suggestion=matches[0],
                                           method="name within its parent", confidence=1.0,
                                           level=hierarchy.unit_word(level),
                                           name=name, where=where, code=matches[0]))
            continue
        closest = hierarchy.closest_child(parent, name, NAME_SUGGESTION_CUTOFF)
        if closest:
            code, score = closest
            row.issues.append(CellIssue.of("review", column, name, "msg.name_close", suggestion=code,
                                           method="close name within its parent", confidence=round(score / 100, 3),
                                           level=hierarchy.unit_word(level), name=name, where=where,
                                           closest=hierarchy.name[code], score=score))
        else:
            row.issues.append(CellIssue.of("warning", column, name, "msg.name_unknown", "advice.add_pcode",
                                           method="name within its parent", level=hierarchy.unit_word(level), name=name,
                                           where=where))
        return


def _repair_namesake_commune(cells: dict[str, object], hierarchy: Hierarchy, given: dict[int, str],
                             row: CheckedRow) -> None:
    """Fix a commune code that lies outside the stated cercle when the stated cercle has exactly one commune of
    the stated commune name (case, accents, spaces and punctuation ignored).

    Workbooks that fill the commune code by looking its name up pick the first namesake: Baye of Kéniéba
    (ML010401) for a row that says region Mopti, cercle Bankass, commune Baye; or a commune of a near name
    elsewhere: Diébougou of Kati for rows that say Dioïla / Diedougou. The names say where the row is: when the
    stated cercle agrees with the stated region and has one commune of the row's commune name, that commune is
    the one meant (a true namesake when the coded commune bears the same name).
    """
    commune, cercle = given.get(3), given.get(2)
    if commune is None or cercle is None or hierarchy.parent.get(commune) == cercle:
        return
    if 1 in given and hierarchy.parent.get(cercle) != given[1]:
        return
    name = clean_text(cells.get("adm3_name"))
    candidates = hierarchy.children_named(cercle, name) if name else []
    if len(candidates) != 1:
        return
    given[3] = candidates[0]
    same_name = place_key(hierarchy.name[commune]) == place_key(name)
    row.issues.append(CellIssue.of(
        "repair", "adm3_code", commune, *_worded("msg.namesake" if same_name else "msg.commune_of_stated_cercle",
                                                 hierarchy),
        suggestion=candidates[0], method="commune named in the stated " + ("unit" if hierarchy.wording else "cercle"),
        confidence=1.0, **_level_words(hierarchy), commune=commune,
        commune_name=hierarchy.name[commune], cercle_name=hierarchy.name.get(hierarchy.parent[commune]),
        stated=hierarchy.name[cercle], name=name, new=candidates[0]))


def _worded(key: str, hierarchy: Hierarchy) -> tuple[str]:
    """A message's catalogue key: Mali's (naming the cercle), or for another country's units its ``.country``
    variant, which names the levels by the ``level1`` and ``level2`` parameters (:func:`_level_words`)."""
    return (f"{key}.country" if hierarchy.wording else key,)


def _level_words(hierarchy: Hierarchy) -> dict[str, object]:
    """The names of levels 1 and 2 for a ``.country`` message (nothing for Mali, whose messages name them)."""
    return {"level1": hierarchy.unit_word(1), "level2": hierarchy.unit_word(2)} if hierarchy.wording else {}


@lru_cache(maxsize=65_536)
def _alike(first: object, second: object) -> bool:
    return fuzz.token_set_ratio(fold(first), fold(second)) >= SAME_PLACE_SIMILARITY


def boundary_evidence(cells: dict[str, object], hierarchy: Hierarchy, legacy: Hierarchy | None) -> int:
    """What a row says of the boundary set its P-codes belong to: above 0 for the 2015 set, below 0 for the
    2021 set, 0 when it does not tell.

    Both sets write codes alike (ML0101 is Kayes in 2015, Bafoulabé in 2021). A code with a name beside it
    votes for the set whose unit has that name, when the other set's unit has another one ("Nioro
    Commune" and "Nioro" are one name); a code without a name votes for the only set that has it."""
    if legacy is None:
        return -1
    votes = 0
    for level in (1, 2, 3):
        code = normalise_pcode(cells.get(f"adm{level}_code"))
        if code is None:
            continue
        now = hierarchy.name.get(code) if hierarchy.level.get(code) == level else None
        then = legacy.name.get(code) if legacy.level.get(code) == level else None
        name = clean_text(cells.get(f"adm{level}_name"))
        if name is not None and (now or then):
            in_2021, in_2015 = bool(now and _alike(name, now)), bool(then and _alike(name, then))
            votes += (in_2015 and not in_2021) - (in_2021 and not in_2015)
        elif name is None:
            votes += (then is not None and now is None) - (now is not None and then is None)
    return votes


#: the start of the problem recorded for a sector spelling nobody knows (found again when an IMO teaches it)
UNKNOWN_SECTOR = "unknown sector"
#: a spelling at least this close (rapidfuzz WRatio, 0-100) to a known one is offered as its meaning
SECTOR_CUTOFF = 85


def closest_sector(spelling: object, sectors: Vocabulary) -> Term | None:
    """The sector an unknown spelling most likely means (``Eau hygiène`` → WASH), or ``None``."""
    known = sectors.keys()
    found = process.extractOne(header_key(spelling), list(known), scorer=fuzz.WRatio, score_cutoff=SECTOR_CUTOFF)
    return known[found[0]] if found else None


def _check_sector(cells: dict[str, object], sectors: Vocabulary, row: CheckedRow) -> None:
    """The sector of the row: its cluster, else its cluster code (``#sector+code``), else its sub-cluster. A row
    that states none is accepted as "sector not stated" (:data:`NO_SECTOR`); the import says so once for the
    file, not row by row."""
    sector = clean_text(cells.get("sector")) or clean_text(cells.get("sector_code"))
    column = "sector" if clean_text(cells.get("sector")) else "sector_code"
    if sector is None and sectors.match(cells.get("subsector")) is not None:
        row.sector_code = sectors.match(cells.get("subsector")).code
        return
    if sector is None:
        row.sector_code = NO_SECTOR
        return
    term = sectors.match(sector)
    if term is None:
        closest = closest_sector(sector, sectors)
        if closest:
            row.issues.append(CellIssue.of("error", column, sector, "msg.unknown_sector", "advice.teach_sector",
                                           method="sector vocabulary", sector=sector, meaning_fr=closest.name_fr,
                                           meaning_en=closest.name_en))
        else:
            row.issues.append(CellIssue.of("error", column, sector, "msg.unknown_sector", "advice.use_sector",
                                           method="sector vocabulary", sector=sector))
    else:
        row.sector_code = term.code


def people_fields(cells: dict[str, object]) -> tuple[str, ...]:
    """The fields of a row that count people by sex and age (``targeted_f_child``...)."""
    return tuple(name for name in cells if name.startswith(("targeted_", "reached_")))


def _check_values(cells: dict[str, object], row: CheckedRow, people: tuple[str, ...]) -> None:
    """Dates, figures and presence: a value that cannot be read is left empty, with a warning."""
    checks = [("start_date", parse_date, "date"), ("end_date", parse_date, "date"),
              ("targeted", parse_number, "number"), ("reached", parse_number, "number"),
              ("physical_presence", parse_presence, "presence")]
    for column, parser, kind in checks:
        try:
            setattr(row, column, parser(cells.get(column)))
        except ValueError:
            row.issues.append(CellIssue.of("warning", column, clean_text(cells.get(column)), f"msg.bad_{kind}",
                                           f"advice.{kind}", method="value format", value=clean_text(cells.get(column)),
                                           field=f"@field.{column}"))
    for column in people:
        value = cells[column]
        if value is None or value == "":
            continue
        try:
            number = parse_number(value)
        except ValueError:
            row.issues.append(CellIssue.of("warning", column, clean_text(value), "msg.bad_number", "advice.number",
                                           method="value format", value=clean_text(value),
                                           field=f"@field.{column.split('_')[0]}"))
            continue
        if number is not None:
            row.people[column] = number


def check_row(cells: dict[str, object], hierarchy: Hierarchy, legacy: Hierarchy | None = None,
              *, sectors: Vocabulary, crosswalk: Crosswalk | None = None,
              coded_2015: bool = False, people: tuple[str, ...] | None = None,
              places: dict[tuple, Place] | None = None, place_key: tuple | None = None) -> CheckedRow:
    """Check a row given as canonical field → cell value; ``sectors`` may know spellings an IMO taught (see
    :mod:`dashboard.ingest.sector_spellings`). A row ``coded_2015`` (see :func:`boundary_evidence`) has its
    P-codes translated to ``hierarchy`` through ``crosswalk`` (2015 code → 2021 code, level, share) and
    the ``legacy`` (2015) hierarchy. ``people`` (:func:`people_fields`, the same for every row of a file)
    saves finding the breakdown fields again on each row, ``places`` checking a place again (see
    :func:`check_place`)."""
    row = CheckedRow()
    row.organisation = acronym, name, org_type = row_organisation(cells)
    row.partner = row_organisation(cells, "implementing_partner")
    if not clean_text(acronym) and not clean_text(name):
        row.issues.append(CellIssue.of("error", organisation_field(cells), None, "msg.no_organisation",
                                       "advice.fill_organisation", method="organisation check"))
    _check_sector(cells, sectors, row)
    org_type = clean_text(org_type)
    if org_type and ORG_TYPE_VOCABULARY.match(org_type) is None:
        row.issues.append(CellIssue.of("warning", "org_type", org_type, "msg.unknown_org_type", "advice.use_org_type",
                                       method="organisation type vocabulary", org_type=org_type))
    issues, row.location_level, pcodes = check_place(cells, hierarchy, legacy, crosswalk, coded_2015, places,
                                                     place_key)
    row.issues.extend(issues)
    row.pcodes = dict(pcodes)
    _check_values(cells, row, people_fields(cells) if people is None else people)
    return row


#: how to read a file's P-codes: from what its rows say (``auto``), or as the 2015 or the 2021 set throughout
CODE_SETS = ("auto", "2015", "2021")


@dataclass(frozen=True)
class CheckedRows:
    rows: list[CheckedRow]
    #: rows whose names (or codes found in one set only) say the 2015 set, and the 2021 set
    rows_saying_2015: int
    rows_saying_2021: int
    #: whether the file as a whole reads as coded with the 2015 set (its rows that do not tell follow it)
    file_coded_2015: bool

    @property
    def translated(self) -> int:
        return sum(any(issue.method == TRANSLATED for issue in row.issues) for row in self.rows)


#: the method of a repair that translated a 2015 P-code
TRANSLATED = "2015 P-code translated by area"


def coded_2015(evidence: int, file_coded_2015: bool) -> bool:
    """Whether a row is read with the 2015 codes: its own evidence (:func:`boundary_evidence`), else the file's."""
    return evidence > 0 or (evidence == 0 and file_coded_2015)


def check_rows(rows: list[dict[str, object]], hierarchy: Hierarchy, legacy: Hierarchy | None,
               crosswalk: Crosswalk | None, sectors: Vocabulary,
               code_set: str = "auto") -> CheckedRows:
    """Check every row of a file. Which boundary set its P-codes are written in is decided row by row from
    what each row says (:func:`boundary_evidence`); rows that do not tell follow the file's majority. With
    ``code_set`` "2015" or "2021" every row is read in that set."""
    usable = legacy is not None and bool(crosswalk)
    memo: dict[tuple, int] = {}  # a 3W repeats its places: each combination of codes and names is read once
    evidence = []
    present = [name for name in PLACE_FIELDS if rows and name in rows[0]]  # every row has the file's fields
    # the row's place cells: every row has the file's fields, so these identify a place within the file
    place_of = (lambda values: tuple(values[name] for name in present)) if len(present) < 2 else itemgetter(*present)
    keys = [place_of(values) for values in rows]
    for values, key in zip(rows, keys):
        if key not in memo:
            memo[key] = boundary_evidence(values, hierarchy, legacy) if usable else -1
        evidence.append(memo[key])
    saying_2015, saying_2021 = sum(v > 0 for v in evidence), sum(v < 0 for v in evidence)
    if code_set == "auto":
        file_2015 = usable and saying_2015 > saying_2021
        decisions = [coded_2015(v, file_2015) for v in evidence]
    else:
        file_2015 = usable and code_set == "2015"
        decisions = [file_2015] * len(rows)
    people, places = (people_fields(rows[0]) if rows else ()), {}
    checked = [check_row(values, hierarchy, legacy, sectors=sectors, crosswalk=crosswalk, coded_2015=decision,
                         people=people, places=places, place_key=key)
               for values, decision, key in zip(rows, decisions, keys)]
    return CheckedRows(checked, saying_2015, saying_2021, file_2015)
