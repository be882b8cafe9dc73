"""Hand-made specs: tiny ones for exact tests, and a synthetic city-sized one for benchmarks.

The numbers are illustrative (payloads and energy from FACTS 3, train loads from FACTS 5) and carry no
claim about any real enterprise.
"""

from __future__ import annotations

import datetime as dt
import math

from freight_sim.sim.spec import (
    Corridor,
    Enterprise,
    Lane,
    ModelSpec,
    PoolEntry,
    RailTerminal,
    Segment,
    Stockpile,
    SwapStation,
    VehicleType,
)

DIESEL = VehicleType("diesel-cn5", "road", 33.0, class_id="diesel-cn5")
BEV_SWAP = VehicleType("bev-swap", "road", 30.0, 282.0, 0.9, 1.6, 1.0, "swap", 5 / 60, "bev-swap")
RAIL = VehicleType("rail-electric", "rail", 5000.0)
BELT = VehicleType("conveyor-belt", "conveyor", 1.0)
VEHICLES = (DIESEL, BEV_SWAP, RAIL, BELT)


def road_segment(origin: str, destination: str, km: float, speed_kph: float, pool: tuple[PoolEntry, ...], **kw) -> Segment:
    defaults = dict(kind="direct", mode="road", source=0, sink=-1, bay_site=origin, load_h=0.25, unload_h=0.25, gate=True)
    defaults.update(kw)
    return Segment(
        origin=origin, destination=destination, loaded_km=km, loaded_h=km / speed_kph, empty_km=km, empty_h=km / speed_kph,
        pool=pool, **defaults,
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


def siding_spec(
    tonnes_per_day: float,
    days: float = 3.0,
    train_load_t: float = 1000.0,
    loading_rate_tph: float = 500.0,
    wagon_sets: int = 1,
    paths_per_day: float = 24.0,
    maintenance: tuple[float, float] = (0.0, 0.0),
    stockyard_t: float = 5000.0,
) -> ModelSpec:
    """One enterprise shipping everything by train from its own siding ``SD1`` (spur included in the km)."""
    n_days = math.ceil(days)
    rail = Segment(
        kind="long_haul", mode="rail", origin="E01", destination="GW1", loaded_km=100.0, loaded_h=2.0, empty_km=100.0,
        empty_h=2.0, electrified_share=1.0, source=0, sink=-1, terminal="SD1", corridor="C1", rail_unload_h=1.0,
        vehicle_type="rail-electric", gate=True,
    )
    return ModelSpec(
        horizon_h=days * 24.0,
        warmup_h=0.0,
        start_date=dt.date(2025, 1, 1),
        alert_levels=(0,) * n_days,
        orange_bans=(),
        red_bans=(),
        enterprises=(Enterprise("E01", "E01", stockyard_t, 1, 0.25, 0.25),),
        stockpiles=(Stockpile("E01/f1", "E01", stockyard_t),),
        lanes=(Lane("E01/f1/rail_siding", "E01", "f1", "coal", "out", "rail_siding", tonnes_per_day * 365, (tonnes_per_day,) * n_days, 0, (rail,)),),
        vehicle_types=VEHICLES,
        terminals=(RailTerminal("SD1", "E01", "siding", loading_rate_tph, 1, wagon_sets, train_load_t),),
        corridors=(Corridor("C1", paths_per_day, maintenance[0], maintenance[1]),),
    )
