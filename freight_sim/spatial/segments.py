"""Where and when each model segment runs: its edge path (from the leg table's routes) and phase hours.

Reuses the run's own routing read-only: ``lane_routes`` gives each lane's segments and the
(origin, destination, mode) their legs are routed by, ``build_leg_table`` the node path of each such
leg, and the assembled ``ModelSpec`` the hours of each phase (loading, loaded run, unloading, empty
return). A siding's rail leg is routed from its station; its spur is added at the plant end, as the
engine adds the spur's km and hours. Electric traction hauls the electrified km; its tailpipe part (shunting
or main-line diesel, as in the accounting) is placed on the route's non-electrified edges and the siding's
own spur unless that is electrified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from freight_sim.errors import ModelError
from freight_sim.spatial.places import Places

SegmentKey = tuple[str, str, str, str]  # enterprise, flow, chain, segment kind


@dataclass(frozen=True, kw_only=True)
class SegmentPlace:
    """A segment's places in the order of its loaded run, with the share of the run's km and the bounds of
    each place's part of the run's hours (0 to 1); and the hours of its phases (ModelSpec.Segment)."""

    mode: str
    places: np.ndarray  # int, place rows
    km_share: np.ndarray  # float, sums to 1
    diesel_share: np.ndarray  # float, sums to 1: electric traction's diesel part, on the non-electrified edges of the routed leg
    time_bounds: np.ndarray  # float, len(places) + 1, from 0 to 1
    load_h: float
    loaded_h: float
    unload_h: float
    empty_h: float
    rail_unload_h: float


def segment_places(loaded, network, places: Places, model=None) -> dict[SegmentKey, SegmentPlace]:
    """Every segment of the scenario's lanes, keyed like the leg table's (enterprise, flow, chain, segment);
    ``model``: the run's ``sim.api.BuiltModel`` (built here when not given)."""
    from freight_sim.network.defaults import load_defaults
    from freight_sim.sim.api import build_model

    scenario = loaded.model
    model = model if model is not None else build_model(loaded, network=network)
    spec, routes, legs = model.spec, model.routes, model.legs
    spur_kph = load_defaults().spur_speed_kph
    if len(spec.lanes) != len(routes):
        raise ModelError(f"the model has {len(spec.lanes)} lanes but routing gives {len(routes)}")
    out: dict[SegmentKey, SegmentPlace] = {}
    for lane, route in zip(spec.lanes, routes, strict=True):
        for seg, seg_route in zip(lane.segments, route.segments, strict=True):
            if (seg.kind, seg.origin, seg.destination) != (seg_route.kind, seg_route.origin, seg_route.destination):
                raise ModelError(f"lane {lane.id}: segment {seg.kind} {seg.origin}->{seg.destination} does not match its route")
            leg = legs.get(*seg_route.route)
            rows = places.path_edges(leg.path, seg_route.mode)
            routed = list(rows)
            if route.chain == "rail_siding" and seg.kind == "long_haul":
                ent = scenario.enterprises[route.enterprise]
                spur = places.spur(route.enterprise, ent.node, ent.siding.station, ent.siding.spur_km, spur_kph, ent.siding.electrified)
                rows = [spur, *rows] if seg.origin == ent.node else [*rows, spur]
            if not rows:
                rows = routed = [places.point(seg.origin, seg.mode)]
            out[(lane.enterprise, lane.flow, lane.chain, seg.kind)] = place_segment(seg, rows, places, routed)
    return out


def place_segment(seg, rows: list[int], places: Places, routed: list[int] | None = None) -> SegmentPlace:
    """The SegmentPlace of a ModelSpec segment running on the place rows ``rows`` (in loaded order); the
    diesel part of electric traction lies on the rows without electrification (a siding's own spur included,
    as the accounting charges its km to shunting or main-line diesel). ``routed`` is kept for callers."""
    km, hours, electrified = places.lengths(rows)
    km_share = _shares(km)
    diesel = ~electrified
    diesel_share = _shares(np.where(diesel, km, 0.0)) if diesel.any() else km_share
    time_share = hours / hours.sum() if hours.sum() > 0 else km_share
    bounds = np.concatenate([[0.0], np.cumsum(time_share)])
    bounds[-1] = 1.0
    return SegmentPlace(
        mode=seg.mode,
        places=np.asarray(rows, dtype=np.int64),
        km_share=km_share,
        diesel_share=diesel_share,
        time_bounds=bounds,
        load_h=seg.load_h,
        loaded_h=seg.loaded_h,
        unload_h=seg.unload_h,
        empty_h=seg.empty_h,
        rail_unload_h=seg.rail_unload_h,
    )


def _shares(km: np.ndarray) -> np.ndarray:
    """Shares by km (equal shares when there are no km)."""
    total = km.sum()
    return km / total if total > 0 else np.full(len(km), 1.0 / len(km))
