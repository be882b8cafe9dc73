"""Flows on the network's edges: a run's legs laid back onto the routes they took.

Each leg row (origin, destination, mode) followed the shortest-time route of its mode (the same routing
as the leg table before the run: ``freight_sim.network.legs``); its cargo tonnes load every edge of that
route, and its tailpipe NOx (loaded trip and empty return on the same route) is shared among the edges
in proportion to their length. Sums over edges therefore give back the legs' totals exactly.
"""

from __future__ import annotations

import pandas as pd

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


def edge_flows(net: MultimodalNetwork, legs: pd.DataFrame) -> pd.DataFrame:
    """One row per (mode, u, v) edge used by ``legs``: cargo tonnes, trips and tailpipe NOx in kg.

    ``legs`` needs ``origin, destination, mode, tonnes, trips``; ``nox_g`` is used when present. Edge
    ends are ordered (``u < v``), so both directions of a road add up on one row.
    """
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
        part = by_od[by_od["mode"].astype(str) == mode]
        for row in part.itertuples(index=False):
            if row.origin == row.destination:
                continue
            path = router.leg(str(row.origin), str(row.destination)).path
            pairs = [(min(a, b), max(a, b)) for a, b in zip(path, path[1:], strict=False)]
            route_km = sum(lengths[p] for p in pairs) or 1.0
            nox_kg = float(getattr(row, "nox_g", 0.0)) / 1e3
            for pair in pairs:
                entry = totals.setdefault((mode, *pair), [lengths[pair], 0.0, 0.0, 0.0])
                entry[1] += float(row.tonnes)
                entry[2] += float(row.trips)
                entry[3] += nox_kg * lengths[pair] / route_km
    rows = [(mode, u, v, *values) for (mode, u, v), values in sorted(totals.items())]
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)
