"""Trains: wagon sets at a rail terminal, a loading track, train paths on line sections, empty return.

A terminal forms a train when one of the stockpiles it serves holds a train load and a wagon set is idle
(the fullest pile first, ties by lane order). A terminal with a timetable forms trains only at its slots
(hours of each day): at each slot an idle wagon set takes up to a train load from the fullest pile holding
at least the terminal's minimum load; a slot without an idle set or without that load is missed. The
train then books the loading track (FIFO, loading at the terminal's t/h rate, starting only within the
station's opening hours), books a path on every line section and yard of its run in order
(freight_sim.sim.line_sections; it waits at its terminal for the first, at a section's entry for the
others), runs loaded, unloads, and its wagon set returns empty, again on paths of every section it
crosses, and becomes idle. A train books the paths of its round trip as it sets off (a later booking can
still take an earlier free path). Taking cargo from a full station pile lets
trucks waiting at its gate unload.
"""

from __future__ import annotations

import math

from freight_sim.sim.line_sections import PathCalendar, book_route
from freight_sim.sim.rail_spec import RailTerminal
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.spec import HOURS_PER_DAY, Segment, quantise_t
from freight_sim.sim.state import CargoLot, RunState
from freight_sim.sim.streams import FactorStream

Route = tuple[tuple[PathCalendar, float], ...]


class RailFeed:
    """One lane's rail segment as seen by its loading terminal."""

    __slots__ = (
        "back_route",
        "lane",
        "route",
        "seg_index",
        "segment",
        "sink",
        "source",
        "vt_index",
    )

    def __init__(
        self,
        *,
        lane: int,
        seg_index: int,
        vt_index: int,
        segment: Segment,
        source: Stock,
        sink: Stock | None,
        route: Route,
        back_route: Route,
    ) -> None:
        self.lane = lane
        self.seg_index = seg_index
        self.vt_index = vt_index
        self.segment = segment
        self.source = source
        self.sink = sink
        self.route = route  # (path calendar, offset_h) of each crossing of the loaded run
        self.back_route = back_route  # and of the empty return


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
        opens, closes = terminal.opens_h, terminal.closes_h
        self.closed_h = (closes, (opens - closes) % HOURS_PER_DAY) if opens != closes else None  # (from, hours)
        self.loading_factors: FactorStream | None = None  # train loading time factors, when they vary

    def open_at(self, t_h: float) -> float:
        """The first time at or after ``t_h`` when the terminal is open for loading."""
        if self.closed_h is None:
            return t_h
        closes_h, closed_h = self.closed_h
        into = (t_h - closes_h) % HOURS_PER_DAY
        return t_h + closed_h - into if into < closed_h else t_h

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

    def quiet_below_t(self) -> float:
        """A timetabled terminal acts only at its slots; one that alone serves its piles forms a train only
        from a pile holding a train load (``notify``); else every rise counts. Call once the feeds are added."""
        if self.timetabled:
            return math.inf
        if all(feed.source.listener is self for feed in self.feeds):
            return self.train_load_t
        return 0.0

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
            yield day_start_h + slot_h - env.now
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
    start = dispatch.track.book(dispatch.open_at(now), loading_h)
    if run.trace is not None:
        run.trace(start, name, "train_load_start")
    yield start + loading_h - now
    ready = env.now
    entries: list | None = [] if run.trace is not None else None
    # the round trip's paths are booked as it sets off; it waits for its first path at its terminal
    delay, first_wait = book_route(feed.route, ready, entries, ready)
    departure = ready + first_wait
    arrival = ready + delay + seg.loaded_h + seg.rail_unload_h
    back_delay, _ = book_route(feed.back_route, arrival, entries, ready)
    end = arrival + seg.empty_h + back_delay
    lot.until_h = arrival
    if departure >= run.recorder.warmup_h:
        run.train_departures += 1
        run.train_departures_by_day[min(int(departure // 24.0), run.n_days - 1)] += 1
    run.recorder.leg(feed.seg_index, feed.vt_index, load_t, start, end, 0.0)
    if run.trace is not None:
        run.trace(departure, name, "depart")
        for section, entered_h in entries:  # type: ignore[union-attr]
            run.trace(entered_h, name, f"path:{section}")
        run.trace(arrival, name, "unloaded")
        run.trace(end, name, "back")
    yield arrival - ready
    lot.cargo_t = 0.0
    if feed.sink is None:
        run.deliver(feed.lane, arrival, load_t)
    else:
        feed.sink.put(load_t)
    del run.trains[trip]
    yield end - arrival
    dispatch.idle_sets += 1
    dispatch.notify()
