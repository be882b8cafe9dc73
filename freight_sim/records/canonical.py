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
from freight_sim.records.numbers import infer_decimal_mark, read_numbers
from freight_sim.records.parsing import contains_any, has_time, map_labels, parse_dates
from freight_sim.records.plausibility import Plausibility
from freight_sim.records.sources import RawTable
from freight_sim.records.title import export_date

REQUIRED_COLUMNS = ("date", "net_weight", "mode")
WEIGHT_NAMES = ("net_weight", "gross_weight", "tare_weight")
COMBUSTION_FUELS = ("diesel", "lng", "cng", "methanol")
TEXT_COLUMNS = ("plate", "vehicle_type", "material", "counterpart", "waybill")
FEW_VALUE_COLUMNS = ("vehicle_type", "material", "counterpart")  # held as categoricals
EDGE_SPACE = "^[ \t\r\n\u3000]|[ \t\r\n\u3000]$"  # no \s: pandas then runs the pattern in Arrow (RE2), not per cell
LABEL_COLUMNS = ("fuel", "standard", "mode", "direction")
HEADER_TEXT = {"date": "日期", "net_weight": "净重", "mode": "运输方式"}


@dataclass(frozen=True)
class CanonicalTable:
    """Rows of one table in canonical columns, before validation.

    ``parsed`` has ``date`` (datetime64), ``net_weight_t`` (float, tonnes), the labels ``mode``, ``fuel``,
    ``standard``, ``direction`` (canonical value, the original text when unknown, None when empty), the text
    columns, ``battery_swap`` and ``has_time`` (bool) and ``line``. ``raw`` has the cell text of each recognised column.
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
    latest_date: pd.Timestamp  # end of the export date (title row) or of the run date, whichever is earlier
    latest_reason: str


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
    lines += _same_header_twice(table, layout, where)
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


def _same_header_twice(table: RawTable, layout: HeaderLayout, where: str) -> list[str]:
    """Two header cells with the same text: which one holds the data is unknown."""
    seen: dict[str, int] = {}
    lines = []
    reported = {c.position for columns in layout.duplicates.values() for c in columns}  # named as duplicate columns already
    for position, text in layout.texts:
        key = text.strip()
        if not key or position in reported:
            continue
        if key in seen:
            first, second = table.source.column_label(seen[key] + 1), table.source.column_label(position + 1)
            lines.append(f"{where}:{second}: duplicate column name {key!r} in columns {first} and {second}; rename or remove one")
        else:
            seen[key] = position
    return lines


def to_canonical(
    table: RawTable, layout: HeaderLayout, aliases: AliasTable, plausibility: Plausibility, run_date: pd.Timestamp
) -> CanonicalTable:
    """Canonical columns of the data rows below the header (blank rows dropped, totals rows excluded)."""
    check_structure(table, layout)
    source = table.source
    body = table.cells.iloc[layout.data_start :]
    lines = table.lines[layout.data_start :]
    filled = pd.DataFrame({column: (body[column] != "").to_numpy() for column in body.columns}, index=body.index)
    keep = filled.any(axis=1).to_numpy()
    if not keep.all():  # blank rows: dropped (a copy only when there are any)
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
    totals = _totals_rows(body, header_cols, layout, aliases)
    issues += [RecordIssue(source, int(line), None, "info", "totals row excluded", rejects_row=False) for line in lines[totals]]
    if totals.any():
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
    parsed["line"] = lines
    issues += _weights(parsed, raw, table, layout, plausibility)
    issues += _nev_standard(parsed, raw, aliases, source, positions)
    parsed["wagon"] = (
        contains_any(raw["vehicle_type"], plausibility.wagon_markers, few_values=True).to_numpy() if "vehicle_type" in raw else False
    )
    if "net_weight" not in layout.columns:
        positions["net_weight"] = positions["gross_weight"]
        headers["net_weight"] = f"{headers['gross_weight']} - {headers['tare_weight']}"
        raw["net_weight"] = raw["gross_weight"] + " - " + raw["tare_weight"]
    exported = export_date(table, layout, plausibility.export_date_markers)
    latest, reason = run_date.normalize() + pd.Timedelta(days=1), f"the run date {run_date.date()}"
    if exported is not None and exported[0].normalize() + pd.Timedelta(days=1) < latest:
        latest = exported[0].normalize() + pd.Timedelta(days=1)
        reason = f"the export date {exported[0].date()} (line {exported[1]})"
    return CanonicalTable(source, parsed, raw, positions, headers, tuple(issues), len(body), latest, reason)


def _totals_rows(body: pd.DataFrame, header_cols: list[int], layout: HeaderLayout, aliases: AliasTable) -> np.ndarray:
    """Totals rows, told by position and by the date and key columns, never by a word anywhere in the row:
    the marker (合计, 总计, total, ...) opens the row or stands in the date cell, the date cell holds no date,
    and the key cells (plate, ticket) are empty. A counterpart named "Total润滑油" on a dated row is data."""
    totals = np.zeros(len(body), dtype=bool)
    date_at = layout.columns["date"].position
    dates = body[date_at].astype("str")
    # only rows whose date cell does not start with a digit, or names a marker, can be totals rows
    candidates = ~dates.str.match("^ *[0-9０-９]", na=False).to_numpy(dtype=bool)
    candidates |= contains_any(dates, aliases.totals_markers).to_numpy(dtype=bool)
    rows = np.flatnonzero(candidates)
    if not len(rows):
        return totals
    cells = body.iloc[rows]
    dated = parse_dates(cells[date_at]).notna().to_numpy()
    keys = [layout.columns[name].position for name in ("plate", "waybill") if name in layout.columns]
    markers = tuple(marker.lower() for marker in aliases.totals_markers)

    def marked(text: str) -> bool:
        return any(m in text.lower() for m in markers)

    for i, row in enumerate(rows):
        values = [str(cells.iat[i, cells.columns.get_loc(c)]).strip() for c in header_cols]
        first = next((v for v in values if v), "")
        date_cell = str(cells.iat[i, cells.columns.get_loc(date_at)]).strip()
        key_cells = [str(cells.iat[i, cells.columns.get_loc(k)]).strip() for k in keys]
        opens = marked(first) or marked(date_cell)
        totals[row] = opens and not dated[i] and all(not cell or marked(cell) for cell in key_cells)
    return totals


def _weights(
    parsed: pd.DataFrame, raw: pd.DataFrame, table: RawTable, layout: HeaderLayout, plausibility: Plausibility
) -> list[RecordIssue]:
    """Net weight in tonnes under the file's decimal mark; cells the mark leaves unclear are row errors, and a
    kg column whose values are tonnes refuses the table."""
    names = [name for name in WEIGHT_NAMES if name in layout.columns]
    evidence = infer_decimal_mark([raw[name] for name in names])
    issues: list[RecordIssue] = []
    tonnes: dict[str, pd.Series] = {}
    lines = parsed["line"].to_numpy()
    for name in names:
        column = layout.columns[name]
        reading = read_numbers(raw[name], evidence.mark)
        factor = column.tonnes_per_unit or 1.0
        if factor < 1.0 and reading.values.notna().any():
            median = float(reading.values.median())
            if median < plausibility.kg_column_min_median_kg:
                header_line = int(table.lines[layout.header_rows[-1]])
                raise RecordError(
                    f"{table.source.label}:{header_line}:{table.source.column_label(column.position + 1)}: {column.header_text!r}"
                    f" says kg but its median value is {median:g}: no load weighs that little, the values look like tonnes;"
                    f" correct the header (e.g. {column.header_text.split('(')[0].split('（')[0]}(吨)) or the values"
                )
        for row in np.flatnonzero(reading.problems.notna().to_numpy()):
            issues.append(
                RecordIssue(table.source, int(lines[row]), column.position + 1, "error",
                            f"{column.header_text}: {reading.problems.iat[row]}", str(raw[name].iat[row]))
            )  # fmt: skip
        tonnes[name] = reading.values * factor
    parsed["net_weight_t"] = tonnes["net_weight"] if "net_weight" in tonnes else tonnes["gross_weight"] - tonnes["tare_weight"]
    return issues


def _nev_standard(parsed: pd.DataFrame, raw: pd.DataFrame, aliases: AliasTable, source, positions: dict[str, int]) -> list[RecordIssue]:
    """A new-energy label in the emission-standard column (新能源, 纯电动, 氢燃料): valid for new-energy trucks.
    It gives the powertrain when the fuel cell is empty, and contradicts a combustion fuel."""
    nev = (parsed["standard"] == "nev").to_numpy()
    if not nev.any():
        return []
    from_standard = map_labels(raw["standard"], aliases.value_labels("fuel"))
    fill = nev & parsed["fuel"].isna().to_numpy() & from_standard.isin(aliases.canonical_values("fuel")).to_numpy()
    parsed.loc[fill, "fuel"] = from_standard[fill]
    clash = nev & parsed["fuel"].isin(COMBUSTION_FUELS).to_numpy()
    lines = parsed["line"].to_numpy()
    return [
        RecordIssue(source, int(lines[row]), positions["standard"], "error",
                    f"emission standard {raw['standard'].iat[row]!r} means a new-energy truck but the fuel is {raw['fuel'].iat[row]!r}",
                    str(raw["standard"].iat[row]))
        for row in np.flatnonzero(clash)
    ]  # fmt: skip


def _stripped_or_missing(text: pd.Series) -> pd.Series:
    """Stripped text, empty cells missing; kept as a string column (pyarrow), copied only when needed."""
    text = text.astype("str")
    if text.str.contains(EDGE_SPACE, regex=True, na=False).any():
        text = text.str.strip()
    empty = text == ""
    return text.where(~empty) if empty.any() else text


def _as_categories(text: pd.Series) -> pd.Series:
    """Stripped text of a column with few distinct values as a categorical (empty cells missing): a code per
    row instead of a string per row."""
    codes, uniques = pd.factorize(text.astype("str"))
    stripped = [str(value).strip() for value in uniques]
    categories = sorted({value for value in stripped if value})
    position = {value: i for i, value in enumerate(categories)}
    lookup = np.array([position.get(value, -1) for value in stripped] + [-1], dtype=np.int32)
    return pd.Series(pd.Categorical.from_codes(lookup[codes], categories=categories), index=text.index)


def _parse(raw: pd.DataFrame, layout: HeaderLayout, aliases: AliasTable) -> pd.DataFrame:
    index = raw.index
    parsed = pd.DataFrame(index=index)
    parsed["date"] = parse_dates(raw["date"])
    parsed["has_time"] = has_time(raw["date"], parsed["date"])
    for name in LABEL_COLUMNS:
        if name in raw:
            parsed[name] = map_labels(raw[name], aliases.value_labels(name))
        else:
            parsed[name] = pd.Series(None, index=index, dtype=object)
    for name in TEXT_COLUMNS:
        if name not in raw:
            parsed[name] = pd.Series(pd.NA, index=index, dtype="str")
        elif name in FEW_VALUE_COLUMNS:
            parsed[name] = _as_categories(raw[name])
        else:
            parsed[name] = _stripped_or_missing(raw[name])
    swap = pd.Series(False, index=index)
    for name in ("fuel", "vehicle_type"):
        if name in raw:
            swap |= contains_any(raw[name], aliases.battery_swap_markers, few_values=True)
    parsed["battery_swap"] = swap.to_numpy()
    return parsed
