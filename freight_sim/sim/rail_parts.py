"""The rail part of a model's assembly: terminals (a siding's own, public stations with their figures from the
network's rail data or the operations defaults, timetables) and the long-haul rail segment of a lane, with its
traction by km and the line sections and yards it crosses both ways (mixed into the model builder)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freight_sim.config.scenario import Scenario, Timetable
from freight_sim.sim import spec as S
from freight_sim.sim.operations import Operations
from freight_sim.sim.rail_spec import RailTerminal
from freight_sim.sim.routes import LaneRoute, SegmentRoute


class RailParts:
    """Rail terminals and rail segments of the lanes a model builder assembles."""

    sc: Scenario
    ops: Operations
    layout: Any
    rail_paths: Any
    catalog: Any
    spur_kph: float
    terminals: dict[str, RailTerminal]
    leg: Callable[..., Any]
    vehicle: Callable[..., S.VehicleType]

    def public_terminal(self, station: str) -> str:
        if station not in self.terminals:
            o, own = self.ops, self.layout.station(station)
            self.terminals[station] = RailTerminal(
                id=station,
                node=station,
                kind="station",
                loading_rate_tph=own.loading_rate_tph or o.station_loading_rate_tph,
                loading_tracks=own.loading_tracks or o.station_loading_tracks,
                wagon_sets=own.wagon_sets or o.station_wagon_sets,
                train_load_t=o.station_train_load_t,
                **_timetable(self.sc.rail.station_timetables.get(station), o.station_train_load_t),
                opens_h=own.opens_h or 0.0,
                closes_h=own.closes_h or 0.0,
            )
        return station

    def _rail_terminal(self, route: LaneRoute, seg: SegmentRoute, ent) -> tuple[str, float]:
        out = self.sc.enterprises[route.enterprise].flows[route.flow].direction == "out"
        if route.chain == "rail_siding" and out:
            sd = ent.siding
            tid = f"SD_{route.enterprise}"
            self.terminals.setdefault(
                tid,
                RailTerminal(
                    id=tid,
                    node=ent.node,
                    kind="siding",
                    loading_rate_tph=sd.loading_rate_tph,
                    loading_tracks=1,
                    wagon_sets=sd.wagon_sets,
                    train_load_t=sd.train_load_t,
                    **_timetable(sd.timetable, sd.train_load_t),
                ),
            )
            return tid, sd.train_load_t
        return self.public_terminal(seg.origin), self.ops.station_train_load_t

    def _rail(self, seg, route, ent, at, source, sink) -> S.Segment:
        leg = self.leg(seg, at)
        km, hours = leg.distance_km, leg.hours
        electrified_km, shunting_km = leg.electrified_share * leg.distance_km, leg.diesel_spur_km
        spur_h = 0.0
        if route.chain == "rail_siding":
            km += ent.siding.spur_km
            spur_h = ent.siding.spur_km / self.spur_kph
            hours += spur_h
            if ent.siding.electrified:
                electrified_km += ent.siding.spur_km
            else:
                shunting_km += ent.siding.spur_km
        terminal, _ = self._rail_terminal(route, seg, ent)
        # a siding's spur is run first on the way out from the plant, last on the way in
        from_plant = seg.origin == ent.node and route.chain == "rail_siding"
        home = terminal if terminal == seg.origin else None  # loaded at a public station: its own tracks
        crossings, out_dwell_h = self.rail_paths.crossings(leg.path, leg.edge_rows, spur_h if from_plant else 0.0, home)
        back, back_dwell_h = self.rail_paths.crossings(
            leg.path[::-1], leg.edge_rows[::-1], 0.0 if from_plant or route.chain != "rail_siding" else spur_h, home
        )
        # traction by km: electric on electrified km, shunting locomotives on unelectrified spurs, main-line
        # diesel on the rest (the accounting splits each row's energy by these shares)
        traction = "rail-electric" if "rail-electric" in self.catalog.vehicles else "rail-diesel"
        return S.Segment(
            kind="long_haul",
            mode="rail",
            origin=seg.origin,
            destination=seg.destination,
            loaded_km=km,
            loaded_h=hours + out_dwell_h,
            empty_km=km,
            empty_h=hours + back_dwell_h,
            electrified_share=electrified_km / km if km > 0 else 0.0,
            source=source,
            sink=sink,
            terminal=terminal,
            crossings=crossings,
            return_crossings=back,
            rail_unload_h=self.ops.train_unloading_h,
            vehicle_type=self.vehicle(traction, at).id,
            gate=route.chain == "rail_siding",
            shunting_share=shunting_km / km if km > 0 else 0.0,
        )


def _timetable(timetable: Timetable | None, train_load_t: float) -> dict[str, Any]:
    """A terminal's ``slots_h`` and ``min_load_t``: none for trains that leave as soon as a load is ready."""
    if timetable is None:
        return {"slots_h": (), "min_load_t": 0.0}
    return {"slots_h": tuple(timetable.slots_h), "min_load_t": timetable.min_load_share * train_load_t}
