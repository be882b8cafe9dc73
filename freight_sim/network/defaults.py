"""Default speeds and OSM class mapping, read from ``networks/defaults.yaml`` (values with unit and source)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pydantic import Field

from freight_sim.datafile import Strict, bounded, load_data_file
from freight_sim.paths import data_root

Speed = bounded("km/h", 1.0, 160.0)


def defaults_path() -> Path:
    return data_root() / "networks" / "defaults.yaml"


class _PathsPerDay(Strict):
    default: bounded("trains/day", 1.0, 400.0)


class _Osm(Strict):
    highway_class: dict[str, str] = Field(min_length=1)
    min_access_km: bounded("km", 0.0, 5.0)


class _DefaultsFile(Strict):
    road_speed_kph: dict[str, Speed] = Field(min_length=1)
    rail_speed_kph: dict[str, Speed] = Field(min_length=1)
    spur_speed_kph: Speed
    conveyor_speed_kph: bounded("km/h", 1.0, 40.0)
    rail_paths_per_day: _PathsPerDay
    osm: _Osm


@dataclass(frozen=True)
class NetworkDefaults:
    """Speeds in km/h by road class and rail class, spur/conveyor speeds, default train paths per day."""

    road_speed_kph: MappingProxyType
    rail_speed_kph: MappingProxyType
    spur_speed_kph: float
    conveyor_speed_kph: float
    rail_paths_per_day: float
    osm_highway_class: MappingProxyType
    osm_min_access_km: float


def load_defaults(path: Path | None = None) -> NetworkDefaults:
    """Read the defaults file (the bundled one unless ``path`` is given); errors are FILE:LINE lines."""
    file, _ = load_data_file(_DefaultsFile, Path(path) if path is not None else defaults_path())
    return NetworkDefaults(
        road_speed_kph=MappingProxyType({k: q.value for k, q in file.road_speed_kph.items()}),
        rail_speed_kph=MappingProxyType({k: q.value for k, q in file.rail_speed_kph.items()}),
        spur_speed_kph=file.spur_speed_kph.value,
        conveyor_speed_kph=file.conveyor_speed_kph.value,
        rail_paths_per_day=file.rail_paths_per_day.default.value,
        osm_highway_class=MappingProxyType(dict(file.osm.highway_class)),
        osm_min_access_km=file.osm.min_access_km.value,
    )
