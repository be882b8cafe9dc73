"""Fast mode's convoys: sizes, batch bookings, rows of k trips, and convoys of one = full mode exactly."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from freight_sim.sim.convoys import PILE_SHARE, convoy_sizes, segment_convoys
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.resources import FifoServers
from freight_sim.sim.spec import Convoys
from freight_sim.sim.synthetic_city import synthetic_city_spec


@given(
    count=st.integers(0, 300),
    max_trucks=st.integers(1, 60),
    min_per_pool=st.integers(1, 10),
    capacity_t=st.one_of(st.just(math.inf), st.floats(10.0, 20_000.0)),
)
def test_convoy_sizes_split_a_pool_evenly_within_its_limits(count, max_trucks, min_per_pool, capacity_t):
    payload_t = 33.0
    sizes = convoy_sizes(count, payload_t, Convoys(max_trucks=max_trucks, min_per_pool=min_per_pool), [capacity_t])
    assert sum(sizes) == count
    if count:
        assert max(sizes) - min(sizes) <= 1
        assert max(sizes) <= max_trucks
        assert max(sizes) == 1 or max(sizes) * payload_t <= PILE_SHARE * capacity_t
        if count >= min_per_pool:
            assert len(sizes) >= min_per_pool


def test_full_mode_has_one_truck_per_process():
    assert convoy_sizes(7, 33.0, None) == [1] * 7


def test_a_batch_booking_takes_the_servers_as_that_many_single_bookings_and_returns_the_first_start():
    for capacity in (1, 3):
        batch, single = FifoServers("b", "bay", capacity), FifoServers("s", "bay", capacity)
        for now_h, count in ((0.0, 5), (0.7, 2), (4.0, 4)):
            first = batch.book_batch(now_h, 0.5, count)
            starts = [single.book(now_h, 0.5) for _ in range(count)]
            assert first == starts[0]
            assert sorted(batch._free_at) == pytest.approx(sorted(single._free_at))
        assert (batch.requests, batch.busy_h) == (single.requests, single.busy_h)
        assert batch.wait_sum_h == pytest.approx(single.wait_sum_h)
        assert batch.wait_max_h == pytest.approx(single.wait_max_h)


@given(
    bookings=st.lists(st.tuples(st.floats(0.0, 3.0), st.integers(1, 40), st.floats(0.01, 2.0)), min_size=1, max_size=12),
    capacity=st.integers(1, 4),
)
def test_a_batch_booking_at_busy_servers_is_the_single_bookings_to_the_last_bit(bookings, capacity):
    batch, single = FifoServers("b", "bay", capacity), FifoServers("s", "bay", capacity)
    batch.book(0.0, 5.0), single.book(0.0, 5.0)  # one server busy from the start
    now_h = 0.0
    for gap_h, count, service_h in bookings:
        now_h = min(now_h + gap_h, max(batch._free_at) - 1e-3)  # a server still busy when the convoy arrives
        first = batch.book_batch(now_h, service_h, count)
        starts = [single.book(now_h, service_h) for _ in range(count)]
        assert first == starts[0]
        assert sorted(batch._free_at) == sorted(single._free_at)
        assert (batch.requests, batch.busy_h, batch.wait_sum_h, batch.wait_max_h) == (
            single.requests,
            single.busy_h,
            single.wait_sum_h,
            single.wait_max_h,
        )


def _legs(spec, seed: int = 7) -> pd.DataFrame:
    legs = simulate_spec(spec, seed).legs
    return legs.sort_values(["segment", "vehicle_type", "start_h", "tonnes"], kind="stable").reset_index(drop=True)


def test_convoys_of_one_truck_are_full_mode_exactly():
    spec = synthetic_city_spec(n_enterprises=4, days=6.0)
    full = _legs(spec)
    ones = _legs(dataclasses.replace(spec, convoys=Convoys(max_trucks=1, min_per_pool=1)))
    pd.testing.assert_frame_equal(full, ones)


def test_a_convoy_row_carries_k_trips_of_a_full_payload_each():
    spec = synthetic_city_spec(n_enterprises=4, days=6.0)
    fast = dataclasses.replace(spec, convoys=Convoys(max_trucks=6, min_per_pool=1))
    legs = simulate_spec(fast, 7).legs
    road = legs[legs["mode"] == "road"]
    assert (road["trips"] > 1).any(), "no convoy formed"
    payload = {v.id: v.payload_t for v in spec.vehicle_types}
    per_trip = road["tonnes"] / road["trips"]
    assert per_trip.to_numpy() == pytest.approx(road["vehicle_type"].astype(str).map(payload).to_numpy(), rel=1e-3)
    full = simulate_spec(spec, 7)
    assert simulate_spec(fast, 7).events < full.events


def _mixed_pool():
    from freight_sim.sim.examples import BEV_SWAP, DIESEL
    from freight_sim.sim.spec import PoolEntry

    cn6 = dataclasses.replace(DIESEL, id="diesel-cn6", class_id="diesel-cn6")
    cn4 = dataclasses.replace(DIESEL, id="diesel-cn4", class_id="diesel-cn4")
    vehicles = {v.id: v for v in (DIESEL, cn6, cn4, BEV_SWAP)}
    pool = (
        PoolEntry(vehicle_type="diesel-cn5", count=3),
        PoolEntry(vehicle_type="bev-swap", count=2, swap_station="S"),
        PoolEntry(vehicle_type="diesel-cn6", count=4),
        PoolEntry(vehicle_type="diesel-cn4", count=2),
        PoolEntry(vehicle_type="diesel-cn6", count=1, active_from_h=100.0),  # a renewal: its own service dates
    )
    bans = {"diesel-cn4": (True, False)}  # cn4 is banned on alert days, the others are not
    return pool, vehicles, lambda vid: bans.get(vid)


def test_full_mode_is_one_process_per_truck_numbered_per_vehicle_type_in_pool_order():
    pool, vehicles, ban_key = _mixed_pool()
    convoys = segment_convoys(pool, vehicles, None, [], ban_key)
    assert [(c.members[0][0].vehicle_type, c.number, c.trucks) for c in convoys] == [
        ("diesel-cn5", 0, 1), ("diesel-cn5", 1, 1), ("diesel-cn5", 2, 1),
        ("bev-swap", 0, 1), ("bev-swap", 1, 1),
        ("diesel-cn6", 0, 1), ("diesel-cn6", 1, 1), ("diesel-cn6", 2, 1), ("diesel-cn6", 3, 1),
        ("diesel-cn4", 0, 1), ("diesel-cn4", 1, 1),
        ("diesel-cn6", 4, 1),
    ]  # fmt: skip
    assert segment_convoys(pool, vehicles, Convoys(max_trucks=1, min_per_pool=1), [], ban_key) == convoys


def test_fast_mode_shares_convoys_only_between_trucks_that_behave_alike():
    pool, vehicles, ban_key = _mixed_pool()
    convoys = segment_convoys(pool, vehicles, Convoys(max_trucks=40, min_per_pool=1), [], ban_key)
    described = [sorted((e.vehicle_type, e.active_from_h, n) for e, n in c.members) for c in convoys]
    assert described == [
        [("diesel-cn5", 0.0, 3), ("diesel-cn6", 0.0, 4)],  # no bans, same dates: one convoy
        [("bev-swap", 0.0, 2)],  # battery trucks: their own
        [("diesel-cn4", 0.0, 2)],  # banned on alert days: their own
        [("diesel-cn6", 100.0, 1)],  # enters service later: its own
    ]
    assert sum(c.trucks for c in convoys) == sum(e.count for e in pool)


def test_a_mixed_convoy_records_a_row_per_vehicle_type():
    spec = synthetic_city_spec(n_enterprises=3, days=4.0)
    cn6 = dataclasses.replace(
        spec.vehicle_types[[v.id for v in spec.vehicle_types].index("diesel-cn5")], id="diesel-cn6", class_id="diesel-cn6"
    )
    lanes = []
    for lane in spec.lanes:
        segments = []
        for seg in lane.segments:
            pool = seg.pool
            if seg.mode == "road" and pool and pool[0].vehicle_type == "diesel-cn5" and pool[0].count >= 2:
                half = pool[0].count // 2
                pool = (
                    dataclasses.replace(pool[0], count=pool[0].count - half),
                    dataclasses.replace(pool[0], vehicle_type="diesel-cn6", count=half),
                    *pool[1:],
                )
            segments.append(dataclasses.replace(seg, pool=pool))
        lanes.append(dataclasses.replace(lane, segments=tuple(segments)))
    mixed = dataclasses.replace(spec, lanes=tuple(lanes), vehicle_types=(*spec.vehicle_types, cn6))
    full = simulate_spec(mixed, 3).legs
    fast = simulate_spec(dataclasses.replace(mixed, convoys=Convoys(max_trucks=40, min_per_pool=1)), 3).legs
    for legs in (full, fast):
        assert {"diesel-cn5", "diesel-cn6"} <= set(legs["vehicle_type"].astype(str))
    share = {
        name: legs.loc[legs["vehicle_type"] == "diesel-cn6", "tonnes"].sum()
        / legs.loc[legs["vehicle_type"].isin(["diesel-cn5", "diesel-cn6"]), "tonnes"].sum()
        for name, legs in (("full", full), ("fast", fast))
    }
    assert share["fast"] == pytest.approx(share["full"], abs=0.05)
    # aggregated legs (batches, pathways): the same trips, tonnes and km per vehicle type as the full table
    fast_spec = dataclasses.replace(mixed, convoys=Convoys(max_trucks=40, min_per_pool=1))
    aggregated = simulate_spec(dataclasses.replace(fast_spec, record_legs=False), 3).legs
    columns = ["trips", "tonnes", "loaded_km", "empty_km"]
    by_type = {
        name: legs.groupby(legs["vehicle_type"].astype(str))[columns].sum() for name, legs in (("rows", fast), ("aggregated", aggregated))
    }
    pd.testing.assert_frame_equal(by_type["aggregated"], by_type["rows"], check_dtype=False)
