"""Network and scenario-against-network checks. Each returns one line per problem (empty when fine)."""

from __future__ import annotations

import math

import networkx as nx

from freight_sim.config.scenario import Chain, Scenario
from freight_sim.network.model import RAIL_NODE_KINDS, MultimodalNetwork

RAIL_CHAINS = (Chain.rail_siding, Chain.drayage_rail)
SWAP_PREFIX = "bev-swap"


def _components(net: MultimodalNetwork, *modes: str) -> dict[str, int]:
    """Node id -> component number over the edges of ``modes`` (only nodes touching such edges)."""
    sub = nx.Graph()
    for u, v in zip(*(net.edges_of_mode(*modes)[c] for c in ("u", "v")), strict=True):
        sub.add_edge(u, v)
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

    def road_connected(self, a: str, b: str) -> bool:
        return a in self.road and self.road.get(a) == self.road.get(b)

    def rail_components(self, node: str, *, by_road: bool) -> set[int]:
        """Rail components a node can load onto: its own rail/spur edges, or (``by_road``) any freight
        station or rail-served gateway on its road component."""
        found = {self.rail[node]} if node in self.rail else set()
        if by_road and node in self.road:
            nodes = self.net.nodes
            for other in self.net.nodes_of_kind(*RAIL_NODE_KINDS, "gateway"):
                public = nodes.at[other, "kind"] == "gateway" or bool(nodes.at[other, "freight_station"])
                if public and other in self.rail and self.road_connected(node, other):
                    found.add(self.rail[other])
        return found


def _mix_vehicles(mix, scenario: Scenario) -> list[str]:
    if isinstance(mix, dict):
        return list(mix)
    if mix is None:
        return []
    named = scenario.fleet.extra_mixes.get(mix)
    return list(named) if named is not None else [mix]


def _uses_swap(mix, scenario: Scenario) -> bool:
    return any(v.startswith(SWAP_PREFIX) for v in _mix_vehicles(mix, scenario))


def check_scenario(loaded, net: MultimodalNetwork) -> list[str]:
    """Problems of a loaded scenario against ``net``, one ``FILE:LINE: dotted.field: message`` line each."""
    scenario: Scenario = loaded.model
    reach = _Reach(net)
    gateways = net.nodes_of_kind("gateway")
    swaps = net.nodes_of_kind("swap_station")
    problems: list[str] = []
    for eid, ent in scenario.enterprises.items():
        base = ("enterprises", eid)
        if not net.has_node(ent.node):
            problems.append(loaded.error(base + ("node",), f"unknown network node '{ent.node}'"))
            continue
        if net.kind(ent.node) != "plant":
            problems.append(loaded.error(base + ("node",), f"node '{ent.node}' is a {net.kind(ent.node)}, not a plant"))
        if not any(reach.road_connected(ent.node, g) for g in gateways):
            problems.append(loaded.error(base + ("node",), f"node '{ent.node}' is not reachable by road from any gateway"))
        siding_built = ent.siding is not None and ent.siding.enabled
        if ent.siding is not None:
            station = ent.siding.station
            if not net.has_node(station) or net.kind(station) not in RAIL_NODE_KINDS:
                what = f"a {net.kind(station)}" if net.has_node(station) else "an unknown node"
                problems.append(loaded.error(base + ("siding", "station"), f"'{station}' is {what}, not a rail station or yard"))
                siding_built = False
        mixes = [ent.fleet_mix, ent.drayage_fleet_mix or scenario.fleet.drayage_mix]
        if any(_uses_swap(m, scenario) for m in mixes) and not any(reach.road_connected(ent.node, s) for s in swaps):
            problems.append(loaded.error(base + ("fleet_mix",), f"battery-swap trucks used but no swap station is reachable by road from '{ent.node}'"))
        for fid, flow in ent.flows.items():
            fpath = base + ("flows", fid)
            if not net.has_node(flow.counterpart):
                problems.append(loaded.error(fpath + ("counterpart",), f"unknown network node '{flow.counterpart}'"))
                continue
            if not reach.road_connected(ent.node, flow.counterpart):
                problems.append(loaded.error(fpath + ("counterpart",), f"'{flow.counterpart}' is not reachable by road from '{ent.node}'"))
            shares = flow.chain_shares if flow.chain_shares is not None else scenario.chains.default_shares
            shares_path = fpath + ("chain_shares",) if flow.chain_shares is not None else ("chains", "default_shares")
            wants_rail = siding_built or any(shares.get(c, 0.0) > 0 for c in RAIL_CHAINS)
            if not wants_rail:
                continue
            # a plant at the far end can be served by drayage from a freight station; a gateway must be on rail
            far = reach.rail_components(flow.counterpart, by_road=net.kind(flow.counterpart) == "plant")
            if not far:
                problems.append(loaded.error(shares_path, f"rail chain requested but counterpart '{flow.counterpart}' has no rail station reachable"))
                continue
            near = set()
            if siding_built:
                near |= {reach.rail[ent.siding.station]} if ent.siding.station in reach.rail else set()
            if any(shares.get(c, 0.0) > 0 for c in RAIL_CHAINS) or not siding_built:
                near |= reach.rail_components(ent.node, by_road=True)
            if not near & far:
                problems.append(loaded.error(shares_path, f"rail chain requested but no rail route joins '{ent.node}' and '{flow.counterpart}'"))
    return problems
