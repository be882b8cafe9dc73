"""Hand-made specs: tiny ones for exact tests and the vehicles and parts they are built from.

The numbers are illustrative (payloads and energy from FACTS 3, train loads from FACTS 5) and carry no
claim about any real enterprise. The city-sized benchmark spec is in freight_sim.sim.synthetic_city.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from freight_sim.sim.rail_spec import Crossing, LineSection, RailTerminal
from freight_sim.sim.spec import (
    Enterprise,
    Lane,
    ModelSpec,
    PoolEntry,
    Segment,
    ServiceTimes,
    Stockpile,
    SwapStation,
    Variation,
    VehicleType,
)


def swap_truck(
    vehicle_id: str,
    *,
    payload_t: float,
    battery_kwh: float,
    kwh_per_km_loaded: float,
    kwh_per_km_empty: float,
    swap_h: float,
    usable_battery_share: float = 1.0,
) -> VehicleType:
    """A battery-swap truck type whose ban class is its id."""
    return VehicleType(
        id=vehicle_id,
        mode="road",
        payload_t=payload_t,
        battery_kwh=battery_kwh,
        usable_battery_share=usable_battery_share,
        kwh_per_km_loaded=kwh_per_km_loaded,
        kwh_per_km_empty=kwh_per_km_empty,
        refuel="swap",
        refuel_h=swap_h,
        class_id=vehicle_id,
    )


DIESEL = VehicleType(id="diesel-cn5", mode="road", payload_t=33.0, class_id="diesel-cn5")
BEV_SWAP = swap_truck(
    "bev-swap", payload_t=30.0, battery_kwh=282.0, usable_battery_share=0.9, kwh_per_km_loaded=1.6, kwh_per_km_empty=1.0, swap_h=5 / 60
)
RAIL = VehicleType(id="rail-electric", mode="rail", payload_t=5000.0)
BELT = VehicleType(id="conveyor-belt", mode="conveyor", payload_t=1.0)
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
        vehicle_type=vehicle_type,
        count=count,
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


def plain_enterprise(eid: str, stockyard_t: float, loading_bays: int) -> Enterprise:
    """An enterprise at its own node with 15 min loading and unloading per truck."""
    return Enterprise(id=eid, node=eid, stockyard_t=stockyard_t, loading_bays=loading_bays, loading_h=0.25, unloading_h=0.25)


def outbound_lane(
    eid: str,
    chain: str,
    tonnes_per_year: float,
    daily_t: tuple[float, ...],
    origin_stock: int,
    segments: tuple[Segment, ...],
    flow: str = "f1",
) -> Lane:
    """An outbound coal lane of ``eid``'s flow ``flow`` by ``chain``."""
    return Lane(
        id=f"{eid}/{flow}/{chain}",
        enterprise=eid,
        flow=flow,
        commodity="coal",
        direction="out",
        chain=chain,
        tonnes_per_year=tonnes_per_year,
        daily_t=daily_t,
        origin_stock=origin_stock,
        segments=segments,
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
        enterprises=(plain_enterprise("E01", stockyard_t, loading_bays),),
        stockpiles=(Stockpile("E01/f1", "E01", stockyard_t),),
        lanes=(outbound_lane("E01", "road", tonnes_per_day * 365, (tonnes_per_day,) * n_days, 0, (segment,)),),
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
        enterprises=(plain_enterprise("E01", stockyard_t, 1),),
        stockpiles=(Stockpile("E01/f1", "E01", stockyard_t),),
        lanes=(outbound_lane("E01", "rail_siding", tonnes_per_day * 365, (tonnes_per_day,) * n_days, 0, (rail,)),),
        vehicle_types=VEHICLES,
        terminals=(
            RailTerminal(
                id="SD1",
                node="E01",
                kind="siding",
                loading_rate_tph=loading_rate_tph,
                loading_tracks=1,
                wagon_sets=wagon_sets,
                train_load_t=train_load_t,
                slots_h=slots_h,
                min_load_t=min_load_t,
            ),
        ),
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
        (PoolEntry(vehicle_type="diesel-cn5", count=trucks),),
        kind="gate_drayage",
        source=0,
        sink=1,
    )
    rail = _train_to_gw1("ST", 1, "ST")
    return ModelSpec(
        **_quiet_calendar(days),
        enterprises=(plain_enterprise("E01", 5000.0, 1),),
        stockpiles=(Stockpile("E01/f1", "E01", 5000.0), Stockpile("E01/f1@ST", "ST", station_pile_t)),
        lanes=(outbound_lane("E01", "drayage_rail", tonnes_per_day * 365, (tonnes_per_day,) * n_days, 0, (truck, rail)),),
        vehicle_types=VEHICLES,
        terminals=(
            RailTerminal(
                id="ST",
                node="ST",
                kind="station",
                loading_rate_tph=loading_rate_tph,
                loading_tracks=1,
                wagon_sets=wagon_sets,
                train_load_t=train_load_t,
            ),
        ),
        line_sections=(LineSection(id="C1", paths_per_day=96.0),),  # a path every 15 min
    )


def mmc_bay_spec(arrival_rate_per_h: float, mean_service_h: float, bays: int, days: float, warmup_days: float = 0.0) -> ModelSpec:
    """An M/M/c loading bay: truck loads leave ``E01``'s production at Poisson times (``arrival_rate_per_h``,
    an open source), each taken at once by one of many idle trucks to one of ``bays`` loading bays, whose
    loading time is exponential with mean ``mean_service_h``. The fleet (arrival rate x 8 h of cycle, at
    least 40 trucks) is large enough that a load practically never waits for a truck, so bay arrivals stay
    Poisson; the mean bay wait is then Erlang C's (tests/validation/test_mmc_scenario.py)."""
    trucks = max(40, math.ceil(arrival_rate_per_h * 8.0))
    road = road_segment(
        "E01", "C1", 10.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=trucks),), load_h=mean_service_h, unload_h=0.25
    )
    spec = single_lane_spec(road, arrival_rate_per_h * 24.0 * DIESEL.payload_t, days=days, stockyard_t=1e9, loading_bays=bays)
    open_source = dataclasses.replace(spec.enterprises[0], production=Variation("poisson"))
    return dataclasses.replace(
        spec,
        warmup_h=warmup_days * 24.0,
        enterprises=(open_source,),
        service_times=ServiceTimes(truck_loading=Variation("exponential", 1.0)),
    )
