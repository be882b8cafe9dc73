"""Trains: wagon sets at a rail terminal, a loading track, train paths on a corridor, empty return.

A terminal forms a train when one of the stockpiles it serves holds a train load and a wagon set is idle
(the fullest pile first, ties by lane order). A terminal with a timetable forms trains only at its slots
(hours of each day): at each slot an idle wagon set takes up to a train load from the fullest pile holding
at least the terminal's minimum load; a slot without an idle set or without that load is missed. The
train then books the loading track (FIFO, loading at the terminal's t/h rate), books the first free train
path on its corridor (minimum headway 24 / paths_per_day, no departure inside the daily maintenance
window), runs loaded, unloads, and its wagon set returns empty and becomes idle again. Taking cargo from
a full station pile lets trucks waiting at its gate unload.
"""

from __future__ import annotations

import math

from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.spec import Corridor, RailTerminal, Segment, quantise_t
from freight_sim.sim.state import CargoLot, RunState
from freight_sim.sim.streams import FactorStream


class PathBooking(FifoServers):
    """Departures on a corridor: one at a time, ``headway_h`` apart, none inside the maintenance window."""

    __slots__ = ("_last_departure_h", "headway_h", "window_h", "window_start_h")

    def __init__(self, corridor: Corridor) -> None:
        super().__init__(corridor.id, "line_corridor", 1)
        self.headway_h = 24.0 / corridor.paths_per_day if math.isfinite(corridor.paths_per_day) else 0.0
        self.window_start_h = corridor.maintenance_start_h
        self.window_h = corridor.maintenance_h
        self._last_departure_h = -math.inf

    def departure(self, now_h: float) -> float:
        """Book and return the first departure time at or after ``now_h``."""
        dep = self._last_departure_h + self.headway_h
        if dep < now_h:
            dep = now_h
        if self.window_h > 0:
            into_window = (dep - self.window_start_h) % 24.0
            if into_window < self.window_h:
                dep += self.window_h - into_window
        self._last_departure_h = dep
        wait = dep - now_h
        self.requests += 1
        self.wait_sum_h += wait
        if wait > self.wait_max_h:
            self.wait_max_h = wait
        self.busy_h += self.headway_h
        return dep


class RailFeed:
    """One lane's rail segment as seen by its loading terminal."""

    __slots__ = (
        "corridor",
        "lane",
        "seg_index",
        "segment",
        "sink",
        "source",
        "vt_index",
    )

    def __init__(
        self, lane: int, seg_index: int, vt_index: int, segment: Segment, source: Stock, sink: Stock | None, corridor: PathBooking
    ) -> None:
        self.lane = lane
        self.seg_index = seg_index
        self.vt_index = vt_index
        self.segment = segment
        self.source = source
        self.sink = sink
        self.corridor = corridor


class SlotCount:
    """Timetable slots of one terminal and those that sent no train, as a row of the resources table."""

    __slots__ = ("missed", "name", "offered", "slots_per_day")

    def __init__(self, name: str, slots_per_day: int) -> None:
        self.name = name
        self.slots_per_day = slots_per_day
        self.reset_stats()

    def reset_stats(self) -> None:
        self.offered = 0
        self.missed = 0

    def stats_row(self, observed_h: float) -> dict:
        """``requests``: slots offered; ``utilisation``: the share of them that sent a train."""
        used = (self.offered - self.missed) / self.offered if self.offered else math.nan
        return {
            "resource": self.name,
            "kind": "timetable",
            "capacity": self.slots_per_day,
            "requests": self.offered,
            "mean_wait_h": math.nan,
            "max_wait_h": math.nan,
            "utilisation": used,
        }


class TerminalDispatch:
    """Idle wagon sets and the loading track of one terminal; forms trains from the piles it serves."""

    def __init__(self, run: RunState, terminal: RailTerminal) -> None:
        self.run = run
        self.terminal = terminal
        self.train_load_t = quantise_t(terminal.train_load_t)
        self.loading_h = terminal.train_load_t / terminal.loading_rate_tph
        self.idle_sets = terminal.wagon_sets
        self.track = FifoServers(terminal.id, f"{terminal.kind}_track", terminal.loading_tracks)
        self.feeds: list[RailFeed] = []
        self._sole_listener: bool | None = None  # every pile it serves reports only to it (known at the first call)
        self.timetabled = bool(terminal.slots_h)
        self.min_load_t = quantise_t(terminal.min_load_t)
        self.slots = SlotCount(terminal.id, len(terminal.slots_h))
        self.loading_factors: FactorStream | None = None  # train loading time factors, when they vary

    def add_feed(self, feed: RailFeed) -> None:
        self.feeds.append(feed)
        feed.source.listener = self

    def notify(self, changed: Stock | None = None) -> None:
        """Send idle wagon sets to the fullest piles holding a train load.

        ``changed`` is the pile whose level just rose. After every call with an idle set, no pile holds a
        train load (else a set would have gone), and levels rise only through calls to this method; so when
        ``changed`` is short of a train load, no pile holds one and the scan is skipped.
        """
        if self.timetabled:  # trains leave only at the slots
            return
        load = self.train_load_t
        if changed is not None and changed.level_t < load and self.idle_sets > 0:
            if self._sole_listener is None:
                self._sole_listener = all(feed.source.listener is self for feed in self.feeds)
            if self._sole_listener:
                return
        while self.idle_sets > 0:
            best = None
            for feed in self.feeds:
                level = feed.source.level_t
                if level >= load and (best is None or level > best.source.level_t):
                    best = feed
            if best is None:
                return
            self._send(best, load)

    def slot(self) -> None:
        """A timetable slot: send an idle wagon set to the fullest pile holding the minimum load, or miss it."""
        run = self.run
        best = None
        if self.idle_sets > 0:
            for feed in self.feeds:
                level = feed.source.level_t
                if level >= self.min_load_t and (best is None or level > best.source.level_t):
                    best = feed
        self.slots.offered += 1
        if best is None:
            self.slots.missed += 1
            if run.trace is not None:
                run.trace(run.env.now, f"timetable:{self.terminal.id}", "slot_missed")
            return
        self._send(best, min(best.source.level_t, self.train_load_t))

    def _send(self, feed: RailFeed, load_t: float) -> None:
        self.idle_sets -= 1
        feed.source.track_fill()
        feed.source.level_t -= load_t
        run = self.run
        trip = run.train_trips_started
        run.train_trips_started += 1
        lot = CargoLot(feed.lane)
        lot.cargo_t = load_t
        run.trains[trip] = lot
        run.env.process(train_trip(run, self, feed, trip, lot))
        if feed.source.putters:  # room again at a full station pile: trucks waiting at its gate unload
            feed.source.admit()


def timetable(env, dispatch: TerminalDispatch):
    """Generator: call ``dispatch.slot()`` at each of the terminal's slot hours, day after day."""
    slots_h = dispatch.terminal.slots_h
    day_start_h = 0.0
    while True:
        for slot_h in slots_h:
            yield env.timeout(day_start_h + slot_h - env.now)
            dispatch.slot()
        day_start_h += 24.0


def train_trip(run: RunState, dispatch: TerminalDispatch, feed: RailFeed, trip: int, lot: CargoLot):
    """One train (its cargo already taken into ``lot``): load, wait for a path, run, unload, return empty."""
    env = run.env
    seg = feed.segment
    load_t = lot.cargo_t
    name = f"train:{dispatch.terminal.id}#{trip}"
    now = env.now
    # a part load (timetable slots) loads for its share of the full train's time
    loading_h = dispatch.loading_h if load_t == dispatch.train_load_t else load_t / dispatch.terminal.loading_rate_tph
    if dispatch.loading_factors is not None:
        loading_h *= dispatch.loading_factors.next()
    start = dispatch.track.book(now, loading_h)
    if run.trace is not None:
        run.trace(start, name, "train_load_start")
    yield env.timeout(start + loading_h - now)
    departure = feed.corridor.departure(env.now)
    arrival = departure + seg.loaded_h + seg.rail_unload_h
    end = arrival + seg.empty_h
    lot.until_h = arrival
    if departure >= run.recorder.warmup_h:
        run.train_departures += 1
    run.recorder.leg(feed.seg_index, feed.vt_index, load_t, start, end, 0.0)
    if run.trace is not None:
        run.trace(departure, name, "depart")
        run.trace(arrival, name, "unloaded")
        run.trace(end, name, "back")
    yield env.timeout(arrival - env.now)
    lot.cargo_t = 0.0
    if feed.sink is None:
        run.deliver(feed.lane, arrival, load_t)
    else:
        feed.sink.put(load_t)
    del run.trains[trip]
    yield env.timeout(end - arrival)
    dispatch.idle_sets += 1
    dispatch.notify()
