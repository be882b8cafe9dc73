"""The same weighing exported twice: flagged and counted once.

Two accepted rows are one weighing when they have

- the same plate and the same time of day on the same date (with or without a new ticket number), or
- the same ticket number, plate, date and net weight,

and the same net weight and mode. The first row (in the order files were given, then by line) is kept,
the others are left out with a warning naming it. Two rows of one plate at the same minute with
*different* net weights cannot both be right: both are rejected as errors. Rows without a time of day
and without a ticket are never merged (a truck can make several trips a day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.records.issues import RecordIssue, SourceRef


@dataclass(frozen=True)
class DuplicateCheck:
    keep: np.ndarray  # bool per row of the frame
    issues: tuple[RecordIssue, ...]
    duplicates: int  # rows left out as repeats of a kept row
    conflicts: int  # rows rejected as conflicting weighings


def _where(frame: pd.DataFrame, row: int) -> str:
    sheet = frame["sheet"].iat[row]
    label = f"{frame['file'].iat[row]}[{sheet}]" if isinstance(sheet, str) and sheet else str(frame["file"].iat[row])
    return f"{label}:{int(frame['line'].iat[row])}"


def _issue(frame: pd.DataFrame, row: int, severity: str, message: str) -> RecordIssue:
    sheet = frame["sheet"].iat[row]
    source = SourceRef(str(frame["file"].iat[row]), sheet if isinstance(sheet, str) and sheet else None)
    return RecordIssue(source, int(frame["line"].iat[row]), None, severity, message, rejects_row=severity == "error")  # type: ignore[arg-type]


def _numeric_keys(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns that identify a weighing as numbers (text factorised once), so comparing rows is cheap. The
    ticket number, nearly unique per row, is left out: it is compared only among rows already alike in these."""
    return {
        "plate": pd.factorize(frame["plate"])[0],
        "mode": pd.factorize(frame["mode"])[0],
        "date": frame["date"].to_numpy(dtype="datetime64[ns]").view("int64"),
        "net_weight_t": frame["net_weight_t"].to_numpy(dtype=float),
    }


def _subset(keys: dict[str, np.ndarray], columns: list[str], rows: np.ndarray) -> pd.DataFrame:
    """The ``columns`` of ``keys`` at positions ``rows``, as a frame (one numpy take per column)."""
    return pd.DataFrame({name: keys[name][rows] for name in columns}, copy=False)


def _first_of_group(sub: pd.DataFrame, columns: list[str], positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(repeated rows, the first row of their group), as positions in the whole frame; only rows that have a
    twin are grouped, so this stays cheap when repeats are rare."""
    twins = sub.duplicated(columns, keep=False).to_numpy()
    if not twins.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    group = sub[twins].groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    rows = positions[twins]
    first = pd.Series(rows).groupby(group).transform("min").to_numpy()
    repeated = rows != first
    return rows[repeated], first[repeated]


def find_duplicates(frame: pd.DataFrame, eligible: np.ndarray | None = None) -> DuplicateCheck:
    """Rows to keep after removing repeated weighings and rejecting conflicting ones; only ``eligible`` rows
    (accepted ones) are compared."""
    n = len(frame)
    keep = np.ones(n, dtype=bool)
    issues: list[RecordIssue] = []
    if n == 0:
        return DuplicateCheck(keep, (), 0, 0)
    eligible = np.ones(n, dtype=bool) if eligible is None else eligible
    timed = (frame["plate"].notna() & frame["has_time"]).to_numpy(dtype=bool) & eligible
    ticketed = frame["waybill"].notna().to_numpy(dtype=bool) & eligible
    position = np.arange(n)
    keys = _numeric_keys(frame)

    conflicts = np.zeros(n, dtype=bool)
    if timed.any():
        sub = _subset(keys, ["plate", "date", "net_weight_t"], position[timed])
        twins = sub.duplicated(["plate", "date"], keep=False).to_numpy()
        if twins.any():
            weights = sub[twins].groupby(["plate", "date"], sort=False)["net_weight_t"].transform("nunique").to_numpy()
            conflicts[position[timed][twins][weights > 1]] = True
    for row in np.flatnonzero(conflicts):
        issues.append(
            _issue(frame, int(row), "error", f"plate {frame['plate'].iat[row]} weighed at the same time {frame['date'].iat[row]} with"
                   " different net weights on other rows: both cannot be right; check the export")
        )  # fmt: skip
    keep &= ~conflicts

    duplicate_of = np.full(n, -1, dtype=np.int64)
    alike = ["plate", "date", "net_weight_t", "mode"]
    for mask, ticket, why in ((timed & ~conflicts, False, "same plate and time"), (ticketed & ~conflicts, True, "same ticket")):
        if not mask.any():
            continue
        positions = position[mask]
        sub = _subset(keys, alike, positions)
        columns = alike
        if ticket:  # only rows alike in everything else can share a ticket: factorise the tickets of those alone
            candidates = sub.duplicated(alike, keep=False).to_numpy()
            sub, positions = sub[candidates], positions[candidates]
            sub = sub.assign(waybill=pd.factorize(frame["waybill"].iloc[positions].to_numpy())[0])
            columns = ["waybill", *alike]
        rows, originals = _first_of_group(sub, columns, positions)
        for row, original in zip(rows, originals, strict=True):
            if duplicate_of[row] < 0:
                duplicate_of[row] = original
                issues.append(_issue(frame, row, "warning", f"duplicate weighing of {_where(frame, original)} ({why}): counted once"))
    keep &= duplicate_of < 0
    return DuplicateCheck(keep, tuple(issues), int((duplicate_of >= 0).sum()), int(conflicts.sum()))
