"""Annualised capital cost and abatement cost: pure arithmetic on aggregate numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Annual payment per unit of capital: ``r (1+r)^n / ((1+r)^n - 1)``; ``1/n`` at r = 0."""
    if life_years <= 0:
        raise ValueError(f"life must be positive, got {life_years}")
    if rate < 0:
        raise ValueError(f"discount rate must be >= 0, got {rate}")
    if rate == 0:
        return 1.0 / life_years
    growth = (1.0 + rate) ** life_years
    return rate * growth / (growth - 1.0)


def siding_annual_cost(capex_million_cny: float, rate: float, life: float) -> float:
    """Equivalent annual cost of a siding, CNY per year (capital x capital recovery factor)."""
    if capex_million_cny < 0:
        raise ValueError(f"capex must be >= 0, got {capex_million_cny}")
    return capex_million_cny * 1e6 * capital_recovery_factor(rate, life)


def abatement_cost(run: Mapping[str, float], baseline: Mapping[str, float]) -> dict[str, float]:
    """Cost of avoiding CO2 and NOx in a run versus its baseline.

    Both mappings give annual ``cost_cny`` (transport cost plus any annualised investment), ``co2_t``
    and ``nox_kg``. Returns the differences and ``cny_per_t_co2`` = extra cost / CO2 avoided and
    ``cny_per_kg_nox`` = extra cost / NOx avoided (negative when the run also saves money); NaN where
    nothing is avoided (the ratio has no meaning when emissions do not fall).
    """
    extra_cny = run["cost_cny"] - baseline["cost_cny"]
    co2_avoided_t = baseline["co2_t"] - run["co2_t"]
    nox_avoided_kg = baseline["nox_kg"] - run["nox_kg"]
    return {
        "extra_cost_cny": extra_cny,
        "co2_avoided_t": co2_avoided_t,
        "nox_avoided_kg": nox_avoided_kg,
        "cny_per_t_co2": extra_cny / co2_avoided_t if co2_avoided_t > 0 else math.nan,
        "cny_per_kg_nox": extra_cny / nox_avoided_kg if nox_avoided_kg > 0 else math.nan,
    }
