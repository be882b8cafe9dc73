"""A synthetic city-sized spec for benchmarks and engine tests at scale.

The numbers are illustrative (payloads and energy from FACTS 3, train loads from FACTS 5) and carry no
claim about any real enterprise.
"""

from __future__ import annotations

import datetime as dt
import math

from freight_sim.sim.examples import VEHICLES, outbound_lane, plain_enterprise, road_segment
from freight_sim.sim.rail_spec import Crossing, LineSection, RailTerminal
from freight_sim.sim.spec import Enterprise, Lane, ModelSpec, PoolEntry, Segment, Stockpile, SwapStation


def synthetic_city_spec(n_enterprises: int = 40, days: float = 365.0, record_legs: bool = True, travel_time_cv: float = 0.1) -> ModelSpec:
    """A city-sized illustrative model: each enterprise ships 1-4 Mt/yr by road, by drayage to one of two
    public stations and rail to a gateway with far-end drayage to a customer, and (every third enterprise)
    from its own siding; a third of the trucks swap batteries."""
    n_days = math.ceil(days)
    enterprises: list[Enterprise] = []
    stockpiles: list[Stockpile] = []
    lanes: list[Lane] = []
    terminals = [
        RailTerminal(id=s, node=s, kind="station", loading_rate_tph=3000.0, loading_tracks=2, wagon_sets=6, train_load_t=5000.0)
        for s in ("ST_A", "ST_B")
    ]
    corridors = [LineSection(id=c, paths_per_day=60.0, maintenance_start_h=2.0, maintenance_h=2.0) for c in ("C_A", "C_B")]
    swaps = [SwapStation(f"SW{i}", f"SW{i}", 4) for i in range(4)]
    for e in range(n_enterprises):
        eid = f"E{e + 1:02d}"
        tpy = 1.0e6 + 3.0e6 * ((e * 37) % 10) / 9.0
        enterprises.append(plain_enterprise(eid, 60_000.0, 4))
        road_km = 20.0 + (e * 13) % 60
        shares = {"road": 0.6, "drayage_rail": 0.25, "rail_siding": 0.15} if e % 3 == 0 else {"road": 0.7, "drayage_rail": 0.3}
        for chain, share in shares.items():
            daily = tpy * share / 365.0
            pile = len(stockpiles)
            stockpiles.append(Stockpile(f"{eid}/{chain}", eid, 20_000.0 * share / 0.3 if chain != "road" else 30_000.0))
            mix = _mix_for(e, daily, road_km if chain == "road" else 12.0, swaps)
            segments: tuple[Segment, ...]
            if chain == "road":
                segments = (road_segment(eid, f"CUST{e % 7}", road_km, 45.0, mix, source=pile),)
            elif chain == "drayage_rail":
                station = terminals[e % 2]
                station_pile = len(stockpiles)
                stockpiles.append(Stockpile(f"{station.id}/{eid}", station.id, math.inf))
                far_pile = len(stockpiles)
                stockpiles.append(Stockpile(f"GW_EAST/{eid}", "GW_EAST", math.inf))
                segments = (
                    road_segment(eid, station.id, 12.0, 35.0, mix, kind="gate_drayage", source=pile, sink=station_pile),
                    _rail(station.id, "GW_EAST", 220.0, station_pile, station.id, corridors[e % 2].id, gate=False, sink=far_pile),
                    road_segment(
                        "GW_EAST",
                        f"CUST{e % 5}",
                        15.0,
                        37.5,
                        _mix_for(e, daily, 15.0, swaps),
                        kind="far_drayage",
                        source=far_pile,
                        bay_site=None,
                        gate=False,
                    ),
                )
            else:
                siding = RailTerminal(
                    id=f"SD_{eid}", node=eid, kind="siding", loading_rate_tph=2000.0, loading_tracks=1, wagon_sets=2, train_load_t=5000.0
                )
                terminals.append(siding)
                corridors.append(LineSection(id=f"C_{eid}", paths_per_day=24.0, maintenance_start_h=2.0, maintenance_h=2.0))
                segments = (_rail(eid, "GW_EAST", 230.0, pile, siding.id, f"C_{eid}", gate=True),)
            lanes.append(outbound_lane(eid, chain, tpy * share, (daily,) * n_days, pile, segments, flow="out"))
    return ModelSpec(
        horizon_h=days * 24.0,
        warmup_h=0.0,
        start_date=dt.date(2025, 1, 1),
        alert_levels=_alerts(n_days),
        orange_bans=("diesel-cn3", "diesel-cn4"),
        red_bans=("diesel-cn3", "diesel-cn4", "diesel-cn5"),
        enterprises=tuple(enterprises),
        stockpiles=tuple(stockpiles),
        lanes=tuple(lanes),
        vehicle_types=VEHICLES,
        terminals=tuple(terminals),
        line_sections=tuple(corridors),
        swap_stations=tuple(swaps),
        travel_time_cv=travel_time_cv,
        record_legs=record_legs,
        name="synthetic-city",
    )


def _mix_for(e: int, daily_t: float, km: float, swaps: list[SwapStation]) -> tuple[PoolEntry, ...]:
    """Trucks to carry ``daily_t`` with about 3.5 h of driving-and-handling per trip and 18 working h a day."""
    cycle_h = 0.5 + 2 * km / 45.0
    trucks = max(2, math.ceil(daily_t / 32.0 * cycle_h / 18.0 * 1.15))
    bev = trucks // 3
    station = swaps[e % len(swaps)].id
    # the station 4 km off the route: 4 km there from the unloading end, the return's km + 4 on to the loading end
    return (
        PoolEntry(vehicle_type="diesel-cn5", count=trucks - bev),
        PoolEntry(
            vehicle_type="bev-swap",
            count=bev,
            swap_station=station,
            to_swap_km=4.0,
            to_swap_h=0.15,
            from_swap_km=km + 4.0,
            from_swap_h=km / 45.0 + 0.15,
        ),
    )


def _rail(origin: str, destination: str, km: float, source: int, terminal: str, section: str, gate: bool, sink: int = -1) -> Segment:
    return Segment(
        kind="long_haul",
        mode="rail",
        origin=origin,
        destination=destination,
        loaded_km=km,
        loaded_h=km / 50.0,
        empty_km=km,
        empty_h=km / 55.0,
        electrified_share=1.0,
        source=source,
        sink=sink,
        terminal=terminal,
        crossings=(Crossing(section, 0.0),),
        return_crossings=(Crossing(section, 0.0),),
        rail_unload_h=3.0,
        vehicle_type="rail-electric",
        gate=gate,
    )


def _alerts(n_days: int) -> tuple[int, ...]:
    """Illustrative alert calendar: an orange day every 20th day of winter, a red day on day 15."""
    return tuple(2 if d == 15 else 1 if (d % 365 < 60 or d % 365 > 320) and d % 20 == 0 else 0 for d in range(n_days))
