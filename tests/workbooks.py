"""Small workbooks made for tests (the real files come from the data mirror)."""

import re
import zipfile
from pathlib import Path

import openpyxl


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write ``{sheet name: rows}`` to an .xlsx file and return its path."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def set_raw_cells(path: Path, cells: dict[str, str], sheet_number: int = 1) -> Path:
    """Replace cells of an .xlsx written by :func:`write_workbook` with raw sheet XML, for what openpyxl does
    not write: a formula's cached error (``<c r="F2" t="e"><f>NA()</f><v>#N/A</v></c>``), a ``NaN`` number.
    ``cells`` maps a reference (``F2``) to the XML of its ``<c>`` element; the cell must hold a value."""
    part = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[part].decode("utf-8")
    for reference, element in cells.items():
        xml, found = re.subn(rf'<c r="{reference}"[^>]*?(?:/>|>.*?</c>)', element, xml, count=1)
        assert found == 1, f"no cell {reference} in {part}"
    parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path
