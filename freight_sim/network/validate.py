"""Network and scenario-against-network checks. Each returns one line per problem (empty when fine)."""

from __future__ import annotations

import functools
import math

import networkx as nx

from freight_sim.config.scenario import Chain, Scenario
from freight_sim.network.model import RAIL_NODE_KINDS, MultimodalNetwork


def _components(net: MultimodalNetwork, *modes: str) -> dict[str, int]:
    """Node id -> component number over the edges of ``modes`` (only nodes touching such edges)."""
    edges = net.edges_of_mode(*modes)
    sub = nx.Graph()
    sub.add_edges_from(zip(edges["u"], edges["v"], strict=True))
    ordered = sorted((sorted(c) for c in nx.connected_components(sub)), key=lambda c: (-len(c), c[0]))
    return {node: number for number, members in enumerate(ordered) for node in members}


def check_network(net: MultimodalNetwork) -> list[str]:
    """Structural problems: unknown nodes, non-positive lengths or speeds, road islands holding plants or
    gateways, rail stations off the rail graph, rail islands without a gateway."""
    problems = []
    known = set(net.nodes.index)
    for position, row in enumerate(net.edges.itertuples(index=False)):
        label = f"edge {position} ({row.u}-{row.v}, {row.mode})"
        problems += [f"{label}: unknown node '{n}'" for n in (row.u, row.v) if n not in known]
        if not (row.distance_km > 0):
            problems.append(f"{label}: distance_km must be > 0, got {row.distance_km}")
        if not (row.hours > 0) or not math.isfinite(row.hours):
            problems.append(f"{label}: travel time must be > 0 and finite (speed_kph {row.speed_kph})")
    road = _components(net, "road")
    for node in net.nodes_of_kind("plant", "gateway"):
        if node not in road:
            problems.append(f"node '{node}' ({net.kind(node)}): no road edge")
        elif road[node] != 0:
            problems.append(f"node '{node}' ({net.kind(node)}): on a road component separate from the main road network")
    rail = _components(net, "rail")
    gateway_components = {rail[g] for g in net.nodes_of_kind("gateway") if g in rail}
    for node in net.nodes_of_kind(*RAIL_NODE_KINDS):
        if node not in rail:
            problems.append(f"node '{node}' ({net.kind(node)}): rail station not on the rail graph")
        elif gateway_components and rail[node] not in gateway_components:
            problems.append(f"node '{node}' ({net.kind(node)}): rail component reaches no gateway")
    return problems


class _Reach:
    """Cached road and rail reachability on one network."""

    def __init__(self, net: MultimodalNetwork) -> None:
        self.net = net
        self.road = _components(net, "road")
        self.rail = _components(net, "rail", "spur")
        self.conveyor = _components(net, "conveyor")

    def conveyor_connected(self, a: str, b: str) -> bool:
        return a in self.conveyor and self.conveyor.get(a) == self.conveyor.get(b)

    def road_connected(self, a: str, b: str) -> bool:
        return a in self.road and self.road.get(a) == self.road.get(b)

    def rail_components(self, node: str, *, by_road: bool, via_gateways: bool = False) -> set[int]:
        """Rail components a node can load onto: its own rail/spur edges, or (``by_road``) any public
        freight station (and, ``via_gateways``, any rail-served gateway) on its road component."""
        found = {self.rail[node]} if node in self.rail else set()
        if by_road and node in self.road:
            for other, is_gateway in self._rail_access:
                if (via_gateways or not is_gateway) and self.road_connected(node, other):
                    found.add(self.rail[other])
        return found

    @functools.cached_property
    def _rail_access(self) -> tuple[tuple[str, bool], ...]:
        """(node, is gateway) of the public freight stations and gateways on the rail graph, looked up once."""
        access = []
        for other in self.net.nodes_of_kind(*RAIL_NODE_KINDS, "gateway"):
            kind = self.net.nodes.at[other, "kind"]
            if other in self.rail and (kind == "gateway" or bool(self.net.nodes.at[other, "freight_station"])):
                access.append((other, kind == "gateway"))
        return tuple(access)


def named_mixes(loaded, fleet=None) -> dict[str, dict[str, float]]:
    """Named fleet mixes visible to the scenario: its fleet mix file (``fleet.mixes`` when already read),
    then its ``extra_mixes``.

    A mix file that cannot be read is reported by the fleet checks, not here; it then contributes nothing.
    """
    from freight_sim.config import data_path
    from freight_sim.errors import ConfigError
    from freight_sim.fleet import load_mixes

    scenario: Scenario = loaded.model
    try:
        source = fleet.mixes if fleet is not None else load_mixes(data_path(loaded, ("fleet", "mixes"), scenario.fleet.mixes))
        mixes = dict(source.mixes)
    except ConfigError:
        mixes = {}
    mixes.update({name: dict(shares) for name, shares in scenario.fleet.extra_mixes.items()})
    return mixes


def swap_vehicles(loaded, fleet=None) -> frozenset[str]:
    """Ids of the catalog's vehicles that refuel by battery swap (the catalog's ``refuel`` field); empty when
    the catalog cannot be read (the fleet checks report that). ``fleet``: the ``ScenarioFleet`` when read."""
    from freight_sim.config import data_path
    from freight_sim.errors import ConfigError
    from freight_sim.fleet import load_catalog

    try:
        catalog = (
            fleet.catalog
            if fleet is not None
            else load_catalog(data_path(loaded, ("fleet", "catalog"), loaded.model.fleet.catalog), loaded.model.inputs)
        )
    except ConfigError:
        return frozenset()
    return frozenset(vid for vid, v in catalog.vehicles.items() if v.refuel == "swap")


def _uses_swap(mix, mixes: dict[str, dict[str, float]], swapping: frozenset[str]) -> bool:
    """Whether a mix (a name or an inline vehicle -> share mapping) gives battery-swap trucks a share."""
    if mix is None:
        return False
    shares = mix if isinstance(mix, dict) else mixes.get(mix, {mix: 1.0})
    return any(vehicle in swapping and share > 0 for vehicle, share in shares.items())


def _effective_shares(flow, scenario: Scenario) -> dict[Chain, float]:
    return dict(flow.chain_shares if flow.chain_shares is not None else scenario.chains.default_shares)


def _check_plant(loaded, net: MultimodalNetwork, reach: _Reach, eid: str, node: str) -> list[str]:
    where = ("enterprises", eid, "node")
    if not net.has_node(node):
        return [loaded.error(where, f"unknown network node '{node}'")]
    problems = []
    if net.kind(node) != "plant":
        problems.append(loaded.error(where, f"node '{node}' is a {net.kind(node)}, not a plant"))
    if not any(reach.road_connected(node, g) for g in net.nodes_of_kind("gateway")):
        problems.append(loaded.error(("enterprises", eid), f"node '{node}' is not reachable by road from any gateway"))
    return problems


def _check_rail_node(loaded, net: MultimodalNetwork, where: tuple, station: str) -> list[str]:
    if net.has_node(station) and net.kind(station) in RAIL_NODE_KINDS:
        return []
    what = f"a {net.kind(station)}" if net.has_node(station) else "an unknown node"
    return [loaded.error(where, f"'{station}' is {what}, not a rail station or yard")]


def _check_swap(loaded, net: MultimodalNetwork, reach: _Reach, eid: str, mixes: dict, swapping: frozenset[str]) -> list[str]:
    scenario: Scenario = loaded.model
    ent = scenario.enterprises[eid]
    drayage = any(_effective_shares(f, scenario).get(Chain.drayage_rail, 0.0) > 0 for f in ent.flows.values())
    used = (ent.fleet_mix, scenario.drayage_mix_for(eid)[1]) if drayage else (ent.fleet_mix,)
    if not any(_uses_swap(m, mixes, swapping) for m in used):
        return []
    if any(reach.road_connected(ent.node, s) for s in net.nodes_of_kind("swap_station")):
        return []
    message = f"battery-swap trucks used but no swap station is reachable by road from '{ent.node}'"
    return [loaded.error(("enterprises", eid, "fleet_mix"), message)]


def _check_flow(loaded, net: MultimodalNetwork, reach: _Reach, eid: str, fid: str, siding_station: str | None) -> list[str]:
    """Counterpart known and reachable; a rail chain has rail at both ends on a common rail component.

    ``siding_station`` is the station of the enterprise's built siding (``None`` without one).
    """
    scenario: Scenario = loaded.model
    node, flow = scenario.enterprises[eid].node, scenario.enterprises[eid].flows[fid]
    where = ("enterprises", eid, "flows", fid)
    if not net.has_node(flow.counterpart):
        return [loaded.error(where + ("counterpart",), f"unknown network node '{flow.counterpart}'")]
    problems = []
    if not reach.road_connected(node, flow.counterpart):
        problems.append(loaded.error(where + ("counterpart",), f"'{flow.counterpart}' is not reachable by road from '{node}'"))
    shares = _effective_shares(flow, scenario)
    shares_path = where + ("chain_shares",) if flow.chain_shares is not None else ("chains", "default_shares")
    if shares.get(Chain.conveyor, 0.0) > 0 and not reach.conveyor_connected(node, flow.counterpart):
        problems.append(loaded.error(shares_path, f"conveyor share but no belt conveyor joins '{node}' and '{flow.counterpart}'"))
    by_siding = siding_station is not None and (scenario.chains.rule == "siding_first" or shares.get(Chain.rail_siding, 0.0) > 0)
    by_drayage = shares.get(Chain.drayage_rail, 0.0) > 0 or (shares.get(Chain.rail_siding, 0.0) > 0 and siding_station is None)
    if not (by_siding or by_drayage):
        return problems
    # a plant at the far end is served by drayage from a freight station or a rail-served gateway (as the
    # engine's far-station choice does); a gateway counterpart must itself be on rail
    far = reach.rail_components(flow.counterpart, by_road=net.kind(flow.counterpart) == "plant", via_gateways=True)
    if not far:
        message = f"rail chain requested but counterpart '{flow.counterpart}' has no rail station reachable"
        return problems + [loaded.error(shares_path, message)]
    near = reach.rail_components(node, by_road=True) if by_drayage else set()
    if by_siding and siding_station in reach.rail:
        near.add(reach.rail[siding_station])
    if not near & far:
        message = f"rail chain requested but no rail route joins '{node}' and '{flow.counterpart}'"
        problems.append(loaded.error(shares_path, message))
    return problems


def check_scenario(loaded, net: MultimodalNetwork, fleet=None) -> list[str]:
    """Problems of a loaded scenario against ``net``, one ``FILE:LINE: dotted.field: message`` line each:
    enterprise nodes (known, plants, reachable from a gateway), siding stations, swap stations for
    battery-swap fleets, flow counterparts, rail at both ends of every rail chain, and timetabled stations. ``fleet``: the scenario's ``ScenarioFleet`` when already read."""
    scenario: Scenario = loaded.model
    reach = _Reach(net)
    mixes = named_mixes(loaded, fleet)
    swapping = swap_vehicles(loaded, fleet)
    problems: list[str] = []
    for eid, ent in scenario.enterprises.items():
        problems += _check_plant(loaded, net, reach, eid, ent.node)
        if not net.has_node(ent.node):
            continue
        siding_station = None
        if ent.siding is not None:
            siding_problems = _check_rail_node(loaded, net, ("enterprises", eid, "siding", "station"), ent.siding.station)
            problems += siding_problems
            if ent.siding.enabled and not siding_problems:
                siding_station = ent.siding.station
        problems += _check_swap(loaded, net, reach, eid, mixes, swapping)
        for fid in ent.flows:
            problems += _check_flow(loaded, net, reach, eid, fid, siding_station)
    for station in scenario.rail.station_timetables:
        problems += _check_rail_node(loaded, net, ("rail", "station_timetables", station), station)
    return problems
