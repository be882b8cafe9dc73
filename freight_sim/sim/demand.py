"""Production: each lane's origin stockpile receives its tonnage every ``demand_step_h`` hours.

A day's tonnage (the lane's daily plan times the enterprise's production factor, 0 on outage days; an
outage stops inbound lanes too, as the plant takes no deliveries; times the enterprise's day factor of
the day, drawn with mean 1 from its own DEMAND stream when its production varies: the plan holds in
expectation, and all its lanes, in and out, move together) is
spread evenly over the day's steps on the 1/1024 t grid (rounded cumulatively, so no tonne is lost to
rounding over the run). What does not fit in the stockpile waits as backlog and is offered again at the
next step. Conveyor lanes move each step's production straight to the customer. At each day's end the
process records every lane's stock and backlog and lets the recorder compact aggregates of past days.

An enterprise whose production is ``poisson`` (an open source, as in an M/M/c queue) is not stepped: each
of its lanes receives one truck load (the largest payload of its first segment's trucks) at the times of
a Poisson process whose rate follows the day's plan (tonnes per day / load / 24 per hour).
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np

from freight_sim.sim.resources import Stock
from freight_sim.sim.spec import GRID_PER_T, HOURS_PER_DAY, ModelSpec, quantise_t
from freight_sim.sim.state import RunState, zeros
from freight_sim.sim.streams import DEMAND, FactorStream, entity_rng, mean_one_factors


def outage_factors(spec: ModelSpec) -> np.ndarray:
    """Per enterprise (rows, spec order) and day: its outage factor (0 on outage days, 1 when running)."""
    factors = np.ones((len(spec.enterprises), spec.n_days))
    for row, enterprise in zip(factors, spec.enterprises, strict=True):
        if enterprise.production_factor_by_day:
            row *= enterprise.production_factor_by_day[: spec.n_days]
    return factors


def day_factors(spec: ModelSpec, seed: int) -> np.ndarray:
    """Per enterprise (rows, spec order) and day: outage factor x the production day factor (mean 1)."""
    factors = outage_factors(spec)
    for row, enterprise in zip(factors, spec.enterprises, strict=True):
        variation = enterprise.production
        if not variation.fixed and variation.distribution != "poisson":
            rng = entity_rng(seed, DEMAND, enterprise.id)
            row *= mean_one_factors(rng, variation.distribution, variation.cv, spec.n_days)
    return factors


def poisson_enterprises(spec: ModelSpec) -> set[str]:
    return {e.id for e in spec.enterprises if e.production.distribution == "poisson"}


class StepAmounts:
    """Per lane, the tonnes produced at each step of one day but the last, and at the last (grid values),
    computed day by day from the lanes' daily plans: nothing per day is stored up front."""

    def __init__(self, spec: ModelSpec, steps_per_day: int, factors: np.ndarray | None = None) -> None:
        """``factors``: ``day_factors`` of the run (default: the outage factors alone)."""
        factors = outage_factors(spec) if factors is None else factors
        row_of = {e.id: i for i, e in enumerate(spec.enterprises)}
        self._daily = [lane.daily_t for lane in spec.lanes]
        self._factors = [factors[row_of[lane.enterprise]] for lane in spec.lanes]
        self._steps = steps_per_day
        self._cumulative_t = np.zeros(len(spec.lanes))  # running sum of the day tonnages (not rounded)
        self._cumulative_units = np.zeros(len(spec.lanes))  # the same, rounded to the grid

    def next_day(self, day: int) -> tuple[list[float], list[float]]:
        """Amounts of ``day``: call once per day, in order (the rounding carries over from day to day)."""
        planned = np.array([daily[day] for daily in self._daily], dtype=float)
        factor = np.array([f[day] for f in self._factors], dtype=float)
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
        self._day: tuple | None = None  # the open day's (lanes, regular step t, last step t, steps per day)
        self.steps_today = 0

    def open_day(self, lanes: list[int], regular_t: list[float], last_t: list[float], steps: int) -> None:
        """The day's step amounts of the stepped piled lanes, added to ``produced_t`` once the day is over
        (``close_day``; the same sums as step by step: amounts on the 1/1024 t grid add exactly)."""
        self._day = (lanes, regular_t, last_t, steps)
        self.steps_today = 0

    def close_day(self) -> None:
        """Add the production of the day's steps so far to ``produced_t`` (all of them at the day's end; at the
        horizon, those the run reached)."""
        if self._day is None:
            return
        lanes, regular_t, last_t, steps = self._day
        done, produced = self.steps_today, self.produced_t
        regular_steps = min(done, steps - 1)
        for i in lanes:
            produced[i] += regular_t[i] * regular_steps + (last_t[i] if done == steps else 0.0)
        self._day = None
        self.steps_today = 0

    def snapshot(self, day: int, stocks: list[Stock | None]) -> None:
        self.stock_by_day[:, day] = [stock.level_t if stock is not None else 0.0 for stock in stocks]
        self.backlog_by_day[:, day] = self.backlog_t


def production(run: RunState, spec: ModelSpec, ledger: DemandLedger, origin: list[Stock | None], factors: np.ndarray):
    """Generator: add each step's production to the lanes' stockpiles (conveyor lanes: straight through);
    ``factors``: ``day_factors`` of the run. Lanes of ``poisson`` enterprises get their own processes."""
    step_h = float(spec.demand_step_h)
    steps_per_day = round(24.0 / step_h)
    amounts = StepAmounts(spec, steps_per_day, factors)
    produced, backlog = ledger.produced_t, ledger.backlog_t
    conveyed, delivered = ledger.conveyed_by_day, run.delivered_by_day
    poisson = poisson_enterprises(spec)
    stepped = [lane.enterprise not in poisson for lane in spec.lanes]
    piled = [(i, stock) for i, stock in enumerate(origin) if stock is not None and stepped[i]]
    piled_lanes = [i for i, _ in piled]
    piled_stocks = [stock for _, stock in piled]
    # with the level below which a rise is news to nobody but the first taker in line (trains: TerminalDispatch)
    quiet_below = [math.inf if stock.listener is None else stock.listener.quiet_below_t() for stock in piled_stocks]
    # conveyor lanes touch no stockpile and schedule nothing: handled apart, results do not depend on order
    conveyor = [i for i, stock in enumerate(origin) if stock is None and stepped[i]]
    for day in range(spec.n_days):
        regular_today, last_today = amounts.next_day(day)
        ledger.open_day(piled_lanes, regular_today, last_today, steps_per_day)
        regular_piled = [regular_today[i] for i in piled_lanes]
        last_piled = [last_today[i] for i in piled_lanes]
        for step in range(steps_per_day):
            last_step = step == steps_per_day - 1
            today = last_today if last_step else regular_today
            for i in conveyor:
                amount = today[i]
                if amount > 0.0:
                    produced[i] += amount
                    conveyed[i][day] += amount
                    delivered[i][day] += amount
            for i, stock, amount, quiet_below_t in zip(
                piled_lanes, piled_stocks, last_piled if last_step else regular_piled, quiet_below, strict=True
            ):
                if backlog[i] > 0.0:  # the pile was full: what waits comes first
                    level = _offer(stock, backlog, i, backlog[i] + amount)
                    if level < 0.0:
                        continue
                elif amount > 0.0:
                    level = stock.level_t + amount
                    if level <= stock.capacity_t:  # on the 1/1024 t grid: the same test as amount <= room
                        stock.level_t = level
                    else:
                        level = _offer(stock, backlog, i, amount)
                        if level < 0.0:
                            continue
                else:
                    continue
                waiting = stock.waiting  # serve only when the first in line can take its load, or trains may
                if (waiting and level >= waiting[0][0]) or level >= quiet_below_t:
                    stock.serve()
            ledger.steps_today = step + 1
            yield step_h
        ledger.close_day()
        ledger.snapshot(day, origin)
        run.recorder.close_days_before(day - 1)


def _offer(stock: Stock, backlog: list[float], lane: int, pending_t: float) -> float:
    """Put ``pending_t`` into a pile as far as it has room, the rest into the lane's backlog; the new level,
    or -1 when the pile was already full (nothing changed for its takers)."""
    level = stock.level_t
    room = stock.capacity_t - level
    if pending_t <= room:
        backlog[lane] = 0.0
        level = stock.level_t = level + pending_t
    elif room > 0.0:
        backlog[lane] = pending_t - room
        level = stock.level_t = level + room
    else:
        backlog[lane] = pending_t
        return -1.0
    return level


def poisson_lot_t(spec: ModelSpec, lane_index: int) -> float:
    """The truck load a ``poisson`` lane's cargo arrives in: the largest payload of its first segment's trucks."""
    lane = spec.lanes[lane_index]
    first = lane.segments[0]
    payloads = {v.id: v.payload_t for v in spec.vehicle_types}  # trucks on the first segment: check_spec (open_source_problems)
    return quantise_t(max(payloads[p.vehicle_type] for p in first.pool))


def poisson_lots(run: RunState, spec: ModelSpec, ledger: DemandLedger, lane_index: int, stock: Stock, factors: np.ndarray, seed: int):
    """Generator: truck loads arriving at a lane's pile at Poisson times, rate = the day's tonnes / load / 24 h.

    The process is drawn in units of expected arrivals: an exponential(1) amount of them is used up at the
    day's rate, carried over to the next day at a day's end (memoryless, so still Poisson)."""
    env = run.env
    lane = spec.lanes[lane_index]
    lot_t = poisson_lot_t(spec, lane_index)
    gaps = FactorStream(entity_rng(seed, DEMAND, f"poisson:{lane.id}"), "exponential", 1.0)
    produced, backlog = ledger.produced_t, ledger.backlog_t
    need = gaps.next()
    now = 0.0
    for day in range(spec.n_days):
        rate_h = lane.daily_t[day] * float(factors[day]) / lot_t / HOURS_PER_DAY
        day_end = (day + 1) * HOURS_PER_DAY
        while rate_h > 0.0 and now + need / rate_h < day_end:
            at = now + need / rate_h
            yield at - env.now
            now = at
            need = gaps.next()
            produced[lane_index] += lot_t
            pending = backlog[lane_index] + lot_t
            moved = min(pending, stock.capacity_t - stock.level_t)
            backlog[lane_index] = pending - moved
            if moved > 0.0:
                stock.level_t += moved
                if stock.waiting or stock.listener is not None:
                    stock.serve()
        need -= (day_end - now) * rate_h
        now = day_end
