"""Variability draws: factors of mean 1 with the asked spread, blocks per entity, handling times in the engine."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import PoolEntry, road_segment, single_lane_spec
from freight_sim.sim.spec import ServiceTimes, Variation, check_spec
from freight_sim.sim.streams import SERVICE_BLOCK, FactorBlocks, mean_one_factors
from freight_sim.sim.variability import load_variability

N = 200_000


@pytest.mark.parametrize(("distribution", "cv"), [("gamma", 0.3), ("lognormal", 0.3), ("gamma", 1.5), ("exponential", 1.0)])
def test_factors_have_mean_one_and_the_asked_cv(distribution, cv):
    x = mean_one_factors(np.random.default_rng(5), distribution, cv, N)
    # standard errors: mean cv/sqrt(N); the cv's is about cv*sqrt((kurtosis-1)/4N), generously bounded
    assert abs(x.mean() - 1.0) < 5 * cv / math.sqrt(N)
    assert abs(x.std() / x.mean() - cv) < 0.03 * cv
    assert (x > 0).all()


def test_fixed_factors_are_one():
    assert (mean_one_factors(np.random.default_rng(1), "fixed", 0.4, 10) == 1.0).all()
    assert (mean_one_factors(np.random.default_rng(1), "gamma", 0.0, 10) == 1.0).all()


def test_blocks_interleave_columns_row_by_row():
    blocks = FactorBlocks(np.random.default_rng(3), (("fixed", 0.0), ("gamma", 0.5)))
    block = np.asarray(blocks.block())
    assert len(block) == 2 * SERVICE_BLOCK
    assert (block[0::2] == 1.0).all() and block[1::2].std() > 0.2


def test_unknown_distribution_and_bad_cv_are_spec_errors():
    seg = road_segment("E01", "C1", 10.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=2),))
    spec = single_lane_spec(seg, 500.0)
    bad = dataclasses.replace(spec, service_times=ServiceTimes(truck_loading=Variation("weibull", 0.3)))
    with pytest.raises(Exception, match="truck_loading: unknown distribution 'weibull'"):
        check_spec(bad)


def test_loading_times_vary_around_the_plan_and_the_bay_sees_them():
    """The bay's busy hours per truck loaded average the planned 0.25 h (gamma, cv 0.3) and vary."""
    seg = road_segment("E01", "C1", 10.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=10),))
    spec = single_lane_spec(seg, 3000.0, days=60, stockyard_t=1e6, loading_bays=2)
    varied = dataclasses.replace(spec, service_times=ServiceTimes(truck_loading=Variation("gamma", 0.3)))
    starts: list[float] = []
    result = simulate_spec(varied, seed=11, trace=lambda t, who, what: starts.append(t) if what == "load_start" else None)
    bay = result.resources.set_index("resource").loc["E01"]
    busy_per_truck = bay.utilisation * 2 * varied.horizon_h / bay.requests
    assert abs(busy_per_truck - 0.25) < 5 * 0.25 * 0.3 / math.sqrt(bay.requests)
    fixed = simulate_spec(spec, seed=11).resources.set_index("resource").loc["E01"]
    assert fixed.utilisation * 2 * spec.horizon_h / fixed.requests == pytest.approx(0.25)


def test_the_bundled_variability_file_covers_every_kind_and_operation():
    file = load_variability()
    assert file.production_of("steel") == Variation("gamma", 0.05)
    assert file.service_times().train_loading.distribution == "gamma"
