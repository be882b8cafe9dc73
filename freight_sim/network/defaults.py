"""Default speeds and OSM class mapping, read from ``networks/defaults.yaml`` (values with unit and source)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from freight_sim.datafile import DataFile, Strict, Unit, load_data_file
from freight_sim.paths import data_root

Speed = Annotated[float, Unit("km/h", 1.0, 160.0)]


def defaults_path() -> Path:
    return data_root() / "networks" / "defaults.yaml"


class PathsPerDay(Strict):
    default: Annotated[float, Unit("trains/day", 1.0, 400.0)]


class OsmMapping(Strict):
    highway_class: dict[str, str] = Field(min_length=1)
    min_access_km: Annotated[float, Unit("km", 0.0, 5.0)]


class NetworkDefaults(DataFile):
    """Speeds in km/h by road class and rail class, spur/conveyor speeds, default train paths per day, OSM mapping."""

    road_speed_kph: dict[str, Speed] = Field(min_length=1)
    rail_speed_kph: dict[str, Speed] = Field(min_length=1)
    spur_speed_kph: Speed
    conveyor_speed_kph: Annotated[float, Unit("km/h", 1.0, 40.0)]
    rail_paths_per_day: PathsPerDay
    osm: OsmMapping


def load_defaults(path: Path | None = None) -> NetworkDefaults:
    """Read the defaults file (the bundled one unless ``path`` is given); errors are FILE:LINE lines."""
    defaults, _ = load_data_file(NetworkDefaults, Path(path) if path is not None else defaults_path())
    return defaults
