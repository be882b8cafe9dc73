"""A built candidate siding's run says why its trains may raise tailpipe NOx (the `notes` of sidings_built)."""

from __future__ import annotations

import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario


@pytest.fixture(scope="module")
def sidings_built():
    overrides = ["simulation.days=5", "enterprises.E14.siding.enabled=true", "enterprises.E04.siding.enabled=true"]
    return run_scenario(load_scenario(default_scenario_path(), overrides)).tables["sidings_built"].set_index("enterprise")


def test_a_siding_replacing_battery_trucks_with_diesel_shunting_says_it_raises_nox(sidings_built):
    # E14 (power plant, battery-swap fleet) receives coal from E23 over two unelectrified spurs (6.23 + 2.52 km)
    note = sidings_built.loc["E14", "notes"]
    assert note.startswith("raises tailpipe NOx") and "bev-swap" in note and "unelectrified spurs" in note


def test_a_siding_replacing_diesel_trucks_gives_the_break_even_haul(sidings_built):
    note = sidings_built.loc["E04", "notes"]
    assert "emit as much on a haul of" in note and "km with empty return" in note
