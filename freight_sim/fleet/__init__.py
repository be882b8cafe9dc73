"""Vehicle types (catalog), fleet mixes and truck allocation."""

from freight_sim.fleet.catalog import CatalogVehicle, FleetCatalog, WagonType, load_catalog
from freight_sim.fleet.mixes import FleetMixes, allocate_trucks, load_mixes, resolve_mix
from freight_sim.fleet.scenario_fleet import ScenarioFleet, load_scenario_fleet

__all__ = [
    "CatalogVehicle",
    "FleetCatalog",
    "FleetMixes",
    "ScenarioFleet",
    "WagonType",
    "allocate_trucks",
    "load_catalog",
    "load_mixes",
    "load_scenario_fleet",
    "resolve_mix",
]
