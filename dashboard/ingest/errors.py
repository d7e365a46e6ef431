"""The error a user gets when a whole file cannot be imported: what is wrong, where, and what to do."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was written to the database.

    ``reason`` is a short code for programs (tests, the dashboard's translations), e.g. ``"empty_file"``,
    ``"too_large"``, ``"zip_bomb"``, ``"password"``, ``"corrupt"``, ``"no_data_rows"``,
    ``"uncalculated_formulas"``, ``"encoding"``, ``"duplicate_column"``, ``"other_country"``; the message is
    for people. A refusal written from the catalogue also keeps its ``text`` (``{"problem": key, "params":
    {...}}``, see :func:`dashboard.i18n.render_message`), so that it reads in its reader's language.
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 reason: str | None = None, text: dict | None = None):
        self.file = file
        self.sheet = sheet
        self.reason = reason
        self.message = message
        self.text = text
        where = ", ".join(part for part in (file and f"file {file}", sheet and f"sheet {sheet}") if part)
        super().__init__(f"{where}: {message}" if where else message)

    @classmethod
    def of(cls, problem: str, /, *, file: str | None = None, sheet: str | None = None, reason: str | None = None,
           **params: object) -> ImportRefused:
        """A refusal whose message is the catalogue's ``problem`` filled with ``params`` (English here; in its
        reader's language with :meth:`in_language`)."""
        from dashboard.i18n import render_message
        text = {"problem": problem, "params": params}
        return cls(render_message(text, "problem", "en"), file=file, sheet=sheet, reason=reason, text=text)

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` when it was written from the catalogue, else as written (English)."""
        if self.text is None:
            return self.message
        from dashboard.i18n import render_message
        return render_message(self.text, "problem", lang)
