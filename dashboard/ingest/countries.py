"""The country a 3W file belongs to, told from its codes before any row is checked.

P-codes begin with the ISO 3166 alpha-2 code of their country (``ML05``, ``TD01``, ``NG001``, ``AF01``,
``SO11``, ``SS01``, ``NE001001``), some files with the alpha-3 one (``MLI05``, ``TCD19``); a country column
holds a code (``TCD``, ``TD``) or a name (``Chad``, ``Tchad``). A file of another country would be rejected
row by row (31,085 rejections for a Somalia 3W): it is refused as a whole instead, in the time it takes to
read it, naming the country its codes belong to and the countries this installation knows, which are those
whose boundaries it holds (the country unit at the top of each boundary set: ``ML`` for Mali's COD-AB, ``NE``
for Niger's).

A file is refused when nearly all its codes that name a country (:data:`FOREIGN_SHARE`) name countries this
installation does not know: a Mali file with a few stray codes is imported, and those rows are rejected as
any row whose P-code does not exist. The ISO codes and names (English and French) are pycountry's.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from dashboard.domain.text import clean_text, fold, place_key

#: the country prefix of a code: two letters (alpha-2) or three (alpha-3), then digits
_PREFIX = re.compile(r"([A-Z]{2,3})[0-9]")
_BRACKETS = re.compile(r"\s*\(.*?\)\s*")
#: share of the codes naming a country that must name other countries for a file to be refused
FOREIGN_SHARE = 0.9
#: countries named in a refusal, most frequent first
NAMED_COUNTRIES = 3


@dataclass(frozen=True)
class Country:
    alpha_2: str
    alpha_3: str
    name_en: str
    name_fr: str

    def label(self, lang: str) -> str:
        """``Tchad (TD)``, ``Chad (TD)``: the country's name in ``lang`` and its code."""
        return f"{self.name_fr if lang == 'fr' else self.name_en} ({self.alpha_2})"


@cache
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


@lru_cache(maxsize=512)
def country(code: str | None) -> Country | None:
    """The country of an ISO 3166 alpha-2 or alpha-3 code (``TD``, ``TCD``), or None."""
    code = (code or "").strip().upper()
    if len(code) not in (2, 3) or not code.isalpha():
        return None
    found = pycountry.countries.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})
    if found is None:
        return None
    name = getattr(found, "common_name", None) or found.name
    return Country(found.alpha_2, found.alpha_3, name, _french().gettext(found.name))


def _name_key(name: object) -> str:
    return fold(_BRACKETS.sub(" ", clean_text(name) or ""))


@cache
def _countries_by_name() -> dict[str, str]:
    """Folded English and French names (common, official) → alpha-2 code."""
    names: dict[str, str] = {}
    for entry in pycountry.countries:
        for name in (entry.name, getattr(entry, "common_name", None), getattr(entry, "official_name", None)):
            if name:
                names.setdefault(_name_key(name), entry.alpha_2)
                names.setdefault(_name_key(_french().gettext(name)), entry.alpha_2)
    return names


@lru_cache(maxsize=65_536)
def code_country(value: object) -> str | None:
    """The alpha-2 code of the country a P-code belongs to (``TD0101`` → ``TD``, ``MLI05`` → ``ML``), or
    None when it does not start with a country's code followed by digits."""
    text = clean_text(value)
    match = _PREFIX.match(text.upper().replace(" ", "")) if text else None
    if match is None:
        return None
    found = country(match.group(1))
    return found.alpha_2 if found else None


@lru_cache(maxsize=4096)
def named_country(value: object) -> str | None:
    """The alpha-2 code of the country a country cell names: a code (``TCD``, ``TD``), a P-code, or an English
    or French name (``Chad``, ``Tchad``, ``Mali (le)``)."""
    text = clean_text(value)
    if text is None:
        return None
    found = country(text) if text.isalpha() and len(text) <= 3 else None
    return found.alpha_2 if found else (code_country(text) or _countries_by_name().get(_name_key(text)))


@dataclass(frozen=True)
class CountryEvidence:
    """What a file's codes say of its country: how many name each country, and the first such code."""

    counts: Counter
    examples: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def file_countries(codes: Iterable[object], country_cells: Iterable[object] = ()) -> CountryEvidence:
    """Count the countries a file's P-code cells (``codes``) and country cells name."""
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    for cells, read in ((codes, code_country), (country_cells, named_country)):
        for value, times in Counter(value for value in cells if value is not None and value != "").items():
            found = read(value)
            if found:
                counts[found] += times
                examples.setdefault(found, clean_text(value))
    return CountryEvidence(counts, examples)


def foreign_countries(evidence: CountryEvidence, known: Iterable[str]) -> list[str]:
    """The countries (alpha-2, most named first) a file belongs to when it is not one this installation knows
    (``known``: alpha-2 codes): at least :data:`FOREIGN_SHARE` of its codes that name a country name others.
    Empty when the file is of a known country, or says nothing of its country."""
    known = set(known)
    foreign = Counter({code: count for code, count in evidence.counts.items() if code not in known})
    if not foreign or sum(foreign.values()) < FOREIGN_SHARE * evidence.total:
        return []
    return [code for code, _count in foreign.most_common()]


def refusal_params(evidence: CountryEvidence, foreign: list[str], known: Iterable[str]) -> dict[str, object]:
    """The values of the catalogue's refusal of a file of another country (``refusal.other_country``); the
    countries' names in both languages, since a refusal is rendered in its reader's language."""
    named = [country(code) for code in foreign[:NAMED_COUNTRIES]]
    known_countries = [country(code) for code in sorted(known) if country(code)]
    params: dict[str, object] = {
        "foreign": sum(evidence.counts[code] for code in foreign), "coded": evidence.total,
        "example": evidence.examples[foreign[0]]}
    for name, countries in (("countries", named), ("known", known_countries)):
        params[name] = {lang: ", ".join(entry.label(lang) for entry in countries) or "-" for lang in ("fr", "en")}
    return params


@dataclass(frozen=True)
class CountryChoice:
    """Which of the installation's countries a file is, and what told: ``"codes"`` (its P-codes or country
    column), ``"names"`` (its place names), ``"only"`` (the installation holds one country), or None (nothing
    told, between several countries)."""

    alpha_2: str | None
    told_by: str | None


def choose_country(evidence: CountryEvidence, names: Iterable[tuple[int, object]],
                   held: dict[str, dict[int, set[str]]]) -> CountryChoice:
    """The held country (alpha-2) a file is: the one its codes name most; without codes, the one whose place
    names (``(level, cell)`` pairs, levels 1-3) match the most of the file's names at their level (``held``:
    alpha-2 → level → the folded place keys of its units). None when the installation holds several countries
    and the file tells none of them."""
    if len(held) == 1:
        return CountryChoice(next(iter(held)), "only")
    coded = Counter({code: count for code, count in evidence.counts.items() if code in held})
    if coded:
        return CountryChoice(coded.most_common(1)[0][0], "codes")
    matched: Counter = Counter()
    for (level, value), times in Counter((level, value) for level, value in names
                                         if value is not None and value != "").items():
        key = place_key(value)
        for code, levels in held.items():
            if key and key in levels.get(level, ()):
                matched[code] += times
    ranked = matched.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return CountryChoice(ranked[0][0], "names")
    return CountryChoice(None, None)
