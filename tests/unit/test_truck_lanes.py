"""The truck-lane table and battery-truck figures hold for runs without any truck trip."""

from __future__ import annotations

import math

import pandas as pd

from freight_sim.fleet.catalog import load_catalog
from freight_sim.kpis import battery_truck_figures, truck_lane_table


def test_no_road_rows_give_an_empty_table_and_nan_figures():
    accounted = pd.DataFrame(
        {
            "enterprise": ["E01"],
            "flow": ["f"],
            "chain": ["rail_siding"],
            "segment": ["long_haul"],
            "vehicle_type": ["rail-electric"],
            "mode": ["rail"],
            "trips": [1],
            "tonnes": [3000.0],
            "loaded_km": [80.0],
            "empty_km": [80.0],
            "detour_km": [0.0],
            "tkm": [240_000.0],
            "co2_wtw_kg": [2000.0],
        }
    )
    lanes = truck_lane_table(accounted, load_catalog())
    assert lanes.empty and lanes["battery"].dtype == bool
    figures = battery_truck_figures(lanes, accounted)
    assert math.isnan(figures["battery_truck_detour_share"]) and math.isnan(figures["battery_truck_co2_wtw_g_per_tkm"])
