"""Production step amounts computed day by day: on the 1/1024 t grid, nothing lost to rounding."""

from __future__ import annotations

import dataclasses
import math

from freight_sim.sim.demand import DemandLedger, StepAmounts
from freight_sim.sim.spec import GRID_PER_T
from freight_sim.sim.synthetic_city import synthetic_city_spec

STEPS_PER_DAY = 6


def _spec_with_outage():
    spec = synthetic_city_spec(days=20.0, record_legs=False)
    factors = tuple(0.0 if 5 <= d < 8 else (0.5 if d == 8 else 1.0) for d in range(spec.n_days))
    first = dataclasses.replace(spec.enterprises[0], production_factor_by_day=factors)
    return dataclasses.replace(spec, enterprises=(first, *spec.enterprises[1:])), factors


def test_steps_of_each_day_sum_to_the_rounded_running_total_of_the_plan():
    spec, factors = _spec_with_outage()
    assert any(lane.enterprise == spec.enterprises[0].id for lane in spec.lanes)
    amounts = StepAmounts(spec, STEPS_PER_DAY)
    running_t = [0.0] * len(spec.lanes)
    delivered_units = [0.0] * len(spec.lanes)
    for day in range(spec.n_days):
        regular, last = amounts.next_day(day)
        for i, lane in enumerate(spec.lanes):
            factor = factors[day] if lane.enterprise == spec.enterprises[0].id else 1.0
            running_t[i] += lane.daily_t[day] * factor
            for value in (regular[i], last[i]):
                assert value >= 0.0 and (value * GRID_PER_T).is_integer()
            assert regular[i] <= last[i]
            if factor == 0.0:
                assert regular[i] == 0.0 and last[i] == 0.0
            delivered_units[i] += (regular[i] * (STEPS_PER_DAY - 1) + last[i]) * GRID_PER_T
            assert delivered_units[i] == round(running_t[i] * GRID_PER_T)
    total_t = sum(units / GRID_PER_T for units in delivered_units)
    planned_t = sum(math.fsum(lane.daily_t[: spec.n_days]) for lane in spec.lanes)
    outage_t = sum(
        math.fsum(d * (1.0 - f) for d, f in zip(lane.daily_t, factors, strict=True))
        for lane in spec.lanes
        if lane.enterprise == spec.enterprises[0].id
    )
    assert math.isclose(total_t, planned_t - outage_t, abs_tol=len(spec.lanes) / GRID_PER_T)


class _Pile:
    def __init__(self, level_t: float) -> None:
        self.level_t = level_t


def test_ledger_keeps_daily_conveyor_tonnes_only_for_conveyor_lanes_and_snapshots_by_day():
    ledger = DemandLedger(3, 4, conveyor_lanes={1})
    assert [len(days) for days in ledger.conveyed_by_day] == [0, 4, 0]
    ledger.backlog_t[2] = 7.5
    ledger.snapshot(2, [_Pile(3.0), None, _Pile(1.25)])
    assert ledger.stock_by_day[:, 2].tolist() == [3.0, 0.0, 1.25]
    assert ledger.backlog_by_day[:, 2].tolist() == [0.0, 0.0, 7.5]
    assert ledger.stock_by_day.sum() == 4.25
