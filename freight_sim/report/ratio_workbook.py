"""``ratio.xlsx``: the tables of the enterprise report, one sheet each, for people who work in Excel.

Written with XlsxWriter in constant-memory mode into a temp file that replaces the target atomically.
Headers are in the report's language; numbers stay numbers (ratios formatted as percentages).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from freight_sim.atomic import write_with

if TYPE_CHECKING:
    from freight_sim.report.ratio_report import ReportTables

EXCEL_MAX_ROWS = 1_048_576
SHEETS = {  # attribute of ReportTables -> sheet name in English, Chinese
    "by_month": ("ratio by month", "各月比例"),
    "by_mode": ("tonnes by mode", "运输方式"),
    "by_vehicle_class": ("tonnes by vehicle class", "车型"),
    "what_if": ("what-if by month", "达标调整"),
    "options": ("options", "方案费用"),
    "problems": ("rejected and flagged", "拒绝与标记"),
}
PERCENT_COLUMNS = ("ratio", "share", "target")


def _value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _write_sheet(book, name: str, frame: pd.DataFrame, headers: list[str], formats: dict[str, Any], rows_cut: str) -> None:
    """One table as a sheet; a table longer than Excel's sheet ends with a row saying how many rows are left
    out (``rows_cut``, a text with ``{more}``)."""
    sheet = book.add_worksheet(name)
    bold = formats["bold"]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(10, min(60, len(header) * 2)))
    columns = list(frame.columns)
    percent = [c in PERCENT_COLUMNS for c in columns]
    cut = len(frame) > EXCEL_MAX_ROWS - 1  # more rows than fit below the header
    room = EXCEL_MAX_ROWS - 2 if cut else EXCEL_MAX_ROWS - 1  # a cut table's last row says what is left out
    rows = frame.head(room).itertuples(index=False)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = _value(value)
            if value is None:
                continue
            if percent[c] and isinstance(value, float):
                sheet.write_number(r, c, value, formats["percent"])
            else:
                sheet.write(r, c, value)
    if cut:  # written last: in constant-memory mode rows go out in order
        sheet.write_string(room + 1, 0, rows_cut.format(more=f"{len(frame) - room:,}"), bold)


def write_workbook(path: Path, tables: ReportTables, lang: str) -> None:
    import xlsxwriter

    from freight_sim.report.ratio_report import load_text

    text = load_text(lang)

    def write(handle) -> None:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
        formats = {"bold": book.add_format({"bold": True}), "percent": book.add_format({"num_format": "0.0%"})}
        for attribute, names in SHEETS.items():
            frame = getattr(tables, attribute)
            headers = [text.get(c, c) for c in frame.columns]
            _write_sheet(book, names[1] if lang == "zh" else names[0], frame, headers, formats, text["rows_cut"])
        book.close()

    write_with(path, write)
