"""Network defaults file: values with units and sources; unit slips are FILE:LINE errors."""

from __future__ import annotations

import pytest

from freight_sim.errors import ConfigError
from freight_sim.network.defaults import defaults_path, load_defaults


def test_bundled_defaults_load():
    defaults = load_defaults()
    assert defaults.road_speed_kph["expressway"] > defaults.road_speed_kph["access"]
    assert defaults.osm.highway_class["motorway"] == "expressway"


def test_speed_in_metres_per_hour_is_rejected_at_its_line(tmp_path):
    text = defaults_path().read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("trunk:"))
    bad = tmp_path / "defaults.yaml"
    bad.write_text(text.replace("trunk:      {value: 50,", "trunk:      {value: 50000,"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_defaults(bad)
    assert info.value.lines[0].startswith(f"{bad}:{line}: road_speed_kph.trunk: ")
    assert "1000 times too large" in info.value.lines[0]


def test_a_value_without_source_is_rejected(tmp_path):
    text = defaults_path().read_text(encoding="utf-8")
    bad = tmp_path / "defaults.yaml"
    bad.write_text(
        text.replace("spur_speed_kph: {value: 20, unit: km/h, source:", "spur_speed_kph: {value: 20, unit: km/h, note:"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="spur_speed_kph"):
        load_defaults(bad)
