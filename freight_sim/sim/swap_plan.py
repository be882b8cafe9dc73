"""Where a battery truck swaps or charges: the station(s) adding the least distance to its empty return.

A truck of a road segment loads at ``origin``, unloads at ``destination`` and returns empty. A station is
visited on the return (unloading end -> station -> loading end); its detour is the extra road km over the
direct return, 0 for a station on the route. One station suffices when a battery covers the stretch
station -> loading end -> loaded leg -> station. A swap truck on a haul too long for that swaps twice on
the return, first at a far station soon after unloading, then at the swap station before loading: each
stretch between two swaps (swap station -> loaded leg -> far station, far station -> swap station) must
fit the usable battery. Among the feasible choices the least detour wins, ties by station id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from freight_sim.errors import NetworkError
from freight_sim.sim.spec import PoolEntry, Segment, VehicleType

Hop = tuple[float, float]  # road km, h
RoadHop = Callable[[str, str], Hop]  # (from node, to node) -> one-way km, h; raises NetworkError if unreachable


class NoFeasibleStation(Exception):
    """No station (or pair) lets the truck serve the segment within its usable battery."""


def _hops(road: RoadHop, a: str, b: str) -> Hop | None:
    try:
        return road(a, b)
    except NetworkError:
        return None


def battery_entry(
    vehicle_id: str, count: int, vt: VehicleType, seg: Segment, stations: Sequence[tuple[str, str]], road: RoadHop
) -> PoolEntry:
    """The pool entry of ``count`` battery trucks of ``vt`` on ``seg``; ``stations`` are (spec id, node)
    of the stations open to them. Raises NoFeasibleStation with the reason."""
    if not stations:
        raise NoFeasibleStation(f"no {vt.refuel} station in the network")
    e, usable = vt.kwh_per_km_empty, vt.usable_kwh
    loaded_kwh = seg.loaded_km * vt.kwh_per_km_loaded
    unload_hops = {sid: _hops(road, seg.destination, node) for sid, node in stations}  # unloading end -> station
    load_hops = {sid: _hops(road, node, seg.origin) for sid, node in stations}  # station -> loading end
    to_unload: dict[str, Hop] = {}  # the stations reachable both ways
    to_load: dict[str, Hop] = {}
    for sid, unload_hop in unload_hops.items():
        load_hop = load_hops[sid]
        if unload_hop is not None and load_hop is not None:
            to_unload[sid], to_load[sid] = unload_hop, load_hop
    reachable = [sid for sid, _ in stations if sid in to_unload]
    if not reachable:
        raise NoFeasibleStation(f"no {vt.refuel} station reachable by road from {seg.destination} and {seg.origin}")
    singles = []
    for sid in reachable:
        (a_km, a_h), (b_km, b_h) = to_unload[sid], to_load[sid]
        if e * (a_km + b_km) + loaded_kwh <= usable:
            singles.append((round(a_km + b_km - seg.empty_km, 9), sid, a_km, a_h, b_km, b_h))
    if singles:
        _, sid, a_km, a_h, b_km, b_h = min(singles)
        return PoolEntry(
            vehicle_type=vehicle_id, count=count, swap_station=sid, to_swap_km=a_km, to_swap_h=a_h, from_swap_km=b_km, from_swap_h=b_h
        )
    best_single = min(e * (to_unload[s][0] + to_load[s][0]) + loaded_kwh for s in reachable)
    why = f"with a swap at the best-placed station the stretch around the loaded leg needs {best_single:.0f} kWh"
    if vt.refuel != "swap":
        raise NoFeasibleStation(why)
    nodes = dict(stations)
    pairs = []
    for far in reachable:
        for near in reachable:
            if far == near:
                continue
            between = _hops(road, nodes[far], nodes[near])
            if between is None:
                continue
            (a_km, _), (b_km, _) = to_unload[far], to_load[near]
            if e * b_km + loaded_kwh + e * a_km <= usable and e * between[0] <= usable:
                pairs.append((round(a_km + between[0] + b_km - seg.empty_km, 9), far, near, between))
    if not pairs:
        raise NoFeasibleStation(f"{why}; with swaps at two stations on the return no pair fits either")
    _, far, near, between = min(pairs)
    return PoolEntry(
        vehicle_type=vehicle_id,
        count=count,
        swap_station=near,
        to_swap_km=to_unload[near][0],
        to_swap_h=to_unload[near][1],
        from_swap_km=to_load[near][0],
        from_swap_h=to_load[near][1],
        far_swap_station=far,
        to_far_km=to_unload[far][0],
        to_far_h=to_unload[far][1],
        far_to_swap_km=between[0],
        far_to_swap_h=between[1],
        far_to_load_km=to_load[far][0],
        far_to_load_h=to_load[far][1],
    )
