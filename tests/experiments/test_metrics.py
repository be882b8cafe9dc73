"""Metric rows from a run summary: numeric scalars only, units from the names."""

from __future__ import annotations

import math

import pytest

from freight_sim.experiments.metrics import metric_rows, unit_of


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("nox_kg", "kg"),
        ("co2_wtw_t", "t"),
        ("backlog_t", "t"),
        ("cost_cny", "CNY"),
        ("cost_cny_per_t", "CNY/t"),
        ("clean_transport_ratio", "1"),
        ("bev_share", "1"),
        ("truck_trips", "count"),
        ("train_departures", "count"),
        ("mean_queue_wait_h", "h"),
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
        ("model.swap_stations", "count"),
        ("model.enterprises", "count"),
        ("mystery", ""),
    ],
)
def test_unit_of(name, unit):
    assert unit_of(name) == unit


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
