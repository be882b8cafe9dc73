"""How closely fast mode reproduces full mode: the same scenario run in both modes over replications.

A city KPI agrees when fast mode's mean is within ``REL_TOLERANCE`` of full mode's mean or inside full
mode's 95% replication interval (Student t); an enterprise's ratio agrees when the means differ by at most
``RATIO_TOLERANCE_PP`` percentage points. ``benchmarks/run.py`` reports it on the bundled year and
``tests/validation/test_fast_mode.py`` checks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from freight_sim.config import load_scenario

CITY_KPIS = ("clean_transport_ratio", "nox_kg", "pm_kg", "co2_ttw_t", "co2_wtw_t", "cost_cny", "truck_trips")
REL_TOLERANCE = 0.01
RATIO_TOLERANCE_PP = 2.0


@dataclass(frozen=True, kw_only=True)
class ModeRuns:
    """One mode's replications: per KPI the values by replication, per enterprise its mean ratio, and timing."""

    kpis: dict[str, list[float]]
    enterprise_ratio: dict[str, float]
    sim_wall_s: list[float]
    events: list[int]


@dataclass(frozen=True, kw_only=True)
class Agreement:
    full: ModeRuns
    fast: ModeRuns
    rows: list[dict]  # per city KPI: full mean, fast mean, relative difference, interval, agrees
    worst_enterprise_pp: float
    worst_enterprise: str

    @property
    def max_rel_diff(self) -> float:
        return max(abs(row["rel_diff"]) for row in self.rows)

    @property
    def agrees(self) -> bool:
        return all(row["agrees"] for row in self.rows) and self.worst_enterprise_pp <= RATIO_TOLERANCE_PP

    @property
    def speedup(self) -> float:
        """Mean simulation wall time of a full-mode run over that of a fast-mode run."""
        return float(np.mean(self.full.sim_wall_s) / np.mean(self.fast.sim_wall_s))


def run_mode(path: Path, overrides: list[str], mode: str, seeds: list[int]) -> ModeRuns:
    """Run the scenario at ``path`` in ``mode`` once per seed (legs aggregated, as batches run)."""
    from freight_sim.runner import run_scenario

    scenario = load_scenario(path, [*overrides, f"simulation.mode={mode}", "simulation.record_legs=false"])
    kpis: dict[str, list[float]] = {name: [] for name in CITY_KPIS}
    ratios: dict[str, list[float]] = {}
    walls, events = [], []
    for seed in seeds:
        output = run_scenario(scenario, seed=seed)
        for name in CITY_KPIS:
            kpis[name].append(float(output.summary[name]))
        for row in output.tables["enterprises"].itertuples():
            if not math.isnan(row.ratio):
                ratios.setdefault(str(row.enterprise), []).append(float(row.ratio))
        walls.append(float(output.summary["sim_wall_s"]))
        events.append(int(output.summary["events"]))
    return ModeRuns(kpis=kpis, enterprise_ratio={e: float(np.mean(v)) for e, v in ratios.items()}, sim_wall_s=walls, events=events)


def interval(values: list[float]) -> tuple[float, float]:
    """The 95% Student-t interval of the mean of ``values`` (the mean itself with one value)."""
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean
    half = float(stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / math.sqrt(len(values)))
    return mean - half, mean + half


def compare(full: ModeRuns, fast: ModeRuns) -> Agreement:
    rows = []
    for name in CITY_KPIS:
        full_mean, fast_mean = float(np.mean(full.kpis[name])), float(np.mean(fast.kpis[name]))
        low, high = interval(full.kpis[name])
        rel = (fast_mean - full_mean) / full_mean if full_mean else 0.0
        rows.append(
            {
                "kpi": name,
                "full": full_mean,
                "fast": fast_mean,
                "rel_diff": rel,
                "full_ci_low": low,
                "full_ci_high": high,
                "agrees": abs(rel) <= REL_TOLERANCE or low <= fast_mean <= high,
            }
        )
    diffs = {e: 100.0 * abs(fast.enterprise_ratio.get(e, math.nan) - r) for e, r in full.enterprise_ratio.items()}
    worst = max(diffs, key=lambda e: -1.0 if math.isnan(diffs[e]) else diffs[e])
    worst_pp = math.inf if any(math.isnan(d) for d in diffs.values()) else diffs[worst]
    return Agreement(full=full, fast=fast, rows=rows, worst_enterprise_pp=worst_pp, worst_enterprise=worst)


def measure_agreement(path: Path, overrides: list[str], replications: int) -> Agreement:
    """Run the scenario at ``path`` in full and fast mode with the same seeds (its own seed, +1, ...) and compare."""
    seed = load_scenario(path, overrides).model.simulation.seed
    seeds = [seed + i for i in range(replications)]
    return compare(run_mode(path, overrides, "full", seeds), run_mode(path, overrides, "fast", seeds))
