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


def abatement_cost(
    run: Mapping[str, float],
    baseline: Mapping[str, float],
    cost_key: str = "cost_cny",
    co2_key: str = "co2_wtw_t",
    nox_key: str = "nox_kg",
) -> dict[str, float]:
    """Cost of avoiding CO2 and NOx in a run versus its baseline.

    ``run`` and ``baseline`` are run summaries (or any mappings) holding the cost in CNY (transport plus
    annualised investment), CO2 in t and NOx in kg under the given keys (defaults: the run summary's
    ``cost_cny``, ``co2_wtw_t``, ``nox_kg``). Returns the differences and ``cny_per_t_co2`` = extra
    cost / CO2 avoided and ``cny_per_kg_nox`` = extra cost / NOx avoided (negative when the run also
    saves money); NaN where nothing is avoided (the ratio has no meaning when emissions do not fall).
    """
    extra_cny = run[cost_key] - baseline[cost_key]
    co2_avoided_t = baseline[co2_key] - run[co2_key]
    nox_avoided_kg = baseline[nox_key] - run[nox_key]
    return {
        "extra_cost_cny": extra_cny,
        "co2_avoided_t": co2_avoided_t,
        "nox_avoided_kg": nox_avoided_kg,
        "cny_per_t_co2": extra_cny / co2_avoided_t if co2_avoided_t > 0 else math.nan,
        "cny_per_kg_nox": extra_cny / nox_avoided_kg if nox_avoided_kg > 0 else math.nan,
    }
