"""Fast mode's convoys: sizes, batch bookings, rows of k trips, and convoys of one = full mode exactly."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from freight_sim.sim.convoys import PILE_SHARE, convoy_sizes
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import synthetic_city_spec
from freight_sim.sim.resources import FifoServers
from freight_sim.sim.spec import Convoys


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
