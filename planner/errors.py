"""Errors a person can act on: what was wrong, where, and what to do."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input (calendar, catalog, config). The message is shown to the user as is.

    `where` names the file and location (line, row, entry, field) when known.
    """

    def __init__(self, message: str, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class CatalogError(InputError):
    """The exercise catalog file is invalid."""


class CalendarError(InputError):
    """The calendar file cannot be read at all (row-level problems are reported as skipped)."""


class ConfigError(InputError):
    """The rules config file is invalid."""
