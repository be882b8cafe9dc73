"""Which lanes a scenario has and which network nodes each lane's segments join.

Computed once per model by ``api.build_spec`` and shared by the leg table (routed before the run) and ``assemble``.
Chain allocation follows ``ChainPolicy`` (see freight_sim/config/scenario.py): ``shares`` uses each
flow's ``chain_shares`` (else the default shares); ``siding_first`` sends an enterprise's flows, in flow-id
order, to its built siding up to the siding's capacity and splits the remainder by the shares with
``rail_siding`` left out and the rest renormalised (all road if nothing is left).
"""

from __future__ import annotations

from dataclasses import dataclass

from freight_sim.config.scenario import Chain, Enterprise, Scenario
from freight_sim.errors import ConfigError, NetworkError
from freight_sim.network.legs import ModeRouter, matching_nodes, nearest

FAR_KINDS = ("station", "yard", "gateway")


@dataclass(frozen=True, kw_only=True)
class SegmentRoute:
    kind: str  # direct | gate_drayage | long_haul | far_drayage
    mode: str  # road | rail | conveyor
    origin: str
    destination: str
    route_origin: str = ""  # the nodes the leg is routed between when not origin/destination
    route_destination: str = ""  # (a siding's rail leg is routed from/to its station; the spur is added)

    @property
    def route(self) -> tuple[str, str, str]:
        return (self.route_origin or self.origin, self.route_destination or self.destination, self.mode)


@dataclass(frozen=True, kw_only=True)
class LaneRoute:
    enterprise: str
    flow: str
    chain: str
    tonnes_per_year: float
    segments: tuple[SegmentRoute, ...]
    station: str | None = None  # public station of the drayage chain


def siding_built(enterprise: Enterprise) -> bool:
    return enterprise.siding is not None and enterprise.siding.enabled


def chain_tonnes(scenario: Scenario, where) -> dict[tuple[str, str], dict[str, float]]:
    """(enterprise id, flow id) -> chain -> t/yr, following the scenario's chain rule (demand scaled)."""
    policy = scenario.chains
    scale = scenario.demand_scale
    out: dict[tuple[str, str], dict[str, float]] = {}
    for eid, ent in scenario.enterprises.items():
        siding = ent.siding if siding_built(ent) else None
        room = siding.capacity_t_per_year if siding is not None and policy.rule == "siding_first" else 0.0
        for fid in sorted(ent.flows):
            flow = ent.flows[fid]
            flow_t = flow.tonnes_per_year * scale
            shares = {c.value: s for c, s in (flow.chain_shares or policy.default_shares).items()}
            tonnes: dict[str, float] = {}
            if policy.rule == "siding_first":
                to_siding = min(flow_t, room) if siding_built(ent) else 0.0
                room -= to_siding
                if to_siding > 0:
                    tonnes[Chain.rail_siding.value] = to_siding
                rest = flow_t - to_siding
                shares = {c: s for c, s in shares.items() if c != Chain.rail_siding.value}
                total = sum(shares.values())
                shares = {c: s / total for c, s in shares.items()} if total > 0 else {Chain.road.value: 1.0}
            else:
                rest = flow_t
                if shares.get(Chain.rail_siding.value, 0.0) > 0 and not siding_built(ent):
                    field = ("enterprises", eid, "flows", fid, "chain_shares") if flow.chain_shares else ("chains", "default_shares")
                    raise ConfigError(where(field, f"enterprise {eid} has no built siding for a rail_siding share"))
            for chain in sorted(shares):
                if shares[chain] > 0 and rest > 0:
                    tonnes[chain] = tonnes.get(chain, 0.0) + rest * shares[chain]
            out[(eid, fid)] = tonnes
    return out


class Routing:
    """Nearest-node look-ups on the road network, cached (drayage stations, far stations, swap stations)."""

    def __init__(self, network) -> None:
        self.net = network
        self.road = ModeRouter(network, "road")
        edges = network.edges
        rail = edges[edges["mode"].isin(("rail", "spur"))]
        self.rail_nodes = frozenset(rail["u"]) | frozenset(rail["v"])
        self._cache: dict[tuple, tuple[str, float, float]] = {}
        self._eligible: dict[object, frozenset[str]] = {}  # node sets by purpose, computed once

    def _nearest(self, key, node, kinds, where):
        if key not in self._cache:
            purpose = key[0]  # the filter depends on the purpose only, not on the node
            if purpose not in self._eligible:
                self._eligible[purpose] = matching_nodes(self.net, kinds, where)
            self._cache[key] = nearest(self.net, node, kinds, "road", router=self.road, eligible=self._eligible[purpose])
        return self._cache[key]

    def drayage_station(self, node: str) -> str:
        """Nearest public freight station (a station or yard accepting trucks) on the rail network."""
        rail = self.rail_nodes
        return self._nearest(("station", node), node, ("station", "yard"), lambda r: bool(r["freight_station"]) and r.name in rail)[0]

    def far_station(self, counterpart: str) -> tuple[str, float, float]:
        """Rail node serving a counterpart: itself if on the rail network (a station, a gateway, or a plant
        with its own siding spur in the network), else its nearest freight station (reached by far-end
        drayage). A counterpart's candidate siding, which is not a network edge, is not used as a far end."""
        if counterpart in self.rail_nodes and self.net.kind(counterpart) in FAR_KINDS + ("plant",):
            return counterpart, 0.0, 0.0
        rail = self.rail_nodes

        def serves(row) -> bool:
            return row.name in rail and (row["kind"] == "gateway" or bool(row["freight_station"]))

        return self._nearest(("far", counterpart), counterpart, FAR_KINDS, serves)

    def energy_stations(self, refuel: str) -> list[str]:
        """Swap stations with swap bays ('swap') or charge points ('plug'), in id order."""
        key = ("energy", refuel)
        if key not in self._eligible:
            nodes = self.net.nodes
            column = "swap_bays" if refuel == "swap" else "charge_points"
            stations = nodes[nodes["kind"] == "swap_station"]
            self._eligible[key] = frozenset(
                str(n) for n, v in zip(stations.index, stations[column], strict=True) if v == v and int(v) > 0
            )  # v == v: not NaN
        return sorted(self._eligible[key])

    def road_hop(self, origin: str, destination: str) -> tuple[float, float]:
        """(km, h) of the fastest road route; NetworkError when there is none."""
        key = ("hop", origin, destination)
        if key not in self._cache:
            if origin == destination:
                self._cache[key] = (origin, 0.0, 0.0)
            else:
                leg = self.road.leg(origin, destination)
                self._cache[key] = (destination, leg.distance_km, leg.hours)
        return self._cache[key][1:]


def lane_routes(scenario: Scenario, routing: Routing, where) -> list[LaneRoute]:
    """Every lane (enterprise x flow x chain with tonnes) with its segments' end nodes, in id order; with a
    pathway, the lanes of every day's state with their largest t/yr (freight_sim.sim.pathway_inputs)."""
    if scenario.pathway is not None:
        from freight_sim.sim.pathway_inputs import PathwayInputs

        allocation = PathwayInputs(scenario, where).max_allocation
    else:
        allocation = chain_tonnes(scenario, where)
    lanes = []
    for eid in sorted(scenario.enterprises):
        ent = scenario.enterprises[eid]
        for fid in sorted(ent.flows):
            flow = ent.flows[fid]
            for chain, tonnes in sorted(allocation[(eid, fid)].items()):
                try:
                    lanes.append(_lane(scenario, routing, eid, ent, fid, flow, chain, tonnes))
                except NetworkError as exc:
                    raise ConfigError(where(("enterprises", eid, "flows", fid), f"{chain}: {exc}")) from None
    return lanes


def _lane(scenario, routing: Routing, eid, ent, fid, flow, chain, tonnes) -> LaneRoute:
    out = flow.direction == "out"
    plant, other = ent.node, flow.counterpart

    def oriented(kind, mode, a, b):
        return (
            SegmentRoute(kind=kind, mode=mode, origin=a, destination=b)
            if out
            else SegmentRoute(kind=kind, mode=mode, origin=b, destination=a)
        )

    def lane(segments, station=None):
        return LaneRoute(enterprise=eid, flow=fid, chain=chain, tonnes_per_year=tonnes, segments=segments, station=station)

    if chain in (Chain.road.value, Chain.conveyor.value):
        return lane((oriented("direct", "conveyor" if chain == "conveyor" else "road", plant, other),))
    far, _, _ = routing.far_station(other)
    far_seg = (oriented("far_drayage", "road", far, other),) if far != other else ()
    if chain == Chain.rail_siding.value:
        station = ent.siding.station
        haul = (
            SegmentRoute(kind="long_haul", mode="rail", origin=plant, destination=far, route_origin=station, route_destination=far)
            if out
            else SegmentRoute(kind="long_haul", mode="rail", origin=far, destination=plant, route_origin=far, route_destination=station)
        )
        segments = (haul, *far_seg) if out else (*far_seg, haul)
        return lane(segments)
    drayage = scenario.chains.drayage_station
    station = routing.drayage_station(plant) if drayage == "nearest" else drayage
    gate = oriented("gate_drayage", "road", plant, station)
    haul = oriented("long_haul", "rail", station, far)
    segments = (gate, haul, *far_seg) if out else (*far_seg, haul, gate)
    return lane(segments, station)


def leg_requests(routes: list[LaneRoute]) -> list[tuple[str, str, str]]:
    """(origin, destination, mode) of every segment's route, sorted and unique."""
    return sorted({seg.route for lane in routes for seg in lane.segments})
