"""Hand-made specs: tiny ones for exact tests, and a synthetic city-sized one for benchmarks.

The numbers are illustrative (payloads and energy from FACTS 3, train loads from FACTS 5) and carry no
claim about any real enterprise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from freight_sim.sim.spec import (
    Crossing,
    Enterprise,
    Lane,
    LineSection,
    ModelSpec,
    PoolEntry,
    RailTerminal,
    Segment,
    ServiceTimes,
    Stockpile,
    SwapStation,
    Variation,
    VehicleType,
)

DIESEL = VehicleType("diesel-cn5", "road", 33.0, class_id="diesel-cn5")
BEV_SWAP = VehicleType("bev-swap", "road", 30.0, 282.0, 0.9, 1.6, 1.0, "swap", 5 / 60, "bev-swap")
RAIL = VehicleType("rail-electric", "rail", 5000.0)
BELT = VehicleType("conveyor-belt", "conveyor", 1.0)
VEHICLES = (DIESEL, BEV_SWAP, RAIL, BELT)


def road_segment(origin: str, destination: str, km: float, speed_kph: float, pool: tuple[PoolEntry, ...], **kw) -> Segment:
    defaults: dict[str, Any] = dict(kind="direct", mode="road", source=0, sink=-1, bay_site=origin, load_h=0.25, unload_h=0.25, gate=True)
    defaults.update(kw)
    return Segment(
        origin=origin,
        destination=destination,
        loaded_km=km,
        loaded_h=km / speed_kph,
        empty_km=km,
        empty_h=km / speed_kph,
        pool=pool,
        **defaults,
    )


def swap_off_loading_end(
    vehicle_type: str, count: int, station: str, km: float, speed_kph: float, off_km: float, off_h: float
) -> PoolEntry:
    """Battery trucks on a ``km`` road at ``speed_kph`` whose station lies ``off_km`` (``off_h``) off the road
    at the loading end: their return via it is ``2 * off_km`` longer."""
    return PoolEntry(
        vehicle_type,
        count,
        swap_station=station,
        to_swap_km=km + off_km,
        to_swap_h=km / speed_kph + off_h,
        from_swap_km=off_km,
        from_swap_h=off_h,
    )


def swap_off_both_ends(
    vehicle_type: str, count: int, stations: tuple[str, str], km: float, speed_kph: float, off_km: float, off_h: float
) -> PoolEntry:
    """As ``swap_off_loading_end``, with a far station (``stations[1]``) as far off the road at the unloading end."""
    near = swap_off_loading_end(vehicle_type, count, stations[0], km, speed_kph, off_km, off_h)
    return dataclasses.replace(
        near,
        far_swap_station=stations[1],
        to_far_km=off_km,
        to_far_h=off_h,
        far_to_swap_km=km + 2 * off_km,
        far_to_swap_h=km / speed_kph + 2 * off_h,
        far_to_load_km=km + off_km,
        far_to_load_h=km / speed_kph + off_h,
    )


def single_lane_spec(
    segment: Segment,
    tonnes_per_day: float,
    days: float = 2.0,
    stockyard_t: float = 1000.0,
    loading_bays: int = 1,
    alert_levels: tuple[int, ...] | None = None,
    swap_bays: int = 1,
    travel_time_cv: float = 0.0,
    **spec_kw,
) -> ModelSpec:
    """One enterprise ``E01`` with one outbound lane; a swap station ``SW1`` is available."""
    n_days = math.ceil(days)
    return ModelSpec(
        horizon_h=days * 24.0,
        warmup_h=spec_kw.pop("warmup_h", 0.0),
        start_date=dt.date(2025, 1, 1),
        alert_levels=alert_levels or (0,) * n_days,
        orange_bans=("diesel-cn3", "diesel-cn4"),
        red_bans=("diesel-cn3", "diesel-cn4", "diesel-cn5"),
        enterprises=(Enterprise("E01", "E01", stockyard_t, loading_bays, 0.25, 0.25),),
        stockpiles=(Stockpile("E01/f1", "E01", stockyard_t),),
        lanes=(Lane("E01/f1/road", "E01", "f1", "coal", "out", "road", tonnes_per_day * 365, (tonnes_per_day,) * n_days, 0, (segment,)),),
        vehicle_types=VEHICLES,
        swap_stations=(SwapStation("SW1", "SW1", swap_bays),),
        travel_time_cv=travel_time_cv,
        **spec_kw,
    )


def _train_to_gw1(origin: str, source: int, terminal: str, gate: bool = False) -> Segment:
    """A train from ``origin`` to the gateway ``GW1``: 100 km in 2 h, 1 h unloading, 2 h back; the loaded run takes a path on line section ``C1``."""
    return Segment(
        kind="long_haul",
        mode="rail",
        origin=origin,
        destination="GW1",
        loaded_km=100.0,
        loaded_h=2.0,
        empty_km=100.0,
        empty_h=2.0,
        electrified_share=1.0,
        source=source,
        sink=-1,
        terminal=terminal,
        crossings=(Crossing("C1", 0.0),),
        rail_unload_h=1.0,
        vehicle_type="rail-electric",
        gate=gate,
    )


def _quiet_calendar(days: float) -> dict:
    """Horizon, start date and a calendar without alert days or bans."""
    n_days = math.ceil(days)
    return dict(
        horizon_h=days * 24.0, warmup_h=0.0, start_date=dt.date(2025, 1, 1), alert_levels=(0,) * n_days, orange_bans=(), red_bans=()
    )


def siding_spec(
    tonnes_per_day: float,
    days: float = 3.0,
    train_load_t: float = 1000.0,
    loading_rate_tph: float = 500.0,
    wagon_sets: int = 1,
    paths_per_day: float = 24.0,
    maintenance: tuple[float, float] = (0.0, 0.0),
    stockyard_t: float = 5000.0,
    slots_h: tuple[float, ...] = (),
    min_load_t: float = 0.0,
) -> ModelSpec:
    """One enterprise shipping everything by train from its own siding ``SD1`` (spur included in the km);
    with ``slots_h``, trains are formed by that timetable."""
    n_days = math.ceil(days)
    rail = _train_to_gw1("E01", 0, "SD1", gate=True)
    return ModelSpec(
        **_quiet_calendar(days),
        enterprises=(Enterprise("E01", "E01", stockyard_t, 1, 0.25, 0.25),),
        stockpiles=(Stockpile("E01/f1", "E01", stockyard_t),),
        lanes=(
            Lane(
                "E01/f1/rail_siding",
                "E01",
                "f1",
                "coal",
                "out",
                "rail_siding",
                tonnes_per_day * 365,
                (tonnes_per_day,) * n_days,
                0,
                (rail,),
            ),
        ),
        vehicle_types=VEHICLES,
        terminals=(RailTerminal("SD1", "E01", "siding", loading_rate_tph, 1, wagon_sets, train_load_t, slots_h, min_load_t),),
        line_sections=(
            LineSection(id="C1", paths_per_day=paths_per_day, maintenance_start_h=maintenance[0], maintenance_h=maintenance[1]),
        ),
    )


def drayage_spec(
    tonnes_per_day: float,
    days: float,
    station_pile_t: float,
    train_load_t: float,
    loading_rate_tph: float,
    trucks: int = 1,
    truck_km: float = 10.0,
    wagon_sets: int = 1,
) -> ModelSpec:
    """One enterprise ``E01`` trucking everything (diesel, 40 km/h) to the station ``ST``, whose pile holds
    ``station_pile_t``; trains of one wagon set run 2 h loaded to ``GW1``, unload in 1 h and return in 2 h."""
    n_days = math.ceil(days)
    truck = road_segment(
        "E01",
        "ST",
        truck_km,
        40.0,
        (PoolEntry("diesel-cn5", trucks),),
        kind="gate_drayage",
        source=0,
        sink=1,
    )
    rail = _train_to_gw1("ST", 1, "ST")
    return ModelSpec(
        **_quiet_calendar(days),
        enterprises=(Enterprise("E01", "E01", 5000.0, 1, 0.25, 0.25),),
        stockpiles=(Stockpile("E01/f1", "E01", 5000.0), Stockpile("E01/f1@ST", "ST", station_pile_t)),
        lanes=(
            Lane(
                "E01/f1/drayage_rail",
                "E01",
                "f1",
                "coal",
                "out",
                "drayage_rail",
                tonnes_per_day * 365,
                (tonnes_per_day,) * n_days,
                0,
                (truck, rail),
            ),
        ),
        vehicle_types=VEHICLES,
        terminals=(RailTerminal("ST", "ST", "station", loading_rate_tph, 1, wagon_sets, train_load_t),),
        line_sections=(LineSection(id="C1", paths_per_day=96.0),),  # a path every 15 min
    )


def mmc_bay_spec(arrival_rate_per_h: float, mean_service_h: float, bays: int, days: float, warmup_days: float = 0.0) -> ModelSpec:
    """An M/M/c loading bay: truck loads leave ``E01``'s production at Poisson times (``arrival_rate_per_h``,
    an open source), each taken at once by one of many idle trucks to one of ``bays`` loading bays, whose
    loading time is exponential with mean ``mean_service_h``. The fleet (arrival rate x 8 h of cycle, at
    least 40 trucks) is large enough that a load practically never waits for a truck, so bay arrivals stay
    Poisson; the mean bay wait is then Erlang C's (tests/validation/test_mmc_scenario.py)."""
    trucks = max(40, math.ceil(arrival_rate_per_h * 8.0))
    road = road_segment("E01", "C1", 10.0, 40.0, (PoolEntry("diesel-cn5", trucks),), load_h=mean_service_h, unload_h=0.25)
    spec = single_lane_spec(road, arrival_rate_per_h * 24.0 * DIESEL.payload_t, days=days, stockyard_t=1e9, loading_bays=bays)
    open_source = dataclasses.replace(spec.enterprises[0], production=Variation("poisson"))
    return dataclasses.replace(
        spec,
        warmup_h=warmup_days * 24.0,
        enterprises=(open_source,),
        service_times=ServiceTimes(truck_loading=Variation("exponential", 1.0)),
    )


def synthetic_city_spec(n_enterprises: int = 40, days: float = 365.0, record_legs: bool = True, travel_time_cv: float = 0.1) -> ModelSpec:
    """A city-sized illustrative model: each enterprise ships 1-4 Mt/yr by road, by drayage to one of two
    public stations and rail to a gateway with far-end drayage to a customer, and (every third enterprise)
    from its own siding; a third of the trucks swap batteries."""
    n_days = math.ceil(days)
    enterprises: list[Enterprise] = []
    stockpiles: list[Stockpile] = []
    lanes: list[Lane] = []
    terminals = [
        RailTerminal("ST_A", "ST_A", "station", 3000.0, 2, 6, 5000.0),
        RailTerminal("ST_B", "ST_B", "station", 3000.0, 2, 6, 5000.0),
    ]
    corridors = [LineSection(id=c, paths_per_day=60.0, maintenance_start_h=2.0, maintenance_h=2.0) for c in ("C_A", "C_B")]
    swaps = [SwapStation(f"SW{i}", f"SW{i}", 4) for i in range(4)]
    for e in range(n_enterprises):
        eid = f"E{e + 1:02d}"
        tpy = 1.0e6 + 3.0e6 * ((e * 37) % 10) / 9.0
        enterprises.append(Enterprise(eid, eid, 60_000.0, 4, 0.25, 0.25))
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
                siding = RailTerminal(f"SD_{eid}", eid, "siding", 2000.0, 1, 2, 5000.0)
                terminals.append(siding)
                corridors.append(LineSection(id=f"C_{eid}", paths_per_day=24.0, maintenance_start_h=2.0, maintenance_h=2.0))
                segments = (_rail(eid, "GW_EAST", 230.0, pile, siding.id, f"C_{eid}", gate=True),)
            lanes.append(Lane(f"{eid}/out/{chain}", eid, "out", "coal", "out", chain, tpy * share, (daily,) * n_days, pile, segments))
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
        PoolEntry("diesel-cn5", trucks - bev),
        PoolEntry(
            "bev-swap", bev, swap_station=station, to_swap_km=4.0, to_swap_h=0.15, from_swap_km=km + 4.0, from_swap_h=km / 45.0 + 0.15
        ),
    )


def _rail(origin: str, destination: str, km: float, source: int, terminal: str, section: str, gate: bool, sink: int = -1) -> Segment:
    return Segment(
        "long_haul",
        "rail",
        origin,
        destination,
        km,
        km / 50.0,
        km,
        km / 55.0,
        1.0,
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
