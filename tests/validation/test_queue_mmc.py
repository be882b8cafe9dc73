"""A loading bay (the engine's FIFO c-server booking) with Poisson arrivals and exponential service
against the Erlang C mean wait of an M/M/c queue, with a batch-means confidence interval."""

from __future__ import annotations

import math

import numpy as np
import simpy
from scipy import stats

from freight_sim.sim.resources import FifoServers


def erlang_c_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue of M/M/c (Erlang C probability of waiting / (c*mu - lambda))."""
    a = arrival_rate / service_rate
    rho = a / servers
    terms = sum(a**k / math.factorial(k) for k in range(servers))
    top = a**servers / math.factorial(servers) / (1 - rho)
    p_wait = top / (terms + top)
    return p_wait / (servers * service_rate - arrival_rate)


def run_bay(arrival_rate: float, service_rate: float, servers: int, customers: int, seed: int) -> tuple[np.ndarray, FifoServers, float]:
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / arrival_rate, customers).tolist()
    services = rng.exponential(1 / service_rate, customers).tolist()
    env = simpy.Environment()
    bay = FifoServers("bay", "loading_bays", servers)
    waits: list[float] = []

    def arrivals():
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            waits.append(bay.book(env.now, service) - env.now)

    env.process(arrivals())
    env.run()
    return np.array(waits), bay, env.now


def batch_means_ci(values: np.ndarray, batches: int = 30, confidence: float = 0.99) -> tuple[float, float]:
    means = np.array([b.mean() for b in np.array_split(values, batches)])
    half = stats.t.ppf(0.5 + confidence / 2, batches - 1) * means.std(ddof=1) / math.sqrt(batches)
    return means.mean() - half, means.mean() + half


def test_mmc_mean_wait_matches_erlang_c():
    lam, mu, c = 10.0, 4.0, 3  # rho = 0.833
    waits, _, _ = run_bay(lam, mu, c, 300_000, seed=12345)
    steady = waits[len(waits) // 10 :]
    low, high = batch_means_ci(steady)
    expected = erlang_c_mean_wait(lam, mu, c)
    assert low <= expected <= high, (low, expected, high)
    assert high - low < 0.2 * expected  # the interval is tight enough to mean something


def test_mm1_mean_wait_matches_theory():
    lam, mu = 3.0, 5.0  # M/M/1: Wq = rho / (mu - lambda)
    waits, _, _ = run_bay(lam, mu, 1, 200_000, seed=99)
    low, high = batch_means_ci(waits[len(waits) // 10 :])
    assert low <= (lam / mu) / (mu - lam) <= high


def test_bay_counters_agree_with_the_waits():
    waits, bay, end_h = run_bay(10.0, 4.0, 3, 50_000, seed=3)
    row = bay.stats_row(end_h)
    assert row["requests"] == len(waits)
    assert math.isclose(row["mean_wait_h"], waits.mean(), rel_tol=1e-9)
    assert row["max_wait_h"] == waits.max()
    assert abs(row["utilisation"] - 10.0 / (3 * 4.0)) < 0.02
