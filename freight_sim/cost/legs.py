"""Transport cost of leg records (CNY), vectorised, and cost per shipped tonne by chain.

Road rows: vehicle cost per km (capital, crew, fees, maintenance, tolls; fleets/costs.yaml) x all km,
plus energy at its price (swap trucks also pay the swap service per kWh). Rail rows: the tariff, terminal
charge per tonne plus (running rate + construction fund + electrification surcharge x electrified share)
per net t-km; energy is inside the tariff. Transfers: station handling per tonne on drayage rows
(``gate_drayage``, ``far_drayage``: one truck-rail transfer each) and siding loading per tonne on rail
rows of the ``rail_siding`` chain. Conveyor rows: electricity plus maintenance per t-km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from freight_sim.config.scenario import GridSetting
from freight_sim.cost.params import CostParams
from freight_sim.emissions.account import ENERGY_COLUMNS, account_legs, as_categorical
from freight_sim.emissions.factors import EmissionFactors, load_factors
from freight_sim.emissions.grid import GridFactor, grid_factor, load_grid_table
from freight_sim.fleet.catalog import FleetCatalog

COST_COLUMNS = ("cost_vehicle_cny", "cost_energy_cny", "cost_rail_tariff_cny", "cost_handling_cny", "cost_cny")
DRAYAGE_SEGMENTS = ("gate_drayage", "far_drayage")


def cost_legs(
    emissions_or_legs: pd.DataFrame,
    catalog: FleetCatalog,
    costs: CostParams,
    factors: EmissionFactors | None = None,
    grid: GridFactor | None = None,
) -> pd.DataFrame:
    """The rows plus COST_COLUMNS. Leg rows without energy columns are accounted first (bundled factors
    and default grid unless given)."""
    table = emissions_or_legs
    if any(c not in table.columns for c in ENERGY_COLUMNS + ("tkm",)):
        factors = factors or load_factors()
        grid = grid or grid_factor(GridSetting(), load_grid_table())
        table = account_legs(table, catalog, factors, grid)
    vehicle = as_categorical(table["vehicle_type"])
    ids = [str(c) for c in vehicle.categories]
    codes = np.asarray(vehicle.codes)
    road_ids = {vid for vid in ids if catalog.vehicle(vid).mode == "road"}
    per_km = np.array([costs.truck_cost_per_km(vid) if vid in road_ids else 0.0 for vid in ids])[codes]
    swap = np.array([catalog.vehicle(vid).refuel == "swap" for vid in ids])[codes]
    road, rail, conveyor = (_is_in(table["mode"], (m,)) for m in ("road", "rail", "conveyor"))
    tonnes = table["tonnes"].to_numpy(dtype=float)
    tkm = table["tkm"].to_numpy(dtype=float)
    km = table["loaded_km"].to_numpy(dtype=float) + table["empty_km"].to_numpy(dtype=float)
    kwh = table["energy_kwh"].to_numpy(dtype=float)

    vehicle_cny = np.where(road, per_km * km, 0.0)
    prices = costs.energy_prices
    fuel_cny = (
        table["diesel_l"].to_numpy(dtype=float) * prices.diesel_cny_per_l
        + table["lng_kg"].to_numpy(dtype=float) * prices.lng_cny_per_kg
        + table["h2_kg"].to_numpy(dtype=float) * prices.h2_cny_per_kg
        + table["methanol_l"].to_numpy(dtype=float) * prices.methanol_cny_per_l
    )
    electricity_cny = kwh * (prices.electricity_cny_per_kwh + np.where(swap, prices.swap_service_cny_per_kwh, 0.0))
    energy_cny = np.where(road, fuel_cny + electricity_cny, 0.0) + np.where(conveyor, electricity_cny, 0.0)
    electrified = np.clip(table["electrified_share"].to_numpy(dtype=float), 0.0, 1.0)
    running = (
        costs.rail.running_cny_per_tkm + costs.rail.construction_fund_cny_per_tkm + costs.rail.electrification_cny_per_tkm * electrified
    )
    tariff_cny = np.where(rail, tonnes * costs.rail.terminal_cny_per_t + tkm * running, 0.0)
    no_rows = np.zeros(len(table), dtype=bool)
    drayage = _is_in(table["segment"], DRAYAGE_SEGMENTS) if "segment" in table.columns else no_rows
    own_siding = _is_in(table["chain"], ("rail_siding",)) if "chain" in table.columns else no_rows
    handling_cny = (
        np.where(drayage, tonnes * costs.rail.station_handling_cny_per_t, 0.0)
        + np.where(rail & own_siding, tonnes * costs.rail.siding_loading_cny_per_t, 0.0)
        + np.where(conveyor, tkm * costs.conveyor.om_cny_per_tkm, 0.0)
    )
    new = {
        "cost_vehicle_cny": vehicle_cny,
        "cost_energy_cny": energy_cny,
        "cost_rail_tariff_cny": tariff_cny,
        "cost_handling_cny": handling_cny,
        "cost_cny": vehicle_cny + energy_cny + tariff_cny + handling_cny,
    }
    kept = table.drop(columns=[c for c in COST_COLUMNS if c in table.columns])
    out = pd.concat([kept, pd.DataFrame(new, index=table.index, copy=False)], axis=1)
    out.attrs.update(table.attrs)
    return out


def _is_in(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """Row mask of ``column`` in ``values``, decided once per category rather than per row."""
    categorical = as_categorical(column)
    chosen = np.array([str(c) in values for c in categorical.categories] + [False])
    return chosen[np.asarray(categorical.codes)]  # code -1 (missing) picks the final False


def cost_per_tonne_by_chain(costed: pd.DataFrame) -> pd.DataFrame:
    """``chain, tonnes, cost_cny, cny_per_t``: cost of all legs of a chain over its shipped tonnes
    (tonnes of its ``gate`` rows, each shipment counted once)."""
    gate = costed["gate"].astype(bool)
    tonnes = costed.loc[gate, ["chain", "tonnes"]].groupby("chain", observed=True)["tonnes"].sum()
    cost = costed.groupby("chain", observed=True)["cost_cny"].sum()
    table = pd.DataFrame({"tonnes": tonnes, "cost_cny": cost}).fillna({"tonnes": 0.0, "cost_cny": 0.0})
    table["cny_per_t"] = table["cost_cny"] / table["tonnes"].where(table["tonnes"] > 0)
    table.index = table.index.astype(str)
    return table.rename_axis("chain").reset_index().sort_values("chain").reset_index(drop=True)
