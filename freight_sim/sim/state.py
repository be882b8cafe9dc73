"""Mutable state of one run, shared by the processes (created per run; nothing global)."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from typing import cast

import numpy as np

from freight_sim.sim.kernel import Kernel
from freight_sim.sim.recorder import Recorder
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.streams import FactorStream

TraceHook = Callable[[float, str, str], None]


def zeros(n: int) -> array:
    """A compact array of ``n`` float zeros (8 bytes each, Python floats when indexed)."""
    return array("d", bytes(8 * n))


class CargoLot:
    """Cargo on a vehicle: ``cargo_t`` counts as in transit while ``until_h`` (unloaded at) is not yet reached.

    ``pending_row`` is the leg row of a trip whose end is known only later (a truck that may wait at a full
    station pile or swap at the far end): (segment, vehicle type, tonnes, start_h, planned end_h, extra km, trips), or a
    list of such rows for a convoy of several vehicle types (fast mode).
    The engine records rows still pending at the horizon, so every trip started is in the leg table.
    """

    __slots__ = ("cargo_t", "lane", "pending_row", "soc_kwh", "until_h")

    def __init__(self, lane: int, soc_kwh: float = 0.0) -> None:
        self.lane = lane
        self.cargo_t = 0.0
        self.until_h = math.inf
        self.soc_kwh = soc_kwh
        self.pending_row: tuple | list[tuple] | None = None


class RunState:
    """Everything the processes of one run read and write."""

    def __init__(self, env: Kernel, horizon_h: float, n_days: int, n_lanes: int, recorder: Recorder, trace: TraceHook | None) -> None:
        self.env = env
        self.horizon_h = horizon_h
        self.n_days = n_days
        self.recorder = recorder
        self.trace = trace
        self.stocks: list[Stock] = []
        self.bays: dict[str, FifoServers] = {}
        self.swap_stations: dict[str, FifoServers] = {}
        self.swap_factors: dict[str, FactorStream] = {}  # per station, when swap times vary
        self.truck_lots: list[CargoLot] = []  # trucks
        self.trains: dict[int, CargoLot] = {}  # trains under way, by trip number
        self.delivered_t = np.zeros((n_lanes, n_days))  # per lane and day, tonnes delivered
        # per lane, its row of delivered_t as a memoryview: Python-float item updates as fast as array('d')
        self.delivered_by_day = [cast("memoryview[float]", row.data) for row in self.delivered_t]
        self.train_departures = 0
        self.train_departures_by_day = array("q", bytes(8 * max(n_days, 1)))  # by day of departure (the last day: later)
        self.train_trips_started = 0

    def deliver(self, lane: int, at_h: float, tonnes: float) -> None:
        """Count ``tonnes`` delivered at ``at_h`` if that is inside the horizon."""
        if at_h < self.horizon_h:
            self.delivered_by_day[lane][int(at_h // 24.0)] += tonnes

    def on_vehicles_t(self, n_lanes: int) -> list[float]:
        """Per lane: cargo on trucks and trains not yet unloaded at the horizon."""
        out = [0.0] * n_lanes
        horizon = self.horizon_h
        for lot in [*self.truck_lots, *self.trains.values()]:
            if lot.until_h >= horizon:
                out[lot.lane] += lot.cargo_t
        return out
