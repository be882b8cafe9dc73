"""Scenario files: schema (pydantic, extra fields forbidden) and loading with file:line errors."""

from freight_sim.config.loader import Loaded, load_model
from freight_sim.config.scenario import Scenario

__all__ = ["Loaded", "Scenario", "data_path", "load_scenario", "resolve_path"]


def load_scenario(path, overrides=(), patches=()) -> Loaded:
    """Load and validate a scenario file (YAML or TOML) with its ``base:`` files, patches and ``--set`` overrides."""
    return load_model(Scenario, path, overrides, patches)


def resolve_path(loaded: Loaded, field_path: tuple[str | int, ...], value):
    """Resolve a relative path given in a config relative to the file that gave it."""
    from pathlib import Path

    value = Path(value)
    if value.is_absolute():
        return value
    file = loaded.source.where(field_path).file
    base = Path(file).parent if file not in ("--set", "<config>") else Path.cwd()
    return (base / value).resolve()


def data_path(loaded: Loaded, field_path: tuple[str, ...], value: str):
    """A data-file field: None for ``'bundled'`` (the loader picks the bundled file), else the resolved path.

    A file that cannot be read as a YAML/TOML mapping is reported at the scenario field that names it
    (``FILE:LINE: fleet.catalog: ...``), without echoing the file's content.
    """
    if value == "bundled":
        return None
    path = resolve_path(loaded, field_path, value)
    _check_data_file(loaded, field_path, path)
    return path


def _check_data_file(loaded: Loaded, field_path: tuple[str, ...], path) -> None:
    from freight_sim.config.yaml_source import read_config_file
    from freight_sim.errors import ConfigError

    if not path.exists():
        return  # the file's reader says "file not found" at the path
    try:
        data, _ = read_config_file(path)
    except ConfigError as exc:
        reason = exc.lines[0].split(": ", 2)[-1] if exc.lines else "cannot be read"
        raise ConfigError(loaded.error(field_path, f"{path}: {reason}")) from None
    if not isinstance(data, dict):
        raise ConfigError(loaded.error(field_path, f"{path}: not a data file (YAML or TOML mapping of fields)"))
