"""Production: each lane's origin stockpile receives its tonnage every ``demand_step_h`` hours.

A day's tonnage (the lane's daily plan times the enterprise's production factor, 0 on outage days; an
outage stops inbound lanes too, as the plant takes no deliveries) is
spread evenly over the day's steps on the 1/1024 t grid (rounded cumulatively, so no tonne is lost to
rounding over the run). What does not fit in the stockpile waits as backlog and is offered again at the
next step. Conveyor lanes move each step's production straight to the customer. At each day's end the
process records every lane's stock and backlog and lets the recorder compact aggregates of past days.
"""

from __future__ import annotations

from array import array

import numpy as np

from freight_sim.sim.resources import Stock
from freight_sim.sim.spec import GRID_PER_T, ModelSpec
from freight_sim.sim.state import RunState, zeros


def step_amounts(spec: ModelSpec, steps_per_day: int) -> tuple[list[array], list[array]]:
    """Per lane and day: tonnes produced at each step but the last, and at the last step (grid values)."""
    n_days = spec.n_days
    factors = {e.id: e.production_factor_by_day for e in spec.enterprises}
    regular, last = [], []
    for lane in spec.lanes:
        daily = np.asarray(lane.daily_t[:n_days], dtype=float)
        factor = factors[lane.enterprise]
        if factor:
            daily = daily * np.asarray(factor[:n_days], dtype=float)
        cumulative_units = np.rint(np.cumsum(daily) * GRID_PER_T)
        day_units = np.diff(cumulative_units, prepend=0.0)
        step_units = np.floor(day_units / steps_per_day)
        last_units = day_units - step_units * (steps_per_day - 1)
        regular.append(array("d", (step_units / GRID_PER_T).tobytes()))
        last.append(array("d", (last_units / GRID_PER_T).tobytes()))
    return regular, last


class DemandLedger:
    """Per-lane production, backlog and daily snapshots."""

    def __init__(self, n_lanes: int, n_days: int) -> None:
        self.produced_t = [0.0] * n_lanes
        self.backlog_t = [0.0] * n_lanes
        self.stock_by_day = [zeros(n_days) for _ in range(n_lanes)]
        self.backlog_by_day = [zeros(n_days) for _ in range(n_lanes)]
        self.conveyed_by_day = [zeros(n_days) for _ in range(n_lanes)]

    def snapshot(self, day: int, stocks: list[Stock | None]) -> None:
        for i, stock in enumerate(stocks):
            self.stock_by_day[i][day] = stock.level_t if stock is not None else 0.0
            self.backlog_by_day[i][day] = self.backlog_t[i]


def production(run: RunState, spec: ModelSpec, ledger: DemandLedger, origin: list[Stock | None]):
    """Generator: add each step's production to the lanes' stockpiles (conveyor lanes: straight through)."""
    env = run.env
    step_h = spec.demand_step_h
    steps_per_day = int(round(24.0 / step_h))
    regular, last = step_amounts(spec, steps_per_day)
    produced, backlog = ledger.produced_t, ledger.backlog_t
    conveyed, delivered = ledger.conveyed_by_day, run.delivered_by_day
    # conveyor lanes touch no stockpile and schedule nothing: handled apart, results do not depend on order
    piled = [(i, stock) for i, stock in enumerate(origin) if stock is not None]
    conveyor = [i for i, stock in enumerate(origin) if stock is None]
    for day in range(spec.n_days):
        regular_today = [amounts[day] for amounts in regular]
        last_today = [amounts[day] for amounts in last]
        for step in range(steps_per_day):
            today = last_today if step == steps_per_day - 1 else regular_today
            for i in conveyor:
                amount = today[i]
                if amount > 0.0:
                    produced[i] += amount
                    conveyed[i][day] += amount
                    delivered[i][day] += amount
            for i, stock in piled:
                amount = today[i]
                pending = backlog[i] + amount
                produced[i] += amount
                if pending > 0.0:
                    room = stock.capacity_t - stock.level_t
                    moved = pending if pending <= room else room
                    if moved > 0.0:
                        backlog[i] = pending - moved
                        stock.level_t += moved
                        if stock.waiting or stock.listener is not None:
                            stock.serve()
                    else:
                        backlog[i] = pending
            yield env.timeout(step_h)
        ledger.snapshot(day, origin)
        run.recorder.close_days_before(day - 1)
