"""Quantities in data files: every number carries its unit, its source and whether it is an estimate.

A data file (vehicle catalog, emission factors, grid factors, costs, network defaults, operations) is
validated with pydantic (``extra="forbid"``) and with plausibility bounds per field. Each parameter is
defined once, as a field of a frozen pydantic model that the engine reads directly: a field declared
``Annotated[float, Unit("kg/L", 1.5, 4.0)]`` reads a ``Quantity`` from the file and holds its value. The bounds are there to catch unit slips
(grams given where kilograms are expected, litres per 100 km given where litres per km are expected);
the error message names the likely slip. Errors are ``FILE:LINE: dotted.field: message`` lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, PrivateAttr, ValidationInfo
from pydantic_core import CoreSchema, core_schema

from freight_sim.config.loader import validate
from freight_sim.config.yaml_source import SourceMap, read_config_file
from freight_sim.errors import ConfigError
from freight_sim.paths import fleets_dir

M = TypeVar("M", bound=BaseModel)

# Factors a misplaced unit prefix or a "per 100" basis multiply a value by, most common first, with
# examples; time units apart.
_SLIP_FACTORS = {
    1000.0: "g for kg, Wh for kWh, kg for t",
    100.0: "per 100 km for per km, percent for a share",
    10_000.0: "per 10^4 t-km for per t-km",
    1e6: "g for t, mg for kg",
}
_TIME_SLIP_FACTORS = {60.0: "minutes for hours", 3600.0: "seconds for hours"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(Strict):
    """One number of a data file, with its unit and where it comes from."""

    value: float
    unit: str = Field(min_length=1)
    source: str = Field(min_length=3, description="citation, FACTS section, or the reasoning behind an estimate")
    estimate: bool
    range: tuple[float, float] | None = Field(None, description="plausible low and high, same unit")


def _slip_hint(value: float, low: float, high: float, unit: str) -> str:
    """Explain a value outside its bounds by the most common unit slip that would explain it, if one does."""
    for factor, examples in (_TIME_SLIP_FACTORS if unit == "h" else _SLIP_FACTORS).items():
        if value != 0 and low <= value / factor <= high:
            return f"{factor:g} times too large for {unit}: likely a unit slip ({examples})"
        if value != 0 and low <= value * factor <= high:
            return f"{factor:g} times too small for {unit}: likely a unit slip (the inverse of {examples})"
    return "check the value and its unit"


def _check_value(value: float, unit: str, low: float, high: float) -> None:
    if not low <= value <= high:
        hint = _slip_hint(value, low, high, unit)
        raise ValueError(f"{value:g} {unit} is outside the plausible range [{low:g}, {high:g}]: {hint}")


def _check(unit: str, low: float, high: float, quantity: Quantity) -> Quantity:
    if quantity.unit != unit:
        raise ValueError(f"unit must be {unit!r}, got {quantity.unit!r}")
    _check_value(quantity.value, unit, low, high)
    if quantity.range is not None and not quantity.range[0] <= quantity.value <= quantity.range[1]:
        low, high = quantity.range
        hint = _slip_hint(quantity.value, low, high, unit)
        shown = f"{quantity.value:g}" if unit == "1" else f"{quantity.value:g} {unit}"
        raise ValueError(f"{shown} is outside its own range [{low:g}, {high:g}]: {hint}")
    return quantity


@dataclass(frozen=True)
class Unit:
    """Field marker of a data-file number: ``speed_kph: Annotated[float, Unit("km/h", 1.0, 160.0)]``.

    The file gives a ``Quantity`` (value, unit, source, estimate); the field must be given in ``unit`` with a
    value in ``[low, high]`` and holds the plain value (a float, or an int for an ``int`` field whose value
    must then be whole). Sources stay in the file: the engine reads numbers.
    """

    unit: str
    low: float
    high: float

    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        whole = source_type is int

        def plain_value(quantity: Quantity) -> float | int:
            _check(self.unit, self.low, self.high, quantity)
            if not whole:
                return float(quantity.value)
            if quantity.value != int(quantity.value):
                raise ValueError(f"{quantity.value:g} {self.unit} must be a whole number")
            return int(quantity.value)

        return core_schema.no_info_after_validator_function(
            plain_value, handler.generate_schema(Quantity), serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v)
        )


@dataclass(frozen=True)
class UnitFrom:
    """Like ``Unit``, with the unit and bounds depending on fields declared before this one.

    ``rule(data)`` gets those fields (as validated so far) and returns ``(unit, low, high)``, or None to
    skip the check (a field it depends on failed, and that failure is reported).
    """

    rule: Callable[[dict[str, Any]], tuple[str, float, float] | None]

    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        def plain_value(quantity: Quantity, info: ValidationInfo) -> float:
            if (bounds := self.rule(info.data)) is not None:
                _check(*bounds, quantity)
            return float(quantity.value)

        return core_schema.with_info_after_validator_function(
            plain_value, handler.generate_schema(Quantity), serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v)
        )


class DataFile(Strict):
    """A whole data file as the engine reads it; ``path`` is the file it came from (for error messages)."""

    _path: Path = PrivateAttr(default=Path("<no file>"))

    @property
    def path(self) -> Path:
        return self._path


def resolve_data_path(path: Path | str | None, default_name: str) -> Path:
    """``None`` or ``'bundled'`` -> the bundled file in fleets/; anything else is a path."""
    if path is None or str(path) == "bundled":
        return fleets_dir() / default_name
    return Path(path)


def load_data_file(model: type[M], path: Path, changes: Mapping[tuple[str, ...], float] | None = None) -> tuple[M, SourceMap]:
    """Read a YAML/TOML data file, validate it against ``model`` (FILE:LINE errors); return it and its source map.

    ``changes``: values of numbers replaced before validation, by path in the file (uncertain inputs,
    freight_sim/inputs.py)."""
    data, smap = read_config_file(Path(path))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping, got {type(data).__name__}")
    if changes:
        from freight_sim.inputs import with_values

        data = with_values(data, changes)
    loaded = validate(model, data, smap)
    if isinstance(loaded, DataFile):
        loaded._path = Path(path)
    return loaded, smap


def check_value(value: float, unit: str, low: float, high: float, where: str, field: str) -> str | None:
    """The error line for a plain value outside ``[low, high]`` (bounds that depend on other fields), else None."""
    return _error_line(where, field, lambda: _check_value(value, unit, low, high))


def check_quantity(quantity: Quantity, unit: str, low: float, high: float, where: str, field: str) -> str | None:
    """The error line for a quantity failing its unit or bounds (checks that depend on other fields), else None."""
    return _error_line(where, field, lambda: _check(unit, low, high, quantity))


def _error_line(where: str, field: str, check: Callable[[], object]) -> str | None:
    try:
        check()
    except ValueError as exc:
        return f"{where}: {field}: {exc}"
    return None
