"""Ratio audit against hand computation, compliance and what-if (pure functions)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from record_generators import HEADER, TEN_ROWS, TEN_ROWS_CLEAN_T, TEN_ROWS_TOTAL_T, many_rows, write_csv

from freight_sim.policy.compliance import compliance, what_if_to_target
from freight_sim.policy.profiles import get_profile
from freight_sim.records import audit, clean_mask, read_records


@pytest.fixture()
def ten(tmp_path):
    return read_records([write_csv(tmp_path / "ten.csv", [HEADER] + TEN_ROWS, "gbk")]).frame


@pytest.mark.parametrize("profile", sorted(TEN_ROWS_CLEAN_T))
def test_ten_row_ratio_matches_hand_computation(ten, profile):
    result = audit(ten, get_profile(profile), target=0.8)
    assert result.profile == profile
    assert result.tonnes_total == TEN_ROWS_TOTAL_T
    assert result.tonnes_clean == TEN_ROWS_CLEAN_T[profile]
    assert result.ratio == TEN_ROWS_CLEAN_T[profile] / TEN_ROWS_TOTAL_T


def test_ten_row_breakdowns(ten):
    profile = get_profile("nev-counts")
    by_month = audit(ten, profile, 0.8, "month").breakdown
    # January: 30 diesel, 32 diesel, 31 BEV, 29 swap BEV -> 60 of 122 clean
    assert by_month.to_dict("records") == [
        {"key": "2025-01", "tonnes": 122.0, "clean_tonnes": 60.0, "ratio": 60.0 / 122.0},
        {"key": "2025-02", "tonnes": 278.0, "clean_tonnes": 180.0, "ratio": 180.0 / 278.0},
    ]
    by_mode = audit(ten, profile, 0.8, "mode").breakdown.set_index("key")["clean_tonnes"].to_dict()
    assert by_mode == {"conveyor": 50.0, "rail": 100.0, "road": 90.0}
    by_direction = audit(ten, profile, 0.8, "direction").breakdown.set_index("key")["tonnes"].to_dict()
    assert by_direction == {"in": 213.0, "out": 187.0}
    by_material = audit(ten, profile, 0.8, "material").breakdown.set_index("key")["tonnes"].to_dict()
    assert by_material == {"原煤": 213.0, "焦炭": 187.0}


def test_ten_row_what_if(ten):
    result = audit(ten, get_profile("nev-counts"), 0.8)
    assert result.compliance.compliant is False
    assert result.compliance.gap == pytest.approx(0.2)
    # 0.8 * 400 - 240 = 80 t; non-clean road rows 30+32+33+34+31 = 160 t in 5 trips -> 32 t/trip -> 3 trips;
    # 5 trips by 4 distinct plates -> 1.25 trips/truck -> ceil(3 / 1.25) = 3 trucks
    what_if = result.what_if
    assert what_if.tonnes_to_shift == pytest.approx(80.0)
    assert (what_if.tonnes_per_truck_trip, what_if.truck_trips_to_shift) == (32.0, 3)
    assert (what_if.trips_per_truck, what_if.trucks_to_replace) == (1.25, 3)
    assert result.trucks.distinct_trucks == 4


def test_road_without_fuel_is_never_clean_even_with_cn6():
    frame = pd.DataFrame({"mode": ["road", "road", "rail"], "fuel": [None, "diesel", None], "standard": ["cn6", "cn6", None]})
    assert list(clean_mask(frame, get_profile("nev-cn6-counts"))) == [False, True, True]
    assert list(clean_mask(frame, get_profile("strict-2019"))) == [False, False, True]


def test_ratio_on_many_rows_equals_a_row_by_row_sum(tmp_path):
    rows = many_rows(600)
    records = read_records([write_csv(tmp_path / "many.csv", [HEADER] + rows)])
    profile = get_profile("nev-counts")
    clean_labels = {"纯电", "换电"}
    expected_clean = sum(float(r[5]) for r in rows if r[8] != "公路" or r[3] in clean_labels)
    expected_total = sum(float(r[5]) for r in rows)
    result = audit(records.frame, profile, 0.8, "month")
    assert result.tonnes_clean == pytest.approx(expected_clean, rel=1e-12)
    assert result.tonnes_total == pytest.approx(expected_total, rel=1e-12)
    assert result.breakdown["tonnes"].sum() == pytest.approx(expected_total, rel=1e-12)
    assert len(result.breakdown) == 12


def test_empty_frame_has_no_ratio(tmp_path):
    frame = read_records([write_csv(tmp_path / "h.csv", [HEADER])]).frame
    result = audit(frame, get_profile("nev-counts"), 0.8)
    assert result.ratio is None and result.compliance is None and result.breakdown.empty


def test_compliance_threshold_and_tolerance():
    assert compliance(0.8, 0.8).compliant
    assert compliance(8 / 10 - 1e-12, 0.8).compliant
    assert not compliance(0.79, 0.8).compliant
    assert compliance(0.79, 0.8).gap == pytest.approx(0.01)
    with pytest.raises(ValueError):
        compliance(1.2, 0.8)


def test_what_if_arithmetic():
    what_if = what_if_to_target(1000.0, 500.0, 0.8, 30.0, 10.0)
    assert what_if.tonnes_to_shift == pytest.approx(300.0)
    assert what_if.truck_trips_to_shift == 10
    assert what_if.trucks_to_replace == 1
    uneven = what_if_to_target(1000.0, 500.0, 0.8, 33.0, 4.0)
    assert uneven.truck_trips_to_shift == math.ceil(300.0 / 33.0) == 10
    assert uneven.trucks_to_replace == 3
    done = what_if_to_target(1000.0, 900.0, 0.8, 33.0, 4.0)
    assert (done.tonnes_to_shift, done.truck_trips_to_shift, done.trucks_to_replace) == (0.0, 0, 0)
    unknown = what_if_to_target(1000.0, 500.0, 0.8, None, None)
    assert (unknown.truck_trips_to_shift, unknown.trucks_to_replace) == (None, None)
    with pytest.raises(ValueError):
        what_if_to_target(100.0, 200.0, 0.8, 30.0, 1.0)
