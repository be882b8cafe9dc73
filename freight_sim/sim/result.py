"""What a run returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True, kw_only=True)
class SimResult:
    """Tables of one run.

    legs: one row per vehicle movement (docs/data-model.md), or per (segment, vehicle type, calendar month
      of the start) with ``trips`` when the spec does not record legs; rows starting before the warm-up are
      left out.
    resources: per resource: kind, capacity, requests, mean_wait_h, max_wait_h, utilisation (after warm-up).
    daily: per lane and day after the warm-up: stock_t, backlog_t (end of day), delivered_t.
    tonnage: per lane over the whole run: produced_t = delivered_t + in_stock_t + in_transit_t + backlog_t
      (in_stock_t: origin stockpile; in_transit_t: on vehicles and in station stockpiles).
    production: per enterprise over the whole run: its production variation (distribution, cv), planned_t
      (the plan after outages: the expected production), produced_t, produced_vs_plan and daily_factor_cv
      (the realised spread of its day factors on running days; NaN for poisson lots).
    """

    legs: pd.DataFrame
    resources: pd.DataFrame
    daily: pd.DataFrame
    tonnage: pd.DataFrame
    events: int
    wall_s: float
    seed: int
    truck_trips: int
    train_departures: int
    spec: dict = field(default_factory=dict)
    train_slots_missed: int = 0  # timetable slots (after the warm-up) that sent no train
    train_departures_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # after the warm-up, by day
    loop_cpu_s: float = 0.0
    production: pd.DataFrame = field(default_factory=pd.DataFrame)
    truck_trips_by_segment: dict = field(
        default_factory=dict
    )  # segment kind -> truck trips (every road segment)  # CPU time of the event loop alone (no model building, no result tables)
