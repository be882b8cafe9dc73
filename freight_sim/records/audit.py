"""Clean-transport ratio of accepted record rows under a rule profile: overall, by a breakdown, what-if.

Pure functions of the canonical table produced by :func:`freight_sim.records.read_records`. Each row is
one gate movement (a weighbridge ticket), so its tonnes count once, judged by ``RuleProfile.is_clean``,
the same rule the simulation uses for its gate legs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from freight_sim.policy.compliance import Compliance, WhatIf, compliance, what_if_to_target
from freight_sim.policy.profiles import RuleProfile

Breakdown = Literal["month", "material", "direction", "mode"]
BREAKDOWNS: tuple[str, ...] = ("month", "material", "direction", "mode")
MISSING_KEY = "(none)"


def clean_mask(frame: pd.DataFrame, profile: RuleProfile) -> np.ndarray:
    """Whether each row counts as clean under ``profile`` (evaluated once per distinct mode/fuel/standard)."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    codes, uniques = zip(*(pd.factorize(frame[name], use_na_sentinel=False) for name in ("mode", "fuel", "standard")), strict=True)
    combined = (codes[0] * len(uniques[1]) + codes[1]) * len(uniques[2]) + codes[2]
    combos, inverse = np.unique(combined, return_inverse=True)
    verdicts = []
    for combo in combos:
        rest, standard = divmod(int(combo), len(uniques[2]))
        mode, fuel = divmod(rest, len(uniques[1]))
        verdicts.append(_is_clean(profile, uniques[0][mode], _text(uniques[1][fuel]), _text(uniques[2][standard])))
    return np.asarray(verdicts, dtype=bool)[inverse]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _is_clean(profile: RuleProfile, mode: str, fuel: str, standard: str) -> bool:
    """A road row without fuel type has an unknown powertrain: not clean, whatever its standard."""
    if mode == "road" and not fuel:
        return False
    return profile.is_clean(mode, fuel or None, standard or None)


def _keys(frame: pd.DataFrame, by: str) -> pd.Series:
    if by == "month":
        return frame["date"].dt.year * 100 + frame["date"].dt.month  # formatted as YYYY-MM after grouping
    return frame[by].astype(object).where(frame[by].notna(), MISSING_KEY)


def ratio_table(frame: pd.DataFrame, clean: np.ndarray, by: str) -> pd.DataFrame:
    """Rows ``key, tonnes, clean_tonnes, ratio`` for each value of ``by``, sorted by key."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {', '.join(BREAKDOWNS)}, got {by!r}")
    if frame.empty:
        return pd.DataFrame({"key": [], "tonnes": [], "clean_tonnes": [], "ratio": []})
    tonnes = frame["net_weight_t"].to_numpy(dtype=float)
    table = pd.DataFrame({"key": _keys(frame, by).to_numpy(), "tonnes": tonnes, "clean_tonnes": np.where(clean, tonnes, 0.0)})
    grouped = table.groupby("key", sort=True, dropna=False)[["tonnes", "clean_tonnes"]].sum().reset_index()
    if by == "month":
        grouped["key"] = [f"{key // 100:04d}-{key % 100:02d}" for key in grouped["key"].astype(int)]
    grouped["key"] = grouped["key"].astype(str)
    grouped["ratio"] = grouped["clean_tonnes"] / grouped["tonnes"]
    return grouped


@dataclass(frozen=True)
class TruckObservation:
    """Observed truck use of the non-clean road rows (the tonnes a what-if would shift)."""

    tonnes_per_truck_trip: float | None
    trips_per_truck: float | None
    distinct_trucks: int | None


def observe_trucks(frame: pd.DataFrame, clean: np.ndarray) -> TruckObservation:
    """Mean tonnes per non-clean road trip and trips per distinct plate over the period."""
    dirty_road = frame[(frame["mode"] == "road").to_numpy() & ~clean]
    if dirty_road.empty:
        return TruckObservation(None, None, None)
    per_trip = float(dirty_road["net_weight_t"].mean())
    plated = dirty_road["plate"].dropna()
    if plated.empty:
        return TruckObservation(per_trip, None, None)
    trucks = int(plated.nunique())
    return TruckObservation(per_trip, len(plated) / trucks, trucks)


@dataclass(frozen=True)
class AuditResult:
    profile: str
    tonnes_total: float
    tonnes_clean: float
    ratio: float | None
    breakdown_by: str
    breakdown: pd.DataFrame
    compliance: Compliance | None
    what_if: WhatIf | None
    trucks: TruckObservation


def audit(frame: pd.DataFrame, profile: RuleProfile, target: float, by: str = "month") -> AuditResult:
    """The ratio overall and by ``by``, compliance with ``target`` and the shift needed to reach it."""
    clean = clean_mask(frame, profile)
    tonnes = frame["net_weight_t"].to_numpy(dtype=float)
    total = float(tonnes.sum())
    clean_total = float(tonnes[clean].sum())
    ratio = clean_total / total if total > 0 else None
    trucks = observe_trucks(frame, clean)
    return AuditResult(
        profile=profile.name,
        tonnes_total=total,
        tonnes_clean=clean_total,
        ratio=ratio,
        breakdown_by=by,
        breakdown=ratio_table(frame, clean, by),
        compliance=compliance(min(ratio, 1.0), target) if ratio is not None else None,
        what_if=what_if_to_target(total, clean_total, target, trucks.tonnes_per_truck_trip, trucks.trips_per_truck)
        if ratio is not None
        else None,
        trucks=trucks,
    )
