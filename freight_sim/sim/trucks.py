"""The truck process: one generator per truck, few events per cycle.

A cycle: (alert-day wait) -> take a payload from the source stockpile -> loading bay (FIFO booking) and
loading -> loaded leg -> unloading -> empty return. When the cargo goes to a customer the whole cycle is
one timeout (the delivery time is known when the truck leaves); when it goes to a station stockpile the
truck also stops at the end of unloading to put the cargo there.

Battery trucks swap (or charge) on the empty return, at the station of their plan that adds the least
distance to it (``PoolEntry``). Before loading, a truck checks the charge it will have back at the loading
end: if that would not cover the next loaded leg and the way on to its first station, this cycle's
return goes via a station. A truck with a far station (a haul too long for one battery) stops there
first when it could not reach the swap station directly, and then at the swap station only when the
charge would not carry it through the next loaded leg to the far station. The truck stops at each
station it visits, queueing for its bays like anywhere. The return's extra km over the direct empty leg
are extra empty km of the same trip's row, recorded once the return time is known.

Fleet renewals (freight_sim.sim.fleet_turnover): a truck enters service at its pool entry's
``active_from_h`` and takes no new load from its ``retire_h`` on; one woken in line after that hands its
load to the next truck waiting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

from freight_sim.sim.kernel import Alarm
from freight_sim.sim.recorder import pack_row
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.spec import PoolEntry, Segment, VehicleType, quantise_t
from freight_sim.sim.state import CargoLot, RunState
from freight_sim.sim.streams import FactorBlocks, GammaFactors

INF = math.inf


class TruckPlan:
    """What one truck needs, resolved once before the run."""

    __slots__ = (
        "banned_by_day",
        "bay",
        "entry",
        "factors",
        "far_station",
        "handling",
        "lane",
        "members",
        "name",
        "next_allowed_h",
        "seg_index",
        "segment",
        "sink",
        "source",
        "station",
        "trucks",
        "vehicle",
        "vt_index",
    )

    def __init__(
        self,
        *,
        name: str,
        lane: int,
        seg_index: int,
        vt_index: int,
        segment: Segment,
        vehicle: VehicleType,
        entry: PoolEntry,
        source: Stock,
        sink: Stock | None,
        bay: FifoServers | None,
        factors: GammaFactors | None,
        banned_by_day: list[bool] | None,
        next_allowed_h: list[float] | None,
        station: FifoServers | None = None,
        far_station: FifoServers | None = None,
        handling: FactorBlocks | None = None,
        trucks: int = 1,
        members: tuple[tuple[int, int, float], ...] | None = None,
    ) -> None:
        self.name = name
        self.lane = lane
        self.seg_index = seg_index
        self.vt_index = vt_index
        self.segment = segment
        self.vehicle = vehicle
        self.entry = entry
        self.source = source
        self.sink = sink
        self.bay = bay
        self.factors = factors
        self.banned_by_day = banned_by_day
        self.next_allowed_h = next_allowed_h
        self.station = station
        self.far_station = far_station
        self.handling = handling  # (loading, unloading) time factors per cycle, when they vary
        self.trucks = trucks  # a convoy's trucks in fast mode (one process carries their payloads); else 1
        self.members = members  # a convoy of several vehicle types: (type index, trucks, tonnes) each; else None


def truck(run: RunState, plan: TruckPlan, lot: CargoLot):
    """Generator of one truck's cycles; runs until the simulation stops.

    Hot loop: everything per truck is resolved into locals before the first cycle, a wait of known length
    is a yielded number of hours (a timeout on the truck's own alarm, re-armed by the kernel), a waiting
    truck's wake-up is that alarm (no method call), and a full-table row is one packed append.
    """
    env = run.env
    alarm = env.alarm()  # this truck's one reusable event: its timeouts and its wake-up
    trace = run.trace
    recorder = run.recorder
    record = recorder.leg
    add_packed = recorder.packed_appender()  # None when rows need the warm-up filter or aggregation
    deliver_day = run.delivered_by_day[plan.lane]
    horizon = run.horizon_h
    seg = plan.segment
    vehicle = plan.vehicle
    source, sink, bay = plan.source, plan.sink, plan.bay
    waiting = source.waiting
    noise = plan.factors
    block: Sequence[float] = ()
    drawn = 0
    handling = plan.handling
    handling_block: Sequence[float] = ()
    handled = 0
    banned = plan.banned_by_day
    next_allowed = cast("list[float]", plan.next_allowed_h)  # set whenever banned is; read only then
    name, seg_index, vt_index = plan.name, plan.seg_index, plan.vt_index
    trucks, members = plan.trucks, plan.members
    # on the 1/1024 t grid: an integer multiple stays on it
    payload = quantise_t(vehicle.payload_t) * trucks if members is None else sum(tonnes for _, _, tonnes in members)
    if members is not None or not recorder.record_legs:  # a row per vehicle type; aggregated: trips counted per period
        add_packed = None
        record = recorder.repeated_leg(seg_index, ((vt_index, trucks, payload),) if members is None else members)
    plan_load_h, plan_unload_h = load_h, unload_h = seg.load_h, seg.unload_h
    loaded_h, empty_h = seg.loaded_h, seg.empty_h
    battery = vehicle.refuel is not None
    soc_kwh = lot.soc_kwh
    cycle_kwh = seg.loaded_km * vehicle.kwh_per_km_loaded + seg.empty_km * vehicle.kwh_per_km_empty
    # back at the loading end, the charge must cover the next loaded leg and the way on to the first station
    entry = plan.entry
    first_stop_km = entry.to_far_km if plan.far_station is not None else entry.to_swap_km
    loaded_kwh = seg.loaded_km * vehicle.kwh_per_km_loaded
    reserve_kwh = loaded_kwh + first_stop_km * vehicle.kwh_per_km_empty
    if battery:
        via_swap, via_far, far_below_kwh = return_routes(plan)
    f_loaded = f_empty = 1.0
    # ``now`` is kept here: after ``yield delay`` the clock reads ``now + delay`` (the same
    # float sum), so only a wake-up, whose time is not known in advance, reads the clock.
    retire_h = entry.retire_h
    if entry.active_from_h > 0.0:  # a renewal's truck enters service on its replacement date
        yield entry.active_from_h - env.now
    now = env.now
    while True:
        if now >= retire_h:  # replaced: it takes no new load
            return
        if banned is not None and banned[int(now // 24.0)]:
            if trace is not None:
                trace(now, name, "alert_wait")
            delay = next_allowed[int(now // 24.0)] - now
            yield delay
            now += delay
            continue
        if not waiting and source.level_t >= payload:
            source.level_t -= payload
        else:  # wait in line (Stock.wait_for, inlined): Stock.serve takes the payload for this truck and fires the alarm
            waiting.append((payload, alarm))
            yield alarm.pending()
            now = env.now
            if now >= retire_h:  # replaced while waiting in line: the load goes to the next truck (as production adds it)
                source.level_t += payload
                if source.waiting or source.listener is not None:
                    source.serve()
                return
            if banned is not None and banned[int(now // 24.0)]:
                lot.cargo_t, lot.until_h = payload, INF
                if trace is not None:
                    trace(now, name, "alert_wait_loaded")
                delay = next_allowed[int(now // 24.0)] - now
                yield delay
                now += delay
        if handling is not None:
            if handled + 2 > len(handling_block):
                handling_block, handled = handling.block(), 0
            load_h = plan_load_h * handling_block[handled]
            unload_h = plan_unload_h * handling_block[handled + 1]
            handled += 2
        start = now if bay is None else bay.book(now, load_h) if trucks == 1 else bay.book_batch(now, load_h, trucks)
        if trace is not None and start > now:
            trace(now, name, "bay_queue")
        if noise is not None:
            if drawn + 2 > len(block):
                block, drawn = noise.block(), 0
            f_loaded = block[drawn]
            f_empty = block[drawn + 1]
            drawn += 2
        unloaded = start + load_h + loaded_h * f_loaded + unload_h
        lot.cargo_t = payload
        lot.until_h = unloaded
        if battery and soc_kwh - cycle_kwh < reserve_kwh:
            route = via_far if soc_kwh - loaded_kwh < far_below_kwh else via_swap
            now = yield from _return_via_stations(run, plan, route, lot, alarm, payload, start, unloaded, f_empty, now)
            soc_kwh = route.soc_back_kwh
            continue
        end = unloaded + empty_h * f_empty
        soc_kwh -= cycle_kwh
        if sink is None:
            if add_packed is not None:
                add_packed(pack_row(seg_index, vt_index, payload, start, end, 0.0, trucks))
            else:
                record(seg_index, vt_index, payload, start, end, 0.0, trucks)
            if trace is not None:
                trace(start, name, "load_start")
                trace(unloaded, name, "unloaded")
                trace(end, name, "back")
            if unloaded < horizon:
                deliver_day[int(unloaded // 24.0)] += payload
            delay = end - now
            yield delay
            now += delay
        else:  # to a station pile, which may be full: the row is recorded once the return time is known
            lot.pending_row = (
                (seg_index, vt_index, payload, start, end, 0.0, trucks) if members is None else members_rows(seg_index, members, start, end)
            )
            if trace is not None:
                trace(start, name, "load_start")
            delay = unloaded - now
            yield delay
            now += delay
            sink.requests += 1  # Stock.must_wait, inlined in this hot path
            if sink.putters or sink.level_t + payload > sink.capacity_t:
                now = yield from _wait_at_gate(env, sink, alarm, lot, payload, now, trace, name)
                end = now + empty_h * f_empty
                delay = end - now
            else:
                lot.cargo_t = 0.0
                sink.put(payload)
                delay = end - unloaded
            if trace is not None:
                trace(now, name, "unloaded")
                trace(end, name, "back")
            if add_packed is not None:
                add_packed(pack_row(seg_index, vt_index, payload, start, end, 0.0, trucks))
            else:
                record(seg_index, vt_index, payload, start, end, 0.0, trucks)
            lot.pending_row = None
            yield delay
            now += delay


def members_rows(seg_index: int, members: tuple[tuple[int, int, float], ...], start: float, end: float) -> list[tuple]:
    """The pending leg rows of a convoy of several vehicle types (CargoLot.pending_row holds the list)."""
    return [(seg_index, m_vt, m_tonnes, start, end, 0.0, m_trucks) for m_vt, m_trucks, m_tonnes in members]


def _wait_at_gate(env, sink: Stock, alarm: Alarm, lot: CargoLot, payload: float, now: float, trace, name: str):
    """Wait at a full station pile's gate until ``Stock.admit`` lets the cargo in (and empties the lot,
    which counts as in transit meanwhile); returns the time."""
    lot.until_h = INF
    sink.putters.append((payload, alarm, now, lot))
    if trace is not None:
        trace(now, name, "pile_full_wait")
    yield alarm.pending()
    return env.now


class ReturnRoute:
    """An empty return via swap stations: the stops (station, h of the hop to it), the h of the last hop
    to the loading end, the charge back there, and the km it adds over the direct empty leg."""

    __slots__ = ("extra_km", "last_h", "soc_back_kwh", "stops")

    def __init__(
        self,
        *,
        stops: tuple[tuple[FifoServers, float], ...],
        stop_km: tuple[float, ...],
        last_km: float,
        last_h: float,
        soc_back_kwh: float,
        empty_km: float,
    ) -> None:
        self.stops = stops
        self.last_h = last_h
        self.soc_back_kwh = soc_back_kwh
        self.extra_km = sum(stop_km) + last_km - empty_km


def return_routes(plan: TruckPlan) -> tuple[ReturnRoute, ReturnRoute, float]:
    """A battery truck's two ways back via stations, resolved once: (via its swap station, via its far
    station, the charge at unloading below which it takes the far station's route; with no far station
    that route is the swap station's and the charge -inf)."""
    entry, vehicle, seg = plan.entry, plan.vehicle, plan.segment
    e = vehicle.kwh_per_km_empty
    full = vehicle.usable_kwh
    station = cast(FifoServers, plan.station)  # a battery truck's plan always has its station
    via_swap = ReturnRoute(
        stops=((station, entry.to_swap_h),),
        stop_km=(entry.to_swap_km,),
        last_km=entry.from_swap_km,
        last_h=entry.from_swap_h,
        soc_back_kwh=full - e * entry.from_swap_km,
        empty_km=seg.empty_km,
    )
    if plan.far_station is None:
        return via_swap, via_swap, -INF
    # on from the far station: straight to the loading end if that leaves enough for the next stretch
    reserve_kwh = seg.loaded_km * vehicle.kwh_per_km_loaded + e * entry.to_far_km
    if full - e * entry.far_to_load_km >= reserve_kwh:
        via_far = ReturnRoute(
            stops=((plan.far_station, entry.to_far_h),),
            stop_km=(entry.to_far_km,),
            last_km=entry.far_to_load_km,
            last_h=entry.far_to_load_h,
            soc_back_kwh=full - e * entry.far_to_load_km,
            empty_km=seg.empty_km,
        )
    else:
        via_far = ReturnRoute(
            stops=((plan.far_station, entry.to_far_h), (station, entry.far_to_swap_h)),
            stop_km=(entry.to_far_km, entry.far_to_swap_km),
            last_km=entry.from_swap_km,
            last_h=entry.from_swap_h,
            soc_back_kwh=full - e * entry.from_swap_km,
            empty_km=seg.empty_km,
        )
    return via_swap, via_far, e * entry.to_swap_km


def _return_via_stations(
    run: RunState,
    plan: TruckPlan,
    route: ReturnRoute,
    lot: CargoLot,
    alarm: Alarm,
    payload: float,
    start: float,
    unloaded: float,
    f_empty: float,
    now: float,
):
    """The rest of a cycle whose empty return goes via swap stations, from the start of loading (``now``);
    returns the time back at the loading end. The truck stops at each station (its booking must be made
    on arrival, for FIFO order); the row, with the return's extra km, is recorded once the return time is
    known."""
    env, trace, name = run.env, run.trace, plan.name
    trucks = plan.trucks
    extra_km = route.extra_km * trucks
    lot.pending_row = (plan.seg_index, plan.vt_index, payload, start, math.nan, extra_km, trucks)  # end: after the swaps
    sink = plan.sink
    if trace is not None:
        trace(start, name, "load_start")
        if sink is None:
            trace(unloaded, name, "unloaded")
    if sink is None and unloaded < run.horizon_h:
        run.delivered_by_day[plan.lane][int(unloaded // 24.0)] += payload
    delay = unloaded - now
    yield delay
    now += delay
    if sink is not None:
        if sink.must_wait(payload):
            now = yield from _wait_at_gate(env, sink, alarm, lot, payload, now, trace, name)
        else:
            lot.cargo_t = 0.0
            sink.put(payload)
        if trace is not None:
            trace(now, name, "unloaded")
    plan_refuel_h = refuel_h = plan.vehicle.refuel_h
    swap_factors = run.swap_factors
    free_h = now  # when the truck drives on: one event per station, at the arrival that books its bay
    for station, hop_h in route.stops:
        delay = free_h + hop_h * f_empty - now
        yield delay
        now += delay
        if swap_factors:
            refuel_h = plan_refuel_h * swap_factors[station.name].next()
        swap_start = station.book(now, refuel_h) if trucks == 1 else station.book_batch(now, refuel_h, trucks)
        if trace is not None:
            trace(swap_start, name, "swap_start")
        free_h = swap_start + refuel_h
    end = free_h + route.last_h * f_empty
    run.recorder.leg(plan.seg_index, plan.vt_index, payload, start, end, extra_km, trucks)
    lot.pending_row = None
    if trace is not None:
        trace(end, name, "back")
    delay = end - now
    yield delay
    return now + delay
