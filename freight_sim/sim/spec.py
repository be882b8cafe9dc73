"""The static model the engine runs: plain frozen data, no files, no config schema.

Time is in hours from the start of day 0 (``start_date`` 00:00). Tonnes are floats; the engine keeps
every amount on a 1/1024 t grid so that tonnage sums are exact (see ``quantise_t``).

Structure: a ``Lane`` is one enterprise x flow x chain. It owns one origin stockpile (fed by production)
and a sequence of ``Segment``s. A road segment is served by a pool of trucks that take cargo from its
``source`` stockpile and put it into its ``sink`` stockpile (or deliver it when ``sink`` is -1); a rail
segment is served by the wagon sets of its loading ``terminal``; a conveyor segment moves production
straight through. Far-end drayage (rail station <-> counterpart) is a road segment like any other.
Terminals, line sections and the crossings of a train's run are in freight_sim.sim.rail_spec.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from freight_sim.errors import ModelError

if TYPE_CHECKING:
    from freight_sim.sim.rail_spec import Crossing, LineSection, RailTerminal

GRID_PER_T = 1024.0
ALERT_NONE, ALERT_ORANGE, ALERT_RED = 0, 1, 2
SEGMENT_KINDS = ("direct", "gate_drayage", "long_haul", "far_drayage")
TRUCK_SEGMENT_KINDS = ("direct", "gate_drayage", "far_drayage")  # kinds a road segment may have
MODES = ("road", "rail", "conveyor")
HOURS_PER_DAY = 24.0


def quantise_t(tonnes: float) -> float:
    """Round ``tonnes`` to the engine's 1/1024 t grid (sums of grid values are exact in float64)."""
    return round(tonnes * GRID_PER_T) / GRID_PER_T


@dataclass(frozen=True, kw_only=True)
class VehicleType:
    """A vehicle type as the engine needs it; ``class_id`` is what alert ban lists name."""

    id: str
    mode: str
    payload_t: float
    battery_kwh: float = 0.0
    usable_battery_share: float = 1.0
    kwh_per_km_loaded: float = 0.0
    kwh_per_km_empty: float = 0.0
    refuel: str | None = None  # 'swap' | 'plug' | None (no battery constraint)
    refuel_h: float = 0.0
    class_id: str = ""

    @property
    def ban_class(self) -> str:
        return self.class_id or self.id

    @property
    def usable_kwh(self) -> float:
        return self.battery_kwh * self.usable_battery_share


DISTRIBUTIONS = ("fixed", "gamma", "lognormal", "exponential")  # of a duration or a day's production, mean 1
PRODUCTION_DISTRIBUTIONS = (*DISTRIBUTIONS, "poisson")  # poisson: truck loads at Poisson times (an open source)


@dataclass(frozen=True)
class Variation:
    """How a quantity varies around its planned value: a distribution of mean 1 with coefficient of
    variation ``cv`` (``fixed``: always the plan; ``exponential``: cv 1)."""

    distribution: str = "fixed"
    cv: float = 0.0

    @property
    def fixed(self) -> bool:
        return self.distribution == "fixed" or (self.cv == 0.0 and self.distribution in ("gamma", "lognormal"))


FIXED = Variation()


@dataclass(frozen=True, kw_only=True)
class ServiceTimes:
    """Variation of the handling times around their planned values (freight_sim/sim/variability.py)."""

    truck_loading: Variation = FIXED
    truck_unloading: Variation = FIXED
    battery_swap: Variation = FIXED
    train_loading: Variation = FIXED


@dataclass(frozen=True, kw_only=True)
class Enterprise:
    """A plant gate with truck loading bays; ``production_factor_by_day`` is 0 on outage days (empty: all 1).

    ``production`` is how its daily production (and consumption: inbound lanes too) varies around the
    plan: one factor per day for all its lanes, or, for ``poisson``, truck loads at Poisson times."""

    id: str
    node: str
    stockyard_t: float
    loading_bays: int
    loading_h: float
    unloading_h: float
    production_factor_by_day: tuple[float, ...] = ()
    production: Variation = FIXED


@dataclass(frozen=True)
class Stockpile:
    """A stockpile: ``capacity_t`` may be ``math.inf`` (public-station piles)."""

    id: str
    node: str
    capacity_t: float


@dataclass(frozen=True, kw_only=True)
class PoolEntry:
    """Trucks of one type on a road segment and, for battery trucks, where they swap or charge.

    A battery truck swaps on its empty return, where a driver would: at ``swap_station``, the station
    that adds the least distance to the return (unloading end -> station -> loading end; a station on
    the route adds none). A swap truck whose haul does not fit one battery that way also has a
    ``far_swap_station``, the first stop of the return (unloading end -> far station -> swap station ->
    loading end); it stops at a station only when the charge left would not bring it, after the next
    stretch, to the next station. Hops are one-way road km and h; a return's extra km over the
    segment's empty leg are its swap detour.
    """

    vehicle_type: str
    count: int
    swap_station: str | None = None
    to_swap_km: float = 0.0  # unloading end -> swap station
    to_swap_h: float = 0.0
    from_swap_km: float = 0.0  # swap station -> loading end
    from_swap_h: float = 0.0
    far_swap_station: str | None = None
    to_far_km: float = 0.0  # unloading end -> far swap station
    to_far_h: float = 0.0
    far_to_swap_km: float = 0.0  # far swap station -> swap station
    far_to_swap_h: float = 0.0
    far_to_load_km: float = 0.0  # far swap station -> loading end (when the swap station is passed by)
    far_to_load_h: float = 0.0
    active_from_h: float = 0.0  # fleet renewals: the trucks enter service at this hour ...
    retire_h: float = math.inf  # ... and take no new load from this hour on (freight_sim.sim.fleet_turnover)


@dataclass(frozen=True, kw_only=True)
class Segment:
    kind: str  # one of SEGMENT_KINDS
    mode: str  # one of MODES
    origin: str
    destination: str
    loaded_km: float
    loaded_h: float
    empty_km: float
    empty_h: float
    electrified_share: float = 0.0
    source: int = -1  # index into ModelSpec.stockpiles the segment takes cargo from (-1: none)
    sink: int = -1  # index into ModelSpec.stockpiles it feeds (-1: delivered)
    pool: tuple[PoolEntry, ...] = ()  # road
    bay_site: str | None = None  # road: enterprise whose loading bays load the trucks (None: unconstrained)
    load_h: float = 0.0  # road: hours to load one truck
    unload_h: float = 0.0  # road: hours to unload one truck
    terminal: str | None = None  # rail: terminal where trains load (wagon sets, loading track)
    crossings: tuple[Crossing, ...] = ()  # rail: line sections and yards of the loaded run, in order
    return_crossings: tuple[Crossing, ...] = ()  # rail: those of the empty return, in order
    rail_unload_h: float = 0.0  # rail: hours to unload a train
    vehicle_type: str | None = None  # rail and conveyor: the vehicle type of the rows
    gate: bool = False  # the movement crosses the enterprise's gate
    shunting_share: float = 0.0  # rail: share of the km on unelectrified spurs, worked by shunting locomotives


@dataclass(frozen=True, kw_only=True)
class Lane:
    """One enterprise x flow x chain: its share of the flow, its daily tonnage and its segments."""

    id: str
    enterprise: str
    flow: str
    commodity: str
    direction: str
    chain: str
    tonnes_per_year: float
    daily_t: Sequence[float]  # planned production per simulated day, before outages (assembled: array('d'); pathways: StateDailyTonnes)
    origin_stock: int  # index into ModelSpec.stockpiles
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SwapStation:
    id: str
    node: str
    bays: int


@dataclass(frozen=True, kw_only=True)
class Convoys:
    """Fast mode: the trucks of a pool entry move as convoys of up to ``max_trucks`` (at least
    ``min_per_pool`` convoys where the entry has that many trucks; a convoy's load at most a quarter of a
    finite pile it takes from or brings to)."""

    max_trucks: int
    min_per_pool: int


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    horizon_h: float
    warmup_h: float
    start_date: dt.date
    alert_levels: tuple[int, ...]  # per simulated day: 0 none, 1 orange, 2 red
    orange_bans: tuple[str, ...]
    red_bans: tuple[str, ...]
    enterprises: tuple[Enterprise, ...]
    stockpiles: tuple[Stockpile, ...]
    lanes: tuple[Lane, ...]
    vehicle_types: tuple[VehicleType, ...]
    terminals: tuple[RailTerminal, ...] = ()
    line_sections: tuple[LineSection, ...] = ()
    swap_stations: tuple[SwapStation, ...] = ()
    travel_time_cv: float = 0.0
    record_legs: bool = True
    demand_step_h: float = 1.0
    name: str = "model"
    fleet_substitutions: tuple = ()  # FleetSubstitution rows: vehicle types replaced on segments they cannot serve
    service_times: ServiceTimes = ServiceTimes()
    convoys: Convoys | None = None  # fast mode; None: every truck its own process

    @property
    def n_days(self) -> int:
        return math.ceil(self.horizon_h / HOURS_PER_DAY - 1e-9)

    def summary(self) -> dict:
        """Counts that identify the model in results."""
        return {
            "name": self.name,
            "horizon_h": self.horizon_h,
            "warmup_h": self.warmup_h,
            "start_date": self.start_date.isoformat(),
            "enterprises": len(self.enterprises),
            "lanes": len(self.lanes),
            "trucks": sum(p.count for lane in self.lanes for s in lane.segments for p in s.pool if p.active_from_h == 0.0),  # at the start
            "terminals": len(self.terminals),
            "swap_stations": len(self.swap_stations),
            "alert_days": sum(1 for level in self.alert_levels if level),
            "fleet_substitutions": len(self.fleet_substitutions),
            "mode": "full" if self.convoys is None else "fast",
        }


def day_step_problem(step_h: float) -> str | None:
    """Why production cannot step through a day every ``step_h`` hours (the step must divide 24 h), or None."""
    steps = HOURS_PER_DAY / step_h
    return None if abs(steps - round(steps)) <= 1e-9 else f"{step_h:g} h does not divide a day (24 h) into whole steps"


def check_spec(spec: ModelSpec) -> None:
    """Raise ModelError naming the first inconsistency (unknown id, bad index, infeasible battery cycle)."""
    problems = list(_spec_problems(spec))
    if problems:
        raise ModelError("; ".join(problems))


def _spec_problems(spec: ModelSpec):
    from freight_sim.sim.rail_spec import section_problems, timetable_problems  # it builds on this module

    if spec.horizon_h <= 0 or not 0 <= spec.warmup_h < spec.horizon_h:
        yield f"horizon_h {spec.horizon_h} / warmup_h {spec.warmup_h}: need 0 <= warmup_h < horizon_h"
    step_problem = day_step_problem(spec.demand_step_h)
    if step_problem:
        yield f"demand_step_h: {step_problem}"
    if len(spec.alert_levels) < spec.n_days:
        yield f"alert_levels has {len(spec.alert_levels)} days, the horizon needs {spec.n_days}"
    ents = {e.id for e in spec.enterprises}
    vts = {v.id: v for v in spec.vehicle_types}
    terms = {t.id for t in spec.terminals}
    cors = {c.id for c in spec.line_sections}
    for section in spec.line_sections:
        yield from section_problems(section)
    swaps = {s.id for s in spec.swap_stations}
    for terminal in spec.terminals:
        yield from timetable_problems(terminal)
    for enterprise in spec.enterprises:
        yield from _variation_problems(f"enterprise {enterprise.id} production", enterprise.production, PRODUCTION_DISTRIBUTIONS)
    for operation, variation in vars(spec.service_times).items():
        yield from _variation_problems(operation, variation, DISTRIBUTIONS)
    yield from open_source_problems(spec)
    for lane in spec.lanes:
        where = f"lane {lane.id}"
        if lane.enterprise not in ents:
            yield f"{where}: unknown enterprise {lane.enterprise}"
        if not 0 <= lane.origin_stock < len(spec.stockpiles):
            yield f"{where}: origin_stock {lane.origin_stock} out of range"
        if len(lane.daily_t) < spec.n_days:
            yield f"{where}: daily_t has {len(lane.daily_t)} days, the horizon needs {spec.n_days}"
        for i, seg in enumerate(lane.segments):
            yield from _segment_problems(f"{where} segment {i}", seg, spec, ents, vts, terms, cors, swaps)


def open_source_problems(spec: ModelSpec):
    """``poisson`` production brings truck loads at random times to the first leg's trucks: every lane of such
    an enterprise must start with a truck segment (not a rail siding or a conveyor)."""
    poisson = {e.id for e in spec.enterprises if e.production.distribution == "poisson"}
    for lane in spec.lanes:
        if lane.enterprise in poisson and lane.segments:
            first = lane.segments[0]
            if first.mode != "road" or not first.pool:
                starts = "trucks without a fleet" if first.mode == "road" else first.mode
                yield (
                    f"enterprise {lane.enterprise}: production 'poisson' (truck loads at random times) needs trucks on the"
                    f" first leg of every flow; lane {lane.id} starts with {starts}"
                )


def _variation_problems(where: str, variation: Variation, known: tuple[str, ...]):
    if variation.distribution not in known:
        yield f"{where}: unknown distribution {variation.distribution!r} (known: {', '.join(known)})"
    elif not 0.0 <= variation.cv <= 3.0:
        yield f"{where}: cv {variation.cv:g} must lie in [0, 3]"


def stretch_need_kwh(seg: Segment, vt: VehicleType, entry: PoolEntry) -> tuple[float, ...]:
    """kWh of each stretch a battery must cover between two swaps: from the swap station to the loading end,
    the loaded leg and on to the next station (the swap station again, or the far station); with a far
    station also far station -> swap station."""
    e = vt.kwh_per_km_empty
    loaded_kwh = seg.loaded_km * vt.kwh_per_km_loaded
    if entry.far_swap_station is None:
        return (e * entry.from_swap_km + loaded_kwh + e * entry.to_swap_km,)
    return (e * entry.from_swap_km + loaded_kwh + e * entry.to_far_km, e * entry.far_to_swap_km)


def _segment_problems(where, seg, spec, ents, vts, terms, cors, swaps):
    if seg.kind not in SEGMENT_KINDS or seg.mode not in MODES:
        yield f"{where}: kind {seg.kind!r} / mode {seg.mode!r} not known"
    for name in ("source", "sink"):
        index = getattr(seg, name)
        if not -1 <= index < len(spec.stockpiles):
            yield f"{where}: {name} {index} out of range"
    if seg.mode == "road":
        if seg.source < 0:
            yield f"{where}: a truck segment needs a source stockpile"
        if seg.bay_site is not None and seg.bay_site not in ents:
            yield f"{where}: unknown bay_site {seg.bay_site}"
        for entry in seg.pool:
            vt = vts.get(entry.vehicle_type)
            if vt is None:
                yield f"{where}: unknown vehicle type {entry.vehicle_type}"
                continue
            if vt.payload_t <= 0:
                yield f"{where}: vehicle type {vt.id} has no payload"
            if not 0.0 <= entry.active_from_h < entry.retire_h:
                yield f"{where}: {vt.id} trucks in service from {entry.active_from_h:g} h until {entry.retire_h:g} h: need 0 <= from < until"
            if vt.refuel is not None:
                if entry.swap_station not in swaps:
                    yield f"{where}: battery vehicle {vt.id} has no known swap/charge station ({entry.swap_station})"
                need = max(stretch_need_kwh(seg, vt, entry))
                if entry.far_swap_station is not None and entry.far_swap_station not in swaps:
                    yield f"{where}: battery vehicle {vt.id} has no known far-end swap station ({entry.far_swap_station})"
                if need > vt.usable_kwh:
                    yield f"{where}: vehicle {vt.id} needs {need:.0f} kWh between two swaps, usable battery {vt.usable_kwh:.0f} kWh"
    if seg.mode == "rail" and seg.kind == "long_haul":
        if seg.terminal not in terms:
            yield f"{where}: unknown terminal {seg.terminal}"
        for crossing in (*seg.crossings, *seg.return_crossings):
            if crossing.section not in cors:
                yield f"{where}: unknown line section {crossing.section}"
        if seg.source < 0:
            yield f"{where}: a rail segment needs a source stockpile"
    if seg.mode in ("rail", "conveyor") and seg.vehicle_type not in vts:
        yield f"{where}: unknown vehicle type {seg.vehicle_type}"
