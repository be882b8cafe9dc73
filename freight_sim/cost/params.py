"""Cost parameter table (``fleets/costs.yaml``): one pydantic model, unit-checked, read by the cost model as is."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field

from freight_sim.cost.finance import capital_recovery_factor
from freight_sim.datafile import DataFile, Strict, Unit, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError
from freight_sim.inputs import file_changes


class Finance(Strict):
    discount_rate: Annotated[float, Unit("1", 0.0, 0.3)]
    siding_life_years: Annotated[float, Unit("a", 5.0, 100.0)]


class EnergyPrices(Strict):
    diesel_cny_per_l: Annotated[float, Unit("CNY/L", 2.0, 20.0)]
    lng_cny_per_kg: Annotated[float, Unit("CNY/kg", 1.0, 20.0)]
    electricity_cny_per_kwh: Annotated[float, Unit("CNY/kWh", 0.1, 3.0)]
    swap_service_cny_per_kwh: Annotated[float, Unit("CNY/kWh", 0.0, 3.0)]
    h2_cny_per_kg: Annotated[float, Unit("CNY/kg", 5.0, 150.0)]
    methanol_cny_per_l: Annotated[float, Unit("CNY/L", 0.5, 10.0)]


class RailCosts(Strict):
    terminal_cny_per_t: Annotated[float, Unit("CNY/t", 0.0, 100.0)]
    running_cny_per_tkm: Annotated[float, Unit("CNY/t-km", 0.01, 1.0)]
    construction_fund_cny_per_tkm: Annotated[float, Unit("CNY/t-km", 0.0, 0.2)]
    electrification_cny_per_tkm: Annotated[float, Unit("CNY/t-km", 0.0, 0.1)]
    station_handling_cny_per_t: Annotated[float, Unit("CNY/t", 0.0, 100.0)]
    siding_loading_cny_per_t: Annotated[float, Unit("CNY/t", 0.0, 50.0)]


class ConveyorCosts(Strict):
    om_cny_per_tkm: Annotated[float, Unit("CNY/t-km", 0.0, 0.5)]


class TruckCosts(Strict):
    price_cny: Annotated[float, Unit("CNY", 50_000.0, 5_000_000.0)]
    life_years: Annotated[float, Unit("a", 1.0, 20.0)]
    km_per_year: Annotated[float, Unit("km/a", 10_000.0, 400_000.0)]
    crew_cny_per_year: Annotated[float, Unit("CNY/a", 0.0, 1_000_000.0)]
    fixed_cny_per_year: Annotated[float, Unit("CNY/a", 0.0, 500_000.0)]
    maintenance_cny_per_km: Annotated[float, Unit("CNY/km", 0.0, 5.0)]
    tolls_cny_per_km: Annotated[float, Unit("CNY/km", 0.0, 5.0)]

    def cny_per_km(self, discount_rate: float) -> float:
        """All-in vehicle cost per km: the price recovered over the truck's life, crew and fixed costs spread
        over the km of a year, plus maintenance and tolls (energy excluded)."""
        annual = self.price_cny * capital_recovery_factor(discount_rate, self.life_years) + self.crew_cny_per_year + self.fixed_cny_per_year
        return annual / self.km_per_year + self.maintenance_cny_per_km + self.tolls_cny_per_km


class CostParams(DataFile):
    """The cost table (units in the names)."""

    finance: Finance
    energy_prices: EnergyPrices
    rail: RailCosts
    conveyor: ConveyorCosts
    trucks: dict[str, TruckCosts] = Field(min_length=1)

    def truck_cost_per_km(self, vehicle_id: str) -> float:
        """All-in cost per km of a truck type (``TruckCosts.cny_per_km`` at the file's discount rate)."""
        try:
            truck = self.trucks[vehicle_id]
        except KeyError:
            known = ", ".join(sorted(self.trucks))
            raise ConfigError(f"{self.path}:1: trucks: no costs for vehicle type {vehicle_id!r}; known: {known}") from None
        return truck.cny_per_km(self.finance.discount_rate)


def load_costs(path: Path | str | None = None, inputs: Mapping[str, float] | None = None) -> CostParams:
    """Load the cost table (``None`` or ``'bundled'``: ``fleets/costs.yaml``); ``inputs``: a scenario's uncertain
    inputs (freight_sim/inputs.py)."""
    costs, _ = load_data_file(CostParams, resolve_data_path(path, "costs.yaml"), file_changes(inputs, "costs"))
    return costs
