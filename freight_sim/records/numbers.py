"""Weights written as text, with the decimal mark inferred per file.

Exports from systems set to a European locale write ``68,25`` for 68.25 t, and a semicolon CSV of such a
file is common; Chinese systems write ``68.25`` and sometimes ``1,234.5``. The mark is inferred from the
cells that can only be read one way:

- decimal comma: ``30,5`` (not three digits after the comma), ``1.234,5``, ``1.234.567``;
- decimal point: ``30.5`` (not three digits after the point), ``1,234.5``, ``1,234,567``.

A cell that fits both readings, ``68,250`` (68.25 or 68250), is read by the file's mark; when the file
gives no evidence it is an error naming the cell. A cell that contradicts the file's mark (``30,5`` in a
file that writes ``30.5``) is an error. ``68.250`` without any comma evidence is read as 68.25, the
reading of Chinese systems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.records.parsing import full_width_to_ascii

_SIGN = "^[+-]?"
COMMA_ONLY = _SIGN + "[0-9]+,[0-9]+$"
COMMA_AMBIGUOUS = _SIGN + "[0-9]{1,3},[0-9]{3}$"
DOT_ONLY = _SIGN + "[0-9]*\\.[0-9]+$"
DOT_AMBIGUOUS = _SIGN + "[0-9]{1,3}\\.[0-9]{3}$"
COMMA_GROUPS_POINT = _SIGN + "[0-9]{1,3}(,[0-9]{3})+\\.[0-9]+$"
COMMA_GROUPS = _SIGN + "[0-9]{1,3}(,[0-9]{3}){2,}$"
DOT_GROUPS_COMMA = _SIGN + "[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+$"
DOT_GROUPS = _SIGN + "[0-9]{1,3}(\\.[0-9]{3}){2,}$"


def _match(text: pd.Series, pattern: str) -> np.ndarray:
    return text.str.match(pattern, na=False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class DecimalEvidence:
    comma: int  # cells that read only with a decimal comma
    point: int  # cells that read only with a decimal point

    @property
    def mark(self) -> str | None:
        if self.comma > self.point:
            return ","
        if self.point > 0:
            return "."
        return None


def _evidence(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    comma = (_match(text, COMMA_ONLY) & ~_match(text, COMMA_AMBIGUOUS)) | _match(text, DOT_GROUPS_COMMA) | _match(text, DOT_GROUPS)
    point = (_match(text, DOT_ONLY) & ~_match(text, DOT_AMBIGUOUS)) | _match(text, COMMA_GROUPS_POINT) | _match(text, COMMA_GROUPS)
    return comma, point


def infer_decimal_mark(columns: list[pd.Series]) -> DecimalEvidence:
    """The decimal mark the weight cells of one file use (``None`` when no cell shows it)."""
    comma = point = 0
    for column in columns:
        text = full_width_to_ascii(column).str.strip()
        if not text.str.contains(",", regex=False, na=False).any():
            continue  # without commas every cell reads the same under both marks
        c, p = _evidence(text)
        comma, point = comma + int(c.sum()), point + int(p.sum())
    return DecimalEvidence(comma, point)


@dataclass(frozen=True)
class NumberReading:
    values: pd.Series  # float, NaN where unreadable
    problems: pd.Series  # message for cells that are errors of the decimal mark, else None


def read_numbers(column: pd.Series, mark: str | None) -> NumberReading:
    """Numbers of one weight column under the file's decimal mark."""
    text = full_width_to_ascii(column).str.strip()
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    problems = pd.Series(None, index=text.index, dtype=object)
    todo = (values.isna() & (text != "")).to_numpy(dtype=bool, copy=True)
    if mark == ",":  # every cell with a point is read again: 68.250 means 68250 there, 30.5 is a contradiction
        todo |= text.str.contains(".", regex=False, na=False).to_numpy(dtype=bool)
    if not todo.any():
        return NumberReading(values, problems)
    rest = text[todo]
    comma_evidence, point_evidence = _evidence(rest)
    ambiguous = _match(rest, COMMA_AMBIGUOUS)
    if mark == ",":
        readable = comma_evidence | ambiguous | _match(rest, DOT_AMBIGUOUS)
        converted = rest.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        wrong = point_evidence & ~_match(rest, DOT_AMBIGUOUS)
        message = "decimal point in a file whose weights use a decimal comma (e.g. 30,5): which is meant is unclear; correct the cell"
    else:
        readable = point_evidence | (ambiguous if mark == "." else np.zeros(len(rest), dtype=bool))
        converted = rest.str.replace(",", "", regex=False)
        wrong = comma_evidence
        message = "decimal comma in a file whose weights use a decimal point (e.g. 30.5): which is meant is unclear; correct the cell"
    parsed = pd.to_numeric(converted.where(readable), errors="coerce")
    values[todo] = parsed.to_numpy()
    messages = np.full(len(rest), None, dtype=object)
    messages[wrong] = message
    if mark is None:
        messages[ambiguous] = (
            "ambiguous number: the comma may be a decimal comma or a thousands separator, and no other cell of the file"
            " shows which; write it without the separator (68250 or 68.25)"
        )
    problems[todo] = messages
    values[problems.notna().to_numpy()] = np.nan
    return NumberReading(values, problems)
