"""Spread of a sampled batch's metrics: what the uncertain inputs cause, apart from simulation noise.

With S sample points (uncertain inputs and other sampled parameters) and R replications at each (the same
seeds at every point: common random numbers), a one-way random-effects split of each variant's runs:

- ``noise_std``: simulation noise, the pooled standard deviation of runs around their sample point's mean
  (NaN with one replication);
- ``input_std``: the spread due to the sampled inputs, sqrt(max(0, var of the point means - noise var / R));
- ``input_low`` .. ``input_high``: the 2.5% and 97.5% quantiles of the point means (the range the inputs
  span, noise of R replications included);
- ``ci_low`` .. ``ci_high``: the 95% t interval of the overall mean over the point means (how well the
  batch pins the expectation over the inputs); ``input_share``: input variance / (input + noise variance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from freight_sim.experiments.summary import CONFIDENCE, t_interval

SPREAD_COLUMNS = [
    "variant", "metric", "unit", "samples", "replications", "mean", "input_std", "noise_std", "input_share",
    "input_low", "input_high", "ci_low", "ci_high",
]  # fmt: skip


def point_means(group: pd.DataFrame) -> pd.Series:
    """Mean over replications per sample point (NaN values left out)."""
    return group.dropna(subset=["value"]).groupby("sample")["value"].mean()


def input_quantiles(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The central ``confidence`` range of ``values`` (NaN for fewer than two)."""
    if len(values) < 2:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)


def spread_table(metrics: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per (variant, metric) of a sampled batch (runs with a sample index), columns SPREAD_COLUMNS."""
    sampled = metrics.dropna(subset=["sample"])
    rows = []
    for (variant, metric, unit), group in sampled.groupby(["variant", "metric", "unit"], sort=True):
        group = group.dropna(subset=["value"])
        means = point_means(group)
        if len(means) == 0:
            continue
        counts = group.groupby("sample")["value"].count()
        variances = group.groupby("sample")["value"].var(ddof=1).dropna()
        reps = float(counts.mean())
        noise_var = float(variances.mean()) if len(variances) else float("nan")
        between = float(means.var(ddof=1)) if len(means) > 1 else float("nan")
        input_var = max(0.0, between - (noise_var / reps if np.isfinite(noise_var) else 0.0)) if np.isfinite(between) else float("nan")
        total = input_var + noise_var
        share = input_var / total if np.isfinite(total) and total > 0 else float("nan")
        _, mean, _, low, high = t_interval(means.to_numpy(), confidence)
        rows.append(
            (
                variant, metric, unit, len(means), int(counts.min()), mean, np.sqrt(input_var), np.sqrt(noise_var), share,
                *input_quantiles(means.to_numpy(), confidence), low, high,
            )
        )  # fmt: skip
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS)
