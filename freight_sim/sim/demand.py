"""Production: each lane's origin stockpile receives its tonnage every ``demand_step_h`` hours.

A day's tonnage (the lane's daily plan times the enterprise's production factor, 0 on outage days; an
outage stops inbound lanes too, as the plant takes no deliveries) is
spread evenly over the day's steps on the 1/1024 t grid (rounded cumulatively, so no tonne is lost to
rounding over the run). What does not fit in the stockpile waits as backlog and is offered again at the
next step. Conveyor lanes move each step's production straight to the customer. At each day's end the
process records every lane's stock and backlog and lets the recorder compact aggregates of past days.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from freight_sim.sim.resources import Stock
from freight_sim.sim.spec import GRID_PER_T, ModelSpec
from freight_sim.sim.state import RunState, zeros


class StepAmounts:
    """Per lane, the tonnes produced at each step of one day but the last, and at the last (grid values),
    computed day by day from the lanes' daily plans: nothing per day is stored up front."""

    def __init__(self, spec: ModelSpec, steps_per_day: int) -> None:
        factors = {e.id: e.production_factor_by_day for e in spec.enterprises}
        self._daily = [lane.daily_t for lane in spec.lanes]
        self._factors = [factors[lane.enterprise] for lane in spec.lanes]
        self._steps = steps_per_day
        self._cumulative_t = np.zeros(len(spec.lanes))  # running sum of the day tonnages (not rounded)
        self._cumulative_units = np.zeros(len(spec.lanes))  # the same, rounded to the grid

    def next_day(self, day: int) -> tuple[list[float], list[float]]:
        """Amounts of ``day``: call once per day, in order (the rounding carries over from day to day)."""
        planned = np.array([daily[day] for daily in self._daily], dtype=float)
        factor = np.array([f[day] if f else 1.0 for f in self._factors], dtype=float)
        self._cumulative_t += planned * factor
        cumulative_units = np.rint(self._cumulative_t * GRID_PER_T)
        day_units = cumulative_units - self._cumulative_units
        self._cumulative_units = cumulative_units
        step_units = np.floor(day_units / self._steps)
        last_units = day_units - step_units * (self._steps - 1)
        return (step_units / GRID_PER_T).tolist(), (last_units / GRID_PER_T).tolist()


class DemandLedger:
    """Per-lane production, backlog and daily snapshots (stock and backlog as lanes x days float64 arrays;
    conveyed tonnes per day only for conveyor lanes)."""

    def __init__(self, n_lanes: int, n_days: int, conveyor_lanes: Collection[int] = ()) -> None:
        self.produced_t = [0.0] * n_lanes
        self.backlog_t = [0.0] * n_lanes
        self.stock_by_day = np.zeros((n_lanes, n_days))
        self.backlog_by_day = np.zeros((n_lanes, n_days))
        self.conveyed_by_day = [zeros(n_days if i in conveyor_lanes else 0) for i in range(n_lanes)]

    def snapshot(self, day: int, stocks: list[Stock | None]) -> None:
        self.stock_by_day[:, day] = [stock.level_t if stock is not None else 0.0 for stock in stocks]
        self.backlog_by_day[:, day] = self.backlog_t


def production(run: RunState, spec: ModelSpec, ledger: DemandLedger, origin: list[Stock | None]):
    """Generator: add each step's production to the lanes' stockpiles (conveyor lanes: straight through)."""
    env = run.env
    step_h = spec.demand_step_h
    steps_per_day = round(24.0 / step_h)
    amounts = StepAmounts(spec, steps_per_day)
    produced, backlog = ledger.produced_t, ledger.backlog_t
    conveyed, delivered = ledger.conveyed_by_day, run.delivered_by_day
    # conveyor lanes touch no stockpile and schedule nothing: handled apart, results do not depend on order
    piled = [(i, stock) for i, stock in enumerate(origin) if stock is not None]
    conveyor = [i for i, stock in enumerate(origin) if stock is None]
    for day in range(spec.n_days):
        regular_today, last_today = amounts.next_day(day)
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
