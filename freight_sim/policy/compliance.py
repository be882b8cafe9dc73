"""Compliance of a clean-transport ratio with a target, and what it takes to reach the target.

Pure functions: they take tonnes and ratios, never tables, so the simulation and the record audit share
them. :func:`meets_target` is the one compliance rule: the record audit (``freight-sim ratio``), the
per-enterprise ratio of a run and the run's enterprise table all judge with it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import overload

import numpy as np

# Ratios are compared with this tolerance so that 0.8 computed as 8/10 in floating point still passes 0.8.
RATIO_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Compliance:
    ratio: float
    target: float
    compliant: bool
    gap: float  # target - ratio, 0 when compliant

    def as_dict(self) -> dict[str, float | bool]:
        return asdict(self)


@overload
def meets_target(ratio: float, target: float) -> bool: ...


@overload
def meets_target(ratio: np.ndarray, target: float) -> np.ndarray: ...


def meets_target(ratio: float | np.ndarray, target: float) -> bool | np.ndarray:
    """Whether a ratio (or each of an array of ratios) meets ``target``: ``ratio >= target - RATIO_TOLERANCE``.

    A NaN ratio (no tonnes) never meets the target.
    """
    met = np.greater_equal(ratio, target - RATIO_TOLERANCE)
    return bool(met) if np.ndim(met) == 0 else met


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"{name} must be within 0..1, got {value!r}")


def compliance(ratio: float, target: float) -> Compliance:
    """Whether ``ratio`` meets ``target`` (both shares of tonnes, 0..1)."""
    _check_share("ratio", ratio)
    _check_share("target", target)
    compliant = meets_target(ratio, target)
    return Compliance(ratio=ratio, target=target, compliant=compliant, gap=0.0 if compliant else target - ratio)


@dataclass(frozen=True)
class WhatIf:
    """Tonnes to move from non-clean road to a clean mode (NEV trucks or rail) to reach the target."""

    target: float
    tonnes_to_shift: float
    truck_trips_to_shift: int | None
    trucks_to_replace: int | None
    tonnes_per_truck_trip: float | None
    trips_per_truck: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def what_if_to_target(
    tonnes_total: float,
    tonnes_clean: float,
    target: float,
    tonnes_per_truck_trip: float | None,
    trips_per_truck: float | None,
) -> WhatIf:
    """Tonnes to shift so that clean / total reaches ``target``, with the truck trips and trucks that implies.

    Shifting keeps the total: clean + x = target * total, so x = max(0, target * total - clean). Trips are
    x / tonnes per trip, rounded up; trucks to replace by new-energy ones are trips / trips per truck over
    the same period, rounded up. Trips and trucks are None when the per-trip figures are unknown.
    """
    if tonnes_total < 0 or tonnes_clean < 0 or tonnes_clean > tonnes_total * (1 + RATIO_TOLERANCE):
        raise ValueError(f"need 0 <= tonnes_clean <= tonnes_total, got {tonnes_clean!r} of {tonnes_total!r}")
    _check_share("target", target)
    shift = max(0.0, target * tonnes_total - tonnes_clean)
    if shift <= RATIO_TOLERANCE * max(tonnes_total, 1.0):
        shift = 0.0
    trips = trucks = None
    if tonnes_per_truck_trip is not None and tonnes_per_truck_trip > 0:
        trips = math.ceil(shift / tonnes_per_truck_trip - 1e-9)
        if trips_per_truck is not None and trips_per_truck > 0:
            trucks = math.ceil(trips / trips_per_truck - 1e-9)
    return WhatIf(
        target=target,
        tonnes_to_shift=shift,
        truck_trips_to_shift=trips,
        trucks_to_replace=trucks,
        tonnes_per_truck_trip=tonnes_per_truck_trip,
        trips_per_truck=trips_per_truck,
    )
