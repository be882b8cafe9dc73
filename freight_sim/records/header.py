"""Find the header of a record table: the row (or merged pair of rows) with the most alias matches.

Exports often carry title rows above the header ("XX公司2025年1月过磅记录") and group headers merged over
two rows ("重量" over "毛重 | 皮重 | 净重"). Each of the first rows is scored by how many of its cells
are column aliases; each pair of adjacent rows is scored as one combined header (the lower cell where it
is filled, else the upper one). The best scoring candidate wins; a pair only when it beats both its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from freight_sim.records.aliases import AliasTable, HeaderMatch

HEADER_SEARCH_ROWS = 30
MIN_HEADER_MATCHES = 2


@dataclass(frozen=True)
class HeaderColumn:
    """A recognised column: 0-based position, header text as written, unit factor for weights."""

    canonical: str
    position: int
    header_text: str
    tonnes_per_unit: float | None = None
    unit_label: str | None = None  # unit written in the header, when any


@dataclass(frozen=True)
class HeaderLayout:
    header_rows: tuple[int, ...]  # 0-based row positions in the raw table
    width: int  # number of header columns (last filled header cell + 1)
    columns: dict[str, HeaderColumn] = field(default_factory=dict)
    duplicates: dict[str, tuple[HeaderColumn, ...]] = field(default_factory=dict)
    ignored: tuple[tuple[int, str], ...] = ()  # (position, text) of header cells that name no known column
    # several date columns under different names (日期 and 出厂日期, 进厂日期 and 出厂日期): the one used, the others
    date_choice: tuple[HeaderColumn, tuple[HeaderColumn, ...]] | None = None
    texts: tuple[tuple[int, str], ...] = ()  # (position, text) of every header cell

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    return [low if low.strip() else up for up, low in zip(upper, lower, strict=True)]


def _score(cells: list[str], aliases: AliasTable) -> int:
    return sum(aliases.match_header(cell) is not None for cell in cells)


def _group_units(upper: list[str], aliases: AliasTable) -> list[tuple[float, str] | None]:
    """Unit named by the (forward-filled) upper cell of a two-row header, per column."""
    units: list[tuple[float, str] | None] = []
    current: tuple[float, str] | None = None
    for cell in upper:
        if cell.strip():
            current = aliases.unit_of(cell)
        units.append(current)
    return units


def detect_header(cells: pd.DataFrame, aliases: AliasTable) -> HeaderLayout | None:
    """The header layout of a raw text table, or None when no row names at least two known columns."""
    head = cells.head(HEADER_SEARCH_ROWS)
    rows = [[str(value) for value in row] for row in head.itertuples(index=False, name=None)]
    candidates: list[tuple[int, int, tuple[int, ...], list[str]]] = []  # (score, tie-break, rows, texts)
    for i, row in enumerate(rows):
        candidates.append((_score(row, aliases), -2 * i, (i,), row))
        if i + 1 < len(rows):
            combined = _combine(row, rows[i + 1])
            pair_score = _score(combined, aliases)
            if pair_score > max(_score(row, aliases), _score(rows[i + 1], aliases)):
                candidates.append((pair_score, -2 * i - 1, (i, i + 1), combined))
    if not candidates:
        return None
    score, _, header_rows, texts = max(candidates, key=lambda item: (item[0], item[1]))
    if score < MIN_HEADER_MATCHES:
        return None
    units: list[tuple[float, str] | None] = _group_units(rows[header_rows[0]], aliases) if len(header_rows) == 2 else [None] * len(texts)
    return _layout(header_rows, texts, units, aliases)


def _layout(header_rows: tuple[int, ...], texts: list[str], units: list[tuple[float, str] | None], aliases: AliasTable) -> HeaderLayout:
    found: dict[str, list[HeaderColumn]] = {}
    ignored = []
    for position, text in enumerate(texts):
        match: HeaderMatch | None = aliases.match_header(text)
        if match is None:
            if text.strip():
                ignored.append((position, text.strip()))
            continue
        factor = match.tonnes_per_unit
        if factor is None:
            unit = units[position]
            if unit is not None:
                factor = unit[0]
        found.setdefault(match.canonical, []).append(HeaderColumn(match.canonical, position, text.strip(), factor, match.unit_label))
    date_choice = None
    dates = found.get("date", [])
    if len(dates) > 1 and len({aliases.rank("date", c.header_text) for c in dates}) == len(dates):
        ranked = sorted(dates, key=lambda c: aliases.rank("date", c.header_text))  # first in aliases.yaml wins
        found["date"], date_choice = ranked[:1], (ranked[0], tuple(ranked[1:]))
    filled = [i for i, text in enumerate(texts) if text.strip()]
    width = filled[-1] + 1 if filled else 0
    return HeaderLayout(
        header_rows=header_rows,
        width=width,
        columns={name: cols[0] for name, cols in found.items() if len(cols) == 1},
        duplicates={name: tuple(cols) for name, cols in found.items() if len(cols) > 1},
        ignored=tuple(ignored),
        date_choice=date_choice,
        texts=tuple(enumerate(texts)),
    )
