"""The pollutants placed along the network and those kept upstream, with their leg-table columns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Pollutant:
    name: str  # short name used in outputs (column suffix, NetCDF variable)
    leg_column: str  # column of the accounted leg table
    to_kg: float  # factor from the leg column's unit to kg
    long_name: str


# emitted where the vehicle runs (tailpipe)
ALONG_LINE = (
    Pollutant(name="nox", leg_column="nox_g", to_kg=1e-3, long_name="nitrogen oxides (NOx, as NO2), tailpipe"),
    Pollutant(name="pm", leg_column="pm_g", to_kg=1e-3, long_name="exhaust particulate matter (PM), tailpipe"),
    Pollutant(name="so2", leg_column="so2_g", to_kg=1e-3, long_name="sulphur dioxide (SO2), tailpipe"),
    Pollutant(name="co2", leg_column="co2_ttw_kg", to_kg=1.0, long_name="carbon dioxide (CO2), tank-to-wheel"),
)

# emitted at power plants and fuel supply, not along the line
UPSTREAM = (
    Pollutant(name="nox_upstream", leg_column="nox_upstream_g", to_kg=1e-3, long_name="NOx at the power plants supplying electricity"),
    Pollutant(name="pm_upstream", leg_column="pm_upstream_g", to_kg=1e-3, long_name="PM at the power plants supplying electricity"),
    Pollutant(name="so2_upstream", leg_column="so2_upstream_g", to_kg=1e-3, long_name="SO2 at the power plants supplying electricity"),
    Pollutant(
        name="co2_upstream_electricity",
        leg_column="co2_upstream_electricity_kg",
        to_kg=1.0,
        long_name="CO2 of the electricity used (grid factor)",
    ),
    Pollutant(name="co2_upstream_fuel", leg_column="co2_upstream_fuel_kg", to_kg=1.0, long_name="CO2 of fuel supply (well-to-tank)"),
)


def by_name(name: str) -> Pollutant:
    for pollutant in ALONG_LINE + UPSTREAM:
        if pollutant.name == name:
            return pollutant
    raise KeyError(name)
