"""French/English catalogues for every user-facing string. French is the default language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_CATALOGUE_DIR = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((_CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def language(value: str | None) -> str:
    """The supported language closest to ``value`` (``'en-GB'`` → ``'en'``), French otherwise."""
    code = (value or "").lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled; a missing key raises KeyError."""
    text = catalogue(language(lang))[key]
    return text.format(**values) if values else text


_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def format_period(period: str, lang: str) -> str:
    """``'2023-12'`` → ``'décembre 2023'`` / ``'December 2023'``."""
    year, month = period.split("-")
    return f"{_MONTHS[language(lang)][int(month) - 1]} {year}"


def format_number(value: int, lang: str) -> str:
    """``24088`` → ``'24 088'`` (French, narrow no-break space) or ``'24,088'`` (English)."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if language(lang) == "fr" else text
