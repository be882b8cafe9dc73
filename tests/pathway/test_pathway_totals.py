"""A multi-year run's yearly values add up to the run's own totals (a run across New Year, after a warm-up)."""

from __future__ import annotations

import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario

OVERRIDES = [
    "simulation.start_date=2024-12-10",
    "simulation.days=40",
    "simulation.warmup_days=5",
    "simulation.record_legs=false",
    "pathway={years: {first: 2024, last: 2025}, sidings: {E04: {commissioned: 2024-12-28, ramp_up_months: 1}},"
    " grid: {2025: {new_energy_share: 0.5}}}",
]
SUMMED = ["nox_kg", "pm_kg", "so2_kg", "co2_ttw_t", "co2_wtw_t", "truck_trips", "train_departures", "transport_cost_cny", "cost_cny"]


@pytest.fixture(scope="module")
def output():
    return run_scenario(load_scenario(default_scenario_path(), OVERRIDES), seed=3)


@pytest.mark.slow
def test_the_yearly_values_sum_to_the_runs_totals(output):
    trajectory, summary = output.tables["trajectory"], output.summary
    city = trajectory[trajectory["enterprise"] == "city"].pivot(index="year", columns="metric", values="value")
    assert list(city.index) == [2024, 2025] and list(city["days"]) == [17, 18]
    assert summary["train_departures"] > 0 and (city["train_departures"] > 0).all()
    for metric in SUMMED:
        assert city[metric].sum() == pytest.approx(summary[metric], rel=1e-9), metric
    assert summary["train_departures_by_year"] == {str(y): float(v) for y, v in city["train_departures"].items()}
    # the enterprises' truck trips make up the city's, year by year
    trips = trajectory[(trajectory["enterprise"] != "city") & (trajectory["metric"] == "truck_trips")].groupby("year")["value"].sum()
    assert trips.to_dict() == pytest.approx(city["truck_trips"].to_dict())
