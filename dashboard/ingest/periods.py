"""The reporting period (``YYYY-MM``) a file name gives, as OCHA Mali names its 3W files.

Month names and their abbreviations in French and English (``..._december_2023``, ``3w_mli_nov2019``,
``mali-5w_mars-2022``), quarters (``troisieme-trimestre2023`` is the round ending in September, written
2023-09, as HDX titles it "September 2023"; ``T1 2024``, ``Q4-2023``), and dates (``2024-03``,
``mli_ocha_3w_20201007``: October 2020). A name that says none of these gives no period: the user says it.
"""

from __future__ import annotations

import re

from dashboard.domain.text import fold

_MONTH_WORDS = {
    1: ("janvier", "january", "janv", "jan"), 2: ("fevrier", "february", "fevr", "fev", "feb"),
    3: ("mars", "march", "mar"), 4: ("avril", "april", "avr", "apr"), 5: ("mai", "may"),
    6: ("juin", "june", "jun"), 7: ("juillet", "july", "juil", "jul"), 8: ("aout", "august", "aug", "aou"),
    9: ("septembre", "september", "sept", "sep"), 10: ("octobre", "october", "oct"),
    11: ("novembre", "november", "nov"), 12: ("decembre", "december", "dec"),
}
_MONTHS = sorted(((word, month) for month, words in _MONTH_WORDS.items() for word in words),
                 key=lambda pair: -len(pair[0]))
#: ordinals of a quarter, as written in file names (with the misspellings met: "dexieme", "trismestre")
_ORDINALS = {"premier": 1, "1er": 1, "first": 1, "1st": 1, "deuxieme": 2, "dexieme": 2, "second": 2, "2eme": 2,
             "2e": 2, "2nd": 2, "troisieme": 3, "third": 3, "3eme": 3, "3e": 3, "3rd": 3, "quatrieme": 4,
             "fourth": 4, "4eme": 4, "4e": 4, "4th": 4}
_YEAR = r"(20\d\d)(?!\d)"
_GAP = r"[\s_\-\.]*"
_QUARTER_WORD = r"(?:trimestre|trismestre|trimester|quarter)"


def _period(year: str, month: int) -> str:
    return f"{year}-{month:02d}"


def infer_period(file_name: str) -> str | None:
    """``..._december_2023.xlsx`` → ``2023-12``; ``..._troisieme-trimestre2023.xlsx`` → ``2023-09``;
    ``None`` when the name does not say."""
    name = fold(file_name)
    for word, month in _MONTHS:
        match = re.search(rf"(?<![a-z]){word}{_GAP}{_YEAR}", name)
        if match:
            return _period(match.group(1), month)
    ordinal = "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True))
    match = re.search(rf"(?<![a-z0-9])({ordinal}){_GAP}{_QUARTER_WORD}{_GAP}(?:de{_GAP})?{_YEAR}", name)
    if match:
        return _period(match.group(2), 3 * _ORDINALS[match.group(1)])
    match = re.search(rf"(?<![a-z0-9])[tq]([1-4]){_GAP}{_YEAR}", name)
    if match:
        return _period(match.group(2), 3 * int(match.group(1)))
    match = re.search(rf"{_YEAR}{_GAP}[tq]([1-4])(?!\d)", name)
    if match:
        return _period(match.group(1), 3 * int(match.group(2)))
    match = re.search(r"(?<!\d)(20\d\d)[-_\.]?(0[1-9]|1[0-2])(?:[-_\.]?(0[1-9]|[12]\d|3[01]))?(?!\d)", name)
    if match:
        return _period(match.group(1), int(match.group(2)))
    match = re.search(r"(?<!\d)(0[1-9]|1[0-2])[-_\.](20\d\d)(?!\d)", name)
    return _period(match.group(2), int(match.group(1))) if match else None
