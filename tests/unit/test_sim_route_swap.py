"""Battery trucks swap where a driver would: at the station adding the least distance to the empty return
(a station on the route adds none), not the one nearest their base (times worked out by hand)."""

from __future__ import annotations

import dataclasses

import pytest

from freight_sim.errors import NetworkError
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import VEHICLES, road_segment, single_lane_spec, swap_truck
from freight_sim.sim.spec import SwapStation
from freight_sim.sim.swap_plan import NoFeasibleStation, battery_entry

# 100 kWh usable, 1 kWh/km loaded and empty, 0.5 h swap
BEV = swap_truck("bev-test", payload_t=33.0, battery_kwh=100.0, kwh_per_km_loaded=1.0, kwh_per_km_empty=1.0, swap_h=0.5)
TRUCK = "E01/f1/road/0/bev-test/0"

# A straight road E01 --20 km-- ON --10 km-- C1 at 40 km/h, the station ON on it; the station NEAR_BASE
# sits 4 km off the road at E01 (the nearest to the base), FAR_OFF 30 km off it near C1.
KM = {
    ("C1", "ON"): 10.0,
    ("ON", "E01"): 20.0,
    ("C1", "NEAR_BASE"): 34.0,
    ("NEAR_BASE", "E01"): 4.0,
    ("C1", "FAR_OFF"): 30.0,
    ("FAR_OFF", "E01"): 60.0,
    ("FAR_OFF", "ON"): 40.0,
    ("FAR_OFF", "NEAR_BASE"): 64.0,
    ("ON", "NEAR_BASE"): 24.0,
}


def road(a: str, b: str) -> tuple[float, float]:
    km = KM.get((a, b), KM.get((b, a)))
    if km is None:
        raise NetworkError(f"no road route from '{a}' to '{b}'")
    return km, km / 40.0


STATIONS = [("FAR_OFF/swap", "FAR_OFF"), ("NEAR_BASE/swap", "NEAR_BASE"), ("ON/swap", "ON")]


def test_station_on_the_route_is_chosen_with_zero_detour():
    seg = road_segment("E01", "C1", 30.0, 40.0, ())
    entry = battery_entry("bev-test", 1, BEV, seg, STATIONS, road)
    assert entry.swap_station == "ON/swap" and entry.far_swap_station is None
    assert (entry.to_swap_km, entry.to_swap_h, entry.from_swap_km, entry.from_swap_h) == (10.0, 0.25, 20.0, 0.5)
    assert entry.to_swap_km + entry.from_swap_km - seg.empty_km == 0.0  # no detour
    # without the station on the route, the least detour is NEAR_BASE's 8 km (34 + 4 - 30)
    entry = battery_entry("bev-test", 1, BEV, seg, STATIONS[:2], road)
    assert entry.swap_station == "NEAR_BASE/swap" and entry.to_swap_km + entry.from_swap_km - seg.empty_km == 8.0


def test_a_haul_too_long_for_one_station_swaps_at_a_pair_and_plug_trucks_do_not():
    seg = road_segment("E01", "C1", 30.0, 40.0, ())
    # 60 kWh: ON -> E01 -> loaded leg -> ON needs 20 + 30 + 10 = 60, it fits
    assert battery_entry("bev-test", 1, dataclasses.replace(BEV, battery_kwh=60.0), seg, STATIONS, road).swap_station == "ON/swap"
    # 55 kWh: no single station fits (ON 60, NEAR_BASE 4 + 30 + 34 = 68); of the pairs (far, near) on the
    # return only (ON, NEAR_BASE) keeps each stretch within it: NEAR_BASE -> E01 -> C1 -> ON = 4 + 30 + 10
    # = 44 and ON -> NEAR_BASE 24; its detour is 10 + 24 + 4 - 30 = 8 km
    entry = battery_entry("bev-test", 1, dataclasses.replace(BEV, battery_kwh=55.0), seg, STATIONS, road)
    assert (entry.far_swap_station, entry.swap_station) == ("ON/swap", "NEAR_BASE/swap")
    assert (entry.to_far_km, entry.far_to_swap_km, entry.from_swap_km, entry.far_to_load_km, entry.to_swap_km) == (
        10.0,
        24.0,
        4.0,
        20.0,
        34.0,
    )
    # plug-in trucks charge once per cycle: no pair
    with pytest.raises(NoFeasibleStation, match="stretch around the loaded leg needs 60 kWh"):
        battery_entry("bev-test", 1, dataclasses.replace(BEV, battery_kwh=55.0, refuel="plug"), seg, STATIONS, road)
    # 40 kWh: the best pair needs 44
    with pytest.raises(NoFeasibleStation, match="no pair fits"):
        battery_entry("bev-test", 1, dataclasses.replace(BEV, battery_kwh=40.0), seg, STATIONS, road)
    # no station reachable
    with pytest.raises(NoFeasibleStation, match="no swap station reachable"):
        battery_entry("bev-test", 1, BEV, road_segment("E01", "X9", 30.0, 40.0, ()), STATIONS, road)


def test_truck_swaps_at_the_station_on_its_route_without_detour():
    # 30 km at 40 km/h (0.75 h), 0.25 h loading and unloading, 66 t an hour. The cycle uses 60 kWh; back at
    # the loading end the truck needs the next loaded leg and the 10 km on to ON (40 kWh). 100 -> 40: plain
    # cycle 0-2. At 2.0, 40 - 60 < 40: this return goes via ON: unloaded at 3.25 (10 kWh), at ON 3.5 (0),
    # swap 3.5-4.0, 0.5 h on to E01: back at 4.5 with 80 kWh; 80 - 60 < 40 again: via ON 6.0-6.5, back 7.0.
    seg = road_segment(
        "E01", "C1", 30.0, 40.0, (battery_entry("bev-test", 1, BEV, road_segment("E01", "C1", 30.0, 40.0, ()), STATIONS, road),)
    )
    spec = dataclasses.replace(
        single_lane_spec(seg, 66.0 * 24, days=6.9 / 24),
        vehicle_types=(*VEHICLES, BEV),
        swap_stations=(SwapStation("ON/swap", "ON", 1),),
    )
    events = []
    result = simulate_spec(spec, 1, trace=lambda t, who, what: events.append((t, who, what)))
    assert events == [
        (0.0, TRUCK, "load_start"),
        (1.25, TRUCK, "unloaded"),
        (2.0, TRUCK, "back"),
        (2.0, TRUCK, "load_start"),
        (3.25, TRUCK, "unloaded"),
        (3.5, TRUCK, "swap_start"),
        (4.5, TRUCK, "back"),
        (4.5, TRUCK, "load_start"),
        (5.75, TRUCK, "unloaded"),
        (6.0, TRUCK, "swap_start"),
        (7.0, TRUCK, "back"),
    ]
    assert result.legs[["start_h", "end_h", "loaded_km", "empty_km", "detour_km"]].values.tolist() == [
        [0.0, 2.0, 30.0, 30.0, 0.0],
        [2.0, 4.5, 30.0, 30.0, 0.0],
        [4.5, 7.0, 30.0, 30.0, 0.0],
    ]
    station = result.resources.set_index("resource").loc["ON/swap"]
    assert (station.requests, station.max_wait_h) == (2, 0.0)
    assert result.tonnage.iloc[0].delivered_t == 99.0
