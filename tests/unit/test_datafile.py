"""Data-file fields declared with ``Unit``: a quantity in the file, a plain number in the model."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import ValidationError

from freight_sim.datafile import DataFile, Unit
from freight_sim.errors import ConfigError
from freight_sim.sim.operations import load_operations, operations_path


class _Example(DataFile):
    speed_kph: Annotated[float, Unit("km/h", 1.0, 160.0)]
    tracks: Annotated[int, Unit("tracks", 1, 50)]


def _quantity(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "source": "test figure", "estimate": False}


def test_fields_hold_plain_numbers_of_the_declared_type():
    example = _Example.model_validate({"speed_kph": _quantity(45, "km/h"), "tracks": _quantity(2, "tracks")})
    assert (example.speed_kph, type(example.speed_kph)) == (45.0, float)
    assert (example.tracks, type(example.tracks)) == (2, int)


@pytest.mark.parametrize(
    ("field", "quantity", "message"),
    [
        ("speed_kph", _quantity(45, "m/s"), "unit must be 'km/h'"),
        ("speed_kph", _quantity(45_000, "km/h"), "1000 times too large"),
        ("tracks", _quantity(2.5, "tracks"), "must be a whole number"),
    ],
)
def test_wrong_unit_bound_or_fraction_is_rejected(field, quantity, message):
    data = {"speed_kph": _quantity(45, "km/h"), "tracks": _quantity(2, "tracks"), field: quantity}
    with pytest.raises(ValidationError, match=message):
        _Example.model_validate(data)


def test_a_quantity_needs_its_source():
    with pytest.raises(ValidationError, match="source"):
        _Example.model_validate({"speed_kph": {"value": 45, "unit": "km/h", "estimate": False}, "tracks": _quantity(2, "tracks")})


def test_models_are_frozen_and_remember_their_file():
    operations = load_operations()
    assert operations.path == operations_path()
    with pytest.raises(ValidationError):
        operations.fleet_margin = 2.0  # type: ignore[misc]


def _operations_with(tmp_path, key: str, value: str):
    """A copy of operations.yaml with ``key``'s value set to ``value``, and the line of ``key``."""
    lines = operations_path().read_text(encoding="utf-8").splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith(f"{key}:"))
    assert lines[line].strip().startswith("value:")
    lines[line] = f"  value: {value}"
    bad = tmp_path / "operations.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad, line


def test_operations_file_error_names_its_line_and_key(tmp_path):
    bad, line = _operations_with(tmp_path, "station_loading_tracks", "2.5")
    with pytest.raises(ConfigError) as info:
        load_operations(bad)
    assert info.value.lines[0].startswith(f"{bad}:{line}: station_loading_tracks: ")


@pytest.mark.parametrize("key", ["demand_step_h", "fast_demand_step_h"])
def test_a_production_step_that_does_not_divide_a_day_is_refused_at_its_line(tmp_path, key):
    bad, line = _operations_with(tmp_path, key, "5.0")
    with pytest.raises(ConfigError) as info:
        load_operations(bad)
    assert info.value.lines == [f"{bad}:{line}: {key}: 5 h does not divide a day (24 h) into whole steps"]
