"""Numbers, units and tables as people read them: thousands separators, no spurious decimals, human headers."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: Any) -> str:
    """A readable number: thousands separators for large values, 4 significant digits for small ones;
    whole numbers without decimals."""
    if _missing(value):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1000 or (float(value).is_integer() and magnitude > 0):
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.4g}"


def format_signed(value: Any, unit: str = "") -> str:
    """``+1,234 kg`` / ``-0.52 pp``: a difference with its sign and unit."""
    if _missing(value):
        return "–"
    text = format_number(value)
    sign = "+" if value > 0 else ""
    return f"{sign}{text}{' ' + unit if unit else ''}"


def format_percent(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{100 * value:.{digits}f}%"


def unit_suffix(unit: Any) -> str:
    """`` [kg]`` for a unit; nothing for dimensionless ratios (unit ``1``) or a missing unit."""
    return "" if unit in (None, "", "1", "count") or (isinstance(unit, float) and math.isnan(unit)) else f" [{unit}]"


def html_table(
    frame: pd.DataFrame,
    headers: Mapping[str, str] | None = None,
    integer_columns: Sequence[str] = (),
    formatters: Mapping[str, Callable[[Any], str | None]] | None = None,
    css_class: str | None = None,
) -> str:
    """``frame`` as an HTML table: numbers formatted, columns renamed by ``headers`` (text escaped); a formatter
    returning None shows the cell as missing; ``css_class`` is added to the table's classes."""
    formatted = frame.copy()
    formatters = formatters or {}
    for column in formatted.columns:
        if column in formatters:
            formatted[column] = formatted[column].map(formatters[column])
        elif column in integer_columns:
            formatted[column] = formatted[column].map(lambda v: "–" if pd.isna(v) else f"{int(v):,d}")
        elif pd.api.types.is_bool_dtype(formatted[column]):
            continue
        elif pd.api.types.is_numeric_dtype(formatted[column]):
            formatted[column] = formatted[column].map(lambda v: format_number(float(v)))
    if headers:
        formatted = formatted.rename(columns=dict(headers))
    return formatted.to_html(index=False, border=0, escape=True, na_rep="–", classes=css_class)
