"""Sampled outages against the two-state Markov availability model they are drawn from.

Running spells have mean U and outages mean D, both exponential, with D / (U + D) = p, the share of time
down. Over a total time T the time-average of the down indicator has variance 2 p (1 - p) tau / T, with
tau = U D / (U + D) its correlation time; the sampled share must lie within 4 standard errors of p.
"""

from __future__ import annotations

import math

import numpy as np

from freight_sim.sim.calendar import sample_outages


def test_long_run_down_share_and_spell_length_match_the_markov_model():
    days_per_year, mean_days, n_days, plants = 18.25, 2.0, 3650, 200
    p = days_per_year / 365.0
    up_mean = mean_days * (1 - p) / p
    tau = up_mean * mean_days / (up_mean + mean_days)
    rng = np.random.default_rng(11)
    down_days, lengths = 0.0, []
    for _ in range(plants):
        spells = sample_outages(days_per_year, mean_days, n_days, rng)
        assert all(0 <= start < n_days and start + days <= n_days + 1e-9 for start, days in spells)
        down_days += sum(days for _, days in spells)
        lengths += [days for start, days in spells if start > 0 and start + days < n_days]  # whole spells only
    total = plants * n_days
    standard_error = math.sqrt(2 * p * (1 - p) * tau / total)
    assert abs(down_days / total - p) < 4 * standard_error
    # exponential spell lengths: the mean of n of them has standard error D / sqrt(n)
    assert abs(np.mean(lengths) - mean_days) < 4 * mean_days / math.sqrt(len(lengths))


def test_a_run_starts_in_the_stationary_state():
    # down at day 0 with probability p, like any other day: no burst of outages at the start of a run
    p, plants = 0.1, 4000
    rng = np.random.default_rng(5)
    down_at_start = sum(1 for _ in range(plants) if (spells := sample_outages(36.5, 3.0, 30, rng)) and spells[0][0] == 0.0)
    assert abs(down_at_start / plants - p) < 4 * math.sqrt(p * (1 - p) / plants)
