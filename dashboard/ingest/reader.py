"""Read a 3W table from a workbook or CSV file: header row, optional HXL hashtag row, data rows.

Workbooks are read with calamine, which returns the values Excel cached for formula cells (a formula whose
cached value is an error such as ``#N/A`` reads as an empty cell); a CSV saved from such a sheet holds the
error's text (``#N/A``, ``#DIV/0!``), which reads as an empty cell too, so both give the same rows. What else a
cell can hold, and how it is kept, is in :mod:`dashboard.ingest.cells`.

Files come as people send them, so everything that can go wrong with the file itself is refused with an
:class:`ImportRefused` saying what is wrong and what to do, within seconds and before anything is written:
an empty or too large file (checked on its size, before reading), a damaged workbook, a password-protected
one, a zip bomb (checked on the sizes the archive declares, before anything is unpacked), a sheet whose
formulas were never calculated, a header without data rows, a CSV whose bytes are not text in one encoding.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from dashboard.ingest.cells import ERROR_VALUES
from dashboard.ingest.errors import ImportRefused
from dashboard.domain.text import clean_text, header_key

#: How many rows from the top are searched for the header and HXL rows.
HEADER_SEARCH_ROWS = 25
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
#: Largest file an import reads, in bytes; a larger file is refused on its size alone, before reading.
#: (The December 2023 OCHA 3W, 24,088 rows, is a 3.8 MB workbook.)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Largest total a workbook (a zip archive) may unpack to, as its directory declares (December 2023: 44 MB).
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
#: Largest compression ratio of a part of a workbook bigger than :data:`RATIO_CHECK_BYTES` once unpacked
#: (real sheets: 10 to 25).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_BYTES = 10 * 1024 * 1024
#: Most parts a workbook may have (an Excel workbook has a few dozen).
MAX_ZIP_MEMBERS = 10_000
#: Widest sheet read: a 3W has 40 to 100 columns. A value far to the right (a space typed in cell XFD1)
#: makes every row of the sheet that wide, which takes minutes and gigabytes to read: it is refused.
MAX_COLUMNS = 500
#: How much of a sheet's XML is read to find the extent it declares (``<dimension ref="A1:AN24090"/>``).
_DIMENSION_PROBE_BYTES = 4096
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]+)\d*"')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # zip archive: .xlsx, .xlsm, .xlsb, .ods
#: First characters after which our own exports add an apostrophe so that spreadsheets keep the cell as text
#: (``dashboard.exports.FORMULA_STARTS``); the apostrophe is removed when such a file is imported again.
NEUTRALISED_STARTS = frozenset("=+-@\t\r")
_MB = 1024 * 1024


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
    #: How a CSV's bytes were decoded ("UTF-8", "UTF-16", "Windows-1252"); None for a workbook.
    encoding: str | None = None
    #: What the reader had to assume about the file, for the import report: messages of the catalogue
    #: (``{"problem": key, "params": {...}}``, see :func:`dashboard.i18n.render_message`).
    notes: tuple[dict, ...] = ()
    #: For a header spread over two rows (a group such as "Personnes ciblées" above "Femmes", "Hommes"):
    #: the group above each column, carried over the cells a merged group spans; empty otherwise.
    header_groups: list[str | None] = field(default_factory=list)

    def numbered_rows(self) -> list[tuple[int, list[object]]]:
        """The non-empty data rows with their spreadsheet row numbers."""
        return [(self.first_row_number + offset, cells) for offset, cells in enumerate(self.rows)
                if any(clean_text(value) for value in cells)]


#: How well a row serves as a table's header: (whether it names every column the table cannot do without,
#: how many known columns it names), from the headers and the HXL tags below them (None without a HXL row).
#: The column mapping of each kind of table provides one (:func:`dashboard.ingest.columns.header_fit`).
HeaderFit = Callable[[list[str], list[str | None] | None], tuple[bool, int]]


#: A HXL hashtag as the standard writes it: ``#`` and a name, then attributes (``#adm2 +code``, ``#org+name``).
HXL_TAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")
#: The hashtags of the HXL standard's core schema: a row holding a single hashtag is a HXL row only when it is
#: one of these (``#sector`` alone under its column), not a data row whose one cell starts with "#" ("#Sahel").
HXL_CORE_HASHTAGS = frozenset({
    "#access", "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#affected", "#beneficiary", "#capacity",
    "#cause", "#channel", "#contact", "#country", "#crisis", "#currency", "#date", "#delivery", "#description",
    "#event", "#financial", "#frequency", "#geo", "#group", "#impact", "#indicator", "#inneed", "#item", "#loc",
    "#meta", "#modality", "#need", "#operations", "#org", "#output", "#population", "#position", "#reached",
    "#region", "#respondee", "#sector", "#service", "#severity", "#status", "#subsector", "#targeted", "#value"})


def is_hxl_row(cells: list[object]) -> bool:
    """A row is a HXL hashtag row when at least half of its non-empty cells are hashtags (``#org+name``); the
    other cells are usually blank (a file tags only some of its columns). A row with one hashtag only must name
    one of the standard's (a data row's "#Sahel" does not make it one)."""
    values = [text for text in (clean_text(cell) for cell in cells) if text]
    tags = [text for text in values if HXL_TAG.fullmatch(text)]
    if not tags or len(tags) * 2 < len(values):
        return False
    return len(tags) > 1 or re.split(r"[\s+]", tags[0].lower(), maxsplit=1)[0] in HXL_CORE_HASHTAGS


def restore_neutralised(value: object) -> object:
    """``"'=SUM(A1)"`` → ``"=SUM(A1)"``, ``"'-5"`` → ``"-5"``: the apostrophe our exports put before text a
    spreadsheet would run as a formula (see ``dashboard.exports.neutralise``) is removed on import. Other
    values, including a lone apostrophe or one before ordinary text (``"'Kidal"``), are unchanged."""
    if type(value) is str and value[:1] == "'" and value[1:2] in NEUTRALISED_STARTS:
        return value[1:]
    return value


def _texts(cells: list[object]) -> list[str]:
    return [clean_text(restore_neutralised(cell)) or "" for cell in cells]


def _extent(cells: list[object], at_least: int = 0) -> int:
    """The number of cells up to the last one that holds something (or ``at_least``, looking no further)."""
    end = len(cells)
    while end > at_least and not clean_text(cells[end - 1]):
        end -= 1
    return end


def _filled(cells: list[object]) -> int:
    return sum(1 for cell in cells if clean_text(cell))


def _header_row(rows: list[list[object]], candidates: list[int], fit: HeaderFit | None) -> int:
    """The header among the top rows of a sheet without a HXL row.

    Files often have a title, a date or instructions above the header ("3W Mali - présence opérationnelle",
    "Mise à jour : décembre 2023"): the header is the row that names the most known columns (preferring one
    that names every required column), else the first row at least half as full as the fullest top row."""
    if fit is not None:
        scored = [(fit(_texts(rows[index]), None), -index) for index in candidates]
        (usable, known), position = max(scored)
        if usable or known >= 2:
            return -position
    fullest = max(_filled(rows[index]) for index in candidates)
    return next(index for index in candidates if _filled(rows[index]) * 2 >= fullest)


def _filled_rows(rows: list[list[object]]) -> list[int]:
    """The positions of the top rows (where header and HXL rows are looked for) that hold something."""
    return [index for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(clean_text(c) for c in row)]


def _header_position(rows: list[list[object]], filled: list[int], fit: HeaderFit | None) -> tuple[int | None, int | None]:
    """(header row, HXL row) of a table: with a HXL row, the header is the filled row just above it (or none);
    without, the top row that serves best (see :func:`_header_row`). A row of hashtags is the HXL row only
    right under the header: one lower down, under a data row, is data (its cells happen to start with "#")."""
    for hxl_index in (index for index in filled if is_hxl_row(rows[index])):
        above = [index for index in filled if index < hxl_index]
        if not above or _header_row(rows, above, fit) == above[-1]:
            return (above[-1] if above else None), hxl_index
    return _header_row(rows, filled, fit), None


def _group_row(rows: list[list[object]], header_index: int | None, non_empty: list[int], width: int) -> list[str | None]:
    """The group cells of a two-row header: the row just above the header when it holds two or more
    groups, each group carried to the right over the empty cells its merged cell spans."""
    above = header_index - 1 if header_index else None
    if above is None or above not in non_empty or _filled(rows[above]) < 2 or is_hxl_row(rows[above]):
        return []
    groups: list[str | None] = []
    current = None
    for cell in list(rows[above]) + [None] * (width - len(rows[above])):
        current = clean_text(cell) or current
        groups.append(current)
    return groups[:width]


def _table_from_rows(file_name: str, sheet: str | None, rows: list[list[object]], *,
                     encoding: str | None = None, notes: tuple[dict, ...] = (),
                     fit: HeaderFit | None = None) -> RawTable:
    non_empty = _filled_rows(rows)
    if not non_empty:
        raise ImportRefused("the table is empty: no header row was found.", file=file_name, sheet=sheet,
                            reason="empty_table")
    header_index, hxl_index = _header_position(rows, non_empty, fit)
    data_start = (hxl_index if hxl_index is not None else header_index) + 1
    # the table is as wide as its rightmost value: cells left blank after it (a CSV line ending in thousands of
    # separators, a sheet formatted to column XFD) make no column. Only the part of a row beyond the width
    # found so far is looked at: a sheet as wide as its header costs nothing here.
    width = max((_extent(row) for row in rows[:HEADER_SEARCH_ROWS]), default=0)
    for row in rows:
        if len(row) > width:
            width = max(width, _extent(row, width))
    # every cell the table keeps passes here once, and loses the apostrophe of our exports on the way
    # (inlined restore_neutralised: this runs for each of the million cells of a large 3W)
    starts = NEUTRALISED_STARTS
    groups = _group_row(rows, header_index, non_empty, width)
    header_row = _texts(rows[header_index]) if header_index is not None else []
    header_row += [""] * (width - len(header_row))
    # a column under a merged group and without a header of its own ("Cluster" spanning two rows) takes the group
    headers = [header or (groups[index] if groups else "") or "" for index, header in enumerate(header_row)]
    hxl_row = rows[hxl_index] if hxl_index is not None else []
    hxl = [clean_text(cell) for cell in hxl_row] + [None] * (width - len(hxl_row))
    data = [[cell[1:] if type(cell) is str and cell[:1] == "'" and cell[1:2] in starts else cell for cell in row[:width]]
            + [None] * (width - len(row)) for row in rows[data_start:]]
    while data and not any(clean_text(cell) for cell in data[-1]):
        data.pop()
    if not data:
        raise ImportRefused(
            f"the table has a header row (row {(header_index if header_index is not None else hxl_index) + 1}) "
            "but no data rows below it, so there is nothing to import. Check that the rows were saved in this "
            + ("sheet (or name the right one with --sheet)" if sheet is not None else "file")
            + ", then import again.", file=file_name, sheet=sheet, reason="no_data_rows")
    return RawTable(file_name, sheet, headers[:width], hxl[:width], data, data_start + 1, encoding, notes,
                    groups)


def _rows(sheet: python_calamine.CalamineSheet, nrows: int | None = None) -> list[list]:
    return sheet.to_python(skip_empty_area=False, nrows=nrows)


def _fits(sheet: python_calamine.CalamineSheet, fit: HeaderFit | None) -> bool:
    """Whether a sheet's header names every required column (or, without ``fit``, it has data)."""
    top = _rows(sheet, HEADER_SEARCH_ROWS)
    filled = _filled_rows(top)
    if not filled:
        return False
    if fit is None:
        return True
    header_index, hxl_index = _header_position(top, filled, fit)
    header = _texts(top[header_index]) if header_index is not None else []
    hxl = [clean_text(cell) for cell in top[hxl_index]] if hxl_index is not None else None
    return fit(header, hxl)[0]


#: What Excel writes in a pivot table (French and English): its labels and totals, and its value headers ("Somme de
#: Bénéficiaires", "Count of Organisation"; not "Nombre de", which begins 3W headers too: "Nombre de personnes
#: ciblées"). A summary, never the rows of a 3W.
_PIVOT_LABELS = frozenset({"etiquettes de lignes", "etiquettes de colonnes", "row labels", "column labels",
                           "total general", "grand total"})
_PIVOT_VALUE = re.compile(r"^(?:somme de|moyenne de|sum of|count of|average of) .+")


def looks_like_pivot(top: list[list[object]]) -> bool:
    """Whether the top rows of a sheet are those of a pivot table: one of its labels ("Étiquettes de lignes",
    "Total général", "Row Labels"...) or value headers ("Somme de Bénéficiaires atteints")."""
    return any(type(cell) is str and (header_key(cell) in _PIVOT_LABELS or _PIVOT_VALUE.match(header_key(cell)))
               for row in top for cell in row)


def choose_data_sheet(sheets: dict[str, python_calamine.CalamineSheet], fit: HeaderFit | None = None) -> str:
    """The sheet holding the table: among the sheets with data, one whose header names every required column
    (when ``fit`` says), then one that is not a pivot table (:func:`looks_like_pivot`), then one with a HXL row,
    then the longest. A workbook's pivot tables, lists of organisations and P-code sheets lose to the data sheet
    (even a pivot table listing province, organisation and region, longer than the data); of two copies of it, the
    fuller one wins."""
    candidates = []
    for name, sheet in sheets.items():
        top = _rows(sheet, HEADER_SEARCH_ROWS)
        filled = _filled_rows(top)
        if not filled:
            continue
        header_index, hxl_index = _header_position(top, filled, fit)
        usable = False
        if fit is not None:
            header = _texts(top[header_index]) if header_index is not None else []
            hxl = [clean_text(cell) for cell in top[hxl_index]] if hxl_index is not None else None
            usable = fit(header, hxl)[0]
        candidates.append((usable, not looks_like_pivot(top), hxl_index is not None, sheet.total_height, name))
    if not candidates:
        raise ImportRefused("the workbook has no sheet with data.", reason="empty_table")
    return max(candidates, key=lambda candidate: candidate[:4])[4]


PASSWORD_MESSAGE = (
    "the workbook is protected by a password, so it cannot be read. Open it in Excel, remove the password "
    "(File > Info > Protect Workbook > Encrypt with Password: clear the password and click OK) and save it, "
    "then import it again.")
CORRUPT_MESSAGE = (
    "the workbook cannot be opened: the file is damaged or incomplete (for example a download or a copy that "
    "was cut short), or it is not really a spreadsheet. Open it in Excel or LibreOffice: if it opens, save it "
    "again as .xlsx (Excel workbook) and import that; if it does not, ask the sender for a new copy.")
#: Name of the stream that holds the key of an encrypted Office file, as an OLE directory entry stores it.
_ENCRYPTION_ENTRY = "EncryptionInfo".encode("utf-16-le") + b"\0\0"


def _megabytes(size: int) -> str:
    """``209715200`` → ``"200 MB"``, ``52428800`` → ``"50 MB"``, ``1572864`` → ``"1.5 MB"``, ``2048`` → ``"2 KB"``."""
    if size < _MB:
        return f"{size / 1024:,.0f} KB"
    return f"{size / _MB:,.0f} MB" if size >= 100 * _MB else f"{size / _MB:,.1f}".removesuffix(".0") + " MB"


def _head(path: Path, size: int = 8) -> bytes:
    with path.open("rb") as stream:
        return stream.read(size)


def check_file(path: Path, max_bytes: int | None = None) -> int:
    """Refuse a missing, empty or too large file from its size alone, before reading any of it; returns the
    size. ``max_bytes`` defaults to :data:`MAX_UPLOAD_BYTES`. Call it before anything that reads the whole
    file (hashing an upload, say), so that a huge file costs nothing."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused("the file does not exist." if not path.exists() else "this is a folder, not a file.",
                            file=str(path), reason="missing")
    size = path.stat().st_size
    limit = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if size == 0:
        raise ImportRefused(
            "the file is empty (0 bytes): it was not saved or not copied completely. Save it again from Excel "
            "(or ask the sender for a new copy), then import again.", file=path.name, reason="empty_file")
    if size > limit:
        raise ImportRefused(
            f"the file is {_megabytes(size)}, more than the {_megabytes(limit)} an import accepts, so it was not "
            "read. A 3W file is normally a few MB: delete unused sheets, pictures and empty rows and columns, "
            "save it as .xlsx (or split it, e.g. by region), then import again.", file=path.name,
            reason="too_large")
    return size


def check_zip(path: Path) -> None:
    """Refuse a workbook (a zip archive) that is damaged, or that would unpack to far more than a 3W ever does
    (a zip bomb), from the sizes its directory declares: nothing is unpacked. calamine, which reads it next,
    stops at a part that unpacks to more than its declared size, so the declared sizes are binding."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ImportRefused(CORRUPT_MESSAGE, file=path.name, reason="corrupt") from error
    total = sum(part.file_size for part in parts)
    squeezed = [part for part in parts if part.file_size > RATIO_CHECK_BYTES
                and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1)]
    if len(parts) > MAX_ZIP_MEMBERS:
        what = f"has {len(parts):,} parts (an Excel workbook has a few dozen)"
    elif total > MAX_UNCOMPRESSED_BYTES:
        what = f"would unpack to {_megabytes(total)} (the limit is {_megabytes(MAX_UNCOMPRESSED_BYTES)})"
    elif squeezed:
        part = squeezed[0]
        what = (f"has a part ({part.filename}) compressed {part.file_size / max(part.compress_size, 1):,.0f} times "
                f"(a real sheet is compressed 10 to 25 times; the limit is {MAX_COMPRESSION_RATIO})")
    else:
        return
    raise ImportRefused(
        f"the workbook {what}: it is not a normal 3W workbook (the 24,000 rows of the December 2023 3W unpack "
        "to 45 MB), so it was not opened. If it is a genuine file, open it in Excel, delete unused sheets and "
        "empty rows and columns, save it, then import again; otherwise ask the sender what it is.",
        file=path.name, reason="zip_bomb")


def is_encrypted_ole(path: Path) -> bool:
    """Whether an OLE compound file (first bytes D0 CF 11 E0 A1 B1 1A E1) has an ``EncryptionInfo`` stream: an
    .xlsx saved with a password is such a file. Its directory entry is found where directory entries can be
    (128-byte slots after the 512-byte header), with its name length and its type (2, a stream)."""
    data = path.read_bytes()  # at most MAX_UPLOAD_BYTES
    position = data.find(_ENCRYPTION_ENTRY)
    while position >= 0:
        if (position >= 512 and position % 128 == 0
                and data[position + 64:position + 67] == struct.pack("<HB", len(_ENCRYPTION_ENTRY), 2)):
            return True
        position = data.find(_ENCRYPTION_ENTRY, position + 1)
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in an .xlsx (``xl/worksheets/sheet1.xml``), from the workbook and its relations."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {relation.get("Id"): relation.get("Target") or "" for relation in relations}
    parts = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            relation = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
            target = targets.get(relation)
            if target:
                parts[element.get("name")] = (target.lstrip("/") if target.startswith("/")
                                              else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def column_number(letters: str) -> int:
    """``A`` → 1, ``AN`` → 40, ``XFD`` → 16,384: a column's number from its letters."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_cells(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str | None, dict[str, ElementTree.Element]]]:
    """(reference, children by tag: ``v`` value, ``f`` formula, ``is`` inline text) of each cell of a sheet
    part, streamed from its XML: a sheet of millions of cells is never held in memory."""
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream):
            tag = _local(element.tag)
            if tag == "c":
                yield element.get("r"), {_local(child.tag): child for child in element}
                element.clear()
            elif tag == "row":
                element.clear()


def _widest_value(archive: zipfile.ZipFile, part: str) -> tuple[int, str] | None:
    """(column number, cell) of the rightmost cell of a sheet part that holds a value, from its XML."""
    widest = None
    for reference, children in _sheet_cells(archive, part):
        if "v" in children or "is" in children:
            match = _CELL_REF.match(reference or "")
            if match and (widest is None or column_number(match.group(1)) > widest[0]):
                widest = (column_number(match.group(1)), match.group(0))
    return widest


def check_sheet_widths(path: Path) -> None:
    """Refuse an .xlsx with a sheet holding a value beyond column :data:`MAX_COLUMNS`, before it is parsed.

    Only a sheet whose XML declares such an extent is scanned (a few bytes are read of the others), so that a
    sheet merely formatted far to the right, whose cells hold nothing, is read as usual."""
    try:
        with zipfile.ZipFile(path) as archive:  # already checked by check_zip
            parts = _sheet_parts(archive)
            for name, part in parts.items():
                with archive.open(part) as stream:
                    declared = _DIMENSION.search(stream.read(_DIMENSION_PROBE_BYTES))
                if declared is None or column_number(declared.group(1).decode()) <= MAX_COLUMNS:
                    continue
                widest = _widest_value(archive, part)
                if widest and widest[0] > MAX_COLUMNS:
                    raise ImportRefused(
                        f"the sheet {name!r} holds a value as far right as cell {widest[1]} (column {widest[0]:,}), "
                        f"far beyond the columns of a 3W, so every row would be read {widest[0]:,} cells wide "
                        "(minutes and gigabytes). Delete the columns to the right of the table (click the first "
                        "empty column after it, Ctrl+Shift+Right, right-click > Delete), save, then import again.",
                        file=path.name, sheet=name, reason="too_wide")
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return  # calamine, which reads the file next, says what is wrong with it


def uncalculated_formulas(path: Path, sheets: list[str] | None = None) -> tuple[str, int, str | None] | None:
    """(sheet, number of cells, first cell) of the first of ``sheets`` (all by default) of an .xlsx whose cells
    hold formulas without a saved result, as a program writes them when no spreadsheet ever calculated them;
    None when there are none or the file is not an .xlsx. Read only when a sheet turned out empty."""
    try:
        with zipfile.ZipFile(path) as archive:  # already checked by check_zip
            parts = _sheet_parts(archive)
            for name in sheets or list(parts):
                if name not in parts:
                    continue
                count, first = 0, None
                for reference, children in _sheet_cells(archive, parts[name]):
                    value = children.get("v")
                    if "f" in children and (value is None or not (value.text or "").strip()):
                        count += 1
                        first = first or reference
                if count:
                    return name, count, first
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return None
    return None


def _formulas_refusal(path: Path, sheets: list[str] | None) -> ImportRefused | None:
    found = uncalculated_formulas(path, sheets)
    if found is None:
        return None
    sheet, count, first = found
    return ImportRefused(
        f"the cells hold formulas whose results were never calculated ({count:,} formula "
        f"{'cell' if count == 1 else 'cells'} without a saved value{f', the first in {first}' if first else ''}), "
        "as in a file written by a program rather than saved by a spreadsheet, so there are no values to "
        "import. Open the file in Excel or LibreOffice, let it calculate, save it, then import again.",
        file=path.name, sheet=sheet, reason="uncalculated_formulas")


def read_workbook(path: Path, sheet: str | None = None, fit: HeaderFit | None = None) -> RawTable:
    """Read a workbook after checking what the file really is: an encrypted OLE file is refused as
    password-protected, a zip archive is checked against zip bombs, anything else is refused as damaged. The
    content decides the format, so an .xls named .xlsx (or the reverse) is read all the same."""
    head = _head(path, 512)
    suffix = path.suffix.lower()
    is_zip = head.startswith(ZIP_MAGICS)
    if head.startswith(OLE_MAGIC):
        if is_encrypted_ole(path):
            raise ImportRefused(PASSWORD_MESSAGE, file=path.name, reason="password")
        named_right = suffix == ".xls"
    elif is_zip:
        check_zip(path)
        check_sheet_widths(path)
        named_right = suffix in WORKBOOK_SUFFIXES - {".xls"}
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ImportRefused(
            "the file is a web page or XML text saved under a spreadsheet name, not a real workbook. Open it "
            "in Excel or LibreOffice and save it as .xlsx (Excel workbook), then import again.",
            file=path.name, reason="corrupt")
    else:
        raise ImportRefused(CORRUPT_MESSAGE, file=path.name, reason="corrupt")
    try:
        if named_right:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine recognises the format from the content
            with path.open("rb") as stream:
                workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
        if sheet is not None and sheet not in workbook.sheet_names:
            raise ImportRefused(
                f"there is no sheet named {sheet!r}; the sheets are {', '.join(workbook.sheet_names)}.",
                file=path.name, reason="no_such_sheet")
        # each sheet is parsed once: probing for the HXL row and reading the chosen one share it. The visible
        # sheets are tried first: a workbook's hidden sheets are lists, pivots and old copies (the December 2023
        # 3W hides six of its eight), read only when no visible sheet holds the table
        visible = [entry.name for entry in workbook.sheets_metadata if str(entry.visible).endswith("Visible")]
        order = [[sheet]] if sheet else [visible, [name for name in workbook.sheet_names if name not in visible]]
        sheets: dict = {}
        try:
            chosen = None
            for names in order:
                sheets.update({name: workbook.get_sheet_by_name(name) for name in names})
                with contextlib.suppress(ImportRefused):  # none of these sheets has data: try the others
                    found = choose_data_sheet({name: sheets[name] for name in names}, fit) if names else None
                    if found is not None and (sheet or _fits(sheets[found], fit)):
                        chosen = found
                        break
            chosen = chosen or sheet or choose_data_sheet(sheets, fit)
        except ImportRefused as refusal:
            raise ((is_zip and _formulas_refusal(path, None))
                   or ImportRefused(refusal.message, file=path.name, reason=refusal.reason)) from None
        rows = _rows(sheets[chosen])
    except ImportRefused:
        raise
    except python_calamine.PasswordError as error:
        raise ImportRefused(PASSWORD_MESSAGE, file=path.name, reason="password") from error
    except Exception as error:  # calamine raises several error types for unreadable files
        raise ImportRefused(f"{CORRUPT_MESSAGE} (Detail: {error}.)", file=path.name, reason="corrupt") from error
    try:
        return _table_from_rows(path.name, chosen, rows, fit=fit)
    except ImportRefused as refusal:
        formulas = is_zip and refusal.reason in {"empty_table", "no_data_rows"} and _formulas_refusal(path, [chosen])
        if formulas:
            raise formulas from None
        raise


#: Two bytes that are a UTF-8 accented Latin letter (é is C3 A9): in Windows-1252 they read as two symbols
#: ("Ã©"), which no French or English text holds, so finding them in a file that is not UTF-8 means that the
#: file mixes both encodings.
_UTF8_ACCENTED_LETTER = re.compile(rb"[\xc3-\xc5][\x80-\xbf]")


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _decode(raw: bytes, file_name: str) -> tuple[str, str, tuple[dict, ...]]:
    """The text of a CSV, the encoding it was read in, and a note when that was not UTF-8.

    UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252, the Latin-1
    that Excel writes on Windows. Bytes that are text in none of these, or a mix of UTF-8 and Windows-1252
    accents, are refused: reading them either way would store wrong names."""
    unreadable = (
        "Open it in Excel or LibreOffice, check the accented names, save it as \"CSV UTF-8\", then import again.")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "UTF-16", ()
        except UnicodeDecodeError as error:
            raise ImportRefused(f"the file says it is UTF-16 text but is not (from byte {error.start:,}). "
                                + unreadable, file=file_name, reason="encoding") from error
    if b"\0" in raw:
        raise ImportRefused(
            f"the file is not a text (CSV) file: it holds binary data (line {_line_of(raw, raw.index(0))}). "
            "If it is an Excel workbook, give it its .xlsx name; otherwise open it in Excel or LibreOffice and "
            "save it as \"CSV UTF-8\", then import again.", file=file_name, reason="encoding")
    try:
        return raw.decode("utf-8-sig"), "UTF-8", ()
    except UnicodeDecodeError as error:
        not_utf8 = error.start
    mixed = _UTF8_ACCENTED_LETTER.search(raw)
    if mixed:
        raise ImportRefused(
            f"the text mixes two encodings: some accented letters are saved as UTF-8 (line "
            f"{_line_of(raw, mixed.start())}) and others as Windows-1252/Latin-1 (line {_line_of(raw, not_utf8)}), "
            "so they cannot all be read right. " + unreadable, file=file_name, reason="encoding")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as error:  # 81, 8D, 8F, 90, 9D: control codes in Latin-1, never text
        raise ImportRefused(
            f"the file has bytes that are text neither in UTF-8 nor in Windows-1252/Latin-1 (line "
            f"{_line_of(raw, error.start)}): it is damaged or not a CSV file. " + unreadable,
            file=file_name, reason="encoding") from error
    return text, "Windows-1252", ({"problem": "msg.not_utf8", "params": {"line": _line_of(raw, not_utf8)}},)


#: separators a CSV may use, the most common first (a tie goes to the first)
CSV_DELIMITERS = (";", ",", "\t")
#: lines of a CSV looked at to find its separator
_DELIMITER_PROBE_LINES = 30


def csv_delimiter(text: str) -> str:
    """The separator of a CSV: the one that splits its first lines into the same number of fields (more than
    one), in the most lines. Quoted fields count as one (``"Santé; Nutrition"``), and fields left empty at the
    end of a line do not count (Excel writes a line as wide as the sheet's widest)."""
    lines = text.splitlines()[:_DELIMITER_PROBE_LINES + 1]
    lines = [line for line in lines[:_DELIMITER_PROBE_LINES] if line.strip()]

    def consistency(delimiter: str) -> tuple[int, int]:
        try:
            counts = [_extent(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            return 0, 0
        usual = max(set(counts), key=lambda count: (counts.count(count), count)) if counts else 0
        return (counts.count(usual) if usual > 1 else 0), usual

    return max(CSV_DELIMITERS, key=lambda delimiter: (consistency(delimiter), -CSV_DELIMITERS.index(delimiter)))


def read_csv(path: Path, fit: HeaderFit | None = None) -> RawTable:
    """Read a CSV: ``,``, ``;`` or tab separated (found from its first lines), in the encodings of
    :func:`_decode`."""
    text, encoding, notes = _decode(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))
    try:
        rows = [[cell if cell not in ERROR_VALUES else "" for cell in row] for row in reader]
    except csv.Error as error:  # e.g. an unclosed quote that swallows the rest of the file
        raise ImportRefused(
            f"the CSV cannot be read past line {reader.line_num} ({error}). Open it in Excel or LibreOffice, "
            "check that line, save it as \"CSV UTF-8\", then import again.", file=path.name, reason="corrupt"
        ) from error
    return _table_from_rows(path.name, None, rows, encoding=encoding, notes=notes, fit=fit)


def read_table(path: Path, sheet: str | None = None, *, max_bytes: int | None = None,
               fit: HeaderFit | None = None) -> RawTable:
    """Read the table of a workbook (``sheet`` or the one found automatically) or of a CSV file; ``fit``
    (the kind of table's :data:`HeaderFit`) helps find the data sheet and its header row.

    The file is refused (:class:`ImportRefused`) when it is missing, of a type not read, empty, larger than
    ``max_bytes`` (default :data:`MAX_UPLOAD_BYTES`; checked before reading), or when its content cannot be
    read as a table (see :func:`read_workbook` and :func:`read_csv`)."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused("the file does not exist.", file=str(path), reason="missing")
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES | TEXT_SUFFIXES:
        raise ImportRefused(f"files of type {suffix or '(none)'} are not read; use .xlsx, .xls or .csv.",
                            file=path.name, reason="file_type")
    check_file(path, max_bytes)
    if suffix in WORKBOOK_SUFFIXES or _head(path).startswith((*ZIP_MAGICS, OLE_MAGIC)):
        return read_workbook(path, sheet, fit)  # a workbook saved under a .csv name is read as the workbook it is
    return read_csv(path, fit)
