"""Vehicle types (catalog), fleet mixes and truck allocation."""

from freight_sim.fleet.catalog import CatalogVehicle, FleetCatalog, WagonType, load_catalog
from freight_sim.fleet.mixes import FleetMixes, allocate_trucks, load_mixes, resolve_mix

__all__ = [
    "CatalogVehicle",
    "FleetCatalog",
    "FleetMixes",
    "WagonType",
    "allocate_trucks",
    "load_catalog",
    "load_mixes",
    "resolve_mix",
]
