"""Exact event traces of tiny hand-made models (times worked out by hand in the comments)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import (
    VEHICLES,
    PoolEntry,
    drayage_spec,
    road_segment,
    siding_spec,
    single_lane_spec,
    swap_off_loading_end,
    swap_truck,
)
from freight_sim.sim.rail_spec import Crossing, LineSection

TRUCK = "E01/f1/road/0/diesel-cn5/0"


def traced(spec, seed=1):
    events = []
    result = simulate_spec(spec, seed, trace=lambda t, who, what: events.append((t, who, what)))
    return events, result


def test_one_truck_cycle():
    # 66 t/day -> 2.75 t per hourly step; the 33 t payload is in the pile after the step at t=11.
    # 0.25 h loading, 30 km at 40 km/h = 0.75 h loaded, 0.25 h unloading, 0.75 h empty.
    seg = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=1),))
    events, result = traced(single_lane_spec(seg, 66.0, days=1.0))
    assert events == [
        (11.0, TRUCK, "load_start"),
        (12.25, TRUCK, "unloaded"),
        (13.0, TRUCK, "back"),
        (23.0, TRUCK, "load_start"),
        (24.25, TRUCK, "unloaded"),
        (25.0, TRUCK, "back"),
    ]
    assert result.legs[["start_h", "end_h", "tonnes", "loaded_km", "empty_km", "trips"]].values.tolist() == [
        [11.0, 13.0, 33.0, 30.0, 30.0, 1],
        [23.0, 25.0, 33.0, 30.0, 30.0, 1],
    ]
    row = result.tonnage.iloc[0]
    # the second load is unloaded at 24.25 h, after the 24 h horizon: in transit
    assert (row.produced_t, row.delivered_t, row.in_transit_t, row.in_stock_t) == (66.0, 33.0, 33.0, 0.0)


def test_train_formed_and_sent_at_siding():
    # 1,000 t/day reaches the 1,000 t train load at the last step of the day (t=23); loading at 500 t/h
    # takes 2 h; hourly paths, those at 0, 1 and 2 h closed by a daily maintenance window 0-3 h: the
    # departure moves from 25 to 27; 2 h loaded + 1 h unloading -> 30; 2 h empty -> 32. The second train
    # loads at 47 and is ready at 49 = 01:00 of day 2, inside the window again: it leaves at 51.
    spec = siding_spec(1000.0, days=3.0, train_load_t=1000.0, loading_rate_tph=500.0, maintenance=(0.0, 3.0))
    events, result = traced(spec)
    assert events == [
        (23.0, "train:SD1#0", "train_load_start"),
        (27.0, "train:SD1#0", "depart"),
        (27.0, "train:SD1#0", "path:C1"),
        (30.0, "train:SD1#0", "unloaded"),
        (32.0, "train:SD1#0", "back"),
        (47.0, "train:SD1#1", "train_load_start"),
        (51.0, "train:SD1#1", "depart"),
        (51.0, "train:SD1#1", "path:C1"),
        (54.0, "train:SD1#1", "unloaded"),
        (56.0, "train:SD1#1", "back"),
        (71.0, "train:SD1#2", "train_load_start"),
    ]
    assert result.train_departures == 2
    corridor = result.resources.set_index("resource").loc["C1"]
    assert (corridor.requests, corridor.mean_wait_h, corridor.max_wait_h) == (2, 2.0, 2.0)


def test_timetable_slots_form_trains_and_miss_without_cargo_or_wagon_set():
    # 1,200 t/day = 50 t per hourly step; a slot comes before the production step of the same hour.
    # 06:00: 300 t in the pile, below the 350 t minimum -> missed. 08:00: 400 t -> a 400 t train loads
    # 8-9 (400 t/h), departs 9, 2 h loaded + 1 h unloading -> 12, 2 h empty -> 14. 12:00: the only
    # wagon set is away -> missed. 18:00: 500 t (steps 8-17) -> loads 18-19.25, waits for the hourly path
    # at 20, unloaded 23, back 25.
    spec = siding_spec(1200.0, days=1.0, loading_rate_tph=400.0, slots_h=(6.0, 8.0, 12.0, 18.0), min_load_t=350.0)
    events, result = traced(spec)
    assert events == [
        (6.0, "timetable:SD1", "slot_missed"),
        (8.0, "train:SD1#0", "train_load_start"),
        (9.0, "train:SD1#0", "depart"),
        (9.0, "train:SD1#0", "path:C1"),
        (12.0, "train:SD1#0", "unloaded"),
        (14.0, "train:SD1#0", "back"),
        (12.0, "timetable:SD1", "slot_missed"),
        (18.0, "train:SD1#1", "train_load_start"),
        (20.0, "train:SD1#1", "depart"),
        (20.0, "train:SD1#1", "path:C1"),
        (23.0, "train:SD1#1", "unloaded"),
        (25.0, "train:SD1#1", "back"),
    ]
    assert (result.train_departures, result.train_slots_missed) == (2, 2)
    slots = result.resources.set_index("resource").loc["SD1"]
    slots = slots[slots["kind"] == "timetable"].iloc[0]
    assert (slots.capacity, slots.requests, slots.utilisation) == (4, 4, 0.5)
    assert result.legs["tonnes"].tolist() == [400.0, 500.0]
    row = result.tonnage.iloc[0]
    assert (row.produced_t, row.delivered_t, row.in_stock_t, row.in_transit_t) == (1200.0, 900.0, 300.0, 0.0)


def test_truck_waits_at_a_full_station_pile_until_a_train_takes_cargo():
    # 33 t an hour; one truck: loads 0.25 h, 10 km each way at 40 km/h, unloads 0.25 h -> a 1 h cycle,
    # 33 t into the station pile at x.75. The pile holds 106 t; trains of 66 t load at 66 t/h.
    # 1.75: 66 t -> train #0 loads 1.75-2.75, departs 2.75, unloaded 5.75, back 7.75. The pile refills to
    # 99 t at 4.75; at 5.75 another 33 t would not fit: the truck waits. 7.75: the wagon set is back, train
    # #1 takes 66 t and the truck unloads at once (66 t in the pile), back at 8.0. A new process starts
    # before other events of its moment, so train #1 shows before the truck it lets in. Paths every 15 min.
    truck = "E01/f1/drayage_rail/0/diesel-cn5/0"
    spec = drayage_spec(792.0, days=9 / 24, station_pile_t=106.0, train_load_t=66.0, loading_rate_tph=66.0)
    events, result = traced(spec)
    cycles = [[(h, truck, "load_start"), (h + 0.75, truck, "unloaded"), (h + 1.0, truck, "back")] for h in (2.0, 3.0, 4.0)]
    assert events == [
        (0.0, truck, "load_start"), (0.75, truck, "unloaded"), (1.0, truck, "back"),
        (1.0, truck, "load_start"), (1.75, truck, "unloaded"), (2.0, truck, "back"),
        (1.75, "train:ST#0", "train_load_start"),
        cycles[0][0],
        (2.75, "train:ST#0", "depart"), (2.75, "train:ST#0", "path:C1"), (5.75, "train:ST#0", "unloaded"), (7.75, "train:ST#0", "back"),
        *cycles[0][1:], *cycles[1], *cycles[2],
        (5.0, truck, "load_start"), (5.75, truck, "pile_full_wait"),
        (7.75, "train:ST#1", "train_load_start"),
        (7.75, truck, "unloaded"), (8.0, truck, "back"),
        (8.0, truck, "load_start"),
        (8.75, "train:ST#1", "depart"), (8.75, "train:ST#1", "path:C1"), (11.75, "train:ST#1", "unloaded"),
        (13.75, "train:ST#1", "back"),
        (8.75, truck, "unloaded"), (9.0, truck, "back"),
    ]  # fmt: skip
    trips = result.legs[result.legs["mode"] == "road"]
    assert trips["end_h"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 9.0]
    pile = result.resources.set_index("resource").loc["E01/f1@ST"]
    assert (pile.kind, pile.capacity, pile.requests, pile.max_wait_h) == ("station_pile", 106.0, 7, 2.0)
    # level over time: 33 t 0.75-1.75, 0 to 2.75, 33 t to 3.75, 66 t to 4.75, 99 t to 7.75, 66 t to 8.75, 99 t to 9
    fill_th = 33 * 1.0 + 33 * 1.0 + 66 * 1.0 + 99 * 3.0 + 66 * 1.0 + 99 * 0.25
    assert pile.utilisation == pytest.approx(fill_th / (106.0 * 9.0))
    row = result.tonnage.iloc[0]
    # 9 steps of 33 t; 66 t delivered by train #0; 66 t on train #1 and 99 t in the station pile
    assert (row.produced_t, row.delivered_t, row.in_stock_t, row.in_transit_t) == (297.0, 66.0, 66.0, 165.0)


def test_a_truck_still_waiting_at_the_horizon_has_a_row_without_end():
    # the same model cut at 7 h: the truck that reached the full pile at 5.75 is still waiting with 33 t
    spec = drayage_spec(792.0, days=7 / 24, station_pile_t=106.0, train_load_t=66.0, loading_rate_tph=66.0)
    result = simulate_spec(spec, 1)
    trips = result.legs[result.legs["mode"] == "road"]
    assert trips["start_h"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert trips["end_h"].tolist()[:5] == [1.0, 2.0, 3.0, 4.0, 5.0] and math.isnan(trips["end_h"].iloc[5])
    row = result.tonnage.iloc[0]
    # 7 steps of 33 t; 66 t delivered; 33 t left at the plant; 99 t in the station pile and 33 t on the truck
    assert (row.produced_t, row.delivered_t, row.in_stock_t, row.in_transit_t) == (231.0, 66.0, 33.0, 132.0)
    # cut at 7.9 h instead: the truck was let in at 7.75 and returns empty; 66 t on train #1, 66 t in the pile
    row = simulate_spec(dataclasses.replace(spec, horizon_h=7.9), 1).tonnage.iloc[0]
    assert (row.produced_t, row.delivered_t, row.in_stock_t, row.in_transit_t) == (264.0, 66.0, 66.0, 132.0)


def test_train_waits_for_train_path_headway():
    # 2 paths a day, at 0:00 and 12:00. 2,000 t/day: the first 1,000 t is in the pile after the step at
    # t=12 (12 steps of 85333/1024 t fall 4/1024 t short), loaded 12-14, waits for the path at 24. The
    # second load completes at t=23 (the day's last step carries the rounding rest), is loaded 23-25 and
    # must wait for the next path, at 36.
    spec = siding_spec(2000.0, days=2.0, train_load_t=1000.0, loading_rate_tph=500.0, paths_per_day=2.0, wagon_sets=2)
    events, result = traced(spec)
    departures = [t for t, _, what in events if what == "depart"]
    loads = [t for t, _, what in events if what == "train_load_start"]
    assert loads[:2] == [12.0, 23.0]
    assert departures[:2] == [24.0, 36.0]
    section = result.resources.set_index("resource").loc["C1"]
    # a third train, loaded 36-38, takes the path at 48: waits 10, 11 and 10 h, none behind another train
    assert (section.requests, section.max_wait_h, section.waited) == (3, 11.0, 0)
    assert section.mean_wait_h == pytest.approx(31.0 / 3) and section.utilisation == 3 / 2 / 2


def test_two_battery_trucks_queue_at_one_bay_swap_station():
    # 100 kWh battery, 1 kWh/km; the station lies 5 km off the road at the loading end (0.25 h): the
    # return via it is 35 + 5 km. Back at the loading end a truck needs the next loaded leg and the 35 km
    # on to the station (65 kWh); a 60 kWh cycle from 100 leaves 40, so every return goes via the station.
    bev = swap_truck("bev-test", payload_t=33.0, battery_kwh=100.0, kwh_per_km_loaded=1.0, kwh_per_km_empty=1.0, swap_h=0.5)
    seg = road_segment("E01", "C1", 30.0, 40.0, (swap_off_loading_end("bev-test", 2, "SW1", 30.0, 40.0, 5.0, 0.25),))
    spec = dataclasses.replace(single_lane_spec(seg, 66.0 * 24, days=0.15), vehicle_types=(*VEHICLES, bev))
    events, result = traced(spec)
    t0, t1 = "E01/f1/road/0/bev-test/0", "E01/f1/road/0/bev-test/1"
    assert [e for e in events if e[2] != "unloaded"] == [
        (0.0, t0, "load_start"),  # 66 t at t=0: both trucks find a load; one loading bay
        (0.0, t1, "bay_queue"),
        (0.25, t1, "load_start"),
        (2.25, t0, "swap_start"),  # unloaded at 1.25, 1 h to the station
        (3.0, t0, "back"),
        (2.75, t1, "swap_start"),  # there at 2.5: waits 0.25 h for the only bay
        (3.5, t1, "back"),
        (3.0, t0, "load_start"),
        (3.5, t1, "load_start"),
    ]
    swap = result.resources.set_index("resource").loc["SW1"]
    assert (swap.requests, swap.mean_wait_h, swap.max_wait_h) == (2, 0.125, 0.25)
    # the detour is extra empty km of the trip whose return it lengthens (the last two are under way)
    assert result.legs["empty_km"].tolist() == [40.0, 40.0, 40.0, 40.0]
    assert result.legs["detour_km"].tolist() == [10.0, 10.0, 10.0, 10.0]


def test_red_alert_day_blocks_diesel_truck_until_next_day():
    # Day 1 (24-48 h) is red; diesel-cn5 is on the red ban list. The truck back at 25 h waits to 48 h.
    seg = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=1),))
    events, _ = traced(single_lane_spec(seg, 66.0, days=2.1, alert_levels=(0, 2, 0)))
    assert events[:11] == [
        (11.0, TRUCK, "load_start"),
        (12.25, TRUCK, "unloaded"),
        (13.0, TRUCK, "back"),
        (23.0, TRUCK, "load_start"),
        (24.25, TRUCK, "unloaded"),
        (25.0, TRUCK, "back"),
        (25.0, TRUCK, "alert_wait"),
        (48.0, TRUCK, "load_start"),
        (49.25, TRUCK, "unloaded"),
        (50.0, TRUCK, "back"),
        (50.0, TRUCK, "load_start"),
    ]


def test_alert_day_does_not_block_unbanned_class():
    seg = road_segment("E01", "C1", 30.0, 40.0, (swap_off_loading_end("bev-swap", 1, "SW1", 30.0, 40.0, 5.0, 0.25),))
    events, _ = traced(single_lane_spec(seg, 66.0, days=2.0, alert_levels=(0, 2)))
    assert not any(what.startswith("alert") for _, _, what in events)
    # 30 t payload at 2.75 t/h: loads at 10, 21 and 32 h (day 1, red) without waiting
    assert [t for t, _, what in events if what == "load_start"][:3] == [10.0, 21.0, 32.0]


def test_no_trace_hook_gives_same_tables():
    seg = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=3),))
    spec = single_lane_spec(seg, 500.0, days=3.0, travel_time_cv=0.2)
    _, with_trace = traced(spec, seed=5)
    without = simulate_spec(spec, 5)
    assert with_trace.legs.equals(without.legs)


def test_warmup_excludes_early_rows_days_and_stats():
    seg = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=1),))
    full = simulate_spec(single_lane_spec(seg, 66.0, days=3.0), 1)
    warm = simulate_spec(single_lane_spec(seg, 66.0, days=3.0, warmup_h=24.0), 1)
    assert warm.legs["start_h"].min() >= 24.0
    assert len(warm.legs) == (full.legs["start_h"] >= 24.0).sum()
    assert warm.daily["day"].tolist() == [1, 2]
    bay = warm.resources.set_index("resource").loc["E01"]
    assert bay.requests == len(warm.legs)  # requests before the warm-up are not counted
    assert warm.tonnage.equals(full.tonnage)  # the balance covers the whole run


def test_conveyor_moves_production_with_one_row_per_day():
    from freight_sim.sim.spec import Segment

    belt = Segment(
        kind="direct",
        mode="conveyor",
        origin="E01",
        destination="C1",
        loaded_km=4.0,
        loaded_h=0.3,
        empty_km=0.0,
        empty_h=0.0,
        source=0,
        vehicle_type="conveyor-belt",
        gate=True,
    )
    result = simulate_spec(single_lane_spec(belt, 1000.0, days=3.0), 1)
    assert result.legs[["start_h", "tonnes", "loaded_km", "trips"]].values.tolist() == [
        [0.0, 1000.0, 4.0, 1],
        [24.0, 1000.0, 4.0, 1],
        [48.0, 1000.0, 4.0, 1],
    ]
    row = result.tonnage.iloc[0]
    assert row.delivered_t == row.produced_t == 3000.0
    assert result.daily["delivered_t"].tolist() == [1000.0, 1000.0, 1000.0]


def test_a_train_crossing_two_sections_holds_both_in_order():
    # Section A: hourly paths. Section B: a path every 2 h, half of them (2, 6, 10, ... h) held by
    # background trains. The train is loaded 23-25, takes A's path at 25, runs 1 h to B, reaches it at
    # 26 (02:00, a background path) and waits for B's 28:00 path; 1 h more loaded, 1 h unloading -> 30.
    # The empty return crosses B first at 30 (06:00: background) -> 32, then A at 33; 1 h more -> 34.
    spec = siding_spec(1000.0, days=2.0, train_load_t=1000.0, loading_rate_tph=500.0)
    rail = dataclasses.replace(
        spec.lanes[0].segments[0],
        crossings=(Crossing("A", 0.0), Crossing("B", 1.0)),
        return_crossings=(Crossing("B", 0.0), Crossing("A", 1.0)),
    )
    spec = dataclasses.replace(
        spec,
        lanes=(dataclasses.replace(spec.lanes[0], segments=(rail,)),),
        line_sections=(LineSection(id="A", paths_per_day=24.0), LineSection(id="B", paths_per_day=12.0, background_per_day=6.0)),
    )
    events, result = traced(spec)
    assert events == [
        (23.0, "train:SD1#0", "train_load_start"),
        (25.0, "train:SD1#0", "depart"),
        (25.0, "train:SD1#0", "path:A"),
        (28.0, "train:SD1#0", "path:B"),
        (32.0, "train:SD1#0", "path:B"),
        (33.0, "train:SD1#0", "path:A"),
        (30.0, "train:SD1#0", "unloaded"),
        (34.0, "train:SD1#0", "back"),
        (47.0, "train:SD1#1", "train_load_start"),
    ]
    assert result.legs[["start_h", "end_h"]].values.tolist()[0] == [23.0, 34.0]
    sections = result.resources.set_index("resource")
    assert sections.loc["A", ["requests", "waited", "max_wait_h"]].tolist() == [2, 0, 0.0]
    assert sections.loc["B", ["requests", "waited", "max_wait_h"]].tolist() == [2, 2, 2.0]
    assert sections.loc["B", "utilisation"] == (6.0 + 2 / 2) / 12


def test_a_station_loads_trains_only_within_its_opening_hours():
    # the train load is ready at 23:00, after the 06:00-22:00 opening hours: loading waits for 06:00 (t=30),
    # 2 h at 500 t/h, then the hourly path at 32, 2 h loaded + 1 h unloading -> 35, 2 h back -> 37
    spec = siding_spec(1000.0, days=2.0, train_load_t=1000.0, loading_rate_tph=500.0)
    spec = dataclasses.replace(spec, terminals=(dataclasses.replace(spec.terminals[0], opens_h=6.0, closes_h=22.0),))
    events, result = traced(spec)
    assert events[:5] == [
        (30.0, "train:SD1#0", "train_load_start"),
        (32.0, "train:SD1#0", "depart"),
        (32.0, "train:SD1#0", "path:C1"),
        (35.0, "train:SD1#0", "unloaded"),
        (37.0, "train:SD1#0", "back"),
    ]
    track = result.resources.set_index("resource").loc["SD1"]
    assert track.max_wait_h == 0.0  # the track's waits are queue waits from the opening on, not closed hours
