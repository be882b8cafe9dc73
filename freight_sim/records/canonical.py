"""Turn a raw text table and its header layout into canonical columns (still unvalidated).

Structure problems that make the whole table unreadable (missing required columns, the same column twice)
raise :class:`RecordError`. Row-level structure problems (too many fields, totals rows) become issues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.errors import RecordError
from freight_sim.records.aliases import AliasTable
from freight_sim.records.header import HeaderLayout
from freight_sim.records.issues import RecordIssue, SourceRef
from freight_sim.records.parsing import contains_any, map_labels, parse_dates, parse_numbers
from freight_sim.records.sources import RawTable

REQUIRED_COLUMNS = ("date", "net_weight", "mode")
TEXT_COLUMNS = ("plate", "vehicle_type", "material", "counterpart", "waybill")
LABEL_COLUMNS = ("fuel", "standard", "mode", "direction")
HEADER_TEXT = {"date": "日期", "net_weight": "净重", "mode": "运输方式"}


@dataclass(frozen=True)
class CanonicalTable:
    """Rows of one table in canonical columns, before validation.

    ``parsed`` has ``date`` (datetime64), ``net_weight_t`` (float, tonnes), the labels ``mode``, ``fuel``,
    ``standard``, ``direction`` (canonical value, the original text when unknown, None when empty), the text
    columns, ``battery_swap`` (bool) and ``line``. ``raw`` has the cell text of each recognised column.
    ``positions`` gives the 1-based column of each canonical name in the file (the net weight's position
    stands for gross/tare when net weight is derived from them).
    """

    source: SourceRef
    parsed: pd.DataFrame
    raw: pd.DataFrame
    positions: dict[str, int]
    headers: dict[str, str]
    issues: tuple[RecordIssue, ...]
    rows_read: int


def check_structure(table: RawTable, layout: HeaderLayout) -> None:
    """Refuse tables whose header leaves the reading ambiguous or incomplete."""
    header_line = int(table.lines[layout.header_rows[-1]])
    where = f"{table.source.label}:{header_line}"
    lines = []
    for name, columns in layout.duplicates.items():
        listed = ", ".join(f"{table.source.column_label(c.position + 1)} {c.header_text!r}" for c in columns)
        lines.append(
            f"{where}:{table.source.column_label(columns[1].position + 1)}: duplicate column {name}: {listed} mean the same; keep one"
        )
    for column in layout.columns.values():
        if column.unit_label is not None and column.tonnes_per_unit is None:
            lines.append(
                f"{where}:{table.source.column_label(column.position + 1)}: unknown weight unit {column.unit_label!r} in"
                f" {column.header_text!r}; use 吨/t or kg/公斤/千克"
            )
    present = set(layout.columns) | set(layout.duplicates)
    for name in REQUIRED_COLUMNS:
        if name in present:
            continue
        if name == "net_weight" and {"gross_weight", "tare_weight"} <= present:
            continue
        found = ", ".join(repr(c.header_text) for c in layout.columns.values()) or "none"
        lines.append(f"{where}:0: missing required column {name} (e.g. {HEADER_TEXT[name]}); recognised columns: {found}")
    if lines:
        raise RecordError(*lines)


def to_canonical(table: RawTable, layout: HeaderLayout, aliases: AliasTable) -> CanonicalTable:
    """Canonical columns of the data rows below the header (blank rows dropped, totals rows excluded)."""
    check_structure(table, layout)
    source = table.source
    body = table.cells.iloc[layout.data_start :]
    lines = table.lines[layout.data_start :]
    filled = pd.DataFrame({column: (body[column] != "").to_numpy() for column in body.columns}, index=body.index)
    keep = filled.any(axis=1).to_numpy()
    body, lines, filled = body[keep], lines[keep], filled[keep]

    issues: list[RecordIssue] = []
    if layout.date_choice is not None:
        used, others = layout.date_choice
        passed = ", ".join(f"{source.column_label(c.position + 1)} {c.header_text!r}" for c in others)
        issues.append(RecordIssue(
            source, int(table.lines[layout.header_rows[-1]]), used.position + 1, "warning",
            f"several date columns: dates are read from {used.header_text!r}; not from {passed}", rejects_row=False,
        ))  # fmt: skip
    header_cols = [c for c in body.columns if c < layout.width]
    totals = np.zeros(len(body), dtype=bool)
    for column in header_cols:
        totals |= contains_any(body[column], aliases.totals_markers).to_numpy()
    issues += [RecordIssue(source, int(line), None, "info", "totals row excluded", rejects_row=False) for line in lines[totals]]
    body, lines, filled = body[~totals], lines[~totals], filled[~totals]

    extra_cols = [c for c in body.columns if c >= layout.width]
    if extra_cols:
        extra = filled[extra_cols].to_numpy().any(axis=1)
        fields = filled.to_numpy()[extra]
        counts = [int(np.flatnonzero(row)[-1]) + 1 for row in fields]
        for position, count in zip(np.flatnonzero(extra), counts, strict=True):
            issues.append(
                RecordIssue(
                    source, int(lines[position]), layout.width + 1, "error",
                    f"row has {count} fields but the header has {layout.width}: an unquoted thousands separator"
                    " (1,234) or a stray delimiter shifts the columns; quote the number or remove the separator",
                    ",".join(body.iloc[position, : count].tolist()),
                )
            )  # fmt: skip

    body = body.reset_index(drop=True)
    raw = pd.DataFrame({name: body[col.position] for name, col in layout.columns.items()}, index=body.index)
    positions = {name: col.position + 1 for name, col in layout.columns.items()}
    headers = {name: col.header_text for name, col in layout.columns.items()}
    parsed = _parse(raw, layout, aliases)
    if "net_weight" not in layout.columns:
        positions["net_weight"] = positions["gross_weight"]
        headers["net_weight"] = f"{headers['gross_weight']} - {headers['tare_weight']}"
        raw["net_weight"] = raw["gross_weight"] + " - " + raw["tare_weight"]
    parsed["line"] = lines
    return CanonicalTable(source, parsed, raw, positions, headers, tuple(issues), len(body))


def _weight(raw: pd.DataFrame, layout: HeaderLayout, name: str) -> pd.Series:
    factor = layout.columns[name].tonnes_per_unit or 1.0
    return parse_numbers(raw[name]) * factor


def _parse(raw: pd.DataFrame, layout: HeaderLayout, aliases: AliasTable) -> pd.DataFrame:
    index = raw.index
    parsed = pd.DataFrame(index=index)
    parsed["date"] = parse_dates(raw["date"])
    if "net_weight" in layout.columns:
        parsed["net_weight_t"] = _weight(raw, layout, "net_weight")
    else:
        parsed["net_weight_t"] = _weight(raw, layout, "gross_weight") - _weight(raw, layout, "tare_weight")
    for name in LABEL_COLUMNS:
        if name in raw:
            parsed[name] = map_labels(raw[name], aliases.value_labels(name))
        else:
            parsed[name] = pd.Series(None, index=index, dtype=object)
    for name in TEXT_COLUMNS:
        if name in raw:
            text = raw[name].str.strip()
            parsed[name] = text.astype(object).where(text != "", None)
        else:
            parsed[name] = pd.Series(None, index=index, dtype=object)
    swap = pd.Series(False, index=index)
    for name in ("fuel", "vehicle_type"):
        if name in raw:
            swap |= contains_any(raw[name], aliases.battery_swap_markers)
    parsed["battery_swap"] = swap.to_numpy()
    return parsed
