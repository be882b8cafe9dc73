"""Leg tables: shortest-time routes per (origin, destination, mode), computed once before a run.

Routes minimise hours (distance / speed per edge) with ``scipy.sparse.csgraph.dijkstra``, one call per
mode for all requested origins. Mode ``road`` uses road edges, ``rail`` uses rail and spur edges,
``conveyor`` uses conveyor edges. A leg keeps its km on unelectrified spur edges (``diesel_spur_km``): the
part of a rail route that shunting locomotives work.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from freight_sim.errors import NetworkError
from freight_sim.network.model import MultimodalNetwork

LEG_MODES: Mapping[str, tuple[str, ...]] = {"road": ("road",), "rail": ("rail", "spur"), "conveyor": ("conveyor",)}


@dataclass(frozen=True, kw_only=True)
class Leg:
    """One routed movement. ``paths_per_day`` is the tightest train-path capacity on the route (inf for road)."""

    origin: str
    destination: str
    mode: str
    distance_km: float
    hours: float
    electrified_share: float
    paths_per_day: float
    path: tuple[str, ...] = field(default=(), compare=False)
    diesel_spur_km: float = 0.0  # km on spur edges without electrification (worked by shunting locomotives)
    edge_rows: tuple[int, ...] = field(default=(), compare=False)  # row of each hop's edge in the network's edge table


class ModeRouter:
    """Shortest-time routing over the edges of one leg mode. Parallel edges keep the fastest."""

    def __init__(self, net: MultimodalNetwork, mode: str) -> None:
        if mode not in LEG_MODES:
            raise NetworkError(f"unknown leg mode '{mode}'; expected one of {', '.join(LEG_MODES)}")
        self.mode = mode
        self.ids: list[str] = list(net.nodes.index)
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        edges = net.edges_of_mode(*LEG_MODES[mode]).sort_values(["hours", "u", "v"], kind="stable")
        best: dict[tuple[int, int], tuple[float, float, float, float, float, int]] = {}
        for row, u, v, hours, km, electrified, paths, edge_mode in zip(
            edges.index,
            edges["u"],
            edges["v"],
            edges["hours"],
            edges["distance_km"],
            edges["electrified"],
            edges["paths_per_day"],
            edges["mode"],
            strict=True,
        ):
            i, j = self.index[u], self.index[v]
            key = (min(i, j), max(i, j))
            if key not in best:
                diesel_spur_km = float(km) if edge_mode == "spur" and not electrified else 0.0
                best[key] = (float(hours), float(km), float(km) if electrified else 0.0, float(paths), diesel_spur_km, int(row))
        self.edge_attrs = best
        n = len(self.ids)
        rows = [i for i, _ in best] + [j for _, j in best]
        cols = [j for _, j in best] + [i for i, _ in best]
        weights = [a[0] for a in best.values()] * 2
        self.matrix = csr_matrix((weights, (rows, cols)), shape=(n, n))
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def solve(self, origins: Iterable[str]) -> None:
        """Run Dijkstra once for all ``origins`` not solved yet."""
        todo = sorted({self.index[o] for o in origins if o in self.index} - set(self._cache))
        if not todo:
            return
        hours, predecessors = dijkstra(self.matrix, directed=False, indices=todo, return_predecessors=True)
        for row, origin in enumerate(todo):
            self._cache[origin] = (hours[row], predecessors[row])

    def leg(self, origin: str, destination: str) -> Leg:
        for node in (origin, destination):
            if node not in self.index:
                raise NetworkError(f"no {self.mode} route from '{origin}' to '{destination}': unknown node '{node}'")
        self.solve([origin])
        i, j = self.index[origin], self.index[destination]
        hours, predecessors = self._cache[i]
        if not math.isfinite(hours[j]):
            raise NetworkError(f"no {self.mode} route from '{origin}' to '{destination}'")
        path = [j]
        while path[-1] != i:
            path.append(int(predecessors[path[-1]]))
        path.reverse()
        km = electrified_km = diesel_spur_km = 0.0
        paths_per_day = math.inf
        rows = []
        for a, b in itertools.pairwise(path):
            _, edge_km, edge_electrified_km, edge_paths, edge_spur_km, row = self.edge_attrs[(min(a, b), max(a, b))]
            rows.append(row)
            km += edge_km
            electrified_km += edge_electrified_km
            diesel_spur_km += edge_spur_km
            paths_per_day = min(paths_per_day, edge_paths)
        return Leg(
            origin=origin,
            destination=destination,
            mode=self.mode,
            distance_km=km,
            hours=float(hours[j]),
            electrified_share=(electrified_km / km) if km > 0 else 0.0,
            paths_per_day=paths_per_day,
            path=tuple(self.ids[k] for k in path),
            diesel_spur_km=diesel_spur_km,
            edge_rows=tuple(rows),
        )

    def reachable(self, origin: str) -> dict[str, float]:
        """Node id -> hours for every node reachable from ``origin`` (itself included)."""
        self.solve([origin])
        hours = self._cache[self.index[origin]][0]
        return {self.ids[k]: float(hours[k]) for k in np.flatnonzero(np.isfinite(hours))}


@dataclass(frozen=True)
class LegTable:
    """Legs keyed by (origin, destination, mode)."""

    legs: Mapping[tuple[str, str, str], Leg]

    def get(self, origin: str, destination: str, mode: str) -> Leg:
        try:
            return self.legs[(origin, destination, mode)]
        except KeyError:
            raise NetworkError(f"leg {origin} -> {destination} by {mode} was not requested before the run") from None

    def __len__(self) -> int:
        return len(self.legs)

    def to_frame(self) -> pd.DataFrame:
        columns = ["origin", "destination", "mode", "distance_km", "hours", "electrified_share", "paths_per_day"]
        rows = [[getattr(leg, c) for c in columns] for _, leg in sorted(self.legs.items())]
        return pd.DataFrame(rows, columns=columns)


def build_leg_table(net: MultimodalNetwork, requests: Iterable[tuple[str, str, str]]) -> LegTable:
    """Route every (origin, destination, mode) request; raise :class:`NetworkError` if one has no path.

    A request from a node to itself is a zero-length leg.
    """
    requests = sorted(set(requests))
    routers: dict[str, ModeRouter] = {}
    for mode in sorted({m for _, _, m in requests}):
        routers[mode] = ModeRouter(net, mode)
        routers[mode].solve(o for o, _, m in requests if m == mode)
    legs = {}
    for origin, destination, mode in requests:
        if origin == destination and net.has_node(origin):
            legs[(origin, destination, mode)] = Leg(
                origin=origin,
                destination=destination,
                mode=mode,
                distance_km=0.0,
                hours=0.0,
                electrified_share=0.0,
                paths_per_day=math.inf,
                path=(origin,),
            )
        else:
            legs[(origin, destination, mode)] = routers[mode].leg(origin, destination)
    return LegTable(legs)


NodeFilter = Mapping[str, object] | Callable[[pd.Series], bool] | None


def _matches(net: MultimodalNetwork, node_id: str, where: NodeFilter) -> bool:
    if where is None:
        return True
    row = net.nodes.loc[node_id]
    if callable(where):
        return bool(where(row))
    return all(row.get(column) == value for column, value in where.items())


def matching_nodes(net: MultimodalNetwork, kinds: str | Iterable[str], where: NodeFilter = None) -> frozenset[str]:
    """Ids of the nodes of ``kinds`` that pass ``where``: computed once, then reused across many look-ups
    (a row look-up per candidate and call made nearest-node searches grow with shippers x stations)."""
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    of_kind = net.nodes.index[net.nodes["kind"].isin(kinds)]
    return frozenset(n for n in of_kind if _matches(net, n, where))


def nearest(
    net: MultimodalNetwork,
    node: str,
    kinds: str | Iterable[str],
    mode: str = "road",
    where: NodeFilter = None,
    router: ModeRouter | None = None,
    eligible: frozenset[str] | None = None,
) -> tuple[str, float, float]:
    """Nearest node of ``kinds`` (optionally filtered by column values or a predicate on the node row)
    along the fastest ``mode`` route from ``node``: (node id, distance_km, hours).

    Candidates are ranked by route distance, then id, so ties resolve the same way every time. The start
    node itself is a candidate when it matches. Pass a ``router`` (and ``eligible``, the
    :func:`matching_nodes` of ``kinds`` and ``where``) to reuse them across many calls.
    """
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    router = router or ModeRouter(net, mode)
    if not net.has_node(node):
        raise NetworkError(f"unknown network node '{node}'")
    eligible = eligible if eligible is not None else matching_nodes(net, kinds, where)
    candidates = [n for n in sorted(router.reachable(node)) if n in eligible]
    if not candidates:
        raise NetworkError(f"no {'/'.join(kinds)} reachable by {mode} from '{node}'")
    legs = [router.leg(node, c) for c in candidates]
    best = min(legs, key=lambda leg: (round(leg.distance_km, 9), leg.destination))
    return best.destination, best.distance_km, best.hours
