"""The error a user gets when a whole file cannot be imported: what is wrong, where, and what to do."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was written to the database.

    ``reason`` is a short code for programs (tests, the dashboard's translations), e.g. ``"empty_file"``,
    ``"too_large"``, ``"zip_bomb"``, ``"password"``, ``"corrupt"``, ``"no_data_rows"``,
    ``"uncalculated_formulas"``, ``"encoding"``, ``"duplicate_column"``; the message is for people.
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 reason: str | None = None):
        self.file = file
        self.sheet = sheet
        self.reason = reason
        self.message = message
        where = ", ".join(part for part in (file and f"file {file}", sheet and f"sheet {sheet}") if part)
        super().__init__(f"{where}: {message}" if where else message)
