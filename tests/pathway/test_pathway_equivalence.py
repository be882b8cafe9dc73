"""A trajectory year equals a single-year run configured like that year (metamorphic, within replication noise)."""

from __future__ import annotations

import numpy as np
import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario

RENEWED = ["E06", "E09", "E10", "E11", "E16", "E18"]
COMMON = ["simulation.start_date=2024-12-01", "simulation.days=90", "simulation.record_legs=false"]
# measures dated inside December 2024, so all of January-February 2025 runs in their final state
PATHWAY = [
    *COMMON,
    "simulation.warmup_days=0",
    "pathway={years: {first: 2024, last: 2025}, sidings: {E04: {commissioned: 2024-12-01, ramp_up_months: 0}},"
    f" fleet_renewals: {{nev: {{fleet: drayage, enterprises: [{', '.join(RENEWED)}], mix: nev-drayage, start: 2024-12-01,"
    " turnover_months: 1}}, grid: {2025: {new_energy_share: 0.3}}, demand_index: {2025: 1.1}}",
]
# the same state from the start; December is the warm-up, January-February are measured
SINGLE_YEAR = [
    *COMMON,
    "simulation.warmup_days=31",
    "enterprises.E04.siding.enabled=true",
    *(f"enterprises.{eid}.drayage_fleet_mix=nev-drayage" for eid in RENEWED),
    "accounting.grid.new_energy_share=0.3",
    "demand_scale=1.1",
]
SEEDS = (11, 12, 13)
METRICS = {  # trajectory metric -> summary key
    "clean_transport_ratio": "clean_transport_ratio",
    "nox_kg": "nox_kg",
    "co2_wtw_t": "co2_wtw_t",
    "truck_trips": "truck_trips",
    "cost_cny": "cost_cny",
}


@pytest.mark.slow
def test_a_trajectory_year_equals_a_single_year_run_of_that_years_configuration():
    pathway = load_scenario(default_scenario_path(), PATHWAY)
    single = load_scenario(default_scenario_path(), SINGLE_YEAR)
    from_pathway: dict[str, list[float]] = {m: [] for m in METRICS}
    from_single: dict[str, list[float]] = {m: [] for m in METRICS}
    for seed in SEEDS:
        trajectory = run_scenario(pathway, seed=seed).tables["trajectory"]
        city = trajectory[(trajectory["enterprise"] == "city") & (trajectory["year"] == 2025)].set_index("metric")["value"]
        assert city["days"] == 59
        summary = run_scenario(single, seed=seed).summary
        assert summary["simulated_days"] == 59
        for metric, key in METRICS.items():
            from_pathway[metric].append(float(city[metric]))
            from_single[metric].append(float(summary[key]))
    for metric in METRICS:
        a, b = np.array(from_pathway[metric]), np.array(from_single[metric])
        noise = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / len(SEEDS))
        # within 4 standard errors of the difference, or 1% (truck counts and pile sizes follow the largest
        # tonnage of the run, which the pathway's December sets)
        assert abs(a.mean() - b.mean()) <= max(4 * noise, 0.01 * abs(b.mean())), (metric, a, b)
