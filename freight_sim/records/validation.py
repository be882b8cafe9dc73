"""Validate a canonical table with pandera in one pass (``lazy=True``) and turn failures into issues.

Every failure names the file, the line in the original file, the column and the raw cell text. A row with
an error is rejected; warnings (a road row without fuel type) keep the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from freight_sim.records.aliases import AliasTable
from freight_sim.records.canonical import LABEL_COLUMNS, TEXT_COLUMNS, CanonicalTable
from freight_sim.records.issues import RecordIssue
from freight_sim.records.plausibility import Plausibility

EARLIEST_DATE = pd.Timestamp("2000-01-01")
MAX_WARNINGS_PER_TABLE = 1000


@dataclass(frozen=True)
class ValidationResult:
    rejected: np.ndarray  # bool per row of the canonical table
    issues: tuple[RecordIssue, ...]


def _schema(aliases: AliasTable, text_columns: list[str]) -> pa.DataFrameSchema:
    def known(kind: str) -> pa.Check:
        return pa.Check.isin(list(aliases.canonical_values(kind)), error="known_label")

    columns = {
        "date": pa.Column(nullable=False, checks=pa.Check.ge(EARLIEST_DATE, error="date_range")),
        "future_days": pa.Column(float, nullable=True, checks=pa.Check.lt(0, error="future")),
        "net_weight_t": pa.Column(float, nullable=False, checks=pa.Check.gt(0, error="positive")),
        "excess_t": pa.Column(float, nullable=True, checks=pa.Check.le(0, error="implausible")),
        "mode": pa.Column(nullable=False, checks=known("mode")),
        "fuel": pa.Column(nullable=True, checks=known("fuel")),
        "standard": pa.Column(nullable=True, checks=known("standard")),
        "direction": pa.Column(nullable=True, checks=known("direction")),
    }
    damage = pa.Check.eq(False, error="damaged")
    for name in text_columns:
        columns[f"text:{name}"] = pa.Column(nullable=True, checks=damage)
    return pa.DataFrameSchema(columns)


MODE_WORDS = {"road": "truck", "rail_wagon": "rail wagon", "rail_train": "train", "conveyor": "conveyor row (a day of belt)",
              "waterway": "ship", "pipeline": "pipeline row (a day)"}  # fmt: skip


def _implausible(raw: str, header: str, table: CanonicalTable, row: int) -> str:
    mode = str(table.parsed["mode"].iat[row])
    kind = "rail_wagon" if mode == "rail" and bool(table.parsed["wagon"].iat[row]) else ("rail_train" if mode == "rail" else mode)
    limit = float(table.parsed["max_t"].iat[row])
    text = f"{raw!r} t is more than one {MODE_WORDS.get(kind, kind)} can carry ({limit:g} t, plausibility.yaml)"
    if kind == "road" and "kg" not in header.lower():
        text += f"; if the column is in kg, name it {header}(kg)"
    return text


def _message(name: str, check: str, raw: str, header: str, aliases: AliasTable, table: CanonicalTable, row: int) -> str:
    if check == "not_nullable":
        if not raw.strip():
            return f"{header}: missing {name.replace('_t', '')}"
        if name == "date":
            return (
                f"{header}: cannot read date {raw!r}: not a date, or an impossible date or time of day (expected e.g. 2025-01-06,"
                " 2025/1/6 08:30, 2025年1月6日, 2025.1.6 or an Excel serial)"
            )
        if name == "net_weight_t":
            return f"{header}: not a number: {raw!r}"
        return f"{header}: cannot read {raw!r}"
    messages: dict[str, Callable[[], str]] = {
        "damaged": lambda: f"'?' or U+FFFD in {raw!r}: characters were lost in an earlier encoding conversion; re-export the file",
        "positive": lambda: f"weight must be positive, got {raw!r}",
        "implausible": lambda: _implausible(raw, header, table, row),
        "date_range": lambda: f"date {raw!r} is before {EARLIEST_DATE.year}",
        "future": lambda: f"date {raw!r} is after {table.latest_reason}: a record cannot come from the future",
        "known_label": lambda: (
            f"unknown {name} label {raw!r}; known: {', '.join(aliases.canonical_values(name))} (add the label to the alias table)"
        ),
    }
    return f"{header}: " + messages.get(check, lambda: f"{check} failed for {raw!r}")()


def _frame(table: CanonicalTable, text_columns: list[str]) -> pd.DataFrame:
    parsed = table.parsed
    frame = parsed[["date", "net_weight_t", "mode", "fuel", "standard", "direction"]]  # copy on write: no copy
    frame["future_days"] = (parsed["date"] - table.latest_date) / pd.Timedelta(days=1)
    frame["excess_t"] = parsed["net_weight_t"] - parsed["max_t"]
    for name in text_columns:
        frame[f"text:{name}"] = damaged(table.raw[name])
    return frame


def damaged(text: pd.Series) -> pd.Series:
    """Whether each cell holds '?' or U+FFFD (characters lost in an earlier conversion)."""
    text = text.astype("str")
    hit = text.str.contains("?", regex=False, na=False).to_numpy(dtype=bool) | text.str.contains("\ufffd", regex=False, na=False).to_numpy(
        dtype=bool
    )
    return pd.Series(hit, index=text.index)


def max_net_weight(parsed: pd.DataFrame, plausibility: Plausibility) -> np.ndarray:
    """The largest net weight one row can carry, by its mode (and for rail, wagon or train); NaN when unknown."""
    limits = np.full(len(parsed), np.nan)
    modes = parsed["mode"].to_numpy(dtype=object)
    for mode in ("road", "rail", "conveyor", "waterway", "pipeline"):
        limits[modes == mode] = plausibility.max_net_weight_t(mode)
    wagons = (modes == "rail") & parsed["wagon"].to_numpy(dtype=bool)
    limits[wagons] = plausibility.max_net_weight_t("rail", wagon=True)
    return limits


def validate_table(table: CanonicalTable, aliases: AliasTable, plausibility: Plausibility) -> ValidationResult:
    """Check every row at once; rows with errors are rejected, structure issues are kept."""
    table.parsed["max_t"] = max_net_weight(table.parsed, plausibility)
    text_columns = [name for name in (*TEXT_COLUMNS, *LABEL_COLUMNS) if name in table.raw]
    frame = _frame(table, text_columns)
    lines = table.parsed["line"].to_numpy()
    issues = list(table.issues)
    structural = [issue.line for issue in table.issues if issue.severity == "error" and issue.rejects_row]
    rejected = np.isin(lines, structural)
    try:
        _schema(aliases, text_columns).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        issues += _failure_issues(exc.failure_cases, table, aliases, rejected)
    issues += _warnings(table, rejected)
    issues.sort(key=lambda issue: (issue.line, issue.column or 0))
    return ValidationResult(rejected, tuple(issues))


def _canonical_name(column: str) -> tuple[str, str]:
    """(name used in messages, canonical column whose position/raw text to report)."""
    if column.startswith("text:"):
        name = column.removeprefix("text:")
        return name, name
    if column in ("net_weight_t", "excess_t"):
        return "net_weight_t", "net_weight"
    if column == "future_days":
        return "date", "date"
    return column, column


def _failure_issues(cases: pd.DataFrame, table: CanonicalTable, aliases: AliasTable, rejected: np.ndarray) -> list[RecordIssue]:
    cases = cases[cases["index"].notna() & cases["column"].notna()]
    lines = table.parsed["line"].to_numpy()
    issues = []
    shifted = set(np.flatnonzero(rejected).tolist())  # rows already refused for too many fields
    seen: set[tuple[int, str]] = set()
    damage_first = cases["column"].map(lambda c: 0 if str(c).startswith("text:") else 1)  # one message per cell
    ordered = cases.assign(_order=damage_first).sort_values(["index", "_order"], kind="stable")
    for column, check, index in ordered[["column", "check", "index"]].itertuples(index=False):
        row = int(index)
        name, canonical = _canonical_name(str(column))
        if row in shifted or (row, canonical) in seen:
            continue
        seen.add((row, canonical))
        raw = str(table.raw.at[row, canonical])
        message = _message(name, str(check), raw, table.headers[canonical], aliases, table, row)
        issues.append(RecordIssue(table.source, int(lines[row]), table.positions[canonical], "error", message, raw))
        rejected[row] = True
    return issues


def _warnings(table: CanonicalTable, rejected: np.ndarray) -> list[RecordIssue]:
    parsed = table.parsed
    road_without_fuel = ((parsed["mode"] == "road") & parsed["fuel"].isna()).to_numpy() & ~rejected
    count = int(road_without_fuel.sum())
    if count == 0:
        return []
    lines = parsed["line"].to_numpy()
    if "fuel" not in table.positions:
        message = f"no fuel column: {count} road rows have an unknown powertrain and count as not clean under every profile"
        return [RecordIssue(table.source, int(lines[road_without_fuel][0]), None, "warning", message, rejects_row=False)]
    message = "road row without fuel type: unknown powertrain, counted as not clean under every profile"
    rows = np.flatnonzero(road_without_fuel)
    issues = [
        RecordIssue(table.source, int(lines[r]), table.positions["fuel"], "warning", message, "", rejects_row=False)
        for r in rows[:MAX_WARNINGS_PER_TABLE]
    ]
    if count > MAX_WARNINGS_PER_TABLE:
        more = f"and {count - MAX_WARNINGS_PER_TABLE} more road rows without fuel type"
        first_unlisted = int(lines[rows[MAX_WARNINGS_PER_TABLE]])
        issues.append(RecordIssue(table.source, first_unlisted, table.positions["fuel"], "warning", more, rejects_row=False))
    return issues
