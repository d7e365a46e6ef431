"""The error a user gets when a whole file cannot be imported: what is wrong, where, and what to do."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was written to the database."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None):
        self.file = file
        self.sheet = sheet
        where = ", ".join(part for part in (file and f"file {file}", sheet and f"sheet {sheet}") if part)
        super().__init__(f"{where}: {message}" if where else message)
