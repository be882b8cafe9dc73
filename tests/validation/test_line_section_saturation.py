"""Validation: a line section passes at most its open paths a day less its background trains.

Theory (deterministic D/D/1 with service capacity c trains a day): offered lambda trains a day, the
section passes min(lambda, c) a day, c = paths outside the maintenance window - background trains.
Below c every train gets a path within the maintenance window and a few headways; above it every
wagon set queues for a path, so each day's count is c and the mean wait follows from Little's law.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import siding_spec
from freight_sim.sim.line_sections import free_slot_offsets
from freight_sim.sim.rail_spec import LineSection

TRAIN_T = 1000.0
DAYS = 30
WARMUP_DAYS = 5
SETS = 30
RUN_H = TRAIN_T / 10_000.0 + 2.0 + 1.0 + 2.0  # loading, loaded run, unloading, empty return (siding_spec)


def _run(offered_per_day: float, paths: float, background: float, window: tuple[float, float]):
    spec = siding_spec(
        offered_per_day * TRAIN_T,
        days=DAYS,
        train_load_t=TRAIN_T,
        loading_rate_tph=10_000.0,
        wagon_sets=SETS,
        stockyard_t=60 * TRAIN_T,
    )
    section = LineSection(
        id="C1", paths_per_day=paths, maintenance_start_h=window[0], maintenance_h=window[1], background_per_day=background
    )
    spec = dataclasses.replace(spec, line_sections=(section,), warmup_h=WARMUP_DAYS * 24.0)
    paths_taken: list[float] = []

    def trace(t, who, what):
        if what == "path:C1":
            paths_taken.append(t)

    result = simulate_spec(spec, 1, trace=trace)
    capacity = len(free_slot_offsets(paths, *window)) - background
    return result, paths_taken, capacity


@pytest.mark.parametrize(
    ("paths", "background", "window"),
    [(24.0, 16.0, (0.0, 0.0)), (48.0, 20.0, (1.0, 4.0)), (96.0, 58.0, (1.0, 2.0))],
)
def test_throughput_saturates_at_paths_less_background(paths, background, window):
    capacity = len(free_slot_offsets(paths, *window)) - background
    for offered in (0.5 * capacity, 1.5 * capacity):
        result, taken, _ = _run(offered, paths, background, window)
        per_day = Counter(int(t // 24) for t in taken)
        full_days = range(WARMUP_DAYS, DAYS - 1)
        row = result.resources.set_index("resource").loc["C1"]
        if offered < capacity:
            # every train offered passes: the daily mean matches the offer (the pile carries the rest of a day)
            assert sum(per_day[d] for d in full_days) / len(full_days) == pytest.approx(offered, abs=1.0)
            # the maintenance window and a few free paths' spacing at most
            assert row.max_wait_h < window[1] + 3 * 24.0 / capacity
        else:
            # the daily count caps at the capacity (within one path for a fractional background share)
            assert all(abs(per_day[d] - capacity) <= 1 for d in full_days)
            assert sum(per_day[d] for d in full_days) / len(full_days) == pytest.approx(capacity, abs=0.5)
            assert row.utilisation == pytest.approx(1.0, abs=0.05)  # background and the region's trains fill the open paths
            # every wagon set queues for a path (Little's law: the sets cycle at c a day, so a cycle takes
            # SETS / c days, of which RUN_H running), nearly all behind other trains; the rest of the
            # cargo waits at the plant
            assert row.mean_wait_h == pytest.approx(SETS * 24.0 / capacity - RUN_H, rel=0.03)
            assert row.waited > 0.8 * row.requests
            assert result.tonnage.backlog_t.iloc[0] > 0
