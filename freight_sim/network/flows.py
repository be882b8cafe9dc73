"""Flows on the network's edges: a run's legs laid back onto the routes they took.

Each leg row (origin, destination, mode) followed the shortest-time route of its mode (the same routing
as the leg table before the run: ``freight_sim.network.legs``); its cargo tonnes load every edge of that
route, and its tailpipe NOx (loaded trip and empty return on the same route) is shared among the edges
in proportion to their length. Sums over edges therefore give back the legs' totals exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

import pandas as pd

from freight_sim.network.geo import great_circle_km
from freight_sim.network.legs import LEG_MODES, ModeRouter
from freight_sim.network.model import MultimodalNetwork

FLOW_COLUMNS = ["mode", "u", "v", "distance_km", "tonnes", "trips", "nox_kg"]


def _edge_km(net: MultimodalNetwork, modes: tuple[str, ...]) -> dict[tuple[str, str], float]:
    """Shortest edge length between each pair of nodes, over edges of ``modes``."""
    lengths: dict[tuple[str, str], float] = {}
    edges = net.edges_of_mode(*modes)
    for u, v, km in zip(edges["u"], edges["v"], edges["distance_km"], strict=True):
        key = (min(u, v), max(u, v))
        lengths[key] = min(lengths.get(key, float("inf")), float(km))
    return lengths


def _rail_path(router: ModeRouter, net: MultimodalNetwork, origin: str, destination: str, sidings: Mapping[str, str]) -> list[str]:
    """Rail route; an enterprise whose built siding has no spur edge in the network joins at its station
    (the engine adds the spur's km to the leg; the map draws the spur as a straight line)."""
    start = sidings.get(origin, origin) if origin in sidings and not _has_rail_edge(net, origin) else origin
    end = sidings.get(destination, destination) if destination in sidings and not _has_rail_edge(net, destination) else destination
    path = list(router.leg(start, end).path) if start != end else [start]
    return ([origin] if start != origin else []) + path + ([destination] if end != destination else [])


def _has_rail_edge(net: MultimodalNetwork, node: str) -> bool:
    edges = net.edges_of_mode(*LEG_MODES["rail"])
    return bool(((edges["u"] == node) | (edges["v"] == node)).any())


def edge_flows(net: MultimodalNetwork, legs: pd.DataFrame, sidings: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per (mode, u, v) edge used by ``legs``: cargo tonnes, trips and tailpipe NOx in kg.

    ``legs`` needs ``origin, destination, mode, tonnes, trips``; ``nox_g`` is used when present. Edge
    ends are ordered (``u < v``), so both directions of a road add up on one row. ``sidings`` maps an
    enterprise node with a built siding to its station, for sidings that are not edges of the network.
    """
    sidings = dict(sidings or {})
    if legs.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    columns = ["tonnes", "trips"] + (["nox_g"] if "nox_g" in legs.columns else [])
    by_od = legs.groupby(["mode", "origin", "destination"], observed=True, sort=True)[columns].sum().reset_index()
    totals: dict[tuple[str, str, str], list[float]] = {}
    for mode in sorted(by_od["mode"].astype(str).unique()):
        if mode not in LEG_MODES:
            continue
        router = ModeRouter(net, mode)
        lengths = _edge_km(net, LEG_MODES[mode])
        for node, station in sidings.items():
            if mode == "rail" and node in net.nodes.index and station in net.nodes.index:
                a, b = net.nodes.loc[node], net.nodes.loc[station]
                lengths.setdefault((min(node, station), max(node, station)), float(great_circle_km(a["lon"], a["lat"], b["lon"], b["lat"])))
        part = by_od[by_od["mode"].astype(str) == mode]
        for row in part.itertuples(index=False):
            if row.origin == row.destination:
                continue
            origin, destination = str(row.origin), str(row.destination)
            path = _rail_path(router, net, origin, destination, sidings) if mode == "rail" else router.leg(origin, destination).path
            pairs = [(min(a, b), max(a, b)) for a, b in pairwise(path)]
            route_km = sum(lengths[p] for p in pairs) or 1.0
            nox_kg = float(getattr(row, "nox_g", 0.0)) / 1e3
            for pair in pairs:
                entry = totals.setdefault((mode, *pair), [lengths[pair], 0.0, 0.0, 0.0])
                entry[1] += float(row.tonnes)
                entry[2] += float(row.trips)
                entry[3] += nox_kg * lengths[pair] / route_km
    rows = [(mode, u, v, *values) for (mode, u, v), values in sorted(totals.items())]
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def read_run_flows(net: MultimodalNetwork, run_dir) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Edge flows of the run written in ``run_dir`` (its ``legs.parquet`` and ``siding_sites.parquet``)."""
    from pathlib import Path

    from freight_sim.errors import ConfigError

    folder = Path(run_dir)
    legs_path = folder / "legs.parquet"
    if not legs_path.is_file():
        raise ConfigError(f"--flows:1: flows: {legs_path} not found (a run folder written without --no-legs)")
    legs = pd.read_parquet(legs_path, columns=["origin", "destination", "mode", "tonnes", "trips", "nox_g"])
    sites_path = folder / "siding_sites.parquet"
    sidings = pd.read_parquet(sites_path) if sites_path.is_file() else None
    built = {} if sidings is None else dict(zip(sidings["node"], sidings["station"], strict=True))
    return edge_flows(net, legs, built), sidings
