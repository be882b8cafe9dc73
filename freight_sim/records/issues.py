"""Problems found in record files, each located as ``FILE:LINE:COLUMN`` (``FILE[SHEET]:ROW:COLUMN`` in Excel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


def excel_column(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class SourceRef:
    """Where a table came from: a file, and the sheet for Excel workbooks."""

    file: str
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.file}[{self.sheet}]" if self.sheet is not None else self.file

    def column_label(self, column: int | None) -> str:
        """Column as users see it: a letter in Excel, a 1-based number in CSV."""
        if column is None:
            return "0"
        return excel_column(column) if self.sheet is not None else str(column)


@dataclass(frozen=True)
class RecordIssue:
    """One problem. ``line`` is the line (CSV) or row (Excel) in the original file, counting title and
    header rows; ``column`` is 1-based (None for a whole-row problem); ``raw`` is the cell text as read."""

    source: SourceRef
    line: int
    column: int | None
    severity: Severity
    message: str
    raw: str | None = None
    rejects_row: bool = True

    @property
    def location(self) -> str:
        return f"{self.source.label}:{self.line}:{self.source.column_label(self.column)}"

    def format(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}"

    def as_row(self) -> dict[str, object]:
        return {
            "file": self.source.file,
            "sheet": self.source.sheet or "",
            "line": self.line,
            "column": self.source.column_label(self.column),
            "severity": self.severity,
            "raw_value": "" if self.raw is None else self.raw,
            "message": self.message,
        }
