"""The multimodal network: node and edge tables plus one graph built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from freight_sim.errors import NetworkError

NODE_KINDS = ("plant", "station", "yard", "siding", "gateway", "swap_station", "junction")
EDGE_MODES = ("road", "rail", "spur", "conveyor")
RAIL_NODE_KINDS = ("station", "yard")


def build_graph(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.MultiGraph:
    """Undirected multigraph; edge keys are the row positions of ``edges`` so attributes stay in the table."""
    graph = nx.MultiGraph()
    for node_id, kind in zip(nodes.index, nodes["kind"], strict=True):
        graph.add_node(node_id, kind=kind)
    for position, (u, v, mode, km, hours) in enumerate(
        zip(edges["u"], edges["v"], edges["mode"], edges["distance_km"], edges["hours"], strict=True)
    ):
        graph.add_edge(u, v, key=position, mode=mode, distance_km=km, hours=hours)
    return graph


@dataclass(frozen=True)
class MultimodalNetwork:
    """Nodes (indexed by id), edges (one row per undirected edge, with ``hours``) and their graph.

    Build it with :func:`MultimodalNetwork.from_frames`, which sorts both tables so that every
    iteration order downstream is deterministic.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    graph: nx.MultiGraph = field(repr=False)
    source: str = ""
    rail: object = field(default=None, repr=False)  # its rail data file (freight_sim.network.rail_data.RailData), if any

    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame, source: str = "", rail=None) -> MultimodalNetwork:
        nodes = nodes.sort_index()
        edges = edges.reset_index(drop=True)
        return cls(nodes=nodes, edges=edges, graph=build_graph(nodes, edges), source=source, rail=rail)

    def kind(self, node_id: str) -> str:
        if node_id not in self.nodes.index:
            raise NetworkError(f"unknown network node '{node_id}'")
        return str(self.nodes.at[node_id, "kind"])

    def has_node(self, node_id: str) -> bool:
        return node_id in self.nodes.index

    def nodes_of_kind(self, *kinds: str) -> list[str]:
        """Ids of nodes of the given kinds, sorted."""
        return sorted(self.nodes.index[self.nodes["kind"].isin(kinds)])

    def edges_of_mode(self, *modes: str) -> pd.DataFrame:
        return self.edges[self.edges["mode"].isin(modes)]

    def summary(self) -> dict[str, dict[str, int] | dict[str, float] | float]:
        """Counts of nodes by kind, edges by mode, km by mode, and electrified rail km."""
        by_mode = self.edges.groupby("mode")["distance_km"]
        rail = self.edges[self.edges["mode"] == "rail"]
        return {
            "nodes_by_kind": {k: int(n) for k, n in self.nodes["kind"].value_counts().sort_index().items()},
            "edges_by_mode": {k: int(n) for k, n in by_mode.count().sort_index().items()},
            "km_by_mode": {k: float(km) for k, km in by_mode.sum().sort_index().items()},
            "electrified_rail_km": float(rail.loc[rail["electrified"], "distance_km"].sum()),
        }
