"""The vehicle catalog: road trucks, rail traction (a whole train) and conveyors, plus rail wagon types.

The file (``fleets/catalog.yaml``) gives every number as a ``Quantity`` (value, unit, source, estimate);
the models below are its one definition, and after loading a ``CatalogVehicle`` holds plain floats, with
units and plausibility bounds checked per mode and energy carrier. Speeds are not here: the network gives
them.

Per-km energy is per vehicle-km in the carrier's unit (L, kg, kWh); for a train it is per train-km of a
full train of ``train_load_t`` net tonnes; for a conveyor it is per tonne-km (its ``payload_t`` is the
1 t accounting unit).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from freight_sim.config.yaml_source import dotted
from freight_sim.datafile import DataFile, Strict, Unit, UnitFrom, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError
from freight_sim.inputs import file_changes

Mode = Literal["road", "rail", "conveyor"]
Powertrain = Literal["diesel", "lng", "methanol", "bev", "fcev", "electric"]
Standard = Literal["cn3", "cn4", "cn5", "cn6"]
EnergyCarrier = Literal["diesel_l", "lng_kg", "electricity_kwh", "h2_kg", "methanol_l"]
Refuel = Literal["swap", "plug"]

CARRIER_UNITS: dict[str, str] = {
    "diesel_l": "L/km",
    "lng_kg": "kg/km",
    "electricity_kwh": "kWh/km",
    "h2_kg": "kg/km",
    "methanol_l": "L/km",
}
# Plausible per-km energy of a loaded road truck and of a full train, by carrier (catch L/100km, Wh, ...).
_ROAD_ENERGY_BOUNDS = {
    "diesel_l": (0.1, 1.0),
    "lng_kg": (0.1, 1.0),
    "electricity_kwh": (0.3, 5.0),
    "h2_kg": (0.02, 0.3),
    "methanol_l": (0.2, 2.5),
}
_RAIL_ENERGY_BOUNDS = {"diesel_l": (0.5, 200.0), "electricity_kwh": (2.0, 1000.0)}
_MASS_BOUNDS = {"road": (5.0, 45.0), "rail": (100.0, 30_000.0), "conveyor": (0.5, 2.0)}


class WagonType(Strict):
    id: str = Field(description="the entry's key in the file")
    name: str
    payload_t: Annotated[float, Unit("t", 20, 150)]
    tare_t: Annotated[float, Unit("t", 5, 40)]


def _mass_bounds(data: dict[str, Any]) -> tuple[str, float, float] | None:
    return ("t", *_MASS_BOUNDS[data["mode"]]) if "mode" in data else None


def _tare_bounds(data: dict[str, Any]) -> tuple[str, float, float] | None:
    if "mode" not in data:
        return None
    low, high = _MASS_BOUNDS[data["mode"]]
    return "t", 0.0 if data["mode"] == "conveyor" else low / 3, high


def _energy_bounds(mode: str) -> dict[str, tuple[float, float]]:
    if mode == "conveyor":
        return {"electricity_kwh": (0.01, 1.0)}
    return _ROAD_ENERGY_BOUNDS if mode == "road" else _RAIL_ENERGY_BOUNDS


def _energy_loaded_bounds(data: dict[str, Any]) -> tuple[str, float, float] | None:
    if "mode" not in data or "energy_carrier" not in data:
        return None
    unit = "kWh/t-km" if data["mode"] == "conveyor" else CARRIER_UNITS[data["energy_carrier"]]
    return unit, *_energy_bounds(data["mode"])[data["energy_carrier"]]


def _energy_empty_bounds(data: dict[str, Any]) -> tuple[str, float, float] | None:
    loaded = _energy_loaded_bounds(data)
    return None if loaded is None else (loaded[0], 0.0, loaded[2])


class CatalogVehicle(Strict):
    """One vehicle type of the catalog (units in the names; energy per km in the carrier's unit)."""

    id: str = Field(description="the entry's key in the file")
    name: str
    mode: Mode
    powertrain: Powertrain
    standard: Standard | None = None
    new_energy: bool
    energy_carrier: EnergyCarrier
    refuel: Refuel | None = None
    wagon_type: str | None = Field(None, description="rail: wagon type the train is made of")
    payload_t: Annotated[float, UnitFrom(_mass_bounds)]
    tare_t: Annotated[float, UnitFrom(_tare_bounds)]
    energy_per_km_loaded: Annotated[float, UnitFrom(_energy_loaded_bounds)]
    energy_per_km_empty: Annotated[float, UnitFrom(_energy_empty_bounds)]
    battery_kwh: Annotated[float, Unit("kWh", 20, 2000)] | None = None
    usable_battery_share: Annotated[float, Unit("1", 0.3, 1.0)] | None = None
    swap_h: Annotated[float, Unit("h", 0.01, 2.0)] | None = None
    charge_h: Annotated[float, Unit("h", 0.1, 12.0)] | None = None

    @field_validator("energy_carrier")
    @classmethod
    def _carrier_of_the_mode(cls, carrier: str, info: ValidationInfo) -> str:
        if "mode" in info.data and carrier not in _energy_bounds(info.data["mode"]):
            raise ValueError(f"not a {info.data['mode']} carrier")
        return carrier

    @model_validator(mode="after")
    def _consistent(self) -> CatalogVehicle:
        if self.mode != "road" and self.standard is not None:
            raise ValueError("only road vehicles have an emission standard")
        if self.mode == "rail" and self.wagon_type is None:
            raise ValueError("a rail traction entry names its wagon_type")
        if self.refuel == "swap" and self.swap_h is None:
            raise ValueError("refuel 'swap' needs swap_h")
        if self.refuel is not None and (self.battery_kwh is None or self.usable_battery_share is None):
            raise ValueError("a battery vehicle (refuel swap/plug) needs battery_kwh and usable_battery_share")
        return self

    @property
    def class_key(self) -> str:
        """Key of the emission class in the factor tables: ``diesel-cn5``, ``bev``, ``fcev``, ``electric``."""
        return f"{self.powertrain}-{self.standard}" if self.standard else self.powertrain


def _keyed(entries: Any) -> Any:
    """Entries sorted by key, each given its key as ``id`` (a mapping of mappings; anything else is left to validation)."""
    if not isinstance(entries, dict):
        return entries
    return {key: {**entry, "id": key} if isinstance(entry, dict) and "id" not in entry else entry for key, entry in sorted(entries.items())}


class FleetCatalog(DataFile):
    """The vehicle catalog: vehicle types and wagon types by id."""

    vehicles: dict[str, CatalogVehicle] = Field(min_length=1)
    wagons: dict[str, WagonType] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _ids_from_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {**data, **{name: _keyed(data[name]) for name in ("vehicles", "wagons") if name in data}}
        return data

    def vehicle(self, vehicle_id: str) -> CatalogVehicle:
        try:
            return self.vehicles[vehicle_id]
        except KeyError:
            raise ConfigError(
                f"{self.path}:1: vehicles: unknown vehicle type {vehicle_id!r}; known: {', '.join(sorted(self.vehicles))}"
            ) from None

    def wagon(self, wagon_id: str) -> WagonType:
        try:
            return self.wagons[wagon_id]
        except KeyError:
            raise ConfigError(f"{self.path}:1: wagons: unknown wagon type {wagon_id!r}; known: {', '.join(sorted(self.wagons))}") from None

    def ids(self, mode: str | None = None) -> list[str]:
        """Vehicle ids, sorted, optionally of one mode."""
        return sorted(v for v, t in self.vehicles.items() if mode is None or t.mode == mode)


def load_catalog(path: Path | str | None = None, inputs: Mapping[str, float] | None = None) -> FleetCatalog:
    """Load the vehicle catalog (``None`` or ``'bundled'``: ``fleets/catalog.yaml``); ``inputs``: a scenario's
    uncertain inputs (freight_sim/inputs.py)."""
    catalog, smap = load_data_file(FleetCatalog, resolve_data_path(path, "catalog.yaml"), file_changes(inputs, "catalog"))
    errors = [
        f"{smap.where(at)}: {dotted(at)}: unknown wagon type {v.wagon_type!r}; known: {', '.join(sorted(catalog.wagons))}"
        for vid, v in catalog.vehicles.items()
        if v.wagon_type is not None and v.wagon_type not in catalog.wagons
        for at in [("vehicles", vid, "wagon_type")]
    ]
    if errors:
        raise ConfigError(*errors)
    return catalog
