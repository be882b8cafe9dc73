"""The engine's loading bay as an M/M/c queue: a model with an open source (truck loads at Poisson times)
and exponential loading, run end to end, against the Erlang C mean wait.

Each replication is one batch: its mean bay wait after a warm-up (the resources table). Replications are
independent (own seeds), so a Student t interval over the batch means is a proper confidence interval.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import mmc_bay_spec


def erlang_c_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue of M/M/c: the Erlang C probability of waiting / (c mu - lambda)."""
    a = arrival_rate / service_rate
    rho = a / servers
    assert rho < 1
    below = sum(a**k / math.factorial(k) for k in range(servers))
    top = a**servers / math.factorial(servers) / (1 - rho)
    return top / (below + top) / (servers * service_rate - arrival_rate)


def batch_means(arrival_rate: float, mean_service_h: float, bays: int, replications: int, days: float) -> tuple[np.ndarray, list]:
    spec = mmc_bay_spec(arrival_rate, mean_service_h, bays, days=days, warmup_days=2.0)
    means, rows = [], []
    for seed in range(1, replications + 1):
        result = simulate_spec(spec, seed=1000 + seed)
        bay = result.resources.set_index("resource").loc["E01"]
        assert (result.daily["stock_t"] == 0).all()  # every load found an idle truck at once: arrivals stay Poisson
        means.append(bay.mean_wait_h)
        rows.append(bay)
    return np.array(means), rows


def t_interval(values: np.ndarray, confidence: float = 0.99) -> tuple[float, float]:
    half = stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return values.mean() - half, values.mean() + half


@pytest.mark.parametrize(("lam", "mean_service_h", "bays"), [(10.0, 0.25, 3), (3.0, 0.2, 1)])
def test_mmc_bay_mean_wait_within_the_erlang_c_interval(lam, mean_service_h, bays):
    means, rows = batch_means(lam, mean_service_h, bays, replications=16, days=40.0)
    expected = erlang_c_mean_wait(lam, 1 / mean_service_h, bays)
    low, high = t_interval(means)
    assert low <= expected <= high, (low, expected, high)
    assert high - low < 0.25 * expected  # tight enough to tell a wrong queue apart
    utilisation = np.mean([row.utilisation for row in rows])
    assert abs(utilisation - lam * mean_service_h / bays) < 0.02


def test_fixed_loading_waits_less_than_exponential():
    """Metamorphic: M/D/c waits about half as long as M/M/c (Pollaczek-Khinchine for c = 1: exactly half)."""
    import dataclasses

    from freight_sim.sim.spec import ServiceTimes

    spec = mmc_bay_spec(3.0, 0.2, 1, days=40.0, warmup_days=2.0)
    fixed = dataclasses.replace(spec, service_times=ServiceTimes())
    waits = [simulate_spec(fixed, seed=s).resources.set_index("resource").loc["E01"].mean_wait_h for s in range(8)]
    expected_md1 = erlang_c_mean_wait(3.0, 5.0, 1) / 2
    low, high = t_interval(np.array(waits))
    assert low <= expected_md1 <= high, (low, expected_md1, high)


MMC_VARIABILITY = """
production: {%s}
handling:
  truck_loading: {distribution: exponential}
  truck_unloading: {distribution: fixed}
  battery_swap: {distribution: fixed}
  train_loading: {distribution: fixed}
"""


@pytest.mark.slow
def test_a_scenario_expresses_an_mmc_bay(tmp_path):
    """The same check from a scenario file: its own variability file makes production an open source of
    Poisson truck loads and loading exponential; 100 trucks keep a truck free for every load."""
    from freight_sim.config import load_scenario
    from freight_sim.config.scenario import EnterpriseKind
    from freight_sim.sim.api import build_spec

    kinds = ", ".join(f"{kind.value}: {{distribution: poisson}}" for kind in EnterpriseKind)
    (tmp_path / "mmc.yaml").write_text(MMC_VARIABILITY % kinds, encoding="utf-8")
    valid = Path(__file__).resolve().parents[1] / "data" / "broken" / "valid.yaml"
    scenario = tmp_path / "mmc-bay.yaml"
    scenario.write_text(
        f"base: {valid}\nenterprises:\n  E01: {{loading_bays: 2, truck_loading_h: 0.3, trucks: 100}}\n"
        "simulation: {days: 40, warmup_days: 2, variability: mmc.yaml}\n",
        encoding="utf-8",
    )
    spec = build_spec(load_scenario(scenario))
    assert spec.enterprises[0].production.distribution == "poisson"
    assert spec.service_times.truck_loading.distribution == "exponential"
    lane = spec.lanes[0]
    lam = lane.daily_t[0] / 33.0 / 24.0  # loads per hour (33 t trucks)
    means = []
    for seed in range(10):
        result = simulate_spec(spec, seed=seed)
        assert (result.daily["stock_t"] == 0).all()
        means.append(result.resources.set_index("resource").loc["E01"].mean_wait_h)
    low, high = t_interval(np.array(means))
    expected = erlang_c_mean_wait(lam, 1 / 0.3, 2)
    assert low <= expected <= high, (low, expected, high)


def test_poisson_production_of_a_plant_whose_flow_starts_by_rail_is_refused_where_it_is_chosen(tmp_path):
    """An open source brings truck loads: validate refuses it (the scenario's simulation.variability line)
    for an enterprise with a flow that leaves by its own siding or by conveyor, instead of the run failing."""
    from freight_sim.config import load_scenario
    from freight_sim.config.scenario import EnterpriseKind
    from freight_sim.errors import ConfigError
    from freight_sim.paths import default_scenario_path
    from freight_sim.scenario_checks import checked_spec

    kinds = ", ".join(f"{kind.value}: {{distribution: poisson}}" for kind in EnterpriseKind)
    (tmp_path / "open.yaml").write_text(MMC_VARIABILITY % kinds, encoding="utf-8")
    scenario = tmp_path / "open-source.yaml"
    scenario.write_text(f"base: {default_scenario_path()}\nsimulation:\n  days: 5\n  variability: open.yaml\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        checked_spec(load_scenario(scenario))
    lines = caught.value.lines
    assert lines and all(line.startswith(f"{scenario}:4: simulation.variability: enterprise ") for line in lines), lines
    assert any("starts with rail" in line for line in lines), lines
