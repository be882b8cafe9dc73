"""Far end of rail chains: siding to siding when the counterpart has its own spur; otherwise far-end
drayage by the counterpart enterprise's drayage fleet."""

from __future__ import annotations

import pytest

from freight_sim.config import load_scenario
from freight_sim.fleet import load_catalog, load_mixes, resolve_mix
from freight_sim.paths import default_scenario_path
from freight_sim.sim.api import build_spec


@pytest.fixture(scope="module")
def spec_and_scenario():
    loaded = load_scenario(default_scenario_path(), ["simulation.days=3", "enterprises.E14.siding.enabled=true"])
    return build_spec(loaded), loaded.model


def _lane(spec, lane_id):
    return next(lane for lane in spec.lanes if lane.id == lane_id)


def test_counterpart_with_own_siding_is_served_siding_to_siding(spec_and_scenario):
    spec, scenario = spec_and_scenario
    assert scenario.enterprises["E23"].siding.status.value == "existing"
    lane = _lane(spec, "E14/f03_thermal_coal_e23/rail_siding")
    assert [s.kind for s in lane.segments] == ["long_haul"]
    assert (lane.segments[0].origin, lane.segments[0].destination) == ("E23", "E14")


def test_far_drayage_uses_the_counterpart_enterprises_drayage_mix(spec_and_scenario):
    spec, scenario = spec_and_scenario
    assert not scenario.enterprises["E24"].siding.enabled  # a candidate, not built
    lane = _lane(spec, "E14/f04_thermal_coal_e24/rail_siding")
    far = [s for s in lane.segments if s.kind == "far_drayage"]
    assert len(far) == 1 and far[0].origin == "E24"
    _, mix = scenario.drayage_mix_for("E24")
    shares = resolve_mix(load_catalog(), load_mixes(), mix, scenario.fleet.extra_mixes)
    assert far[0].vehicle_type == min(shares, key=lambda v: (-shares[v], v))
