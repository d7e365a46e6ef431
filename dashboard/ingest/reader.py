"""Read a 3W table from a workbook or CSV file: header row, optional HXL hashtag row, data rows.

Workbooks are read with calamine, which returns the values Excel cached for formula cells (a formula whose
cached value is an error such as ``#N/A`` reads as an empty cell).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from dashboard.ingest.errors import ImportRefused
from dashboard.text import clean_text

#: How many rows from the top are searched for the header and HXL rows.
HEADER_SEARCH_ROWS = 25
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}


@dataclass(frozen=True)
class RawTable:
    """A sheet as the user wrote it: one header per column, HXL tags if any, and the data rows."""

    file_name: str
    sheet: str | None
    headers: list[str]
    hxl_tags: list[str | None]
    rows: list[list[object]]
    #: Spreadsheet row number (1-based, as shown by Excel) of ``rows[0]``.
    first_row_number: int

    def numbered_rows(self) -> list[tuple[int, list[object]]]:
        """The non-empty data rows with their spreadsheet row numbers."""
        return [(self.first_row_number + offset, cells) for offset, cells in enumerate(self.rows)
                if any(clean_text(value) for value in cells)]


def is_hxl_row(cells: list[object]) -> bool:
    """A row is a HXL hashtag row when at least half of its non-empty cells are hashtags (``#org+name``)."""
    values = [text for text in (clean_text(cell) for cell in cells) if text]
    tags = [text for text in values if text.startswith("#") and len(text) > 1 and text[1].isalpha()]
    return bool(tags) and len(tags) * 2 >= len(values)


def _table_from_rows(file_name: str, sheet: str | None, rows: list[list[object]]) -> RawTable:
    non_empty = [index for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(clean_text(c) for c in row)]
    if not non_empty:
        raise ImportRefused("the table is empty: no header row was found.", file=file_name, sheet=sheet)
    hxl_index = next((index for index in non_empty if is_hxl_row(rows[index])), None)
    if hxl_index is not None:
        above = [index for index in non_empty if index < hxl_index]
        header_index = above[-1] if above else None
        data_start = hxl_index + 1
    else:
        header_index = non_empty[0]
        data_start = header_index + 1
    width = max((len(row) for row in rows), default=0)
    header_row = rows[header_index] if header_index is not None else []
    headers = [clean_text(cell) or "" for cell in header_row] + [""] * (width - len(header_row))
    hxl_row = rows[hxl_index] if hxl_index is not None else []
    hxl = [clean_text(cell) for cell in hxl_row] + [None] * (width - len(hxl_row))
    data = [list(row) + [None] * (width - len(row)) for row in rows[data_start:]]
    while data and not any(clean_text(cell) for cell in data[-1]):
        data.pop()
    return RawTable(file_name, sheet, headers[:width], hxl[:width], data, data_start + 1)


def _rows(sheet: python_calamine.CalamineSheet, nrows: int | None = None) -> list[list]:
    return sheet.to_python(skip_empty_area=False, nrows=nrows)


def choose_data_sheet(sheets: dict[str, python_calamine.CalamineSheet]) -> str:
    """The sheet holding the 3W: the longest sheet with a HXL row, else the first sheet with data."""
    candidates = [(any(is_hxl_row(row) for row in _rows(sheet, HEADER_SEARCH_ROWS)), sheet.total_height, name)
                  for name, sheet in sheets.items()]
    with_hxl = [c for c in candidates if c[0]]
    pool = with_hxl or [c for c in candidates if c[1] > 0]
    if not pool:
        raise ImportRefused("the workbook has no sheet with data.")
    return max(pool, key=lambda c: c[1])[2]


def read_workbook(path: Path, sheet: str | None = None) -> RawTable:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several error types for unreadable files
        raise ImportRefused(
            f"the workbook cannot be opened ({error}). Save it again as .xlsx from Excel or LibreOffice "
            "and retry.", file=path.name) from error
    if sheet is not None and sheet not in workbook.sheet_names:
        raise ImportRefused(
            f"there is no sheet named {sheet!r}; the sheets are {', '.join(workbook.sheet_names)}.",
            file=path.name)
    # each sheet is parsed once: probing for the HXL row and reading the chosen one share it
    sheets = {name: workbook.get_sheet_by_name(name) for name in ([sheet] if sheet else workbook.sheet_names)}
    chosen = sheet or choose_data_sheet(sheets)
    return _table_from_rows(path.name, chosen, _rows(sheets[chosen]))


def _decode(raw: bytes, file_name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("the text encoding is not recognised; save the file as UTF-8 CSV.", file=file_name)


def read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes(), path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _table_from_rows(path.name, None, rows)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read the 3W table of a workbook (``sheet`` or the one found automatically) or of a CSV file."""
    if not path.exists():
        raise ImportRefused("the file does not exist.", file=str(path))
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path, sheet)
    if suffix in {".csv", ".txt", ".tsv"}:
        return read_csv(path)
    raise ImportRefused(
        f"files of type {suffix or '(none)'} are not read; use .xlsx, .xls or .csv.", file=path.name)
