"""Bad files made for tests, as people send them: empty, cut short, password-protected, too large, zip
bombs, formulas never calculated, mixed text encodings; and a real BIFF8 .xls.

Everything is built here in a fraction of a second: the large file is sparse, and the zip bomb's deflate
stream is one compressed block repeated (see :func:`deflated_repeats`), so nothing big is written or
compressed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl

from tests.workbooks import write_workbook

MIB = 1024 * 1024
HEADERS = ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "Cluster"]
HXL = ["#org+acronym", "#adm1+code", "#adm2+code", "#sector"]
GOOD_ROWS = [["NRC", "ML05", "ML0502", "Santé"], ["AMSS", "ML06", "ML0601", "EHA"]]


def good_workbook(path: Path) -> Path:
    """A small valid 3W: two rows that the importer accepts."""
    return write_workbook(path, {"ML_5W": [HEADERS, HXL, *GOOD_ROWS]})


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def headers_only_workbook(path: Path) -> Path:
    """Header and HXL rows, then nothing (a few empty rows, as a template leaves them)."""
    return write_workbook(path, {"ML_5W": [HEADERS, HXL, [None] * 4, [None] * 4]})


def random_bytes(path: Path, size: int = 4096) -> Path:
    path.write_bytes(random.Random(3).randbytes(size))
    return path


def truncated_workbook(path: Path) -> Path:
    """A valid .xlsx cut in half, like an interrupted download: it starts as a zip but has no directory."""
    whole = good_workbook(path.with_name("whole_" + path.name)).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def encrypted_workbook(path: Path, password: str = "secret") -> Path:
    """A valid 3W saved with a password: an OLE compound file holding EncryptionInfo and EncryptedPackage."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(good_workbook(path.with_name("plain_" + path.name)).read_bytes())
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return path


def oversized_file(path: Path, size: int = 200 * MIB) -> Path:
    """A sparse file of ``size`` bytes (zeros): nothing is written to disk."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path


def deflated_repeats(block: bytes, times: int) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size) of ``block`` repeated ``times`` times, compressing ``block`` once:
    after a full flush the compressor starts afresh, so every further copy compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = first + again * (times - 1) + compressor.flush()
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return stream, crc, len(block) * times


def write_zip(path: Path, parts: dict[str, bytes | tuple]) -> Path:
    """A zip archive written byte by byte. A part is its content, or (deflate stream, CRC-32, size) and
    optionally a fourth item: the uncompressed size to declare instead of the real one."""
    body, directory = bytearray(), bytearray()
    for name, part in parts.items():
        if isinstance(part, bytes):
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            part = (compressor.compress(part) + compressor.flush(), zlib.crc32(part), len(part))
        data, crc, size = part[:3]
        declared = part[3] if len(part) > 3 else size
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), declared,
                            len(encoded), 0) + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), declared,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def zip_bomb(path: Path, unpacked_mib: int = 600, declared_mib: int | None = None) -> Path:
    """A real .xlsx (workbook, relations, styles) whose sheet is ``unpacked_mib`` MiB of zeros, compressed to
    about 1 KB per MiB. With ``declared_mib`` the archive lies about the sheet's size."""
    with zipfile.ZipFile(good_workbook(path.with_name("plain_" + path.name))) as archive:
        parts: dict[str, bytes | tuple] = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = deflated_repeats(b"\0" * MIB, unpacked_mib)
    parts["xl/worksheets/sheet1.xml"] = sheet if declared_mib is None else (*sheet, declared_mib * MIB)
    return write_zip(path, parts)


def formulas_only_workbook(path: Path, *, formula_headers: bool = False) -> Path:
    """Cells holding formulas as openpyxl writes them: no saved result, since no spreadsheet calculated them.
    Typed headers and two rows of three formulas, or (``formula_headers``) two rows of formulas only."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "ML_5W"
    if formula_headers:
        sheet.append(['="Organisation"', '="Cluster"'])
        sheet.append(['=UPPER("nrc")', '="Sant"&"é"'])
    else:
        sheet.append(["Organisation Accronyme", "admin1Pcod", "Cluster"])
        sheet.append(['=UPPER("nrc")', '="ML"&"05"', '=LOWER("SANTÉ")'])
        sheet.append(['=UPPER("amss")', '="ML"&"06"', '="EHA"'])
    workbook.save(path)
    return path


def mixed_encoding_csv(path: Path) -> Path:
    """Lines pasted from two sources: line 2 has "Ségou" in UTF-8 (C3 A9), line 3 in Windows-1252 (E9)."""
    path.write_bytes(b"Organisation;Region;Cluster\n"
                     + "NRC;Ségou;Santé\n".encode("utf-8")
                     + "AMSS;Ségou;EHA\n".encode("cp1252"))
    return path


def xls_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A real Excel 97-2003 (BIFF8) workbook written by xlwt; dates get a date format, as Excel gives them."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return path
