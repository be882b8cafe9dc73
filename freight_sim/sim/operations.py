"""Operating defaults of the engine, read from ``networks/operations.yaml`` (values with units and sources)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import field_validator

from freight_sim.datafile import DataFile, Unit, load_data_file
from freight_sim.inputs import file_changes
from freight_sim.paths import data_root
from freight_sim.sim.spec import day_step_problem


class Operations(DataFile):
    """The operating defaults; each field is a key of the file."""

    station_loading_rate_tph: Annotated[float, Unit("t/h", 50, 10_000)]
    station_loading_tracks: Annotated[int, Unit("tracks", 1, 50)]
    station_wagon_sets: Annotated[int, Unit("train sets", 1, 50)]
    station_train_load_t: Annotated[float, Unit("t", 500, 30_000)]
    station_pile_train_loads: Annotated[float, Unit("train loads", 1.2, 20)]
    station_truck_unloading_h: Annotated[float, Unit("h", 0.01, 4)]
    station_truck_loading_h: Annotated[float, Unit("h", 0.01, 4)]
    train_unloading_h: Annotated[float, Unit("h", 0.1, 48)]
    operating_h_per_day: Annotated[float, Unit("h/day", 1, 24)]
    fleet_margin: Annotated[float, Unit("1", 1.0, 3.0)]
    min_train_loads_in_stockpile: Annotated[float, Unit("train loads", 1.0, 10.0)]
    demand_step_h: Annotated[float, Unit("h", 0.25, 24)]
    fast_demand_step_h: Annotated[float, Unit("h", 0.25, 24)]
    fast_trucks_per_convoy_max: Annotated[int, Unit("trucks", 1, 200)]
    fast_convoys_per_pool_min: Annotated[int, Unit("convoys", 1, 100)]

    @field_validator("demand_step_h", "fast_demand_step_h")
    @classmethod
    def _divides_a_day(cls, step_h: float) -> float:
        problem = day_step_problem(step_h)
        if problem:
            raise ValueError(problem)
        return step_h


def operations_path() -> Path:
    return data_root() / "networks" / "operations.yaml"


def load_operations(path: Path | None = None, inputs: Mapping[str, float] | None = None) -> Operations:
    """Read the operating defaults (the bundled file unless ``path`` is given); errors are FILE:LINE lines;
    ``inputs``: a scenario's uncertain inputs (freight_sim/inputs.py)."""
    changes = file_changes(inputs, "operations")
    operations, _ = load_data_file(Operations, Path(path) if path is not None else operations_path(), changes)
    return operations
