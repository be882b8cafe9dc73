"""Network edges as places: an id, end coordinates, mode, zone; and the edges a routed node path runs on.

A node path from ``freight_sim.network.legs`` is turned into edges the way its router chose them: among
parallel edges of the leg's mode the fastest, ties by (u, v) (``ModeRouter`` keeps the first edge of each
node pair after sorting by hours, u, v). Places the network has no edge for are added as extra rows: a
candidate siding's spur (plant to station, its ``spur_km``) and a point place at a node for a route of
no length.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd

from freight_sim.network.legs import LEG_MODES

PLACE_COLUMNS = (
    "edge_id",
    "u",
    "v",
    "mode",
    "distance_km",
    "hours",
    "road_class",
    "electrified",
    "zone",
    "lon_u",
    "lat_u",
    "lon_v",
    "lat_v",
)
TOWN, OUTSIDE = "town", "outside"


class Places:
    """The place table (one row per network edge, then the added places) and node-pair look-ups."""

    def __init__(self, network, town_road_classes: Iterable[str]) -> None:
        self._nodes = network.nodes
        self._town = frozenset(town_road_classes)
        edges = network.edges
        road_class = edges["road_class"] if "road_class" in edges.columns else pd.Series([None] * len(edges))
        electrified = edges["electrified"] if "electrified" in edges.columns else pd.Series([False] * len(edges))
        table = pd.DataFrame(
            {
                "edge_id": _edge_ids(edges),
                "u": edges["u"].astype(str).to_numpy(),
                "v": edges["v"].astype(str).to_numpy(),
                "mode": edges["mode"].astype(str).to_numpy(),
                "distance_km": edges["distance_km"].to_numpy(dtype=float),
                "hours": edges["hours"].to_numpy(dtype=float),
                "road_class": [None if pd.isna(c) else str(c) for c in road_class],
                "electrified": [bool(e) if not pd.isna(e) else False for e in electrified],
            }
        )
        self._rows: list[dict] = table.to_dict("records")
        self._pairs: dict[tuple[str, str, str], int] = {}
        for leg_mode, modes in LEG_MODES.items():
            of_mode = edges[edges["mode"].isin(modes)].sort_values(["hours", "u", "v"], kind="stable")
            for position, u, v in zip(of_mode.index, of_mode["u"], of_mode["v"], strict=True):
                self._pairs.setdefault(_pair(leg_mode, str(u), str(v)), int(position))
        self._added: dict[str, int] = {}

    def path_edges(self, path: tuple[str, ...], leg_mode: str) -> list[int]:
        """Place rows of the edges a node path of ``leg_mode`` runs on, in order."""
        return [self._pairs[_pair(leg_mode, a, b)] for a, b in itertools.pairwise(path)]

    def spur(self, enterprise: str, plant: str, station: str, spur_km: float, spur_kph: float, electrified: bool = False) -> int:
        """The place of an enterprise's siding spur: the network's spur edge between the plant and the
        station if there is one, else an added row ``siding:<enterprise>`` (``electrified`` as the siding says)."""
        existing = self._pairs.get(_pair("rail", plant, station))
        if existing is not None and self._rows[existing]["mode"] == "spur":
            return existing
        return self._add(f"siding:{enterprise}", plant, station, "spur", spur_km, spur_km / spur_kph, electrified)

    def point(self, node: str, mode: str) -> int:
        """A place of no length at ``node`` (for a route from a node to itself)."""
        return self._add(f"node:{node}:{mode}", node, node, mode, 0.0, 0.0)

    def _add(self, edge_id: str, u: str, v: str, mode: str, km: float, hours: float, electrified: bool = False) -> int:
        if edge_id not in self._added:
            self._added[edge_id] = len(self._rows)
            self._rows.append(
                {
                    "edge_id": edge_id,
                    "u": u,
                    "v": v,
                    "mode": mode,
                    "distance_km": km,
                    "hours": hours,
                    "road_class": None,
                    "electrified": electrified,
                }
            )
        return self._added[edge_id]

    def lengths(self, rows: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(km, hours, electrified) of the places ``rows``."""
        return (
            np.array([self._rows[r]["distance_km"] for r in rows], dtype=float),
            np.array([self._rows[r]["hours"] for r in rows], dtype=float),
            np.array([self._rows[r]["electrified"] for r in rows], dtype=bool),
        )

    def table(self) -> pd.DataFrame:
        """All places with zone and end coordinates (lon/lat in degrees)."""
        table = pd.DataFrame(self._rows)
        lon, lat = self._nodes["lon"], self._nodes["lat"]
        table["zone"] = np.where((table["mode"] == "road") & table["road_class"].isin(self._town), TOWN, OUTSIDE)
        table["lon_u"] = lon.reindex(table["u"]).to_numpy(dtype=float)
        table["lat_u"] = lat.reindex(table["u"]).to_numpy(dtype=float)
        table["lon_v"] = lon.reindex(table["v"]).to_numpy(dtype=float)
        table["lat_v"] = lat.reindex(table["v"]).to_numpy(dtype=float)
        return table[list(PLACE_COLUMNS)]


def _edge_ids(edges: pd.DataFrame) -> list[str]:
    """``mode:u-v``, with ``#2``, ``#3`` ... for further parallel edges of one mode between the same nodes."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for u, v, mode in zip(edges["u"], edges["v"], edges["mode"], strict=True):
        base = f"{mode}:{u}-{v}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return ids


def _pair(leg_mode: str, a: str, b: str) -> tuple[str, str, str]:
    """Key of an undirected node pair of a leg mode."""
    return (leg_mode, a, b) if a <= b else (leg_mode, b, a)
