"""Metric rows from a run summary: numeric scalars only, units from the names."""

from __future__ import annotations

import math

import pytest

from freight_sim.experiments.metrics import declared_metrics, metric_rows, unit_of
from freight_sim.metric import Better, Metric, MetricCatalog


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("nox_kg", "kg"),
        ("co2_wtw_t", "t"),
        ("backlog_t", "t"),
        ("cost_cny", "CNY"),
        ("cost_cny_per_t", "CNY/t"),
        ("clean_transport_ratio", "1"),
        ("enterprise_ratio.E04", "1"),
        ("truck_trips", "count"),
        ("train_departures", "count"),
        ("energy_kwh", "kWh"),
        ("tonnes_by_chain.road", "t"),
        ("grid_kg_co2_per_kwh", "kg CO2/kWh"),
        ("tonnes_delivered", "t"),
        ("enterprises_compliant", "count"),
        ("events", "count"),
        ("diesel_l", "L"),
        ("simulated_days", "d"),
        ("train_slots_missed", "count"),
        ("scope_threshold_t_per_year", "t/yr"),
        ("model.lanes", "count"),
        ("mystery_kg", ""),  # not declared: no unit is guessed from the name
    ],
)
def test_unit_of(name, unit):
    assert unit_of(name) == unit


@pytest.mark.parametrize(
    ("name", "better"),
    [
        ("clean_transport_ratio", Better.HIGHER),
        ("enterprise_ratio.E04", Better.HIGHER),
        ("enterprises_compliant", Better.HIGHER),
        ("nox_kg", Better.LOWER),
        ("co2_wtw_t", Better.LOWER),
        ("truck_trips", Better.LOWER),
        ("cost_cny", Better.LOWER),
        ("backlog_t", Better.LOWER),
        ("tonnes_by_chain.road", Better.NEITHER),
        ("events", Better.NEITHER),
        ("mystery", Better.NEITHER),
    ],
)
def test_declared_direction(name, better):
    assert declared_metrics().better(name) == better


def test_improvement_has_the_declared_sign():
    catalog = declared_metrics()
    assert catalog.get("nox_kg").improvement(-3.0) == 3.0  # 3 kg less NOx is an improvement of 3
    assert catalog.get("clean_transport_ratio").improvement(0.05) == 0.05
    assert math.isnan(catalog.get("tonnes_in_stock").improvement(1.0))


def test_every_number_of_a_run_summary_is_declared(tmp_path):
    """A short real run: each metric row has a declaration (unit and direction), none is left to guessing."""
    from freight_sim.config import load_scenario
    from freight_sim.paths import default_scenario_path
    from freight_sim.runner import run_scenario

    loaded = load_scenario(default_scenario_path(), ["simulation.days=2"])
    summary = run_scenario(loaded).summary
    undeclared = [name for name, _, _ in metric_rows(summary) if name not in declared_metrics()]
    assert not undeclared, f"declare these metrics where they are made: {undeclared}"
    assert any(name.startswith("enterprise_ratio.") for name, _, _ in metric_rows(summary))


def test_a_metric_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        MetricCatalog([Metric(name="x", unit="t", better=Better.LOWER, label="x")] * 2)


def test_metric_rows_keep_numbers_flatten_one_level_and_skip_the_rest():
    summary = {
        "scenario": "x",
        "nox_kg": 12,
        "clean_transport_ratio": 0.5,
        "compliant": True,
        "tonnes_by_chain": {"road": 10.0, "rail_siding": 30.0, "note": "t"},
        "enterprises": [{"id": "E01", "nox_kg": 1.0}],
        "cost_cny": float("inf"),
        "wall_s": 1.3,
        "sim_wall_s": 0.8,
        "seed": 7,
    }
    rows = metric_rows(summary)
    assert [(m, u) for m, _, u in rows] == [
        ("nox_kg", "kg"),
        ("clean_transport_ratio", "1"),
        ("tonnes_by_chain.road", "t"),
        ("tonnes_by_chain.rail_siding", "t"),
        ("cost_cny", "CNY"),
    ]
    assert rows[0][1] == 12.0 and isinstance(rows[0][1], float)
    assert math.isnan(rows[-1][1])


def test_every_number_of_a_pathway_run_summary_is_declared():
    """A pathway run adds figures by year; each is declared with its unit and direction."""
    from freight_sim.config import load_scenario
    from freight_sim.paths import experiments_dir
    from freight_sim.runner import run_scenario

    overrides = ["simulation.start_date=2025-12-30", "simulation.days=3"]
    summary = run_scenario(load_scenario(experiments_dir() / "pathway-current-plan.yaml", overrides)).summary
    rows = metric_rows(summary)
    undeclared = [name for name, _, _ in rows if name not in declared_metrics()]
    assert not undeclared, f"declare these metrics where they are made: {undeclared}"
    names = {name for name, _, _ in rows}
    assert {"ratio_by_year.2025", "ratio_by_year.2026", "enterprises_meeting_target.2026", "npv_cost_cny"} <= names
    assert declared_metrics().better("ratio_by_year.2026") == Better.HIGHER
