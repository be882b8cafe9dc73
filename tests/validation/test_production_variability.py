"""Stochastic production: the plan holds in expectation and the annual total stays in its band; the same
seed gives the same tables on any executor, and another seed other ones."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import PoolEntry, road_segment, single_lane_spec
from freight_sim.sim.spec import Variation

CV = 0.15
DAYS = 365
DAILY_T = 2000.0


def _year(seed: int, cv: float = CV, distribution: str = "gamma"):
    seg = road_segment("E01", "C1", 20.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=40),))
    spec = single_lane_spec(seg, DAILY_T, days=DAYS, stockyard_t=1e6, loading_bays=4)
    varied = dataclasses.replace(spec.enterprises[0], production=Variation(distribution, cv))
    return simulate_spec(dataclasses.replace(spec, enterprises=(varied,), record_legs=False), seed=seed)


@pytest.mark.parametrize("distribution", ["gamma", "lognormal"])
def test_annual_total_stays_in_its_band(distribution):
    """Each year's total is the plan times the mean of 365 independent day factors (mean 1, sd CV): within
    4 standard deviations (CV / sqrt(365)) of the plan; over 24 seeds the mean ratio's 99% interval holds
    1 and the spread of the ratios matches CV / sqrt(365) (chi-square 99% bounds)."""
    band = CV / math.sqrt(DAYS)
    ratios = []
    for seed in range(24):
        production = _year(seed, distribution=distribution).production.iloc[0]
        assert production.planned_t == pytest.approx(DAILY_T * DAYS)
        assert abs(production.produced_vs_plan - 1.0) < 4 * band
        assert abs(production.daily_factor_cv - CV) < 4 * CV / math.sqrt(2 * DAYS)
        ratios.append(production.produced_vs_plan)
    ratios = np.array(ratios)
    n = len(ratios)
    half = stats.t.ppf(0.995, n - 1) * ratios.std(ddof=1) / math.sqrt(n)
    assert abs(ratios.mean() - 1.0) <= half
    chi_low, chi_high = stats.chi2.ppf([0.005, 0.995], n - 1)
    assert (n - 1) * ratios.var(ddof=1) / chi_high <= band**2 <= (n - 1) * ratios.var(ddof=1) / chi_low


def test_fixed_production_is_the_plan_and_seeds_change_varied_production():
    fixed = _year(1, cv=0.0).production.iloc[0]
    assert fixed.produced_t == DAILY_T * DAYS and fixed.daily_factor_cv == 0.0
    a, b, again = (_year(seed).tonnage for seed in (1, 2, 1))
    pd.testing.assert_frame_equal(a, again, check_exact=True)
    assert a.produced_t.iloc[0] != b.produced_t.iloc[0]


@pytest.mark.slow
def test_same_seed_same_tables_in_process_and_in_a_pool(tmp_path):
    """The bundled variability (production and handling times) through the batch driver: a 2-worker pool
    writes the same run tables, bit for bit, as the in-process executor."""
    from freight_sim.experiments.batch import run_batch

    path = tmp_path / "v.yaml"
    path.write_text("name: v\nbase: bundled:changzhi\nreplications: 2\nsimulation: {days: 6}\n")
    runs = {}
    for executor, workers in (("inprocess", 1), ("pool", 2)):
        result = run_batch(path, tmp_path / executor, executor=executor, workers=workers)
        assert not result.failures
        runs[executor] = result
    pd.testing.assert_frame_equal(runs["inprocess"].metrics, runs["pool"].metrics, check_exact=True)
    folders = sorted((tmp_path / "inprocess" / "runs").iterdir())
    assert len(folders) == 2
    for folder in folders:
        for table in ("production", "tonnage", "resources"):
            mine = pd.read_parquet(folder / "tables" / f"{table}.parquet")
            theirs = pd.read_parquet(tmp_path / "pool" / "runs" / folder.name / "tables" / f"{table}.parquet")
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    production = pd.read_parquet(folders[0] / "tables" / "production.parquet")
    assert (production["distribution"] == "gamma").all() and production["daily_factor_cv"].gt(0).all()
