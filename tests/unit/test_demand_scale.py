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
