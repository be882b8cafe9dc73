"""Battery trucks swap on their empty return; on hauls too long for one battery at a far station first
(times worked out by hand)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from freight_sim.errors import ModelError
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import VEHICLES, PoolEntry, road_segment, single_lane_spec, swap_truck
from freight_sim.sim.spec import SwapStation, check_spec, stretch_need_kwh

# 100 kWh usable, 1 kWh/km loaded and empty, 0.5 h swap
BEV = swap_truck("bev-test", payload_t=33.0, battery_kwh=100.0, kwh_per_km_loaded=1.0, kwh_per_km_empty=1.0, swap_h=0.5)
T0, T1 = "E01/f1/road/0/bev-test/0", "E01/f1/road/0/bev-test/1"


def far_entry(n_trucks: int, km: float) -> PoolEntry:
    """SW1 lies 5 km off the loading end, SW2 5 km off the unloading end (0.25 h each); the haul is ``km`` at
    50 km/h, so SW2 -> SW1 is km + 10 (1.5 h at 50 km), SW2 -> loading end and unloading end -> SW1 km + 5."""
    h = km / 50.0
    return PoolEntry(
        vehicle_type="bev-test",
        count=n_trucks,
        swap_station="SW1",
        to_swap_km=km + 5.0,
        to_swap_h=h + 0.25,
        from_swap_km=5.0,
        from_swap_h=0.25,
        far_swap_station="SW2",
        to_far_km=5.0,
        to_far_h=0.25,
        far_to_swap_km=km + 10.0,
        far_to_swap_h=h + 0.5,
        far_to_load_km=km + 5.0,
        far_to_load_h=h + 0.25,
    )


def far_swap_spec(n_trucks: int, days: float, far_bays: int = 1, km: float = 50.0):
    # 50 km each way: SW1 -> loading end -> loaded leg -> SW1 needs 5 + 50 + 55 = 110 kWh, more than the
    # battery; with SW2 on the return first, SW1 -> loaded leg -> SW2 needs 5 + 50 + 5 = 60, SW2 -> SW1 60.
    seg = road_segment("E01", "C1", km, 50.0, (far_entry(n_trucks, km),))
    spec = single_lane_spec(seg, 66.0 * 24, days=days)  # 66 t in the pile at t=0, every hour after
    return dataclasses.replace(
        spec,
        vehicle_types=(*VEHICLES, BEV),
        swap_stations=(SwapStation("SW1", "SW1", 1), SwapStation("SW2", "SW2", far_bays)),
    )


def traced(spec, seed=1):
    events = []
    result = simulate_spec(spec, seed, trace=lambda t, who, what: events.append((t, who, what)))
    return events, result


def test_one_truck_swaps_at_the_far_station_then_before_loading():
    # Full battery (100): the cycle (100 kWh) would leave less than the next loaded leg and the way to SW2
    # (55), so this return goes via stations. Loads 0-0.25, 1 h loaded, unloaded at 1.5 with 50 kWh: too
    # little to reach SW1 directly (55), so SW2 first: there at 1.75, swap 1.75-2.25 (100 kWh). Straight on
    # to the loading end would leave 100 - 55 = 45 < 55: on to SW1 (1.5 h), swap 3.75-4.25, 0.25 h back: 4.5,
    # 95 kWh. The same again: unloaded 6.0 with 45 kWh, SW2 at 6.25; the horizon (7.2 h) comes before SW1.
    events, result = traced(far_swap_spec(1, days=0.3))
    assert events == [
        (0.0, T0, "load_start"),
        (1.5, T0, "unloaded"),
        (1.75, T0, "swap_start"),
        (3.75, T0, "swap_start"),
        (4.5, T0, "back"),
        (4.5, T0, "load_start"),
        (6.0, T0, "unloaded"),
        (6.25, T0, "swap_start"),
    ]
    # the return's extra km (5 + 60 + 5 - 50) are extra empty km of its own trip; the trip still under way
    # at the horizon has its row without an end
    legs = result.legs[["start_h", "end_h", "tonnes", "loaded_km", "empty_km", "detour_km"]].values.tolist()
    assert legs[0] == [0.0, 4.5, 33.0, 50.0, 70.0, 20.0]
    assert legs[1][0] == 4.5 and math.isnan(legs[1][1]) and legs[1][2:] == [33.0, 50.0, 70.0, 20.0]
    stations = result.resources.set_index("resource")
    assert (stations.loc["SW1"].requests, stations.loc["SW2"].requests) == (1, 2)
    assert stations.loc["SW2"].max_wait_h == 0.0
    assert result.tonnage.iloc[0].delivered_t == 66.0


def test_two_trucks_queue_at_a_one_bay_far_station():
    # Truck 1 waits for the loading bay (0-0.25) and is unloaded at 1.75; truck 0 swaps at SW2 1.75-2.25,
    # so truck 1, there at 2.0, waits 0.25 h.
    events, result = traced(far_swap_spec(2, days=0.15))  # horizon 3.6 h
    assert events == [
        (0.0, T0, "load_start"),
        (1.5, T0, "unloaded"),
        (0.0, T1, "bay_queue"),
        (0.25, T1, "load_start"),
        (1.75, T1, "unloaded"),
        (1.75, T0, "swap_start"),
        (2.25, T1, "swap_start"),
    ]
    far = result.resources.set_index("resource").loc["SW2"]
    assert (far.requests, far.mean_wait_h, far.max_wait_h) == (2, 0.125, 0.25)
    # two bays: no wait
    events, result = traced(far_swap_spec(2, days=0.15, far_bays=2))
    assert (2.0, T1, "swap_start") in events
    assert result.resources.set_index("resource").loc["SW2"].max_wait_h == 0.0


def test_far_station_is_used_only_when_the_swap_station_is_out_of_reach():
    # 20 km each way (a 40 kWh cycle); the next loaded leg and the way to SW2 need 25 kWh. 100 -> 60 plain;
    # 60 - 40 < 25: this return swaps, but the 40 kWh at the unloading end reach SW1 (25 km), so SW2 is
    # passed by: SW1 -> 95 at the loading end; 95 -> 55 plain; 55 - 40 < 25: via SW1 again, and so on.
    events, result = traced(far_swap_spec(1, days=0.6, km=20.0))  # horizon 14.4 h
    whats = [what for _, _, what in events]
    plain = ["load_start", "unloaded", "back"]
    swap = ["load_start", "unloaded", "swap_start", "back"]
    assert whats[:14] == (plain + swap) * 2
    stations = result.resources.set_index("resource")
    assert stations.loc["SW2"].requests == 0 and stations.loc["SW1"].requests >= 3
    # via SW1 the return is 25 + 5 km: 10 km more than the direct 20
    assert result.legs["detour_km"].tolist()[:4] == [0.0, 10.0, 0.0, 10.0]
    assert result.legs["empty_km"].tolist()[:4] == [20.0, 30.0, 20.0, 30.0]


def test_stretch_need_and_check_spec():
    seg = road_segment("E01", "C1", 50.0, 50.0, ())
    assert stretch_need_kwh(seg, BEV, far_entry(1, 50.0)) == (60.0, 60.0)
    assert stretch_need_kwh(seg, BEV, dataclasses.replace(far_entry(1, 50.0), far_swap_station=None)) == (110.0,)
    check_spec(far_swap_spec(1, days=1.0))  # each stretch fits
    with pytest.raises(ModelError, match="between two swaps"):
        check_spec(far_swap_spec(1, days=1.0, km=96.0))  # 5 + 96 + 5 > 100
    unknown = far_swap_spec(1, days=1.0)
    unknown = dataclasses.replace(unknown, swap_stations=unknown.swap_stations[:1])
    with pytest.raises(ModelError, match="far-end swap station"):
        check_spec(unknown)
