"""French/English catalogues for every user-facing string. French is the default language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_CATALOGUE_DIR = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((_CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def language(value: str | None) -> str:
    """The supported language closest to ``value`` (``'en-GB'`` → ``'en'``), French otherwise."""
    code = value.lower()[:2] if isinstance(value, str) else ""
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
    """``'2023-12'`` → ``'décembre 2023'`` / ``'December 2023'``; a text that is no period is left as it is
    (a period asked for in an address can be anything)."""
    year, _, month = str(period).partition("-")
    if not (len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return str(period)
    return f"{_MONTHS[language(lang)][int(month) - 1]} {year}"


def format_date(value: object, lang: str) -> str:
    """A day as a reader writes it: ``10/04/2024`` (French), ``2024-04-10`` (English); "" when unknown."""
    stamp = pd.Timestamp(value) if value is not None and not (isinstance(value, float) and value != value) else None
    if stamp is None or pd.isna(stamp):
        return ""
    return stamp.strftime("%d/%m/%Y" if language(lang) == "fr" else "%Y-%m-%d")


def format_number(value: int, lang: str) -> str:
    """``24088`` → ``'24 088'`` (French, narrow no-break space) or ``'24,088'`` (English)."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if language(lang) == "fr" else text


def render_message(message: dict, part: str, lang: str) -> str | None:
    """The text of one part ("problem" or "advice") of a stored import message in ``lang``.

    A message is ``{"problem": key, "advice": key or None, "params": {...}}``; a key may also be a list of
    keys, whose texts follow one another. A parameter written ``"@key"`` is itself translated (``"@unit.2"``
    → "cercle"), a list of such parameters is translated and joined with commas, and a parameter given in
    each language (``{"fr": "Tchad (TD)", "en": "Chad (TD)"}``) is read in ``lang``."""
    keys = message.get(part)
    if not keys:
        return None
    lang = language(lang)
    words = catalogue(lang)

    def word(value: object) -> object:
        if isinstance(value, dict):
            return value.get(lang, value.get("en"))
        if isinstance(value, str) and value.startswith("@"):
            return words.get(value[1:], value[1:])
        if isinstance(value, list):
            return ", ".join(str(word(item)) for item in value)
        return value

    params = {name: word(value) for name, value in (message.get("params") or {}).items()}
    return " ".join(words[key].format(**params) for key in ([keys] if isinstance(keys, str) else keys))


def issue_text(message: dict | None, part: str, stored: str | None, lang: str) -> str | None:
    """A problem or an advice of an import issue in ``lang`` when its message is stored (see
    :func:`render_message`); else the text stored with it (older issues, repairs' new values)."""
    return render_message(message, part, lang) if message and message.get(part) else stored


def kind_text(kind: str, lang: str) -> str | None:
    """The text of a kind of import problem (:func:`dashboard.ingest.preview.issue_kind`) in ``lang``:
    ``msg.pcode_wrong_level`` → "P-code d'un autre niveau que sa colonne"; None for a kind the catalogue
    has no text for (an issue stored before its messages were), whose example then speaks for it."""
    return catalogue(language(lang)).get(f"kind.{kind}")
