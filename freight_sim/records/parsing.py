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
_THOUSANDS = r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$"  # on stripped text; RE2-compatible
# Full-width digits and punctuation as typed with a Chinese input method (３０．５, ２０２５－０１－０６ ０８：３０)
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，：－／＋\u3000", "0123456789.,:-/+ ")
_FULL_WIDTH_PATTERN = "[０-９．，：－／＋\u3000]"
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
    # 25:10 or 08:75 is an impossible time, not the next day: to_datetime would roll it over
    possible = (numbers["hour"] < 24) & (numbers["minute"] < 60) & (numbers["second"] < 60)
    dates = pd.to_datetime(numbers[["year", "month", "day", "hour", "minute", "second"]], errors="coerce")
    return dates.where(possible)


def non_ascii(text: pd.Series) -> np.ndarray:
    """Whether each cell holds a character outside ASCII (one fast pass, no regular expression)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(text.astype("str"), type=pa.large_string(), from_pandas=True)
    return ~np.array(pc.fill_null(pc.string_is_ascii(array), True), dtype=bool)


def full_width_to_ascii(text: pd.Series) -> pd.Series:
    """Full-width digits and punctuation as ASCII (only the cells that hold any are translated)."""
    text = text.astype("str")
    wide = non_ascii(text)
    if wide.any():
        wide[wide] = text[wide].str.contains(_FULL_WIDTH_PATTERN, regex=True, na=False).to_numpy(dtype=bool)
    if not wide.any():
        return text
    text = text.copy()
    text[wide] = text[wide].map(lambda cell: cell.translate(FULL_WIDTH))
    return text


_FAST_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d")


def _normalised_date_text(text: pd.Series) -> pd.Series:
    """``2025年1月6日 8时30分`` / ``2025/1/6`` / ``2025.1.6`` -> ``2025-1-6 8:30`` for the fast formats."""
    # Patterns avoid \s and \d so pandas can run them in pyarrow (RE2) instead of Python's re, row by row.
    text = text.str.strip().str.replace(" *[年月/.] *", "-", regex=True).str.replace(" *日", "", regex=True)
    text = text.str.replace(" *[时分] *", ":", regex=True).str.replace("[:秒]+$", "", regex=True)
    return text.str.replace("T", " ", regex=False)


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates (datetime64) from text in the accepted formats or Excel serial numbers; NaT otherwise.

    The common formats go through ``pd.to_datetime`` with an explicit format (vectorised); only cells none
    of them reads are tried with the general pattern, then as Excel serial day numbers.
    """
    original_index = text.index
    text = full_width_to_ascii(text).reset_index(drop=True)  # positions and labels agree below
    result = _parse_dates_positional(text)
    result.index = original_index
    return result


def _parse_dates_positional(text: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = np.array(text != "", dtype=bool)
    # ISO text as most systems write it is read as it is; only the rest is normalised (2025/1/6, 2025年1月6日)
    iso = pd.to_datetime(text if todo.all() else text[todo], format=_FAST_FORMATS[0], errors="coerce")
    hit = iso.notna()
    result[hit[hit].index] = iso[hit].astype("datetime64[ns]")
    todo &= result.isna().to_numpy()
    normalised = _normalised_date_text(text[todo]) if todo.any() else text[todo]
    for fmt in _FAST_FORMATS:
        if not todo.any():
            return result
        parsed = pd.to_datetime(normalised[todo[normalised.index]], format=fmt, errors="coerce")
        hit = parsed.notna()
        result[hit[hit].index] = parsed[hit].astype("datetime64[ns]")
        todo &= result.isna().to_numpy()
    if todo.any():
        parts = text[todo].str.extract(_DATE)
        matched = parts["year"].notna()
        if matched.any():
            result[matched[matched].index] = _from_parts(parts[matched]).astype("datetime64[ns]")
        todo &= result.isna().to_numpy()
    if todo.any():
        serial = pd.to_numeric(text[todo].str.strip(), errors="coerce")
        serial = serial[(serial >= EXCEL_SERIAL_MIN) & (serial <= EXCEL_SERIAL_MAX)]
        if len(serial):
            result[serial.index] = (_EXCEL_EPOCH + pd.to_timedelta(serial.to_numpy(), unit="D")).astype("datetime64[ns]")
    return result


def has_time(text: pd.Series, dates: pd.Series) -> np.ndarray:
    """Whether each date cell gives a time of day (so that two weighings of one plate can be told apart)."""
    timed = ((dates != dates.dt.normalize()) & dates.notna()).to_numpy(dtype=bool, copy=True)
    midnight = ~timed & dates.notna().to_numpy()  # 00:00 written out is a time of day too
    if midnight.any():
        timed[midnight] = full_width_to_ascii(text[midnight]).str.contains("[:时T]", regex=True, na=False).to_numpy(dtype=bool)
    return timed


def parse_numbers(text: pd.Series) -> pd.Series:
    """Floats from text with a decimal point; ``1,234.5`` is read as 1234.5 only when the commas group thousands exactly."""
    text = full_width_to_ascii(text).str.strip()
    grouped = text.str.match(_THOUSANDS, na=False)
    cleaned = text.where(~grouped, text.str.replace(",", "", regex=False))
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def map_labels(text: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    """Canonical values for known labels, the stripped original text for unknown ones, NA for empty cells.

    Only the distinct cell values are normalised, so this stays fast on millions of rows.
    """
    codes, uniques = pd.factorize(text.astype("str").str.strip())
    values = np.array([labels.get(normalise(value), value) if value != "" else None for value in uniques] + [None], dtype=object)
    return pd.Series(values[codes], index=text.index, dtype=object)  # code -1 (missing) takes the last entry


def contains_any(text: pd.Series, markers: tuple[str, ...], few_values: bool = False) -> pd.Series:
    """Whether each cell contains one of ``markers`` (case-insensitive, literal). ``few_values``: the column
    holds few distinct values (fuel, vehicle type), so each distinct value is tested once."""
    if not markers:
        return pd.Series(False, index=text.index)
    pattern = "|".join(re.escape(marker) for marker in markers)
    if few_values:
        codes, uniques = pd.factorize(text.astype("str"))
        hits = np.append(
            pd.Series(uniques, dtype="str").str.contains(pattern, case=False, regex=True, na=False).to_numpy(dtype=bool), False
        )
        return pd.Series(hits[codes], index=text.index)
    return text.astype("str").str.contains(pattern, case=False, regex=True, na=False)
