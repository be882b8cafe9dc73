"""The vehicle catalog: road trucks, rail traction (a whole train) and conveyors, plus rail wagon types.

The file (``fleets/catalog.yaml``) gives every number as a ``Quantity`` (value, unit, source, estimate);
after loading, a ``CatalogVehicle`` holds plain floats. Speeds are not here: the network gives them.

Per-km energy is per vehicle-km in the carrier's unit (L, kg, kWh); for a train it is per train-km of a
full train of ``train_load_t`` net tonnes; for a conveyor it is per tonne-km (its ``payload_t`` is the
1 t accounting unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from freight_sim.config.yaml_source import SourceMap, dotted
from freight_sim.datafile import Quantity, Strict, check_quantity, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError

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


class WagonEntry(Strict):
    name: str
    payload_t: Quantity
    tare_t: Quantity


class VehicleEntry(Strict):
    """One vehicle type as written in the catalog file."""

    name: str
    mode: Mode
    powertrain: Powertrain
    standard: Standard | None = None
    new_energy: bool
    energy_carrier: EnergyCarrier
    refuel: Refuel | None = None
    wagon_type: str | None = Field(None, description="rail: wagon type the train is made of")
    payload_t: Quantity
    tare_t: Quantity
    energy_per_km_loaded: Quantity
    energy_per_km_empty: Quantity
    battery_kwh: Quantity | None = None
    usable_battery_share: Quantity | None = None
    swap_h: Quantity | None = None
    charge_h: Quantity | None = None

    @model_validator(mode="after")
    def _consistent(self) -> VehicleEntry:
        if self.mode != "road" and self.standard is not None:
            raise ValueError("only road vehicles have an emission standard")
        if self.mode == "rail" and self.wagon_type is None:
            raise ValueError("a rail traction entry names its wagon_type")
        if self.refuel == "swap" and self.swap_h is None:
            raise ValueError("refuel 'swap' needs swap_h")
        if self.refuel is not None and (self.battery_kwh is None or self.usable_battery_share is None):
            raise ValueError("a battery vehicle (refuel swap/plug) needs battery_kwh and usable_battery_share")
        return self


class CatalogFile(Strict):
    vehicles: dict[str, VehicleEntry] = Field(min_length=1)
    wagons: dict[str, WagonEntry] = Field(default_factory=dict)


@dataclass(frozen=True)
class WagonType:
    id: str
    name: str
    payload_t: float
    tare_t: float


@dataclass(frozen=True, kw_only=True)
class CatalogVehicle:
    """A vehicle type with plain floats (units in the names; energy in the carrier's unit)."""

    id: str
    name: str
    mode: str
    powertrain: str
    standard: str | None
    new_energy: bool
    payload_t: float
    tare_t: float
    energy_carrier: str
    energy_per_km_loaded: float
    energy_per_km_empty: float
    battery_kwh: float | None
    usable_battery_share: float | None
    swap_h: float | None
    charge_h: float | None
    refuel: str | None
    wagon_type: str | None = None

    @property
    def class_key(self) -> str:
        """Key of the emission class in the factor tables: ``diesel-cn5``, ``bev``, ``fcev``, ``electric``."""
        return f"{self.powertrain}-{self.standard}" if self.standard else self.powertrain


@dataclass(frozen=True)
class FleetCatalog:
    vehicles: dict[str, CatalogVehicle]
    wagons: dict[str, WagonType]
    path: Path

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


def _value(q: Quantity | None) -> float | None:
    return None if q is None else float(q.value)


def _line(smap: SourceMap, path: tuple[str, ...], message: str) -> str:
    return f"{smap.where(path)}: {dotted(path)}: {message}"


def _plausibility(file: CatalogFile, smap: SourceMap) -> list[str]:
    """Bounds that depend on the mode or carrier of an entry."""
    errors: list[str] = []

    def check(q: Quantity | None, unit: str, low: float, high: float, path: tuple[str, ...]) -> None:
        if q is not None and (line := check_quantity(q, unit, low, high, str(smap.where(path)), dotted(path))):
            errors.append(line)

    for wid, wagon in file.wagons.items():
        check(wagon.payload_t, "t", 20, 150, ("wagons", wid, "payload_t"))
        check(wagon.tare_t, "t", 5, 40, ("wagons", wid, "tare_t"))
    for vid, v in file.vehicles.items():
        at = ("vehicles", vid)
        low, high = _MASS_BOUNDS[v.mode]
        check(v.payload_t, "t", low, high, at + ("payload_t",))
        check(v.tare_t, "t", 0 if v.mode == "conveyor" else low / 3, high, at + ("tare_t",))
        if v.mode == "conveyor":
            bounds, unit = {"electricity_kwh": (0.01, 1.0)}, "kWh/t-km"
        else:
            bounds, unit = (_ROAD_ENERGY_BOUNDS if v.mode == "road" else _RAIL_ENERGY_BOUNDS), CARRIER_UNITS[v.energy_carrier]
        if v.energy_carrier not in bounds:
            errors.append(_line(smap, at + ("energy_carrier",), f"{v.energy_carrier!r} is not a {v.mode} carrier"))
            continue
        low, high = bounds[v.energy_carrier]
        check(v.energy_per_km_loaded, unit, low, high, at + ("energy_per_km_loaded",))
        check(v.energy_per_km_empty, unit, 0.0, high, at + ("energy_per_km_empty",))
        check(v.battery_kwh, "kWh", 20, 2000, at + ("battery_kwh",))
        check(v.usable_battery_share, "1", 0.3, 1.0, at + ("usable_battery_share",))
        check(v.swap_h, "h", 0.01, 2.0, at + ("swap_h",))
        check(v.charge_h, "h", 0.1, 12.0, at + ("charge_h",))
        if v.wagon_type is not None and v.wagon_type not in file.wagons:
            known = ", ".join(sorted(file.wagons))
            errors.append(_line(smap, at + ("wagon_type",), f"unknown wagon type {v.wagon_type!r}; known: {known}"))
    return errors


def load_catalog(path: Path | str | None = None) -> FleetCatalog:
    """Load the vehicle catalog (``None`` or ``'bundled'``: ``fleets/catalog.yaml``)."""
    file_path = resolve_data_path(path, "catalog.yaml")
    file, smap = load_data_file(CatalogFile, file_path)
    if errors := _plausibility(file, smap):
        raise ConfigError(*errors)
    vehicles = {
        vid: CatalogVehicle(
            id=vid,
            name=v.name,
            mode=v.mode,
            powertrain=v.powertrain,
            standard=v.standard,
            new_energy=v.new_energy,
            payload_t=float(v.payload_t.value),
            tare_t=float(v.tare_t.value),
            energy_carrier=v.energy_carrier,
            energy_per_km_loaded=float(v.energy_per_km_loaded.value),
            energy_per_km_empty=float(v.energy_per_km_empty.value),
            battery_kwh=_value(v.battery_kwh),
            usable_battery_share=_value(v.usable_battery_share),
            swap_h=_value(v.swap_h),
            charge_h=_value(v.charge_h),
            refuel=v.refuel,
            wagon_type=v.wagon_type,
        )
        for vid, v in sorted(file.vehicles.items())
    }
    wagons = {wid: WagonType(wid, w.name, float(w.payload_t.value), float(w.tare_t.value)) for wid, w in sorted(file.wagons.items())}
    return FleetCatalog(vehicles, wagons, file_path)
