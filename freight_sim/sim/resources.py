"""Queueing resources of the engine, kept cheap: a FIFO c-server booking and a stockpile.

``FifoServers`` replaces a SimPy ``Resource`` where the holder's service time is known when it arrives
(loading a truck or a train, swapping a battery, a train path): served first-come first-served, the
start of service of each arrival is ``max(arrival, earliest time a server is free)`` (the Kiefer-Wolfowitz
recursion), so a request costs no event: the caller waits with one timeout to the end of service. This
is exact for FIFO queues as long as requests are booked in arrival order, which holds because the engine
books at the current simulated time.

``Stock`` is a container whose ``put`` is a plain call (no event); takers that find too little wait on an
event served first-come first-served.
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heapify, heapreplace
from typing import Protocol

import simpy


class StockListener(Protocol):
    """Told after a put to a stockpile (a rail terminal forming trains)."""

    def notify(self, changed: Stock | None = None) -> None: ...

    def quiet_below_t(self) -> float:
        """A level below which telling it about a rise of one of its piles changes nothing (0: always tell)."""
        ...


class FifoServers:
    """``capacity`` identical servers, first come first served, with lightweight wait/busy counters."""

    __slots__ = ("_free_at", "busy_h", "capacity", "kind", "name", "requests", "wait_max_h", "wait_sum_h")

    def __init__(self, name: str, kind: str, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"{name}: capacity must be >= 1, got {capacity}")
        self.name = name
        self.kind = kind
        self.capacity = capacity
        self._free_at = [0.0] * capacity
        self.reset_stats()

    def reset_stats(self) -> None:
        self.requests = 0
        self.wait_sum_h = 0.0
        self.wait_max_h = 0.0
        self.busy_h = 0.0

    def book(self, now_h: float, service_h: float) -> float:
        """Book a server for ``service_h`` from the earliest free moment at or after ``now_h``; return the start."""
        free_at = self._free_at
        first = free_at[0]
        start = first if first > now_h else now_h
        if self.capacity == 1:
            free_at[0] = start + service_h
        else:
            heapreplace(free_at, start + service_h)
        wait = start - now_h
        self.requests += 1
        self.wait_sum_h += wait
        if wait > self.wait_max_h:
            self.wait_max_h = wait
        self.busy_h += service_h
        return start

    def book_batch(self, now_h: float, service_h: float, count: int) -> float:
        """Book ``count`` services at once (a convoy's trucks, fast mode), one after another as ``count``
        vehicles would, and return the first one's start: the servers carry the whole convoy's work, while
        the convoy waits only as long as one of its trucks would (its trucks stand for ones that arrive
        spread out, not in a bunch queueing behind each other). The counters count ``count`` requests."""
        free_at = self._free_at
        if max(free_at) > now_h:  # a server is busy: the bookings one by one, with ``book``'s float steps
            busy_h = self.busy_h
            first_h = max(free_at[0], now_h)  # the first booking's start
            left = count
            while left and free_at[0] <= now_h:  # servers free now: they start at once (no wait to add)
                heapreplace(free_at, now_h + service_h)
                busy_h += service_h
                left -= 1
            wait_sum, wait = self.wait_sum_h, 0.0
            for _ in range(left):  # the rest start when the first server frees, in rising order
                start = free_at[0]
                heapreplace(free_at, start + service_h)
                wait = start - now_h
                wait_sum += wait
                busy_h += service_h
            self.requests += count
            self.wait_sum_h, self.busy_h = wait_sum, busy_h
            if wait > self.wait_max_h:  # the last booking waits longest
                self.wait_max_h = wait
            return first_h
        # every server free (the common case): rounds of ``capacity`` services from now, in closed form
        rounds, extra = divmod(count, self.capacity)
        busy = [now_h + (rounds + 1) * service_h] * extra + [now_h + rounds * service_h] * (self.capacity - extra)
        free_at[:] = busy if rounds else busy[:extra] + free_at[extra:]
        heapify(free_at)
        self.requests += count
        self.wait_sum_h += service_h * (self.capacity * rounds * (rounds - 1) / 2.0 + extra * rounds)
        self.wait_max_h = max(self.wait_max_h, (count - 1) // self.capacity * service_h)
        self.busy_h += count * service_h
        return now_h

    def stats_row(self, observed_h: float) -> dict:
        mean = self.wait_sum_h / self.requests if self.requests else 0.0
        util = self.busy_h / (self.capacity * observed_h) if observed_h > 0 else math.nan
        return {
            "resource": self.name,
            "kind": self.kind,
            "capacity": self.capacity,
            "requests": self.requests,
            "mean_wait_h": mean,
            "max_wait_h": self.wait_max_h,
            "utilisation": util,
        }


class Stock:
    """Stockpile state: ``level_t`` of ``capacity_t``, FIFO takers waiting for an amount, an optional listener.

    The listener (a rail terminal) is told after every put so it can form a train. Vehicles that bring
    cargo to a full pile wait in ``putters``; ``admit`` puts their cargo in, first come first served, when
    there is room again, and counts their waits. Puts and train takes (``track_fill`` first) keep the
    time integral of the level, for the pile's mean fill.
    """

    __slots__ = (
        "_fill_since_h",
        "_fill_th",
        "capacity_t",
        "env",
        "level_t",
        "listener",
        "name",
        "putters",
        "requests",
        "wait_max_h",
        "wait_sum_h",
        "waiting",
    )

    def __init__(self, env: simpy.Environment, name: str, capacity_t: float) -> None:
        self.env = env
        self.name = name
        self.level_t = 0.0
        self.capacity_t = capacity_t
        self.waiting: deque = deque()  # (amount_t, event) of takers, first come first served
        self.listener: StockListener | None = None
        self.putters: deque = deque()  # (amount_t, event, arrived_h, carrier) of vehicles waiting to unload
        self.reset_stats()

    def reset_stats(self) -> None:
        self.requests = 0
        self.wait_sum_h = 0.0
        self.wait_max_h = 0.0
        self._fill_th = 0.0  # integral of the level over time, t*h
        self._fill_since_h = self.env.now

    def track_fill(self) -> None:
        """Add the level held since the last change to the fill integral (call before changing the level)."""
        now = self.env.now
        self._fill_th += self.level_t * (now - self._fill_since_h)
        self._fill_since_h = now

    def must_wait(self, amount_t: float) -> bool:
        """Whether a vehicle bringing ``amount_t`` now has to wait (others wait, or there is no room)."""
        self.requests += 1
        return bool(self.putters) or self.level_t + amount_t > self.capacity_t

    def admit(self) -> None:
        """Unload waiting vehicles, in order, while their cargo fits; their cargo lots are empty from now."""
        putters, now = self.putters, self.env.now
        while putters and self.level_t + putters[0][0] <= self.capacity_t:
            amount, event, arrived_h, carrier = putters.popleft()
            carrier.cargo_t = 0.0
            wait = now - arrived_h
            self.wait_sum_h += wait
            if wait > self.wait_max_h:
                self.wait_max_h = wait
            event.succeed()  # before the put, whose train may admit more: wake-ups stay in arrival order
            self.put(amount)

    def stats_row(self, observed_h: float) -> dict:
        """Waits of vehicles bringing cargo; utilisation: the mean level over the capacity."""
        self.track_fill()
        filled = self._fill_th / (self.capacity_t * observed_h) if observed_h > 0 and math.isfinite(self.capacity_t) else math.nan
        return {
            "resource": self.name,
            "kind": "station_pile",
            "capacity": self.capacity_t,
            "requests": self.requests,
            "mean_wait_h": self.wait_sum_h / self.requests if self.requests else 0.0,
            "max_wait_h": self.wait_max_h,
            "utilisation": filled,
        }

    def wait_for(self, amount_t: float) -> simpy.Event:
        """An event that fires when ``amount_t`` has been taken for the caller (FIFO among waiters)."""
        event = simpy.Event(self.env)
        if not self.waiting and self.level_t >= amount_t:
            self.level_t -= amount_t
            event.succeed()
        else:
            self.waiting.append((amount_t, event))
        return event

    def put(self, amount_t: float) -> None:
        """Add ``amount_t`` (the caller has checked the room) and serve waiting takers in order."""
        now = self.env.now  # track_fill, inlined: puts are frequent
        self._fill_th += self.level_t * (now - self._fill_since_h)
        self._fill_since_h = now
        self.level_t += amount_t
        if self.waiting or self.listener is not None:
            self.serve()

    def serve(self) -> None:
        """Hand the level to waiting takers in order, then tell the listener (after a direct level change)."""
        waiting = self.waiting
        if waiting:
            level = self.level_t
            while waiting and level >= waiting[0][0]:
                amount, event = waiting.popleft()
                level -= amount
                event.succeed()
            self.level_t = level
        if self.listener is not None:
            self.listener.notify(self)

    @property
    def room_t(self) -> float:
        return self.capacity_t - self.level_t
