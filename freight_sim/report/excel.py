"""``summary.xlsx``: the KPI tables of a run or a batch as sheets of one workbook (XlsxWriter, as ``ratio.xlsx``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from freight_sim import atomic

MAX_SHEET_NAME = 31  # Excel's limit
EXCEL_MAX_ROWS = 1_048_575  # data rows below the header


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name for ``name`` (no []:*?/\\, at most 31 characters)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:MAX_SHEET_NAME] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f"_{i}"
        candidate, i = base[: MAX_SHEET_NAME - len(suffix)] + suffix, i + 1
    used.add(candidate)
    return candidate


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as text, time zones dropped (Excel has none); too many rows is an error, not a truncation."""
    if len(frame) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(frame):,} rows do not fit an Excel sheet")
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str)
        elif isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    return out


def column_widths(frame: pd.DataFrame, sampled_rows: int = 200) -> list[int]:
    """Per column: the width of its header or widest text in the first ``sampled_rows`` rows, plus 2, within 8..50."""
    head = frame.head(sampled_rows)
    widths = []
    for position, header in enumerate(frame.columns):
        texts = head.iloc[:, position].dropna().astype(str)  # None, NaN, NA and NaT are empty cells
        widest = max(len(str(header)), int(texts.str.len().max()) if len(texts) else 0)
        widths.append(min(max(8, widest + 2), 50))
    return widths


def write_workbook(path: Path | str, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (name -> table) into one workbook at ``path``, atomically; header row frozen."""
    used: set[str] = set()

    def write(handle) -> None:
        with pd.ExcelWriter(handle, engine="xlsxwriter") as writer:
            for name, frame in sheets.items():
                title = sheet_name(name, used)
                ready = _excel_ready(frame)
                ready.to_excel(writer, sheet_name=title, index=False)
                worksheet = writer.sheets[title]
                worksheet.freeze_panes(1, 0)
                for position, width in enumerate(column_widths(ready)):
                    worksheet.set_column(position, position, width)

    atomic.write_with(path, write)
    return Path(path)


def run_key_figures(summary: Mapping, catalog) -> pd.DataFrame:
    """The run's numeric summary as rows: metric, label, value, unit, better (the first sheet of a run)."""
    from freight_sim.experiments.metrics import metric_rows

    rows = []
    for metric, value, unit in metric_rows(summary, catalog):
        declared = catalog.get(metric)
        rows.append((metric, catalog.label(metric), value, unit, declared.better.value if declared else ""))
    return pd.DataFrame(rows, columns=["metric", "label", "value", "unit", "better"])
