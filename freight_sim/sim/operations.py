"""Operating defaults of the engine, read from ``networks/operations.yaml`` (values with units and sources)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from freight_sim.datafile import Strict as _Strict
from freight_sim.datafile import bounded, load_data_file
from freight_sim.paths import data_root


class _PublicStation(_Strict):
    loading_rate_tph: bounded("t/h", 50, 10_000)
    loading_tracks: bounded("tracks", 1, 50)
    wagon_sets: bounded("train sets", 1, 50)
    train_load_t: bounded("t", 500, 30_000)
    pile_train_loads: bounded("train loads", 1.2, 20)
    truck_unloading_h: bounded("h", 0.01, 4)
    truck_loading_h: bounded("h", 0.01, 4)


class _Train(_Strict):
    unloading_h: bounded("h", 0.1, 48)


class _FleetSizing(_Strict):
    operating_h_per_day: bounded("h/day", 1, 24)
    margin: bounded("1", 1.0, 3.0)


class _Stockpile(_Strict):
    min_train_loads: bounded("train loads", 1.0, 10.0)


class _Demand(_Strict):
    step_h: bounded("h", 0.25, 24)


class _OperationsFile(_Strict):
    public_station: _PublicStation
    train: _Train
    fleet_sizing: _FleetSizing
    stockpile: _Stockpile
    demand: _Demand


@dataclass(frozen=True)
class Operations:
    station_loading_rate_tph: float
    station_loading_tracks: int
    station_wagon_sets: int
    station_train_load_t: float
    station_pile_train_loads: float
    station_truck_unloading_h: float
    station_truck_loading_h: float
    train_unloading_h: float
    operating_h_per_day: float
    fleet_margin: float
    min_train_loads_in_stockpile: float
    demand_step_h: float


def operations_path() -> Path:
    return data_root() / "networks" / "operations.yaml"


def load_operations(path: Path | None = None) -> Operations:
    """Read the operating defaults (the bundled file unless ``path`` is given); errors are FILE:LINE lines."""
    file, _ = load_data_file(_OperationsFile, Path(path) if path is not None else operations_path())
    station = file.public_station
    return Operations(
        station_loading_rate_tph=station.loading_rate_tph.value,
        station_loading_tracks=int(station.loading_tracks.value),
        station_wagon_sets=int(station.wagon_sets.value),
        station_train_load_t=station.train_load_t.value,
        station_pile_train_loads=station.pile_train_loads.value,
        station_truck_unloading_h=station.truck_unloading_h.value,
        station_truck_loading_h=station.truck_loading_h.value,
        train_unloading_h=file.train.unloading_h.value,
        operating_h_per_day=file.fleet_sizing.operating_h_per_day.value,
        fleet_margin=file.fleet_sizing.margin.value,
        min_train_loads_in_stockpile=file.stockpile.min_train_loads.value,
        demand_step_h=file.demand.step_h.value,
    )
