"""Run a ModelSpec: build the run state and processes, run SimPy to the horizon, collect the tables."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd
import simpy

from freight_sim.errors import ModelError
from freight_sim.sim.alerts import ban_days
from freight_sim.sim.calendar import month_first_days
from freight_sim.sim.convoys import Convoy, segment_convoys
from freight_sim.sim.demand import DemandLedger, day_factors, outage_factors, poisson_enterprises, poisson_lots, production
from freight_sim.sim.kernel import Kernel
from freight_sim.sim.line_sections import PathCalendar
from freight_sim.sim.recorder import Recorder, legs_frame
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.result import SimResult
from freight_sim.sim.spec import HOURS_PER_DAY, TRUCK_SEGMENT_KINDS, ModelSpec, check_spec, quantise_t
from freight_sim.sim.state import CargoLot, RunState, TraceHook
from freight_sim.sim.streams import SERVICE_TIMES, TRAVEL_TIME, FactorBlocks, FactorStream, GammaFactors, entity_rng
from freight_sim.sim.trains import RailFeed, SlotCount, TerminalDispatch, timetable
from freight_sim.sim.trucks import TruckPlan, truck


def simulate_spec(spec: ModelSpec, seed: int, trace: TraceHook | None = None, progress: Callable[[float], None] | None = None) -> SimResult:
    """Run ``spec`` with root ``seed``; ``trace(time_h, entity, what)`` is called on each traced step if given,
    ``progress(done_fraction)`` once per simulated day if given."""
    check_spec(spec)
    wall_start = time.perf_counter()
    env = Kernel()
    n_days, n_lanes = spec.n_days, len(spec.lanes)
    recorder = Recorder(len(spec.vehicle_types), n_days, spec.warmup_h, spec.record_legs, month_first_days(spec.start_date, n_days))
    run = RunState(env, spec.horizon_h, n_days, n_lanes, recorder, trace)
    run.stocks = [Stock(env, s.id, quantise_t(s.capacity_t) if math.isfinite(s.capacity_t) else math.inf) for s in spec.stockpiles]
    run.bays = {e.id: FifoServers(e.id, "loading_bays", e.loading_bays) for e in spec.enterprises}
    run.swap_stations = {s.id: FifoServers(s.id, "swap_station", s.bays) for s in spec.swap_stations}
    service = spec.service_times
    if not service.battery_swap.fixed:
        swap = service.battery_swap
        run.swap_factors = {
            s.id: FactorStream(entity_rng(seed, SERVICE_TIMES, f"swap:{s.id}"), swap.distribution, swap.cv) for s in spec.swap_stations
        }
    sections = {c.id: PathCalendar(c) for c in spec.line_sections}
    terminals = {t.id: TerminalDispatch(run, t) for t in spec.terminals}
    if not service.train_loading.fixed:
        train = service.train_loading
        for tid, dispatch in terminals.items():
            dispatch.loading_factors = FactorStream(entity_rng(seed, SERVICE_TIMES, f"train:{tid}"), train.distribution, train.cv)
    for dispatch in terminals.values():
        if dispatch.timetabled:
            env.process(timetable(env, dispatch))
    segment_table = _segment_table(spec)
    origin = _origin_stocks(spec, run)
    room_after_train_t = _start_rail(spec, run, terminals, sections)
    _start_trucks(spec, run, seed, room_after_train_t)
    ledger = DemandLedger(n_lanes, n_days, {i for i, stock in enumerate(origin) if stock is None})
    factors = day_factors(spec, seed)
    env.process(production(run, spec, ledger, origin, factors))
    _start_poisson_lots(spec, run, ledger, origin, factors, seed)
    gated = sorted({seg.sink for lane in spec.lanes for seg in lane.segments if seg.mode == "road" and seg.sink >= 0})
    station_piles = [run.stocks[i] for i in gated if math.isfinite(run.stocks[i].capacity_t)]
    resources: list[FifoServers | Stock | SlotCount | PathCalendar] = [
        *run.bays.values(),
        *run.swap_stations.values(),
        *(t.track for t in terminals.values()),
        *sections.values(),
        *station_piles,
        *(t.slots for t in terminals.values() if t.timetabled),
    ]
    if spec.warmup_h > 0:
        env.process(_reset_at(env, spec.warmup_h, resources))
    if progress is not None:
        env.process(_report_progress(env, spec.horizon_h, progress))
    loop_start = time.process_time()
    env.run(until=spec.horizon_h)
    loop_cpu_s = time.process_time() - loop_start
    if progress is not None:
        progress(1.0)
    _record_pending_rows(run)
    ledger.close_day()  # the production of a day the horizon cut short
    if spec.horizon_h > (n_days - 1) * 24.0:
        ledger.snapshot(n_days - 1, origin)
    events = next(env._eid)  # SimPy numbers every scheduled event; this is the count so far
    _record_conveyors(spec, recorder, ledger)
    legs = legs_frame(recorder.columns(), segment_table, [v.id for v in spec.vehicle_types])
    road = legs["mode"] == "road"
    trips_by_segment = legs.loc[road, ["segment", "trips"]].groupby("segment", observed=True, sort=True)["trips"].sum()
    return SimResult(
        legs=legs,
        resources=pd.DataFrame([r.stats_row(spec.horizon_h - spec.warmup_h) for r in resources]),
        daily=_daily_frame(spec, run, ledger),
        tonnage=_tonnage_frame(spec, run, ledger, origin),
        production=_production_frame(spec, ledger, factors),
        events=events,
        wall_s=time.perf_counter() - wall_start,
        seed=seed,
        truck_trips=int(legs.loc[road, "trips"].sum()),
        truck_trips_by_segment={kind: int(trips_by_segment.get(kind, 0)) for kind in TRUCK_SEGMENT_KINDS},
        train_departures=run.train_departures,
        train_departures_by_day=np.frombuffer(run.train_departures_by_day, dtype=np.int64).copy(),
        train_slots_missed=sum(t.slots.missed for t in terminals.values()),  # counted since the warm-up's reset
        spec=spec.summary(),
        loop_cpu_s=loop_cpu_s,
    )


def _start_poisson_lots(spec: ModelSpec, run: RunState, ledger: DemandLedger, origin: list[Stock | None], factors, seed: int) -> None:
    poisson = poisson_enterprises(spec)
    row_of = {e.id: i for i, e in enumerate(spec.enterprises)}
    for li, lane in enumerate(spec.lanes):
        stock = origin[li]
        if lane.enterprise in poisson and stock is not None:
            run.env.process(poisson_lots(run, spec, ledger, li, stock, factors[row_of[lane.enterprise]], seed))


def _production_frame(spec: ModelSpec, ledger: DemandLedger, factors: np.ndarray) -> pd.DataFrame:
    """Per enterprise: how its production varies, the plan over the run (after outages: what holds in
    expectation), what was produced, and the realised spread of its day factors."""
    planned = dict.fromkeys((e.id for e in spec.enterprises), 0.0)
    produced = dict.fromkeys(planned, 0.0)
    outage = outage_factors(spec)
    row_of = {e.id: i for i, e in enumerate(spec.enterprises)}
    for li, lane in enumerate(spec.lanes):
        planned[lane.enterprise] += float(np.dot(np.asarray(lane.daily_t[: spec.n_days], dtype=float), outage[row_of[lane.enterprise]]))
        produced[lane.enterprise] += ledger.produced_t[li]
    rows = []
    for i, e in enumerate(spec.enterprises):
        running = outage[i] > 0
        ratio = factors[i][running] / outage[i][running]
        stepped = e.production.distribution != "poisson"
        realised_cv = float(ratio.std(ddof=1) / ratio.mean()) if stepped and len(ratio) > 1 and ratio.mean() > 0 else float("nan")
        rows.append((e.id, e.production.distribution, e.production.cv, planned[e.id], produced[e.id], realised_cv))
    frame = pd.DataFrame(rows, columns=["enterprise", "distribution", "cv", "planned_t", "produced_t", "daily_factor_cv"])
    frame["produced_vs_plan"] = frame["produced_t"] / frame["planned_t"].where(frame["planned_t"] > 0)
    return frame


def _record_pending_rows(run: RunState) -> None:
    """Rows of trips started but not back at the horizon whose end was still open: ``end_h`` is the planned
    end when known, NaN for a truck waiting at a full station pile or returning via a swap station."""
    for lot in run.truck_lots:
        pending = lot.pending_row
        if pending is None:
            continue
        for seg, vt, tonnes, start_h, end_h, extra_km, trips in pending if isinstance(pending, list) else (pending,):
            run.recorder.leg(seg, vt, tonnes, start_h, end_h if lot.until_h != math.inf else math.nan, extra_km, trips)


def _report_progress(env: simpy.Environment, horizon_h: float, progress: Callable[[float], None]):
    while env.now < horizon_h:
        progress(env.now / horizon_h)
        yield env.timeout(HOURS_PER_DAY)


def _record_conveyors(spec: ModelSpec, recorder: Recorder, ledger: DemandLedger) -> None:
    """Conveyor lanes: one leg row per day with the tonnes moved that day."""
    vt_index = {v.id: i for i, v in enumerate(spec.vehicle_types)}
    for li, (lane, offset) in enumerate(zip(spec.lanes, _segment_offsets(spec), strict=True)):
        for si, seg in enumerate(lane.segments):
            if seg.mode != "conveyor":
                continue
            for day, tonnes in enumerate(ledger.conveyed_by_day[li]):
                if tonnes > 0.0:
                    # conveyor segments name their vehicle type (check_spec)
                    recorder.leg(offset + si, vt_index[cast(str, seg.vehicle_type)], tonnes, day * 24.0, (day + 1) * 24.0, 0.0)


def _reset_at(env: simpy.Environment, at_h: float, resources: list[FifoServers | Stock | SlotCount | PathCalendar]):
    yield env.timeout(at_h)
    for resource in resources:
        resource.reset_stats()


def _origin_stocks(spec: ModelSpec, run: RunState) -> list[Stock | None]:
    """Per lane, its origin stockpile, or None for conveyor lanes (production goes straight through)."""
    return [None if any(s.mode == "conveyor" for s in lane.segments) else run.stocks[lane.origin_stock] for lane in spec.lanes]


def _segment_table(spec: ModelSpec) -> pd.DataFrame:
    rows = []
    for lane in spec.lanes:
        for seg in lane.segments:
            rows.append(
                {
                    "enterprise": lane.enterprise,
                    "flow": lane.flow,
                    "commodity": lane.commodity,
                    "direction": lane.direction,
                    "chain": lane.chain,
                    "segment": seg.kind,
                    "gate": seg.gate,
                    "mode": seg.mode,
                    "origin": seg.origin,
                    "destination": seg.destination,
                    "loaded_km": seg.loaded_km,
                    "empty_km": seg.empty_km,
                    "electrified_share": seg.electrified_share,
                    "shunting_share": seg.shunting_share,
                }
            )
    return pd.DataFrame(rows)


def _segment_offsets(spec: ModelSpec) -> list[int]:
    offsets, total = [], 0
    for lane in spec.lanes:
        offsets.append(total)
        total += len(lane.segments)
    return offsets


def _start_trucks(spec: ModelSpec, run: RunState, seed: int, room_after_train_t: dict[int, float]) -> None:
    """One process per truck (fast mode: per convoy, its load within the room of the piles it uses, beside a
    train load where trains load from them)."""
    vt_index = {v.id: i for i, v in enumerate(spec.vehicle_types)}
    bans = {
        v.id: ban_days(v, spec.alert_levels[: spec.n_days], spec.orange_bans, spec.red_bans, spec.horizon_h) for v in spec.vehicle_types
    }
    offsets = _segment_offsets(spec)
    service = spec.service_times
    handling = (service.truck_loading, service.truck_unloading)
    varied = not all(v.fixed for v in handling)
    columns = tuple((v.distribution, v.cv) for v in handling)
    vehicles = {v.id: v for v in spec.vehicle_types}

    def ban_key(vehicle_id: str) -> tuple[bool, ...] | None:
        banned = bans[vehicle_id][0]
        return None if banned is None else tuple(banned)

    for li, lane in enumerate(spec.lanes):
        for si, seg in enumerate(lane.segments):
            if seg.mode != "road":
                continue
            piles = [room_after_train_t.get(i, run.stocks[i].capacity_t) for i in (seg.source, seg.sink) if i >= 0]
            for convoy in segment_convoys(seg.pool, vehicles, spec.convoys, piles, ban_key):
                entry = convoy.members[0][0]
                vehicle = vehicles[entry.vehicle_type]
                banned, next_allowed = bans[vehicle.id]
                name = f"{lane.id}/{si}/{vehicle.id}/{convoy.number}"
                factors = GammaFactors(entity_rng(seed, TRAVEL_TIME, name), spec.travel_time_cv) if spec.travel_time_cv > 0 else None
                handling_factors = FactorBlocks(entity_rng(seed, SERVICE_TIMES, name), columns) if varied else None
                plan = TruckPlan(
                    name=name,
                    lane=li,
                    seg_index=offsets[li] + si,
                    vt_index=vt_index[vehicle.id],
                    segment=seg,
                    vehicle=vehicle,
                    entry=entry,
                    source=run.stocks[seg.source],
                    sink=run.stocks[seg.sink] if seg.sink >= 0 else None,
                    bay=run.bays[seg.bay_site] if seg.bay_site is not None else None,
                    factors=factors,
                    handling=handling_factors,
                    banned_by_day=banned,
                    next_allowed_h=next_allowed,
                    station=run.swap_stations.get(entry.swap_station) if entry.swap_station else None,
                    far_station=run.swap_stations.get(entry.far_swap_station) if entry.far_swap_station else None,
                    trucks=convoy.trucks,
                    members=None if len(convoy.members) == 1 else _member_rows(convoy, vehicles, vt_index),
                )
                lot = CargoLot(li, vehicle.usable_kwh if vehicle.refuel else 0.0)
                run.truck_lots.append(lot)
                run.env.process(truck(run, plan, lot))


def _member_rows(convoy: Convoy, vehicles: dict, vt_index: dict[str, int]) -> tuple[tuple[int, int, float], ...]:
    """A mixed convoy's (vehicle type index, trucks, tonnes of a full load) per vehicle type, for its leg rows."""
    return tuple((vt_index[e.vehicle_type], n, quantise_t(vehicles[e.vehicle_type].payload_t) * n) for e, n in convoy.members)


def _start_rail(spec: ModelSpec, run: RunState, terminals: dict, sections: dict) -> dict[int, float]:
    """Hand the rail segments to their terminals; return, per pile trains load from, its room beside a train load."""
    vt_index = {v.id: i for i, v in enumerate(spec.vehicle_types)}
    payload_into: dict[int, float] = {}  # per pile trucks bring cargo to: their largest payload
    for lane in spec.lanes:
        for seg in lane.segments:
            if seg.mode == "road" and seg.sink >= 0:
                most = max((spec.vehicle_types[vt_index[p.vehicle_type]].payload_t for p in seg.pool), default=0.0)
                payload_into[seg.sink] = max(payload_into.get(seg.sink, 0.0), most)
    offsets = _segment_offsets(spec)
    room_after_train_t: dict[int, float] = {}
    for li, lane in enumerate(spec.lanes):
        for si, seg in enumerate(lane.segments):
            if seg.mode != "rail":
                continue
            dispatch = terminals[seg.terminal]
            source = run.stocks[seg.source]
            room_after_train_t[seg.source] = min(room_after_train_t.get(seg.source, math.inf), source.capacity_t - dispatch.train_load_t)
            # room for a train load, and for a truck load more: else trucks could wait at a pile short of a train load forever
            need_t = dispatch.train_load_t + payload_into.get(seg.source, 0.0)
            if math.isfinite(source.capacity_t) and source.capacity_t < need_t:
                raise ModelError(
                    f"lane {lane.id}: stockpile {source.name} ({source.capacity_t:g} t) cannot hold a train load"
                    f" ({dispatch.train_load_t:g} t) and a truck load more ({need_t - dispatch.train_load_t:g} t)"
                )
            feed = RailFeed(
                lane=li,
                seg_index=offsets[li] + si,
                vt_index=vt_index[cast(str, seg.vehicle_type)],  # rail segments name their vehicle type (check_spec)
                segment=seg,
                source=source,
                sink=run.stocks[seg.sink] if seg.sink >= 0 else None,
                route=tuple((sections[c.section], c.offset_h) for c in seg.crossings),
                back_route=tuple((sections[c.section], c.offset_h) for c in seg.return_crossings),
            )
            dispatch.add_feed(feed)
    return room_after_train_t


def _daily_frame(spec: ModelSpec, run: RunState, ledger: DemandLedger) -> pd.DataFrame:
    """One row per lane and day after the warm-up, built column by column (no per-lane frames to join)."""
    first = int(spec.warmup_h // 24.0)
    n_lanes, n_kept = len(spec.lanes), max(spec.n_days - first, 0)
    if n_lanes == 0:
        return pd.DataFrame({"lane": pd.Categorical([]), "day": np.arange(0), "stock_t": [], "backlog_t": [], "delivered_t": []})
    lanes = pd.Categorical([lane.id for lane in spec.lanes])
    data = {
        "lane": pd.Categorical.from_codes(np.repeat(lanes.codes, n_kept), dtype=lanes.dtype),
        "day": np.tile(np.arange(first, spec.n_days), n_lanes),
        "stock_t": ledger.stock_by_day[:, first:].reshape(-1),  # a view when nothing is cut
        "backlog_t": ledger.backlog_by_day[:, first:].reshape(-1),
        "delivered_t": run.delivered_t[:, first:].reshape(-1),
    }
    return pd.DataFrame(data, copy=False)


def _tonnage_frame(spec: ModelSpec, run: RunState, ledger: DemandLedger, origin: list[Stock | None]) -> pd.DataFrame:
    n = len(spec.lanes)
    on_vehicles = run.on_vehicles_t(n)
    in_station = [0.0] * n
    for li, lane in enumerate(spec.lanes):
        for seg in lane.segments:
            if seg.sink >= 0:
                in_station[li] += run.stocks[seg.sink].level_t
    return pd.DataFrame(
        {
            "lane": [lane.id for lane in spec.lanes],
            "enterprise": [lane.enterprise for lane in spec.lanes],
            "flow": [lane.flow for lane in spec.lanes],
            "chain": [lane.chain for lane in spec.lanes],
            "produced_t": ledger.produced_t,
            "delivered_t": [math.fsum(days) for days in run.delivered_by_day],
            "in_stock_t": [stock.level_t if stock is not None else 0.0 for stock in origin],
            "in_transit_t": [a + b for a, b in zip(on_vehicles, in_station, strict=True)],
            "backlog_t": ledger.backlog_t,
        }
    )
