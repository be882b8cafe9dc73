"""`demand_scale` multiplies every flow's tonnage (and nothing else)."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight_sim.config import load_scenario
from freight_sim.sim.api import build_spec

VALID = Path(__file__).resolve().parents[1] / "data" / "broken" / "valid.yaml"


def _spec(scale: float):
    return build_spec(load_scenario(VALID, [f"demand_scale={scale}", "simulation.days=20"]))


def test_lane_tonnage_scales_and_stockyard_share_does_not():
    base, scaled = _spec(1.0), _spec(1.5)
    assert [lane.tonnes_per_year * 1.5 for lane in base.lanes] == pytest.approx([lane.tonnes_per_year for lane in scaled.lanes])
    assert sum(sum(lane.daily_t) for lane in scaled.lanes) == pytest.approx(1.5 * sum(sum(lane.daily_t) for lane in base.lanes))
    assert [p.capacity_t for p in base.stockpiles] == [p.capacity_t for p in scaled.stockpiles]


def test_demand_scale_bounds_catch_a_percentage():
    from freight_sim.errors import ConfigError

    with pytest.raises(ConfigError, match="demand_scale"):
        load_scenario(VALID, ["demand_scale=120"])


@pytest.mark.parametrize("scale", [0.5, 0.75, 1.06, 1.25, 1.5, 1.75, 2.0])
def test_the_bundled_scenario_assembles_for_every_demand_scale(scale):
    """Lanes whose battery trucks cannot cover an overflow haul run with other vehicles instead of failing."""
    from freight_sim.paths import default_scenario_path

    spec = build_spec(load_scenario(default_scenario_path(), [f"demand_scale={scale}", "simulation.days=2"]))
    assert spec.lanes
    for row in spec.fleet_substitutions:
        lane = next(lane for lane in spec.lanes if lane.id == row.lane)
        used = {p.vehicle_type for s in lane.segments for p in s.pool}
        assert row.vehicle_asked not in used or row.vehicle_used in used


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_the_bundled_scenario_runs_at_the_ends_of_the_demand_range(scale):
    from freight_sim.paths import default_scenario_path
    from freight_sim.runner import run_scenario

    out = run_scenario(load_scenario(default_scenario_path(), [f"demand_scale={scale}", "simulation.days=2"]))
    assert out.summary["tonnes_produced"] > 0
    assert list(out.tables["fleet_substitutions"].columns)[:4] == ["lane", "segment", "vehicle_asked", "vehicle_used"]
