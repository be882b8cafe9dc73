"""A multi-year run's yearly values add up to the run's own totals (a run across New Year, after a warm-up)."""

from __future__ import annotations

import datetime as dt

import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.pathway.trajectory import full_capacity_from
from freight_sim.runner import run_scenario
from freight_sim.sim.pathway_inputs import siding_share

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


def test_a_siding_reaches_full_capacity_in_its_last_ramp_up_month():
    assert full_capacity_from(dt.date(2025, 7, 15), 0) == dt.date(2025, 7, 15)
    assert full_capacity_from(dt.date(2025, 7, 15), 1) == dt.date(2025, 7, 15)
    assert full_capacity_from(dt.date(2025, 7, 15), 6) == dt.date(2025, 12, 1)  # July is month 1: 6/6 in December
    assert siding_share(dt.date(2025, 7, 15), 6, dt.date(2025, 11, 30)) < 1.0 == siding_share(dt.date(2025, 7, 15), 6, dt.date(2025, 12, 1))


@pytest.mark.slow
def test_the_sidings_built_table_shows_a_dated_siding_with_its_dates_and_the_cost_from_its_commissioning_day(output):
    built = output.tables["sidings_built"].set_index("enterprise")
    assert list(built.index) == ["E04"]  # the bundled scenario builds no candidate siding from the start
    e04 = built.loc["E04"]
    assert (e04["commissioned"], e04["ramp_up_months"], e04["full_capacity_from"]) == ("2024-12-28", 1, "2024-12-28")
    open_days = (dt.date(2025, 1, 19) - dt.date(2024, 12, 28)).days  # to the end of the 40-day run
    assert e04["period_cost_cny"] == pytest.approx(e04["annual_cost_cny"] * open_days / 365.0, rel=1e-12)
    assert output.summary["siding_capital_cost_cny"] == pytest.approx(e04["period_cost_cny"], rel=1e-12)
    assert output.summary["candidate_sidings_built"] == 1
