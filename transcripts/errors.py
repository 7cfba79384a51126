"""Error values for transcript parsing: per-record errors, per-file failures and invalid records."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordError:
    """One record that could not be read; parsing goes on with the next record.

    `source` is "file:line" (the line where the record starts); `message` is plain English and
    names the field path when a field is at fault, e.g. "turns[3].speaker: must be one of ...".
    """

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class ParseError(Exception):
    """A whole input cannot be parsed at all (unreadable file, unsupported format)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(source, message)  # both in args, so the exception pickles
        self.source = source
        self.message = message

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class RecordInvalid(ValueError):
    """A record breaks the format. `path` is the field path ("" for the record itself)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path or 'record'}: {self.reason}"
