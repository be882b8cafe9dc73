"""Cost parameter table (``fleets/costs.yaml``): schema with unit checks, and plain values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from freight_sim.cost.finance import capital_recovery_factor
from freight_sim.datafile import Strict, bounded, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError


class Finance(Strict):
    discount_rate: bounded("1", 0.0, 0.3)
    siding_life_years: bounded("a", 5.0, 100.0)


class EnergyPrices(Strict):
    diesel_cny_per_l: bounded("CNY/L", 2.0, 20.0)
    lng_cny_per_kg: bounded("CNY/kg", 1.0, 20.0)
    electricity_cny_per_kwh: bounded("CNY/kWh", 0.1, 3.0)
    swap_service_cny_per_kwh: bounded("CNY/kWh", 0.0, 3.0)
    h2_cny_per_kg: bounded("CNY/kg", 5.0, 150.0)
    methanol_cny_per_l: bounded("CNY/L", 0.5, 10.0)


class RailCosts(Strict):
    terminal_cny_per_t: bounded("CNY/t", 0.0, 100.0)
    running_cny_per_tkm: bounded("CNY/t-km", 0.01, 1.0)
    construction_fund_cny_per_tkm: bounded("CNY/t-km", 0.0, 0.2)
    electrification_cny_per_tkm: bounded("CNY/t-km", 0.0, 0.1)
    station_handling_cny_per_t: bounded("CNY/t", 0.0, 100.0)
    siding_loading_cny_per_t: bounded("CNY/t", 0.0, 50.0)


class ConveyorCosts(Strict):
    om_cny_per_tkm: bounded("CNY/t-km", 0.0, 0.5)


class TruckCosts(Strict):
    price_cny: bounded("CNY", 50_000.0, 5_000_000.0)
    life_years: bounded("a", 1.0, 20.0)
    km_per_year: bounded("km/a", 10_000.0, 400_000.0)
    crew_cny_per_year: bounded("CNY/a", 0.0, 1_000_000.0)
    fixed_cny_per_year: bounded("CNY/a", 0.0, 500_000.0)
    maintenance_cny_per_km: bounded("CNY/km", 0.0, 5.0)
    tolls_cny_per_km: bounded("CNY/km", 0.0, 5.0)


class CostFile(Strict):
    finance: Finance
    energy_prices: EnergyPrices
    rail: RailCosts
    conveyor: ConveyorCosts
    trucks: dict[str, TruckCosts] = Field(min_length=1)


@dataclass(frozen=True)
class CostParams:
    """Plain cost values; ``truck_cny_per_km`` is the all-in vehicle cost per km (energy excluded)."""

    discount_rate: float
    siding_life_years: float
    diesel_cny_per_l: float
    lng_cny_per_kg: float
    electricity_cny_per_kwh: float
    swap_service_cny_per_kwh: float
    h2_cny_per_kg: float
    methanol_cny_per_l: float
    rail_terminal_cny_per_t: float
    rail_running_cny_per_tkm: float
    rail_construction_fund_cny_per_tkm: float
    rail_electrification_cny_per_tkm: float
    station_handling_cny_per_t: float
    siding_loading_cny_per_t: float
    conveyor_om_cny_per_tkm: float
    truck_cny_per_km: dict[str, float]
    path: Path

    def truck_cost_per_km(self, vehicle_id: str) -> float:
        try:
            return self.truck_cny_per_km[vehicle_id]
        except KeyError:
            known = ", ".join(sorted(self.truck_cny_per_km))
            raise ConfigError(f"{self.path}:1: trucks: no costs for vehicle type {vehicle_id!r}; known: {known}") from None


def _truck_cny_per_km(t: TruckCosts, rate: float) -> float:
    km = t.km_per_year.value
    annual = t.price_cny.value * capital_recovery_factor(rate, t.life_years.value) + t.crew_cny_per_year.value + t.fixed_cny_per_year.value
    return annual / km + t.maintenance_cny_per_km.value + t.tolls_cny_per_km.value


def load_costs(path: Path | str | None = None) -> CostParams:
    """Load the cost table (``None`` or ``'bundled'``: ``fleets/costs.yaml``)."""
    file_path = resolve_data_path(path, "costs.yaml")
    f, _ = load_data_file(CostFile, file_path)
    rate = f.finance.discount_rate.value
    e, r = f.energy_prices, f.rail
    return CostParams(
        discount_rate=rate,
        siding_life_years=f.finance.siding_life_years.value,
        diesel_cny_per_l=e.diesel_cny_per_l.value,
        lng_cny_per_kg=e.lng_cny_per_kg.value,
        electricity_cny_per_kwh=e.electricity_cny_per_kwh.value,
        swap_service_cny_per_kwh=e.swap_service_cny_per_kwh.value,
        h2_cny_per_kg=e.h2_cny_per_kg.value,
        methanol_cny_per_l=e.methanol_cny_per_l.value,
        rail_terminal_cny_per_t=r.terminal_cny_per_t.value,
        rail_running_cny_per_tkm=r.running_cny_per_tkm.value,
        rail_construction_fund_cny_per_tkm=r.construction_fund_cny_per_tkm.value,
        rail_electrification_cny_per_tkm=r.electrification_cny_per_tkm.value,
        station_handling_cny_per_t=r.station_handling_cny_per_t.value,
        siding_loading_cny_per_t=r.siding_loading_cny_per_t.value,
        conveyor_om_cny_per_tkm=f.conveyor.om_cny_per_tkm.value,
        truck_cny_per_km={vid: _truck_cny_per_km(t, rate) for vid, t in sorted(f.trucks.items())},
        path=file_path,
    )
