"""The vehicle catalog and fleet mixes a scenario names, read once per run and shared by checks and assembly."""

from __future__ import annotations

from dataclasses import dataclass

from freight_sim.fleet.catalog import FleetCatalog, load_catalog
from freight_sim.fleet.mixes import FleetMixes, load_mixes


@dataclass(frozen=True, kw_only=True)
class ScenarioFleet:
    """``catalog`` (vehicle types) and ``mixes`` (named shares) as the scenario's ``fleet`` section names them."""

    catalog: FleetCatalog
    mixes: FleetMixes


def load_scenario_fleet(loaded) -> ScenarioFleet:
    """Read the scenario's catalog and mix files, with the scenario's uncertain inputs applied (ConfigError
    ``FILE:LINE: field: message`` when one is bad; check the inputs first with ``inputs.input_problems``)."""
    from freight_sim.config import data_path

    fleet = loaded.model.fleet
    catalog = load_catalog(data_path(loaded, ("fleet", "catalog"), fleet.catalog), loaded.model.inputs)
    return ScenarioFleet(catalog=catalog, mixes=load_mixes(data_path(loaded, ("fleet", "mixes"), fleet.mixes), catalog))
