"""Tonnes are conserved exactly on random small models: produced = delivered + in_stock + in_transit + backlog.

Each side is measured on its own: production by the demand process, deliveries by day, the stockpile
levels, the cargo on trucks and trains not yet unloaded plus station piles, and the backlog.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.examples import VEHICLES, PoolEntry, road_segment, swap_off_both_ends, swap_off_loading_end, swap_truck
from freight_sim.sim.rail_spec import Crossing, LineSection, RailTerminal
from freight_sim.sim.spec import Enterprise, Lane, ModelSpec, Segment, Stockpile, SwapStation

# a small battery: trucks that swap at a far station on long hauls (PoolEntry far_swap_station)
BEV_FAR = swap_truck("bev-far", payload_t=30.0, battery_kwh=150.0, kwh_per_km_loaded=1.6, kwh_per_km_empty=1.0, swap_h=0.1)
CHAINS = ("road", "drayage_rail", "rail_siding", "conveyor", "drayage_rail_in")


def _rail(origin, source, sink, terminal, corridor, km):
    return Segment(
        kind="long_haul",
        mode="rail",
        origin=origin,
        destination="GW",
        loaded_km=km,
        loaded_h=km / 50,
        empty_km=km,
        empty_h=km / 50,
        electrified_share=1.0,
        source=source,
        sink=sink,
        terminal=terminal,
        crossings=(Crossing(corridor, 0.0),),
        return_crossings=(Crossing(corridor, 0.0),),
        rail_unload_h=1.5,
        vehicle_type="rail-electric",
    )


def _terminal(draw, terminal_id, node, kind, loading_rate_tph, wagon_sets, train_load):
    """A terminal with one loading track and a drawn timetable: none (trains leave when a load is ready) or
    slots and a minimum load."""
    slots = draw(st.sampled_from([(), (), (6.0,), (0.0, 8.5, 16.0), (3.0, 15.0, 23.5)]))
    return RailTerminal(
        id=terminal_id,
        node=node,
        kind=kind,
        loading_rate_tph=loading_rate_tph,
        loading_tracks=1,
        wagon_sets=wagon_sets,
        train_load_t=train_load,
        slots_h=slots,
        min_load_t=draw(st.sampled_from([0.25, 1.0])) * train_load if slots else 0.0,
    )


@st.composite
def random_specs(draw):
    days = draw(st.sampled_from([1.0, 2.5, 4.0, 6.0]))
    n_days = math.ceil(days)
    n_lanes = draw(st.integers(1, 4))
    train_load = draw(st.sampled_from([300.0, 700.0]))
    enterprises, piles, lanes, terminals, corridors = (
        [],
        [],
        [],
        [_terminal(draw, "ST", "ST", "station", 900.0, draw(st.integers(1, 2)), train_load)],
        [
            LineSection(
                id="C_ST",
                paths_per_day=draw(st.sampled_from([2.0, 12.0, 48.0])),
                maintenance_start_h=1.0,
                maintenance_h=draw(st.sampled_from([0.0, 4.0])),
            )
        ],
    )
    for i in range(n_lanes):
        eid = f"E{i}"
        chain = draw(st.sampled_from(CHAINS))
        per_day = draw(st.floats(5.0, 2500.0))
        yard = draw(st.floats(40.0, 5000.0))
        if chain in ("rail_siding",):
            yard = max(yard, 1.5 * train_load)
        outage = tuple(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.0]), min_size=n_days, max_size=n_days)))
        enterprises.append(
            Enterprise(
                id=eid,
                node=eid,
                stockyard_t=yard,
                loading_bays=draw(st.integers(1, 3)),
                loading_h=0.25,
                unloading_h=0.25,
                production_factor_by_day=outage,
            )
        )
        origin = len(piles)
        piles.append(Stockpile(f"{eid}/pile", eid, yard))
        km = draw(st.floats(3.0, 60.0))
        mix = tuple(
            swap_off_loading_end(v, n, "SW", km, 40.0, 3.0, 0.1) if v == "bev-swap" else PoolEntry(vehicle_type=v, count=n)
            for v, n in (("diesel-cn5", draw(st.integers(0, 4))), ("bev-swap", draw(st.integers(0, 3))))
            if n > 0
        ) or (PoolEntry(vehicle_type="diesel-cn5", count=1),)
        n_far = draw(st.integers(0, 2))
        mix += (swap_off_both_ends("bev-far", n_far, ("SW", "SW_FAR"), km, 40.0, 3.0, 0.1),) if n_far else ()
        far_mix = (PoolEntry(vehicle_type="diesel-cn5", count=draw(st.integers(1, 3))),)
        if chain == "road":
            segs = (road_segment(eid, "C", km, 40.0, mix, source=origin, bay_site=eid),)
        elif chain == "conveyor":
            segs = (
                Segment(
                    kind="direct",
                    mode="conveyor",
                    origin=eid,
                    destination="C",
                    loaded_km=km,
                    loaded_h=km / 12,
                    empty_km=0.0,
                    empty_h=0.0,
                    source=origin,
                    vehicle_type="conveyor-belt",
                ),
            )
        elif chain == "drayage_rail":
            station_pile = len(piles)
            # a full station pile holds trucks at its gate; it has room for a train load and a truck load more
            piles.append(
                Stockpile(f"ST/{eid}", "ST", draw(st.sampled_from([math.inf, train_load + 40.0, train_load + 40.0, 2 * train_load])))
            )
            far_pile = len(piles)
            piles.append(Stockpile(f"GW/{eid}", "GW", math.inf))
            segs = (
                road_segment(eid, "ST", km, 35.0, mix, kind="gate_drayage", source=origin, sink=station_pile, bay_site=eid),
                _rail("ST", station_pile, far_pile, "ST", "C_ST", 150.0),
                road_segment("GW", "C", 10.0, 33.0, far_mix, kind="far_drayage", source=far_pile, bay_site=None, gate=False),
            )
        elif chain == "drayage_rail_in":
            # inbound: supplier pile at C -> far-end drayage trucks -> pile at the far station FAR -> train ->
            # station pile -> trucks -> plant
            station_pile = len(piles)
            piles.append(Stockpile(f"ST/{eid}", "ST", math.inf))
            if not any(t.id == "FAR" for t in terminals):
                terminals.append(_terminal(draw, "FAR", "FAR", "station", 900.0, 1, train_load))
                corridors.append(LineSection(id="C_FAR", paths_per_day=24.0))
            piles[origin] = Stockpile(f"{eid}/supplier", "C", yard)
            far_pile = len(piles)  # trucks fill it: room for a train load and a truck load more
            piles.append(Stockpile(f"FAR/{eid}", "FAR", draw(st.sampled_from([math.inf, train_load + 40.0, 2 * train_load]))))
            segs = (
                road_segment("C", "FAR", 10.0, 33.0, far_mix, kind="far_drayage", source=origin, sink=far_pile, bay_site=None, gate=False),
                dataclasses.replace(_rail("FAR", far_pile, station_pile, "FAR", "C_FAR", 150.0), destination="ST"),
                road_segment("ST", eid, km, 35.0, mix, kind="gate_drayage", source=station_pile, sink=-1, bay_site=None),
            )
        else:
            terminals.append(_terminal(draw, f"SD_{eid}", eid, "siding", 1200.0, draw(st.integers(1, 2)), train_load))
            corridors.append(LineSection(id=f"C_{eid}", paths_per_day=24.0))
            segs = (_rail(eid, origin, -1, f"SD_{eid}", f"C_{eid}", 120.0),)
        lanes.append(
            Lane(
                id=f"{eid}/{chain}",
                enterprise=eid,
                flow="f",
                commodity="coal",
                direction="out",
                chain=chain,
                tonnes_per_year=per_day * 365,
                daily_t=(per_day,) * n_days,
                origin_stock=origin,
                segments=segs,
            )
        )
    return ModelSpec(
        horizon_h=days * 24.0,
        warmup_h=0.0,
        start_date=dt.date(2025, 1, 1),
        alert_levels=tuple(draw(st.lists(st.sampled_from([0, 0, 1, 2]), min_size=n_days, max_size=n_days))),
        orange_bans=("diesel-cn4",),
        red_bans=("diesel-cn5",),
        enterprises=tuple(enterprises),
        stockpiles=tuple(piles),
        lanes=tuple(lanes),
        vehicle_types=VEHICLES + (BEV_FAR,),
        terminals=tuple(terminals),
        line_sections=tuple(corridors),
        swap_stations=(SwapStation("SW", "SW", 1), SwapStation("SW_FAR", "SW_FAR", 1)),
        travel_time_cv=draw(st.sampled_from([0.0, 0.3])),
        record_legs=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=random_specs(), seed=st.integers(0, 2**32 - 1))
def test_tonnes_conserved_exactly(spec, seed):
    t = simulate_spec(spec, seed).tonnage
    for row in t.itertuples():
        assert row.produced_t == row.delivered_t + row.in_stock_t + row.in_transit_t + row.backlog_t, row
        assert min(row.delivered_t, row.in_stock_t, row.in_transit_t, row.backlog_t) >= 0.0
    factors = {e.id: e.production_factor_by_day for e in spec.enterprises}
    for lane, produced in zip(spec.lanes, t["produced_t"], strict=True):
        planned = sum(d * f for d, f in zip(lane.daily_t, factors[lane.enterprise], strict=True))
        if spec.horizon_h % 24 == 0:
            assert abs(produced - planned) <= 1 / 1024
        else:
            assert produced <= planned + 1 / 1024


def test_production_matches_the_plan_and_overflow_is_backlog():
    # 1,000 t/day into a 100 t yard with one slow truck: most production waits as backlog, none is lost.
    seg = road_segment("E01", "C1", 50.0, 25.0, (PoolEntry(vehicle_type="diesel-cn5", count=1),))
    spec = ModelSpec(
        horizon_h=72.0,
        warmup_h=0.0,
        start_date=dt.date(2025, 1, 1),
        alert_levels=(0, 0, 0),
        orange_bans=(),
        red_bans=(),
        enterprises=(Enterprise(id="E01", node="E01", stockyard_t=100.0, loading_bays=1, loading_h=0.25, unloading_h=0.25),),
        stockpiles=(Stockpile("p", "E01", 100.0),),
        lanes=(
            Lane(
                id="L",
                enterprise="E01",
                flow="f",
                commodity="coal",
                direction="out",
                chain="road",
                tonnes_per_year=365_000.0,
                daily_t=(1000.0,) * 3,
                origin_stock=0,
                segments=(seg,),
            ),
        ),
        vehicle_types=VEHICLES,
    )
    row = simulate_spec(spec, 1).tonnage.iloc[0]
    assert row.produced_t == 3000.0
    assert row.in_stock_t <= 100.0 and row.backlog_t > 2000.0
    assert row.produced_t == row.delivered_t + row.in_stock_t + row.in_transit_t + row.backlog_t


def test_aggregated_legs_match_full_legs():
    # 40 days from 2025-01-01 cross the January/February boundary (day 31 starts at 744 h)
    seg = road_segment(
        "E01",
        "C1",
        30.0,
        40.0,
        (PoolEntry(vehicle_type="diesel-cn5", count=4), swap_off_loading_end("bev-swap", 2, "SW1", 30.0, 40.0, 4.0, 0.15)),
    )
    from freight_sim.sim.examples import single_lane_spec

    full_spec = single_lane_spec(seg, 900.0, days=40.0, travel_time_cv=0.2)
    full = simulate_spec(full_spec, 8).legs
    agg = simulate_spec(dataclasses.replace(full_spec, record_legs=False), 8).legs
    assert len(agg) == 4  # (January, February) x two vehicle types
    for column in ("tonnes", "loaded_km", "empty_km"):
        assert math.isclose(agg[column].sum(), full[column].sum(), rel_tol=1e-12)
    assert agg["trips"].sum() == full["trips"].sum() == len(full)
    assert sorted(set(zip(agg["start_h"], agg["end_h"], strict=True))) == [(0.0, 744.0), (744.0, 960.0)]
    month_full = full.assign(month=(full["start_h"] >= 744.0).astype(int)).groupby(["month", "vehicle_type"], observed=True)["trips"].sum()
    month_agg = agg.assign(month=(agg["start_h"] >= 744.0).astype(int)).groupby(["month", "vehicle_type"], observed=True)["trips"].sum()
    assert month_full.to_dict() == month_agg.to_dict()
