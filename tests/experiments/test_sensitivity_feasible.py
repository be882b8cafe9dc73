"""The extreme demand levels the shipped sensitivity design samples assemble into a model (no lane fails
for a battery truck that cannot cover an overflow haul; tests/unit/test_demand_scale.py covers 0.5-2.0);
the batch itself runs in test_shipped_experiments."""

from __future__ import annotations

import pytest

from freight_sim.config import load_scenario
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.spec import load_experiment
from freight_sim.paths import default_scenario_path, experiments_dir
from freight_sim.scenario_checks import checked_spec


def _demand_scales() -> list[float]:
    design = expand_design(load_experiment(experiments_dir() / "sensitivity.yaml"), replications=1, overrides=("simulation.days=2",))
    return sorted({float(run.parameters["demand_scale"]) for run in design.runs})


@pytest.mark.slow
def test_the_lowest_and_highest_sampled_demand_scales_assemble():
    scales = _demand_scales()
    assert len(scales) >= 8 and min(scales) < 0.9 and max(scales) > 1.1
    for scale in (min(scales), max(scales)):
        spec = checked_spec(load_scenario(default_scenario_path(), [f"demand_scale={scale!r}", "simulation.days=2"]))
        assert spec.lanes, scale
