"""A trajectory year equals a single-year run configured like that year (metamorphic, within replication noise).

The whole calendar year 2025 is compared, at a tenth of the bundled demand (the model at full demand takes
about a minute a year; the relation holds at any demand)."""

from __future__ import annotations

import numpy as np
import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario

RENEWED = ["E06", "E09", "E10", "E11", "E16", "E18"]
DEMAND = 0.1  # of the bundled t/yr
COMMON = ["simulation.start_date=2024-12-01", "simulation.days=396", "simulation.record_legs=false", f"demand_scale={DEMAND}"]
SHIFTED = "enterprises: [E06], flows: [f03_coking_coal_e21], start: 2024-12-01, shares: {road: 0.25, drayage_rail: 0.75}"
# measures dated inside December 2024, so all of 2025 runs in their final state
PATHWAY = [
    *COMMON,
    "simulation.warmup_days=0",
    "pathway={years: {first: 2024, last: 2025}, sidings: {E04: {commissioned: 2024-12-01, ramp_up_months: 0}},"
    f" fleet_renewals: {{nev: {{fleet: drayage, enterprises: [{', '.join(RENEWED)}], mix: nev-drayage, start: 2024-12-01,"
    " turnover_months: 1}}, chain_shifts: {rail: {" + SHIFTED + "}}, grid: {2025: {new_energy_share: 0.3}}, demand_index: {2025: 1.1}}",
]
# the same state from the start; December is the warm-up, 2025 is measured
SINGLE_YEAR = [
    *COMMON,
    "simulation.warmup_days=31",
    "enterprises.E04.siding.enabled=true",
    *(f"enterprises.{eid}.drayage_fleet_mix=nev-drayage" for eid in RENEWED),
    "enterprises.E06.flows.f03_coking_coal_e21.chain_shares={road: 0.25, drayage_rail: 0.75}",
    "accounting.grid.new_energy_share=0.3",
    f"demand_scale={DEMAND * 1.1}",
]
SEEDS = (11, 12, 13)
ENTERPRISES = ("E04", "E06", "E09")  # a dated siding, a chain shift (and a renewal), a renewal
METRICS = {  # trajectory metric -> summary key
    "clean_transport_ratio": "clean_transport_ratio",
    "nox_kg": "nox_kg",
    "pm_kg": "pm_kg",
    "co2_ttw_t": "co2_ttw_t",
    "co2_wtw_t": "co2_wtw_t",
    "truck_trips": "truck_trips",
    "train_departures": "train_departures",
    "cost_cny": "cost_cny",
}


@pytest.mark.slow
def test_a_trajectory_year_equals_a_single_year_run_of_that_years_configuration():
    pathway = load_scenario(default_scenario_path(), PATHWAY)
    single = load_scenario(default_scenario_path(), SINGLE_YEAR)
    names = [*METRICS, *(f"ratio {eid}" for eid in ENTERPRISES)]
    from_pathway: dict[str, list[float]] = {m: [] for m in names}
    from_single: dict[str, list[float]] = {m: [] for m in names}
    for seed in SEEDS:
        trajectory = run_scenario(pathway, seed=seed).tables["trajectory"]
        city = trajectory[(trajectory["enterprise"] == "city") & (trajectory["year"] == 2025)].set_index("metric")["value"]
        assert city["days"] == 365
        summary = run_scenario(single, seed=seed).summary
        assert summary["simulated_days"] == 365
        for metric, key in METRICS.items():
            from_pathway[metric].append(float(city[metric]))
            from_single[metric].append(float(summary[key]))
        for eid in ENTERPRISES:
            ratio = trajectory[
                (trajectory["enterprise"] == eid) & (trajectory["year"] == 2025) & (trajectory["metric"] == "clean_transport_ratio")
            ]
            from_pathway[f"ratio {eid}"].append(float(ratio["value"].iloc[0]))
            from_single[f"ratio {eid}"].append(float(summary["enterprise_ratio"][eid]))
    for metric in names:
        a, b = np.array(from_pathway[metric]), np.array(from_single[metric])
        noise = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / len(SEEDS))
        # within 4 standard errors of the difference, or 0.5% (truck counts and pile sizes follow the largest
        # tonnage of the run, which the pathway's December sets; measured: at most 0.16%, E06's ratio)
        assert abs(a.mean() - b.mean()) <= max(4 * noise, 0.005 * abs(b.mean())), (metric, a, b)
