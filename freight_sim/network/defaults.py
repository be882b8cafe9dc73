"""Default speeds and OSM class mapping, read from ``networks/defaults.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from freight_sim.errors import ConfigError
from freight_sim.paths import data_root


def defaults_path() -> Path:
    return data_root() / "networks" / "defaults.yaml"


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


def _value(entry: Any, file: Path, key: str) -> float:
    if not isinstance(entry, dict) or "value" not in entry or "unit" not in entry:
        raise ConfigError(f"{file}:1: {key}: expected a mapping with 'value' and 'unit'")
    if "source" not in entry and not entry.get("estimate"):
        raise ConfigError(f"{file}:1: {key}: give a 'source' or mark 'estimate: true' with a reason")
    value = entry["value"]
    if not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{file}:1: {key}: value must be a positive number, got {value!r}")
    return float(value)


def load_defaults(path: Path | None = None) -> NetworkDefaults:
    """Read the defaults file (the bundled one unless ``path`` is given)."""
    file = Path(path) if path is not None else defaults_path()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}:1: (file): network defaults file not found") from None
    try:
        return NetworkDefaults(
            road_speed_kph=MappingProxyType(
                {k: _value(v, file, f"road_speed_kph.{k}") for k, v in data["road_speed_kph"].items()}
            ),
            rail_speed_kph=MappingProxyType(
                {k: _value(v, file, f"rail_speed_kph.{k}") for k, v in data["rail_speed_kph"].items()}
            ),
            spur_speed_kph=_value(data["spur_speed_kph"], file, "spur_speed_kph"),
            conveyor_speed_kph=_value(data["conveyor_speed_kph"], file, "conveyor_speed_kph"),
            rail_paths_per_day=_value(data["rail_paths_per_day"]["default"], file, "rail_paths_per_day.default"),
            osm_highway_class=MappingProxyType(dict(data["osm"]["highway_class"])),
            osm_min_access_km=_value(data["osm"]["min_access_km"], file, "osm.min_access_km"),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{file}:1: {exc}: missing or malformed section") from None
