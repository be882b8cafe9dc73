"""Sums of accounted legs: by any key columns, long by pollutant, and a combined inventory by source.

Tonnes summed over legs are tonnes moved by legs: a shipment that travels drayage + rail counts once per
segment. Shipment tonnes (counted once) are in freight_sim.policy.ratio.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from freight_sim.emissions.account import EMISSION_COLUMNS, ENERGY_COLUMNS, as_categorical

SUMMED_COLUMNS = ("tonnes", "trips", "loaded_km", "empty_km", "tkm") + ENERGY_COLUMNS + EMISSION_COLUMNS
# (pollutant, scope, source column, factor to kg)
POLLUTANT_COLUMNS = (
    ("NOx", "tailpipe", "nox_g", 1e-3),
    ("NOx", "upstream electricity", "nox_upstream_g", 1e-3),
    ("PM", "tailpipe", "pm_g", 1e-3),
    ("PM", "upstream electricity", "pm_upstream_g", 1e-3),
    ("SO2", "tailpipe", "so2_g", 1e-3),
    ("SO2", "upstream electricity", "so2_upstream_g", 1e-3),
    ("CO2", "tank-to-wheel", "co2_ttw_kg", 1.0),
    ("CO2", "upstream fuel", "co2_upstream_fuel_kg", 1.0),
    ("CO2", "upstream electricity", "co2_upstream_electricity_kg", 1.0),
    ("CO2", "well-to-wheel", "co2_wtw_kg", 1.0),
)
_STANDARD_LABELS = {"cn3": "CN III", "cn4": "CN IV", "cn5": "CN V", "cn6": "CN VI"}
_POWERTRAIN_LABELS = {"diesel": "diesel", "lng": "LNG", "methanol": "methanol", "bev": "BEV", "fcev": "FCEV"}


def aggregate(emissions: pd.DataFrame, by: Sequence[str] = ("enterprise",)) -> pd.DataFrame:
    """Sum tonnes, km, t-km, energy and emissions by ``by`` (e.g. enterprise, chain, mode, vehicle_type).

    With ``"pollutant"`` among ``by`` the result is long: the other keys plus ``pollutant``, ``scope``
    and ``amount_kg`` (one row per pollutant and scope of POLLUTANT_COLUMNS).
    """
    by = list(by)
    keys = [b for b in by if b != "pollutant"]
    columns = [c for c in SUMMED_COLUMNS if c in emissions.columns]
    wide = emissions.groupby(keys, observed=True, sort=True)[columns].sum().reset_index() if keys else emissions[columns].sum().to_frame().T
    if "pollutant" not in by:
        return wide
    parts = [
        wide[keys].assign(pollutant=pollutant, scope=scope, amount_kg=wide[column].to_numpy() * to_kg)
        for pollutant, scope, column, to_kg in POLLUTANT_COLUMNS
        if column in wide.columns
    ]
    return pd.concat(parts, ignore_index=True).sort_values(keys + ["pollutant", "scope"], kind="stable").reset_index(drop=True)


def source_labels(factor_id: str) -> tuple[str, str]:
    """(direct-emission source, electricity user) labels of a factor id, e.g. ``road / diesel CN V``."""
    kind, _, key = factor_id.partition(".")
    if kind == "road_classes":
        powertrain, _, standard = key.partition("-")
        label = " ".join(p for p in (_POWERTRAIN_LABELS.get(powertrain, powertrain), _STANDARD_LABELS.get(standard, standard)) if p)
        return f"road / {label}", f"road / {label}"
    if kind == "rail":
        return "rail / diesel traction", "rail / electric traction"
    return "conveyor", "conveyor"


def inventory(emissions: pd.DataFrame) -> pd.DataFrame:
    """Pollutant and GHG inventory by source category: columns ``category, pollutant, amount, unit``.

    Categories: tailpipe by road vehicle class (``road / diesel CN V``) and rail diesel traction;
    ``upstream electricity / <user>`` (grid CO2 and power-plant NOx/SO2/PM, by road BEV, rail electric
    traction, conveyor); ``upstream fuel / <user>`` (well-to-tank CO2 of diesel/LNG/methanol, hydrogen
    production). NOx, PM, SO2 in kg; CO2 in t. Rows with zero amount are left out.
    """
    columns = [c for c in EMISSION_COLUMNS if c != "co2_wtw_kg"]
    by_factor = emissions.groupby(as_categorical(emissions["factor_id"]), observed=True)[columns].sum()  # no text per row
    by_factor.index = by_factor.index.astype(str)
    by_factor = by_factor.sort_index()
    rows = []
    for factor_id, sums in by_factor.iterrows():
        direct, user = source_labels(str(factor_id))
        rows += [
            (direct, "NOx", sums["nox_g"] / 1e3, "kg"),
            (direct, "PM", sums["pm_g"] / 1e3, "kg"),
            (direct, "SO2", sums["so2_g"] / 1e3, "kg"),
            (direct, "CO2", sums["co2_ttw_kg"] / 1e3, "t"),
            (f"upstream electricity / {user}", "NOx", sums["nox_upstream_g"] / 1e3, "kg"),
            (f"upstream electricity / {user}", "PM", sums["pm_upstream_g"] / 1e3, "kg"),
            (f"upstream electricity / {user}", "SO2", sums["so2_upstream_g"] / 1e3, "kg"),
            (f"upstream electricity / {user}", "CO2", sums["co2_upstream_electricity_kg"] / 1e3, "t"),
            (f"upstream fuel / {direct}", "CO2", sums["co2_upstream_fuel_kg"] / 1e3, "t"),
        ]
    table = pd.DataFrame(rows, columns=["category", "pollutant", "amount", "unit"])
    table = table[table["amount"] != 0.0]
    return table.groupby(["category", "pollutant", "unit"], sort=True, as_index=False)["amount"].sum()[
        ["category", "pollutant", "amount", "unit"]
    ]
