"""Text keys used to compare what people type: case, accents and spacing do not make a new thing."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: 3W columns repeat a few hundred spellings over tens of thousands of rows, so the functions below are
#: memoised: each spelling is cleaned and folded once.
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: Letters that Unicode decomposition leaves alone, and apostrophe variants typed by different keyboards.
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "’": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=65_536, typed=True)
def clean_text(value: object) -> str | None:
    """Trim, unify Unicode forms and collapse inner spaces; empty cells become ``None``. Bytes are read as
    UTF-8, and the NUL character (which a workbook can hold, and PostgreSQL refuses in a text) is dropped."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value)).replace("\x00", "")).strip()
    return text or None


@lru_cache(maxsize=65_536, typed=True)
def fold(value: object) -> str:
    """Accent- and case-insensitive form of a text, spaces collapsed (``'  Ségou '`` → ``'segou'``,
    ``'Œuvre'`` → ``'oeuvre'``, ``'l’Appui'`` → ``"l'appui"``)."""
    text = clean_text(value) or ""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED_OUT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536, typed=True)
def place_key(value: object) -> str:
    """Key for matching place names: folded, with spaces and punctuation left out (``'Commune - I'`` and
    ``'commune I'`` → ``'communei'``, ``'Djenné'`` → ``'djenne'``)."""
    return _NON_ALNUM.sub("", fold(value))


#: Words that 3Ws put before a unit's name and the boundary sets do not, or the reverse: "Commune urbaine de
#: Tillabéri", "CR Dessa", "Ville de Niamey" (a department of Niger, written "Niamey" in files). "Commune" alone
#: is no prefix ("Commune I" is a commune of Bamako): only with "de".
_UNIT_PREFIX = re.compile(r"^(?:(?:commune|ville|arrondissement communal)(?: (?:urbaine|rurale))? (?:de |d'|du )"
                          r"|(?:cu|cr) (?:de |d'|du )?)(?=\S)")


@lru_cache(maxsize=65_536, typed=True)
def bare_place_key(value: object) -> str:
    """:func:`place_key` of a name without the words a 3W or a boundary set may put before it ("Commune urbaine de
    Tillabéri", "CU Tillabéri" and "Tillabéri" → ``'tillaberi'``; "Ville de Niamey" → ``'niamey'``)."""
    return _NON_ALNUM.sub("", _UNIT_PREFIX.sub("", fold(value)))


@lru_cache(maxsize=65_536, typed=True)
def header_key(value: object) -> str:
    """Key for matching column headers: folded, punctuation and spaces reduced to single spaces."""
    return _NON_ALNUM.sub(" ", fold(value)).strip()
