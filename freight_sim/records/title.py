"""What the title rows above a record table say: the export date (导出日期：2025-03-01), which bounds the
dates of the rows below it."""

from __future__ import annotations

import re

import pandas as pd

from freight_sim.records.header import HeaderLayout
from freight_sim.records.parsing import full_width_to_ascii, parse_dates
from freight_sim.records.sources import RawTable

_DATE_TEXT = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[\sT]+\d{1,2}\s*[:时]\s*\d{1,2}(?:\s*[:分]\s*\d{1,2}\s*秒?)?)?"
)


def export_date(table: RawTable, layout: HeaderLayout, markers: tuple[str, ...]) -> tuple[pd.Timestamp, int] | None:
    """The export date a title row gives after one of ``markers``, and that row's line; None when none does."""
    lowered = tuple(marker.lower() for marker in markers)
    for row in range(layout.header_rows[0]):
        text = " ".join(str(cell) for cell in full_width_to_ascii(table.cells.iloc[row].astype("str")).tolist())
        at = min((text.lower().find(m) for m in lowered if m in text.lower()), default=-1)
        if at < 0:
            continue
        found = _DATE_TEXT.search(text, at)  # in the marker's cell or a cell after it
        if found is None:
            continue
        date = parse_dates(pd.Series([found.group(0)], dtype="str")).iloc[0]
        if pd.notna(date):
            return pd.Timestamp(date), int(table.lines[row])
    return None
