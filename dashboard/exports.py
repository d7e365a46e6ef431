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


# --- open-data shapes: a HXL row under the headers ----------------------------------------------------------

def _hxl_frame(frame: pd.DataFrame, tags: list[str], headers: list[str]) -> pd.DataFrame:
    """The table with its headers and, as its first row, the HXL tags (what HXL tools look for under them)."""
    cells = _cells(frame)
    cells.columns = [neutralise(str(header)) for header in headers]
    tag_row = pd.DataFrame([tags], columns=cells.columns)
    return pd.concat([tag_row, cells.astype(object)], ignore_index=True)


def hxl_csv(frame: pd.DataFrame, header: ExportHeader, tags: list[str], headers: list[str]) -> bytes:
    """UTF-8 (no BOM), headers, HXL row, rows: the shape HDX and HDX HAPI publish (the header's lines are left
    out: a reader of the standard expects its headers on the first line)."""
    text = io.StringIO()
    _hxl_frame(frame, tags, headers).to_csv(text, index=False, lineterminator="\n")
    return text.getvalue().encode("utf-8")


def hxl_xlsx(frame: pd.DataFrame, header: ExportHeader, tags: list[str], headers: list[str]) -> bytes:
    """One sheet as the CSV (headers, HXL row, rows) and the header's lines on a second sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _hxl_frame(frame, tags, headers).to_excel(writer, sheet_name="data", index=False)
        writer.sheets["data"].freeze_panes = "A3"
        pd.DataFrame({header.title: [neutralise(line) for line in header.lines]}).to_excel(
            writer, sheet_name="about", index=False)
    return buffer.getvalue()


def hxl_json(frame: pd.DataFrame, header: ExportHeader, tags: list[str], headers: list[str]) -> bytes:
    """The JSON of :func:`to_json` (title, about, rows by column name) with each column's header and tag."""
    document = json.loads(to_json(frame, header))
    document["columns"] = [{"name": str(column), "header": str(label), "hxl": tag}
                           for column, label, tag in zip(frame.columns, headers, tags)]
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


hxl_writers = {"csv": hxl_csv, "xlsx": hxl_xlsx, "json": hxl_json}
