"""Which shippers the rail + new-energy rule applies to: annual bulk tonnes at or above a threshold.

Changzhi's plan covers shippers of 1.5 million t/yr or more ("150万吨以上"; FACTS 1); the threshold is a
scenario parameter (``accounting.scope_threshold_t_per_year``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import overload

import pandas as pd

DAYS_PER_YEAR = 365.0


def tonnes_per_year(tonnes: float | pd.Series, days: float) -> float | pd.Series:
    """Annualise tonnes observed over ``days`` (a simulated horizon after warm-up, or a record period)."""
    if days <= 0:
        raise ValueError(f"days must be positive, got {days}")
    return tonnes * (DAYS_PER_YEAR / days)


@overload
def in_scope(enterprise_tonnes_per_year: float, threshold: float = ...) -> bool: ...


@overload
def in_scope(enterprise_tonnes_per_year: pd.Series | Mapping[str, float], threshold: float = ...) -> pd.Series: ...


def in_scope(enterprise_tonnes_per_year: float | pd.Series | Mapping[str, float], threshold: float = 1_500_000.0) -> bool | pd.Series:
    """True where annual tonnes are at or above ``threshold`` (a Series indexed by enterprise for a mapping)."""
    if isinstance(enterprise_tonnes_per_year, Mapping):
        enterprise_tonnes_per_year = pd.Series(dict(enterprise_tonnes_per_year), dtype=float).sort_index()
    if isinstance(enterprise_tonnes_per_year, pd.Series):
        return enterprise_tonnes_per_year.ge(threshold)
    return bool(enterprise_tonnes_per_year >= threshold)
