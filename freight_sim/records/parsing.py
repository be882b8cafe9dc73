"""Vectorised parsing of record cells (all given as text): dates, weights and labels.

Each parser returns NaN/NaT (or, for labels, the original text) where a cell cannot be read, so the
validation step sees the failure and reports it with the raw cell; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from freight_sim.records.aliases import normalise

# 2025-01-06, 2025/1/6, 2025.1.6, 2025年1月6日, each optionally followed by a time (08:30, 08:30:15, 8时30分).
_DATE = (
    r"^\s*(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{1,2})\s*(?:[:分]\s*(?P<second>\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?\s*$"
)
_COMPACT_DATE = r"^\s*(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})\s*$"
_THOUSANDS = r"^\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$"
# Excel serial day numbers accepted as dates: 1954-10-04 .. 2119-01-08, so that a weight or a code
# typed in the date column is not read as a date.
EXCEL_SERIAL_MIN = 20_000
EXCEL_SERIAL_MAX = 80_000
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    numbers = parts.apply(pd.to_numeric, errors="coerce")
    for name in ("hour", "minute", "second"):
        if name not in numbers:
            numbers[name] = 0
        numbers[name] = numbers[name].fillna(0)
    return pd.to_datetime(numbers[["year", "month", "day", "hour", "minute", "second"]], errors="coerce")


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates (datetime64) from text in the accepted formats or Excel serial numbers; NaT otherwise."""
    text = text.astype("str")
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    parts = text.str.extract(_DATE)
    matched = parts["year"].notna()
    if matched.any():
        result[matched] = _from_parts(parts[matched]).astype("datetime64[ns]")
    rest = ~matched
    compact = text[rest].str.extract(_COMPACT_DATE)
    compact_ok = compact["year"].notna()
    if compact_ok.any():
        result[compact_ok[compact_ok].index] = _from_parts(compact[compact_ok]).astype("datetime64[ns]")
    rest = result.isna()
    serial = pd.to_numeric(text[rest].str.strip(), errors="coerce")
    serial = serial[(serial >= EXCEL_SERIAL_MIN) & (serial <= EXCEL_SERIAL_MAX)]
    if len(serial):
        result[serial.index] = (_EXCEL_EPOCH + pd.to_timedelta(serial.to_numpy(), unit="D")).astype("datetime64[ns]")
    return result


def parse_numbers(text: pd.Series) -> pd.Series:
    """Floats from text; ``1,234.5`` is read as 1234.5 only when the commas group thousands exactly."""
    text = text.astype("str").str.strip()
    grouped = text.str.match(_THOUSANDS, na=False)
    cleaned = text.where(~grouped, text.str.replace(",", "", regex=False))
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def map_labels(text: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    """Canonical values for known labels, the stripped original text for unknown ones, NA for empty cells.

    Only the distinct cell values are normalised, so this stays fast on millions of rows.
    """
    stripped = text.astype("str").str.strip()
    uniques = pd.unique(stripped.to_numpy())
    lookup = {value: labels.get(normalise(value), value) for value in uniques if value != ""}
    mapped = stripped.map(lookup)
    return mapped.astype(object).where(mapped.notna(), None)


def contains_any(text: pd.Series, markers: tuple[str, ...]) -> pd.Series:
    """Whether each cell contains one of ``markers`` (case-insensitive, literal)."""
    if not markers:
        return pd.Series(False, index=text.index)
    pattern = "|".join(re.escape(marker) for marker in markers)
    return text.astype("str").str.contains(pattern, case=False, regex=True, na=False)


def empty_mask(text: pd.Series) -> np.ndarray:
    return (text.astype("str").str.strip() == "").to_numpy()
