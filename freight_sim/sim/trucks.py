"""The truck process: one generator per truck, few events per cycle.

A cycle: (alert-day wait) -> (battery swap detour) -> take a payload from the source stockpile ->
loading bay (FIFO booking) and loading -> loaded leg -> unloading -> (far-end swap detour) -> empty
return. When the cargo goes to a customer the whole cycle is one timeout (the delivery time is known when
the truck leaves); when it goes to a station stockpile the truck also stops at the end of unloading to put
the cargo there.

Battery trucks swap when the charge left would not bring them to a station after the next stretch. A
truck with one station (the one nearest its base) swaps before a cycle it could not finish with the
detour to spare. A truck with a station at each end of its haul (a haul too long for one battery) swaps
before loading at the loading-end station when the loaded leg would leave too little to reach the
unloading-end station, and stops at the end of unloading to swap there, queueing for its bays like
anywhere, when the charge left would not bring it back to the loading-end station. The detours' km are
extra empty km of the same trip's row, which is recorded once the return time is known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from freight_sim.sim.kernel import Alarm
from freight_sim.sim.recorder import pack_row
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.spec import Segment, VehicleType, quantise_t
from freight_sim.sim.state import Carrier, RunState
from freight_sim.sim.streams import GammaFactors

INF = math.inf


class TruckPlan:
    """What one truck needs, resolved once before the run."""

    __slots__ = (
        "banned_by_day",
        "bay",
        "detour_h",
        "detour_km",
        "factors",
        "far_detour_h",
        "far_detour_km",
        "far_station",
        "lane",
        "name",
        "next_allowed_h",
        "seg_index",
        "segment",
        "sink",
        "source",
        "station",
        "vehicle",
        "vt_index",
    )

    def __init__(
        self,
        name: str,
        lane: int,
        seg_index: int,
        vt_index: int,
        segment: Segment,
        vehicle: VehicleType,
        source: Stock,
        sink: Stock | None,
        bay: FifoServers | None,
        factors: GammaFactors | None,
        banned_by_day: list[bool] | None,
        next_allowed_h: list[float] | None,
        station: FifoServers | None,
        detour_km: float,
        detour_h: float,
        far_station: FifoServers | None = None,
        far_detour_km: float = 0.0,
        far_detour_h: float = 0.0,
    ) -> None:
        self.name = name
        self.lane = lane
        self.seg_index = seg_index
        self.vt_index = vt_index
        self.segment = segment
        self.vehicle = vehicle
        self.source = source
        self.sink = sink
        self.bay = bay
        self.factors = factors
        self.banned_by_day = banned_by_day
        self.next_allowed_h = next_allowed_h
        self.station = station
        self.detour_km = detour_km
        self.detour_h = detour_h
        self.far_station = far_station
        self.far_detour_km = far_detour_km
        self.far_detour_h = far_detour_h


def truck(run: RunState, plan: TruckPlan, carrier: Carrier):
    """Generator of one truck's cycles; runs until the simulation stops.

    Hot loop: everything per truck is resolved into locals before the first cycle, a waiting truck's
    wake-up event is made here (no method call), and a full-table row is one packed append.
    """
    env = run.env
    alarm = env.alarm()  # this truck's one reusable event: its timeouts and its wake-up
    after = alarm.after
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
    banned, next_allowed = plan.banned_by_day, plan.next_allowed_h
    name, seg_index, vt_index = plan.name, plan.seg_index, plan.vt_index
    payload = quantise_t(vehicle.payload_t)
    load_h, unload_h = seg.load_h, seg.unload_h
    loaded_h, empty_h = seg.loaded_h, seg.empty_h
    battery = vehicle.refuel is not None
    soc_kwh = carrier.soc_kwh
    cycle_kwh = seg.loaded_km * vehicle.kwh_per_km_loaded + seg.empty_km * vehicle.kwh_per_km_empty
    half_detour_kwh = 0.5 * plan.detour_km * vehicle.kwh_per_km_empty
    half_detour_h = 0.5 * plan.detour_h
    usable_kwh = vehicle.usable_kwh
    station = plan.station
    refuel_h = vehicle.refuel_h
    far = plan.far_station
    loaded_kwh = seg.loaded_km * vehicle.kwh_per_km_loaded
    empty_kwh = seg.empty_km * vehicle.kwh_per_km_empty
    half_far_kwh = 0.5 * plan.far_detour_km * vehicle.kwh_per_km_empty
    half_far_h = 0.5 * plan.far_detour_h
    # before loading: the charge the next stretch uses and what must be left at its end to reach a station
    leave_kwh, leave_reserve_kwh = (cycle_kwh, half_detour_kwh) if far is None else (loaded_kwh, half_far_kwh)
    extra_km = 0.0
    f_loaded = f_empty = 1.0
    # ``now`` is kept here: after ``yield after(delay)`` the clock reads ``now + delay`` (the same
    # float sum), so only a wake-up, whose time is not known in advance, reads the clock.
    now = env.now
    while True:
        if banned is not None and banned[int(now // 24.0)]:
            if trace is not None:
                trace(now, name, "alert_wait")
            delay = next_allowed[int(now // 24.0)] - now
            yield after(delay)
            now += delay
            continue
        if battery and soc_kwh - leave_kwh < leave_reserve_kwh:
            if trace is not None:
                trace(now, name, "swap_detour")
            yield after(half_detour_h)
            now += half_detour_h
            start = station.book(now, refuel_h)
            if trace is not None:
                trace(start, name, "swap_start")
            delay = start - now + refuel_h + half_detour_h
            yield after(delay)
            now += delay
            soc_kwh = usable_kwh - half_detour_kwh
            extra_km += plan.detour_km
            continue
        if not waiting and source.level_t >= payload:
            source.level_t -= payload
        else:  # wait in line (Stock.wait_for, inlined): Stock.serve takes the payload for this truck and fires the alarm
            waiting.append((payload, alarm))
            yield alarm.pending()
            now = env.now
            if banned is not None and banned[int(now // 24.0)]:
                carrier.cargo_t, carrier.until_h = payload, INF
                if trace is not None:
                    trace(now, name, "alert_wait_loaded")
                delay = next_allowed[int(now // 24.0)] - now
                yield after(delay)
                now += delay
        start = now if bay is None else bay.book(now, load_h)
        if trace is not None and start > now:
            trace(now, name, "bay_queue")
        if noise is not None:
            if drawn + 2 > len(block):
                block, drawn = noise.block(), 0
            f_loaded = block[drawn]
            f_empty = block[drawn + 1]
            drawn += 2
        unloaded = start + load_h + loaded_h * f_loaded + unload_h
        if far is not None:
            soc_kwh = yield from _far_end_cycle(
                run,
                plan,
                carrier,
                alarm,
                payload,
                start,
                unloaded,
                empty_h * f_empty,
                extra_km,
                soc_kwh - loaded_kwh,
                empty_kwh,
                half_far_kwh,
                half_far_h,
                half_detour_kwh,
            )
            now = env.now
            extra_km = 0.0
            continue
        end = unloaded + empty_h * f_empty
        carrier.cargo_t = payload
        carrier.until_h = unloaded
        soc_kwh -= cycle_kwh
        if sink is None:
            if add_packed is not None:
                add_packed(pack_row(seg_index, vt_index, payload, start, end, extra_km, 1))
            else:
                record(seg_index, vt_index, payload, start, end, extra_km)
            extra_km = 0.0
            if trace is not None:
                trace(start, name, "load_start")
                trace(unloaded, name, "unloaded")
                trace(end, name, "back")
            if unloaded < horizon:
                deliver_day[int(unloaded // 24.0)] += payload
            delay = end - now
            yield after(delay)
            now += delay
        else:  # to a station pile, which may be full: the row is recorded once the return time is known
            carrier.pending_row = (seg_index, vt_index, payload, start, end, extra_km)
            if trace is not None:
                trace(start, name, "load_start")
            delay = unloaded - now
            yield after(delay)
            now += delay
            sink.requests += 1  # Stock.must_wait, inlined in this hot path
            if sink.putters or sink.level_t + payload > sink.capacity_t:
                now = yield from _wait_at_gate(env, sink, alarm, carrier, payload, now, trace, name)
                end = now + empty_h * f_empty
                delay = end - now
            else:
                carrier.cargo_t = 0.0
                sink.put(payload)
                delay = end - unloaded
            if trace is not None:
                trace(now, name, "unloaded")
                trace(end, name, "back")
            if add_packed is not None:
                add_packed(pack_row(seg_index, vt_index, payload, start, end, extra_km, 1))
            else:
                record(seg_index, vt_index, payload, start, end, extra_km)
            carrier.pending_row = None
            extra_km = 0.0
            yield after(delay)
            now += delay


def _wait_at_gate(env, sink: Stock, alarm: Alarm, carrier: Carrier, payload: float, now: float, trace, name: str):
    """Wait at a full station pile's gate until ``Stock.admit`` lets the cargo in (and empties the carrier,
    which counts as in transit meanwhile); returns the time."""
    carrier.until_h = INF
    sink.putters.append((payload, alarm, now, carrier))
    if trace is not None:
        trace(now, name, "pile_full_wait")
    yield alarm.pending()
    return env.now


def _far_end_cycle(
    run: RunState,
    plan: TruckPlan,
    carrier: Carrier,
    alarm: Alarm,
    payload: float,
    start: float,
    unloaded: float,
    empty_run_h: float,
    extra_km: float,
    soc_kwh: float,
    empty_kwh: float,
    half_far_kwh: float,
    half_far_h: float,
    half_detour_kwh: float,
):
    """The rest of a cycle of a truck with a far-end station, from the start of loading; returns the charge
    at the end. It stops at the end of unloading and swaps there if the return could not reach the base
    station; the row (with the far detour as extra empty km) is recorded once the return time is known."""
    env, trace, name, after = run.env, run.trace, plan.name, alarm.after
    carrier.cargo_t = payload
    carrier.until_h = unloaded
    carrier.pending_row = (plan.seg_index, plan.vt_index, payload, start, math.nan, extra_km)  # end: after a possible swap
    sink = plan.sink
    if trace is not None:
        trace(start, name, "load_start")
        trace(unloaded, name, "unloaded")
    if sink is None and unloaded < run.horizon_h:
        run.delivered_by_day[plan.lane][int(unloaded // 24.0)] += payload
    now = env.now
    delay = unloaded - now
    yield after(delay)
    now += delay
    if sink is not None:
        if sink.must_wait(payload):
            now = yield from _wait_at_gate(env, sink, alarm, carrier, payload, now, trace, name)
        else:
            carrier.cargo_t = 0.0
            sink.put(payload)
    if soc_kwh - empty_kwh < half_detour_kwh:
        if trace is not None:
            trace(now, name, "far_swap_detour")
        yield after(half_far_h)
        now += half_far_h
        swap_start = plan.far_station.book(now, plan.vehicle.refuel_h)
        if trace is not None:
            trace(swap_start, name, "far_swap_start")
        returning = swap_start + plan.vehicle.refuel_h + half_far_h
        soc_kwh = plan.vehicle.usable_kwh - half_far_kwh
        extra_km += plan.far_detour_km
    else:
        returning = now
    end = returning + empty_run_h
    run.recorder.leg(plan.seg_index, plan.vt_index, payload, start, end, extra_km)
    carrier.pending_row = None
    if trace is not None:
        trace(end, name, "back")
    yield after(end - now)
    return soc_kwh - empty_kwh
