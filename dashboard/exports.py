"""Write a report table to CSV, Excel or JSON with what it shows: title, filters, "as of" period, source.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are written with a leading apostrophe so they stay text.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportHeader:
    title: str
    lines: tuple[str, ...]  # e.g. "Données au : décembre 2023", "Filtres : ..."


def neutralise(value: object) -> object:
    """Text that a spreadsheet would evaluate becomes inert text; other values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in {"str", "string"}:
            frame[column] = frame[column].map(
                lambda value: neutralise(", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value))
    frame.columns = [neutralise(str(column)) for column in frame.columns]
    return frame


def to_csv(frame: pd.DataFrame, header: ExportHeader) -> bytes:
    """UTF-8 with BOM (Excel opens it with accents right); the header as ``#`` comment lines."""
    text = io.StringIO()
    for line in (header.title, *header.lines):
        text.write(f"# {neutralise(line)}\n")
    _cells(frame).to_csv(text, index=False)
    return text.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, header: ExportHeader, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    skip = len(header.lines) + 2
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _cells(frame).to_excel(writer, sheet_name=sheet, index=False, startrow=skip)
        worksheet = writer.sheets[sheet]
        worksheet.cell(row=1, column=1, value=neutralise(header.title)).font = Font(bold=True)
        for offset, line in enumerate(header.lines, start=2):
            worksheet.cell(row=offset, column=1, value=neutralise(line))
        worksheet.freeze_panes = worksheet.cell(row=skip + 2, column=1)
    return buffer.getvalue()


def to_json(frame: pd.DataFrame, header: ExportHeader) -> bytes:
    rows = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    return json.dumps({"title": header.title, "about": list(header.lines), "rows": rows},
                      ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"csv": (to_csv, "text/csv"), "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet"), "json": (to_json, "application/json")}
