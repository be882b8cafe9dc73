"""Cost of the ways to make non-clean road tonnes clean, from the cost file and the fleet catalog.

Each option is priced per tonne moved over the haul (``what_if_defaults.yaml``, or given): a truck type
pays its all-in vehicle cost per km (``CostParams.truck_cny_per_km``: capital, crew, fees, maintenance,
tolls) and its energy over the loaded and the empty return km; rail pays the tariff (terminal charge plus
running rate, construction fund and electrification surcharge per t-km), station handling, and new-energy
drayage to the station and back. The present trucks are priced the same way, so each option's extra
cost per tonne is its price minus theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from freight_sim.cost.params import CostParams
from freight_sim.fleet.catalog import FleetCatalog

ENERGY_PRICE = {
    "diesel_l": "diesel_cny_per_l",
    "lng_kg": "lng_cny_per_kg",
    "electricity_kwh": "electricity_cny_per_kwh",
    "h2_kg": "h2_cny_per_kg",
    "methanol_l": "methanol_cny_per_l",
}


def load_what_if_defaults() -> dict[str, Any]:
    text = resources.files("freight_sim.records").joinpath("what_if_defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True, kw_only=True)
class OptionCost:
    option: str  # vehicle id of a truck option, or "rail"
    cny_per_t: float
    extra_cny_per_t: float  # over the present non-clean trucks


def truck_cny_per_t(vehicle_id: str, haul_km: float, tonnes_per_trip: float, catalog: FleetCatalog, costs: CostParams) -> float:
    """Cost per tonne of one loaded trip of ``haul_km`` and the empty return."""
    vehicle = catalog.vehicle(vehicle_id)
    price = getattr(costs.energy_prices, ENERGY_PRICE[vehicle.energy_carrier])
    if vehicle.energy_carrier == "electricity_kwh" and getattr(vehicle, "refuel", None) == "swap":
        price += costs.energy_prices.swap_service_cny_per_kwh
    energy = (vehicle.energy_per_km_loaded + vehicle.energy_per_km_empty) * haul_km * price
    return (costs.truck_cost_per_km(vehicle_id) * 2 * haul_km + energy) / min(tonnes_per_trip, vehicle.payload_t)


def rail_cny_per_t(
    haul_km: float, drayage_km: float, drayage_vehicle: str, tonnes_per_trip: float, catalog: FleetCatalog, costs: CostParams
) -> float:
    running = costs.rail.running_cny_per_tkm + costs.rail.construction_fund_cny_per_tkm + costs.rail.electrification_cny_per_tkm
    tariff = costs.rail.terminal_cny_per_t + running * haul_km
    return tariff + costs.rail.station_handling_cny_per_t + truck_cny_per_t(drayage_vehicle, drayage_km, tonnes_per_trip, catalog, costs)


def price_options(
    *, haul_km: float, drayage_km: float, tonnes_per_trip: float, baseline_vehicle: str, catalog: FleetCatalog, costs: CostParams
) -> list[OptionCost]:
    """Every option with its cost and extra cost per tonne, cheapest first."""
    defaults = load_what_if_defaults()
    baseline = truck_cny_per_t(baseline_vehicle, haul_km, tonnes_per_trip, catalog, costs)
    prices = {vid: truck_cny_per_t(vid, haul_km, tonnes_per_trip, catalog, costs) for vid in defaults["truck_options"]}
    prices["rail"] = rail_cny_per_t(haul_km, drayage_km, defaults["rail_drayage_vehicle"], tonnes_per_trip, catalog, costs)
    options = [OptionCost(option=name, cny_per_t=cost, extra_cny_per_t=cost - baseline) for name, cost in prices.items()]
    return sorted(options, key=lambda o: (o.cny_per_t, o.option))
