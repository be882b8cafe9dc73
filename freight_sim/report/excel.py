"""``summary.xlsx``: the KPI tables of a run or a batch as sheets of one workbook (openpyxl)."""

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


def write_workbook(path: Path | str, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (name -> table) into one workbook at ``path``, atomically; header row frozen."""
    used: set[str] = set()

    def write(handle) -> None:
        with pd.ExcelWriter(handle, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                title = sheet_name(name, used)
                _excel_ready(frame).to_excel(writer, sheet_name=title, index=False)
                worksheet = writer.sheets[title]
                worksheet.freeze_panes = "A2"
                for column_cells in worksheet.columns:
                    width = max(len(str(c.value)) if c.value is not None else 0 for c in column_cells[:200])
                    worksheet.column_dimensions[column_cells[0].column_letter].width = min(max(8, width + 2), 50)

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
