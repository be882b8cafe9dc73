"""Read enterprise record files into one validated canonical table.

``read_records`` is the entry point: it decodes, finds headers, maps columns and values, validates, and
returns the accepted rows with every issue found. Problems that make a file unreadable are collected over
all files and raised together as one :class:`RecordError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim.errors import RecordError
from freight_sim.records.aliases import AliasTable, load_aliases
from freight_sim.records.canonical import to_canonical
from freight_sim.records.duplicates import find_duplicates
from freight_sim.records.header import HEADER_SEARCH_ROWS, detect_header
from freight_sim.records.issues import RecordIssue
from freight_sim.records.plausibility import Plausibility, load_plausibility
from freight_sim.records.sources import RawTable, read_tables, release_freed_memory
from freight_sim.records.validation import validate_table

RECORD_COLUMNS = (
    "file", "sheet", "line", "date", "net_weight_t", "mode", "fuel", "standard", "direction",
    "plate", "vehicle_type", "material", "counterpart", "waybill", "battery_swap", "has_time",
)  # fmt: skip
ACCEPTED = "_accepted"


@dataclass(frozen=True)
class TableSummary:
    """What was read from one CSV file or Excel sheet."""

    file: str
    sheet: str | None
    encoding: str | None
    delimiter: str | None
    header_lines: tuple[int, ...]
    columns: dict[str, str]  # canonical name -> header text
    rows_read: int
    rows_rejected: int

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_lines": list(self.header_lines),
            "columns": dict(self.columns),
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
        }


@dataclass(frozen=True)
class RecordSet:
    """Accepted rows in canonical columns (see ``RECORD_COLUMNS``), every issue, and per-table summaries."""

    frame: pd.DataFrame
    issues: tuple[RecordIssue, ...]
    tables: tuple[TableSummary, ...] = field(default=())
    rows_duplicate: int = 0  # repeated weighings left out (each counted once)
    rows_conflicting: int = 0  # accepted by their table but rejected as conflicting weighings

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables) + self.rows_conflicting

    def errors(self) -> list[RecordIssue]:
        return [i for i in self.issues if i.severity == "error"]


def _no_header(table: RawTable) -> str:
    return (
        f"{table.source.label}:1:0: no recognisable header in the first {HEADER_SEARCH_ROWS} rows: need at least"
        " two known column names such as 日期, 车牌号, 净重, 运输方式 (see the alias table)"
    )


@dataclass(frozen=True, kw_only=True)
class ReadSettings:
    aliases: AliasTable
    plausibility: Plausibility
    run_date: pd.Timestamp
    sheet: str | None = None
    encoding: str | None = None


def _read_table(table: RawTable, settings: ReadSettings) -> tuple[pd.DataFrame, tuple[RecordIssue, ...], TableSummary] | None:
    """The rows (column ``ACCEPTED`` marks those without errors), issues and summary of one table; None when
    it has no recognisable header."""
    aliases = settings.aliases
    layout = detect_header(table.cells, aliases)
    if layout is None:
        return None
    canonical = to_canonical(table, layout, aliases, settings.plausibility, settings.run_date)
    release_freed_memory()  # parsing intermediates, before validation builds its own
    result = validate_table(canonical, aliases, settings.plausibility)
    columns = [c for c in RECORD_COLUMNS if c not in ("file", "sheet")]
    rows = canonical.parsed[columns]  # every row, rejected ones too: filtered once, after duplicates (one copy, not two)
    rows.insert(0, "sheet", pd.Categorical([table.source.sheet] * len(rows)) if table.source.sheet else None)
    rows.insert(0, "file", pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), [table.source.file]))
    rows.insert(len(rows.columns), ACCEPTED, ~result.rejected)
    issues = list(result.issues)
    if canonical.rows_read == 0:
        issues.append(
            RecordIssue(
                table.source, int(table.lines[layout.header_rows[-1]]), None, "info", "header only: no data rows", rejects_row=False
            )
        )
    summary = TableSummary(
        file=table.source.file,
        sheet=table.source.sheet,
        encoding=table.encoding,
        delimiter=table.delimiter,
        header_lines=tuple(int(table.lines[r]) for r in layout.header_rows),
        columns=canonical.headers,
        rows_read=canonical.rows_read,
        rows_rejected=int(result.rejected.sum()),
    )
    return rows, tuple(issues), summary


def _read_file(path: Path, settings: ReadSettings) -> tuple[list[pd.DataFrame], list[RecordIssue], list[TableSummary]]:
    """Every table of one file. A workbook sheet without a header is skipped with a warning when other
    sheets were read; a CSV file, a chosen sheet or a workbook with no readable sheet is refused."""
    sheet = settings.sheet
    tables = read_tables(path, sheet, settings.encoding)
    frames, issues, summaries = [], [], []
    without_header: list[RawTable] = []
    structure_errors: list[str] = []
    while tables:
        table = tables.pop(0)  # each table's cells are released once it is read
        if table.hidden is not None:
            issues.append(RecordIssue(table.source, 1, None, "info", f"{table.hidden} sheet skipped (not read as data)", rejects_row=False))
            continue
        if not any((table.cells[column] != "").any() for column in table.cells.columns):
            if table.source.sheet is None:
                raise RecordError(f"{table.source.label}:1:0: the file has no cells: no header and no rows")
            issues.append(RecordIssue(table.source, 1, None, "info", "empty sheet skipped", rejects_row=False))
            continue
        try:
            read = _read_table(table, settings)
        except RecordError as exc:
            structure_errors += exc.lines
            continue
        if read is None:
            without_header.append(table)
            continue
        frames.append(read[0])
        issues += read[1]
        summaries.append(read[2])
    if structure_errors or (without_header and (sheet is not None or not summaries)):
        raise RecordError(*structure_errors, *(_no_header(t) for t in without_header))
    if not summaries:
        raise RecordError(f"{path}:1:0: the workbook has no non-empty sheet")
    for table in without_header:
        issues.append(
            RecordIssue(table.source, 1, None, "warning", f"sheet skipped: {_no_header(table).split(': ', 1)[1]}", rejects_row=False)
        )
    return frames, issues, summaries


def read_records(
    paths: Iterable[Path | str],
    sheet: str | None = None,
    aliases: AliasTable | None = None,
    encoding: str | None = None,
    run_date: pd.Timestamp | None = None,
) -> RecordSet:
    """Read, map and validate record files (CSV or Excel); raise RecordError if any file is unreadable.

    ``encoding`` forces the encoding of CSV files; ``run_date`` (default today) bounds the dates of rows
    together with an export date found in a title row. Repeated weighings across all files count once."""
    settings = ReadSettings(
        aliases=aliases or load_aliases(),
        plausibility=load_plausibility(),
        run_date=pd.Timestamp(run_date) if run_date is not None else pd.Timestamp.now(),
        sheet=sheet,
        encoding=encoding,
    )
    frames: list[pd.DataFrame] = []
    issues: list[RecordIssue] = []
    summaries: list[TableSummary] = []
    unreadable: list[str] = []
    for path in paths:
        try:
            file_frames, file_issues, file_summaries = _read_file(Path(path), settings)
        except RecordError as exc:
            unreadable += exc.lines
            continue
        frames += file_frames
        issues += file_issues
        summaries += file_summaries
    if unreadable:
        raise RecordError(*unreadable)
    if len(frames) > 1:
        frame = pd.concat(frames, ignore_index=True)
        for column in ("file", "sheet"):
            frame[column] = frame[column].astype(object)
    elif frames:
        frame = frames[0].reset_index(drop=True)
    else:
        frame = pd.DataFrame(columns=list(RECORD_COLUMNS))
    del frames
    accepted = frame[ACCEPTED].to_numpy(dtype=bool) if ACCEPTED in frame else np.ones(len(frame), dtype=bool)
    check = find_duplicates(frame, accepted)
    keep = accepted & check.keep
    frame = frame.loc[keep, list(RECORD_COLUMNS)].reset_index(drop=True) if not keep.all() else frame[list(RECORD_COLUMNS)]
    return RecordSet(frame, tuple(issues) + check.issues, tuple(summaries), check.duplicates, check.conflicts)
