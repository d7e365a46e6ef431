"""Cell values as the readers return them, made safe to keep in the store's JSON columns.

calamine returns ``str``, ``int``, ``float``, ``bool``, ``datetime.date``, ``datetime.datetime``,
``datetime.time`` (a date-formatted cell under one day: ``0.4375`` reads 10:30) and ``datetime.timedelta``
(a duration format); a cell whose cached value is an error (``#N/A``, ``#DIV/0!``) reads as an empty string,
and a workbook written by a program can hold ``NaN`` or ``INF`` numbers and ``_x0000_`` (a NUL character).
A CSV gives text only. Other producers of rows (tests, later readers) may give a date with a time zone or bytes.

JSON, as the databases store it, holds text, finite numbers, booleans and null only: PostgreSQL refuses
``NaN`` and ``Infinity`` in a JSON value and a NUL character in a text, and integers beyond 64 bits are read
differently by different JSON readers. :func:`json_value` turns every value into one JSON holds without
losing what the cell said: a date, time or duration as ISO text, a number JSON cannot hold as its text.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from dashboard.domain.text import clean_text

#: integers from this magnitude on are kept as their digits (text): beyond 64 bits JSON readers differ
INTEGER_LIMIT = 2**63
#: a whole float up to this magnitude is exactly an integer and is kept as one (``12.0`` → ``12``)
EXACT_FLOAT_LIMIT = 2**53
#: a spreadsheet's error values, as Excel and LibreOffice write a cell holding one to CSV
ERROR_VALUES = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#BUSY!", "#UNKNOWN!", "Err:502",
                          "Err:504", "Err:508", "Err:509", "Err:510", "Err:511", "Err:512", "Err:522", "Err:523"})


def json_value(value: object) -> object:
    """A cell value JSON holds as it is, or readable text for one it cannot hold; an empty cell is None.

    ``"Mopti"`` → ``"Mopti"`` (spaces as written; NUL characters removed), ``12.0`` → ``12``, ``True`` →
    ``True``, ``2**70`` → ``"1180591620717411303424"``, ``nan`` → None, ``inf`` → ``"inf"``, a date →
    ``"2023-12-31"``, a datetime → ``"2023-12-31T10:30:00"`` (with its offset when it has a time zone:
    ``"2023-12-31T10:30:00+01:00"``), a time → ``"10:30:00"``, a duration → ``"1 day, 2:00:00"``, bytes →
    their UTF-8 text."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            value = value.replace("\x00", "")
        return value or None
    if kind is bool:
        return value
    if isinstance(value, int):
        return int(value) if -INTEGER_LIMIT <= value < INTEGER_LIMIT else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return int(value) if value.is_integer() and abs(value) <= EXACT_FLOAT_LIMIT else float(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return json_value(bytes(value).decode("utf-8", "replace"))
    return clean_text(str(value))


def stored_text(value: str | None) -> str | None:
    """A text for a text column: PostgreSQL refuses the NUL character a workbook can hold (``_x0000_``)."""
    return value.replace("\x00", "") if value and "\x00" in value else value
