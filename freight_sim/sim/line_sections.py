"""Train paths on line sections and yards, booked arithmetically (no SimPy events).

Each section (one direction of a double-track section, or both directions of a single-track one) has a
daily grid of paths; paths inside the maintenance window are closed, and background traffic (passenger
and through trains) takes a fixed, evenly spread share of the open paths before the region's trains. A
train that reaches the section at time ``t`` takes the first open path at or after ``t`` that neither
background traffic nor another train holds; paths are booked when a train sets off, for its whole run
(its crossings in order, each at the time it gets there given the waits before), so a later booking can
still take an earlier free path (gap filling). The k-th open path overall is background when
``floor((k + 1) * s) > floor(k * s)`` with ``s`` = background trains / open paths a day.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

from freight_sim.sim.rail_spec import LineSection
from freight_sim.sim.spec import HOURS_PER_DAY


def free_slot_offsets(paths_per_day: float, window_start_h: float, window_h: float) -> tuple[float, ...]:
    """Hours of day of a section's open paths: ``floor(paths_per_day)`` paths ``24/n`` h apart from 0:00,
    less those starting inside the daily maintenance window ``[window_start_h, window_start_h + window_h)``."""
    n = math.floor(paths_per_day + 1e-9)
    headway_h = HOURS_PER_DAY / n
    offsets = (i * headway_h for i in range(n))
    if window_h <= 0:
        return tuple(offsets)
    return tuple(t for t in offsets if (t - window_start_h) % HOURS_PER_DAY >= window_h - 1e-9)


class PathCalendar:
    """The paths of one line section (or the admissions of one yard) and the region's trains that hold them."""

    __slots__ = (
        "_per_day",
        "_prune_at",
        "_share",
        "_taken",
        "background_per_day",
        "kind",
        "name",
        "offsets",
        "requests",
        "wait_max_h",
        "wait_sum_h",
        "waited",
    )

    def __init__(self, section: LineSection) -> None:
        self.name = section.id
        self.kind = section.kind
        self.offsets = free_slot_offsets(section.paths_per_day, section.maintenance_start_h, section.maintenance_h)
        self._per_day = len(self.offsets)
        self.background_per_day = section.background_per_day
        self._share = section.background_per_day / self._per_day
        self._taken: set[int] = set()
        self._prune_at = 1024
        self.reset_stats()

    def reset_stats(self) -> None:
        self.requests = 0
        self.waited = 0
        self.wait_sum_h = 0.0
        self.wait_max_h = 0.0

    def is_background(self, k: int) -> bool:
        """Whether background traffic holds open path ``k`` (counted from the first open path of day 0)."""
        share = self._share
        return math.floor((k + 1) * share) > math.floor(k * share)

    def forget_before(self, now_h: float) -> None:
        """Drop held paths of days before ``now_h`` once many are held (no booking can ask for them again),
        so memory stays flat over long runs."""
        if len(self._taken) > self._prune_at:
            first = math.floor(now_h / HOURS_PER_DAY) * self._per_day
            self._taken = {k for k in self._taken if k >= first}
            self._prune_at = 2 * len(self._taken) + 1024

    def book(self, at_h: float) -> float:
        """Hold the first free path at or after ``at_h`` and return its time."""
        per_day = self._per_day
        day = math.floor(at_h / HOURS_PER_DAY)
        first = k = day * per_day + bisect_left(self.offsets, at_h - day * HOURS_PER_DAY - 1e-9)
        taken, share, floor = self._taken, self._share, math.floor
        while k in taken or floor((k + 1) * share) > floor(k * share):  # held by a train, or by background (is_background, inlined)
            k += 1
        taken.add(k)
        day, index = divmod(k, per_day)
        start_h = day * HOURS_PER_DAY + self.offsets[index]
        wait = start_h - at_h
        self.requests += 1
        self.wait_sum_h += wait
        if wait > self.wait_max_h:
            self.wait_max_h = wait
        if k != first:
            self.waited += 1
        return start_h

    def stats_row(self, observed_h: float) -> dict:
        """``capacity``: open paths a day; ``utilisation``: background and the region's trains over them;
        ``waited``: trains whose first open path after their arrival was held by another train."""
        days = observed_h / HOURS_PER_DAY
        used = (self.background_per_day + self.requests / days) / self._per_day if days > 0 else math.nan
        return {
            "resource": self.name,
            "kind": self.kind,
            "capacity": self._per_day,
            "requests": self.requests,
            "mean_wait_h": self.wait_sum_h / self.requests if self.requests else 0.0,
            "max_wait_h": self.wait_max_h,
            "utilisation": used,
            "background_per_day": self.background_per_day,
            "waited": self.waited,
        }


def book_route(
    route: Sequence[tuple[PathCalendar, float]], start_h: float, entries: list | None = None, now_h: float | None = None
) -> tuple[float, float]:
    """Book each (calendar, offset_h) of a run in order, from ``start_h``; return the hours of waiting added
    in all and those before the first crossing.

    A train reaches each crossing ``offset_h`` after setting off plus the waits before it; ``entries`` (if
    given) receives (calendar name, time the train enters it); ``now_h``: the simulated time of the
    booking (no later booking asks for a path before it)."""
    delay = first = 0.0
    for i, (calendar, offset_h) in enumerate(route):
        if now_h is not None:
            calendar.forget_before(now_h)
        at_h = start_h + offset_h + delay
        entered_h = calendar.book(at_h)
        delay += entered_h - at_h
        if i == 0:
            first = delay
        if entries is not None:
            entries.append((calendar.name, entered_h))
    return delay, first
