"""Little's law L = lambda W on the loading-bay queue of a running model.

L is measured independently of the bay's counters: the queue length is sampled every 0.05 h from the
trace (a truck is queued between its ``bay_queue`` and ``load_start`` events); lambda and W come from
the bay's own request count and mean wait.
"""

from __future__ import annotations

import bisect

import numpy as np

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import PoolEntry, road_segment, single_lane_spec


def test_littles_law_on_a_busy_loading_bay():
    # 7 trucks, one bay, 0.25 h loading, ~2 h cycle with 50% travel-time noise: the bay is ~80% busy.
    seg = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=7),))
    spec = single_lane_spec(seg, 5000.0, days=40.0, stockyard_t=1e6, travel_time_cv=0.5)
    queued: dict[str, float] = {}
    intervals: list[tuple[float, float]] = []

    def trace(t, who, what):
        if what == "bay_queue":
            queued[who] = t
        elif what == "load_start" and who in queued:
            intervals.append((queued.pop(who), t))

    result = simulate_spec(spec, seed=2024, trace=trace)
    horizon = spec.horizon_h
    bay = result.resources.set_index("resource").loc["E01"]
    assert bay.requests > 2_000 and bay.mean_wait_h > 0.05

    starts = sorted(a for a, _ in intervals)
    ends = sorted(b for _, b in intervals)
    grid = np.arange(0.0, horizon, 0.05)
    in_queue = [bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t) for t in grid]
    little_l = float(np.mean(in_queue))
    arrival_rate = bay.requests / horizon
    assert abs(little_l - arrival_rate * bay.mean_wait_h) < 0.03 * little_l
