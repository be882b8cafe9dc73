"""Battery trucks on hauls too long for one battery swap near the far end (times worked out by hand)."""

from __future__ import annotations

import dataclasses

import pytest

from freight_sim.errors import ModelError
from freight_sim.sim.engine import simulate
from freight_sim.sim.examples import VEHICLES, PoolEntry, road_segment, single_lane_spec
from freight_sim.sim.spec import SwapStation, VehicleType, check_spec, half_trip_need_kwh

# 100 kWh usable, 1 kWh/km loaded and empty, 0.5 h swap
BEV = VehicleType("bev-test", "road", 33.0, 100.0, 1.0, 1.0, 1.0, "swap", 0.5, "bev-test")
T0, T1 = "E01/f1/road/0/bev-test/0", "E01/f1/road/0/bev-test/1"


def far_swap_spec(n_trucks: int, days: float, far_bays: int = 1, km: float = 50.0):
    # 50 km at 50 km/h each way: a 100 kWh round trip, which with the 10 km base detour does not fit the
    # battery; with swaps at both ends each half needs 5 + 50 + 5 = 60 kWh. Both detours: 10 km, 0.5 h.
    entry = PoolEntry("bev-test", n_trucks, "SW1", 10.0, 0.5, "SW2", 10.0, 0.5)
    seg = road_segment("E01", "C1", km, 50.0, (entry,))
    spec = single_lane_spec(seg, 66.0 * 24, days=days)  # 66 t in the pile at t=0, every hour after
    return dataclasses.replace(
        spec,
        vehicle_types=VEHICLES + (BEV,),
        swap_stations=(SwapStation("SW1", "SW1", 1), SwapStation("SW2", "SW2", far_bays)),
    )


def traced(spec, seed=1):
    events = []
    result = simulate(spec, seed, trace=lambda t, who, what: events.append((t, who, what)))
    return events, result


def test_one_truck_swaps_at_the_far_end_after_unloading():
    # Full battery (100): loads 0-0.25, 1 h loaded, unloaded at 1.5 with 50 kWh; the 50 kWh return would
    # leave nothing for the base detour (5), so it swaps near the far end: 0.25 h there, 0.5 h swap from
    # 1.75, 0.25 h back to the far end (2.5), 1 h empty: back at 3.5 with 100 - 5 - 50 = 45 kWh. That is too
    # little for the 50 kWh loaded leg: base swap 3.5 -> 3.75 -> 4.25 -> 4.5 (95 kWh), loads at 4.5,
    # unloaded at 6.0 with 45 kWh, swaps near the far end again 6.25-6.75, back at 8.0.
    events, result = traced(far_swap_spec(1, days=0.3))  # horizon 7.2 h
    assert events == [
        (0.0, T0, "load_start"),
        (1.5, T0, "unloaded"),
        (1.5, T0, "far_swap_detour"),
        (1.75, T0, "far_swap_start"),
        (3.5, T0, "back"),
        (3.5, T0, "swap_detour"),
        (3.75, T0, "swap_start"),
        (4.5, T0, "load_start"),
        (6.0, T0, "unloaded"),
        (6.0, T0, "far_swap_detour"),
        (6.25, T0, "far_swap_start"),
        (8.0, T0, "back"),
    ]
    # the far detour is extra empty km of its own trip, the base detour of the trip after it
    assert result.legs[["start_h", "end_h", "tonnes", "loaded_km", "empty_km"]].values.tolist() == [
        [0.0, 3.5, 33.0, 50.0, 60.0],
        [4.5, 8.0, 33.0, 50.0, 70.0],
    ]
    stations = result.resources.set_index("resource")
    assert (stations.loc["SW1"].requests, stations.loc["SW2"].requests) == (1, 2)
    assert stations.loc["SW2"].max_wait_h == 0.0
    assert result.tonnage.iloc[0].delivered_t == 66.0


def test_two_trucks_queue_at_a_one_bay_far_end_station():
    # Truck 1 waits for the loading bay (0-0.25) and is unloaded at 1.75; truck 0 swaps at the far end
    # 1.75-2.25, so truck 1, at the station at 2.0, waits 0.25 h: swap 2.25-2.75, back 2.75 + 0.25 + 1 = 4.0.
    events, result = traced(far_swap_spec(2, days=0.15))  # horizon 3.6 h
    assert events == [
        (0.0, T0, "load_start"),
        (1.5, T0, "unloaded"),
        (0.0, T1, "bay_queue"),
        (0.25, T1, "load_start"),
        (1.75, T1, "unloaded"),
        (1.5, T0, "far_swap_detour"),
        (1.75, T1, "far_swap_detour"),  # its timeout was scheduled before truck 0's detour
        (1.75, T0, "far_swap_start"),
        (3.5, T0, "back"),
        (2.25, T1, "far_swap_start"),
        (4.0, T1, "back"),
        (3.5, T0, "swap_detour"),
    ]
    far = result.resources.set_index("resource").loc["SW2"]
    assert (far.requests, far.mean_wait_h, far.max_wait_h) == (2, 0.125, 0.25)
    # two bays: no wait, truck 1 is back 0.25 h earlier
    events, result = traced(far_swap_spec(2, days=0.15, far_bays=2))
    assert (2.0, T1, "far_swap_start") in events and (3.75, T1, "back") in events
    assert result.resources.set_index("resource").loc["SW2"].max_wait_h == 0.0


def test_far_station_is_used_only_when_the_return_needs_it():
    # 20 km each way (20 kWh loaded, 20 kWh empty): the charge after unloading always brings the truck home
    # with the base detour to spare, so it never swaps at the far end; it swaps at the base before a loaded
    # leg that would leave less than the 5 kWh to the far-end station: 100 -> 60 -> 20, swap (95) -> 55 -> 15, swap.
    events, result = traced(far_swap_spec(1, days=0.6, km=20.0))  # horizon 14.4 h
    whats = [what for _, _, what in events]
    cycle = ["load_start", "unloaded", "back"]
    swap = ["swap_detour", "swap_start"]
    assert whats == (cycle * 2 + swap) * 4
    stations = result.resources.set_index("resource")
    assert (stations.loc["SW1"].requests, stations.loc["SW2"].requests) == (4, 0)
    assert result.legs["empty_km"].tolist() == [20.0, 20.0, 30.0, 20.0, 30.0, 20.0, 30.0, 20.0]


def test_half_trip_need_and_check_spec():
    seg = road_segment("E01", "C1", 50.0, 50.0, ())
    assert half_trip_need_kwh(seg, BEV, 10.0, 10.0) == (60.0, 60.0)
    check_spec(far_swap_spec(1, days=1.0))  # each half fits
    with pytest.raises(ModelError, match="usable battery"):
        check_spec(far_swap_spec(1, days=1.0, km=96.0))  # 5 + 96 + 5 > 100
    unknown = far_swap_spec(1, days=1.0)
    unknown = dataclasses.replace(unknown, swap_stations=unknown.swap_stations[:1])
    with pytest.raises(ModelError, match="far-end swap station"):
        check_spec(unknown)
