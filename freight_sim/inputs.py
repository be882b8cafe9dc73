"""Uncertain inputs: numbers of data files that carry a ``range``, addressed by their data path.

A data path is the data file's key followed by the dotted path of the number inside it, e.g.
``emission_factors.rail.electric_kwh_per_10k_gross_tkm`` or ``costs.energy_prices.diesel_cny_per_l``. A scenario
sets such numbers in ``inputs`` (data path -> value, within the number's range); an experiment samples them
like any scenario field (``sample.parameters`` with ``inputs.<data path>``, bounds defaulting to the range).
Loaders apply the values when they read the file: the number at that path alone changes (a YAML alias
elsewhere in the file keeps the file's value). The data files (``DATA_FILES``): ``catalog``
(fleets/catalog.yaml, or the scenario's ``fleet.catalog``), ``emission_factors`` (``accounting.factors``),
``costs`` (``accounting.costs``), ``grid_factors`` (fleets/grid_factors.yaml), ``operations``
(networks/operations.yaml) and ``variability`` (``simulation.variability``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from freight_sim.config.yaml_source import read_config_file
from freight_sim.errors import ConfigError
from freight_sim.paths import data_root

# file key -> (scenario field naming another file, or None; the bundled file under the data root)
DATA_FILES: dict[str, tuple[tuple[str, ...] | None, str]] = {
    "catalog": (("fleet", "catalog"), "fleets/catalog.yaml"),
    "emission_factors": (("accounting", "factors"), "fleets/emission_factors.yaml"),
    "costs": (("accounting", "costs"), "fleets/costs.yaml"),
    "grid_factors": (None, "fleets/grid_factors.yaml"),
    "operations": (None, "networks/operations.yaml"),
    "variability": (("simulation", "variability"), "networks/variability.yaml"),
}


def split_data_path(data_path: str) -> tuple[str, tuple[str, ...]]:
    """``'costs.energy_prices.diesel_cny_per_l'`` -> ``('costs', ('energy_prices', 'diesel_cny_per_l'))``; raises ValueError."""
    key, _, rest = data_path.partition(".")
    if key not in DATA_FILES:
        raise ValueError(f"unknown data file {key!r} (known: {', '.join(DATA_FILES)})")
    if not rest:
        raise ValueError(f"give the path of a number inside {key}, e.g. {key}.section.name")
    return key, tuple(rest.split("."))


def flat_data_paths(inputs: Any) -> Any:
    """Nested mappings (``{costs: {energy_prices: {diesel_cny_per_l: 7.5}}}``, as ``--set`` and experiment
    patches give them) as dotted data paths; anything else unchanged (the schema reports it)."""
    if not isinstance(inputs, dict):
        return inputs
    flat: dict[str, Any] = {}
    for key, value in inputs.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{inner}": v for inner, v in flat_data_paths(value).items()})
        else:
            flat[str(key)] = value
    return flat


def file_changes(inputs: Mapping[str, float] | None, file_key: str) -> dict[tuple[str, ...], float]:
    """The values ``inputs`` sets in the data file ``file_key``, by path inside it."""
    changes = {}
    for data_path, value in (inputs or {}).items():
        key, path = split_data_path(data_path)
        if key == file_key:
            changes[path] = value
    return changes


def with_values(data: dict[str, Any], changes: Mapping[tuple[str, ...], float]) -> dict[str, Any]:
    """``data`` with the ``value`` of the quantity at each path replaced; the mappings along each path are
    copied, so nothing shared (YAML aliases, the caller's data) changes."""
    for path, value in changes.items():
        data = _replaced(data, path, value)
    return data


def _replaced(node: Any, path: tuple[str, ...], value: float) -> Any:
    if not path:
        if not isinstance(node, dict) or "value" not in node:
            raise ConfigError(f"<inputs>:1: inputs: no number with a value at this path ({node!r})")
        return {**node, "value": value}
    if not isinstance(node, dict) or path[0] not in node:
        raise ConfigError(f"<inputs>:1: inputs: no entry {path[0]!r} at this path")
    return {**node, path[0]: _replaced(node[path[0]], path[1:], value)}


def quantity_range(file: Path, path: tuple[str, ...], read: dict[Path, Any] | None = None) -> tuple[float, float]:
    """The ``range`` of the number at ``path`` in ``file``; raises ValueError saying what is missing.
    ``read``: files already parsed (filled as files are read), for callers looking up several numbers."""
    node: Any
    if read is None or file not in read:
        node, _ = read_config_file(file)
        if read is not None:
            read[file] = node
    else:
        node = read[file]
    for i, part in enumerate(path):
        if not isinstance(node, dict) or part not in node:
            known = ", ".join(sorted(map(str, node))) if isinstance(node, dict) else "none: not a mapping"
            raise ValueError(f"no {'.'.join(path[: i + 1])} in {file} (keys there: {known})")
        node = node[part]
    if not isinstance(node, dict) or "value" not in node:
        raise ValueError(f"{'.'.join(path)} in {file} is not a number with a value, unit and source")
    low_high = node.get("range")
    if not isinstance(low_high, list) or len(low_high) != 2:
        raise ValueError(f"{'.'.join(path)} in {file} has no range: only numbers with a range are uncertain inputs")
    return float(low_high[0]), float(low_high[1])


def input_file(loaded, file_key: str) -> Path:
    """The data file a scenario reads for ``file_key`` (its own when a scenario field names one)."""
    from freight_sim.config import data_path

    field, bundled = DATA_FILES[file_key]
    if field is not None:
        value = loaded.model
        for part in field:
            value = getattr(value, part)
        if value == "fixed" and file_key == "variability":
            raise ValueError("the scenario uses no variability file (simulation.variability: fixed)")
        if value != "bundled":
            return data_path(loaded, field, value)
    return data_root() / bundled


def data_path_range(loaded, data_path: str, read: dict[Path, Any] | None = None) -> tuple[float, float]:
    """The range of the number a data path addresses in the scenario's data files; raises ValueError.
    ``read``: as for ``quantity_range``."""
    key, path = split_data_path(data_path)
    return quantity_range(input_file(loaded, key), path, read)


def input_problems(loaded) -> list[str]:
    """``FILE:LINE: inputs.<data path>: message`` for each input that addresses no number with a range, or
    lies outside it."""
    problems: list[str] = []
    read: dict[Path, Any] = {}  # each data file parsed once
    for data_path, value in loaded.model.inputs.items():
        flat = ("inputs", data_path)  # as written in a file; nested (patches, --set) otherwise
        where = flat if flat in loaded.source.locations else ("inputs", *data_path.split("."))
        try:
            low, high = data_path_range(loaded, data_path, read)
        except (ValueError, ConfigError) as exc:
            problems.append(loaded.error(where, str(exc).split(": ", 2)[-1] if isinstance(exc, ConfigError) else str(exc)))
            continue
        if not low <= value <= high:
            problems.append(loaded.error(where, f"{value:g} lies outside the number's range [{low:g}, {high:g}]"))
    return problems
