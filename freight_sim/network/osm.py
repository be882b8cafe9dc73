"""Build a multimodal network from an OpenStreetMap XML extract (offline) plus a CSV of sites.

Needs the optional extra ``osm`` (osmnx). Road ways become ``road`` edges classed by their ``highway``
tag, ``railway=rail`` ways become ``rail`` edges (``spur`` when ``service`` is siding/spur/industrial),
electrified from the ``electrified`` tag. Sites (plants, stations, gateways, swap stations) are snapped
to the nearest road node, and stations/yards also to the nearest rail node, by connector edges whose
length is the snap distance.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim.errors import ConfigError
from freight_sim.network.defaults import NetworkDefaults, load_defaults
from freight_sim.network.geo import great_circle_km
from freight_sim.network.load import read_csv_records
from freight_sim.network.model import RAIL_NODE_KINDS, MultimodalNetwork
from freight_sim.network.tables import parse_edges, parse_nodes

EXTRA_WAY_TAGS = ("railway", "electrified", "service", "maxspeed")
SPUR_SERVICES = {"siding", "spur", "industrial"}
ELECTRIFIED_VALUES = {"contact_line", "rail", "yes", "4th_rail", "ground-level_power_supply"}
MPH_TO_KPH = 1.609344


def _import_osmnx():
    try:
        import osmnx
    except ImportError:
        raise ConfigError("<network>:1: network.osm_xml: OSM import needs osmnx: pip install freight-sim[osm]") from None
    return osmnx


def _first(value):
    """OSMnx merges differing tags of simplified ways into lists; take the first."""
    return value[0] if isinstance(value, list) and value else value


def parse_maxspeed_kph(value) -> float | None:
    """``"60"``, ``"60 mph"``, ``["60", "80"]`` -> km/h; ``None`` for absent or symbolic values ("none", "signals")."""
    if isinstance(value, list):
        speeds = [s for s in (parse_maxspeed_kph(v) for v in value) if s is not None]
        return min(speeds) if speeds else None
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", str(value))
    if not m:
        return None
    speed = float(m.group(1)) * (MPH_TO_KPH if m.group(2) else 1.0)
    return speed if speed > 0 else None


def read_osm_graph(xml_path: Path):
    """``ox.graph_from_xml`` with railway tags kept; ``ox.settings`` is restored afterwards.

    The graph is not simplified, so sites can snap to any node along a way, not only to intersections.
    """
    ox = _import_osmnx()
    saved = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = saved + [t for t in EXTRA_WAY_TAGS if t not in saved]
    try:
        return ox.graph_from_xml(Path(xml_path), bidirectional=True, simplify=False, retain_all=True)
    except Exception as exc:
        raise ConfigError(f"{xml_path}:1: (file): cannot read OSM XML: {exc}") from None
    finally:
        ox.settings.useful_tags_way = saved


def _way_edge(data: dict, defaults: NetworkDefaults) -> dict | None:
    """Edge attributes (strings) for one OSM way segment, or ``None`` for ways that carry no freight."""
    highway, railway = _first(data.get("highway")), _first(data.get("railway"))
    maxspeed = parse_maxspeed_kph(data.get("maxspeed"))
    if railway == "rail":
        mode = "spur" if _first(data.get("service")) in SPUR_SERVICES else "rail"
        default = defaults.spur_speed_kph if mode == "spur" else defaults.rail_speed_kph["conventional"]
        electrified = _first(data.get("electrified")) in ELECTRIFIED_VALUES
        road_class, rail_class = "", "conventional" if mode == "rail" else ""
    elif highway in defaults.osm.highway_class:
        mode, electrified, rail_class = "road", False, ""
        road_class = defaults.osm.highway_class[highway]
        default = defaults.road_speed_kph[road_class]
    else:
        return None
    # a posted limit below the class's average freight speed slows the edge; a higher one does not
    speed = min(default, maxspeed) if maxspeed else default
    return {
        "mode": mode,
        "speed_kph": f"{speed:g}",
        "road_class": road_class,
        "rail_class": rail_class,
        "electrified": str(electrified).lower(),
        "line": str(_first(data.get("ref")) or _first(data.get("name")) or ""),
        "source": f"OSM way {_first(data.get('osmid'))}",
    }


def _graph_edges(graph, defaults: NetworkDefaults) -> list[dict]:
    rows, seen = [], set()
    for u, v, data in graph.edges(data=True):
        attrs = _way_edge(data, defaults)
        if attrs is None:
            continue
        a, b = f"osm{u}", f"osm{v}"
        km = float(data["length"]) / 1000.0
        signature = (min(a, b), max(a, b), attrs["mode"], round(km, 6))
        if signature in seen:  # the directed graph holds both directions of two-way ways
            continue
        seen.add(signature)
        rows.append({"u": a, "v": b, "distance_km": f"{km:.6f}", **attrs})
    return rows


def _snap(site_lon: float, site_lat: float, lon: np.ndarray, lat: np.ndarray, ids: list[str]) -> tuple[str, float]:
    distances = great_circle_km(site_lon, site_lat, lon, lat)
    order = np.lexsort((np.array(ids), distances))
    return ids[order[0]], float(distances[order[0]])


def load_osm(xml_path: Path, sites_csv: Path, defaults: NetworkDefaults | None = None) -> MultimodalNetwork:
    """Network from an OSM XML file and a sites CSV (``id, kind, lon, lat, name``; optional ``snap``:
    ``road``, ``rail`` or ``both``, default ``both`` for stations/yards and ``road`` otherwise)."""
    defaults = defaults or load_defaults()
    xml_path, sites_csv = Path(xml_path), Path(sites_csv)
    graph = read_osm_graph(xml_path)
    edge_rows = _graph_edges(graph, defaults)
    used = sorted({r["u"] for r in edge_rows} | {r["v"] for r in edge_rows})
    coords = {f"osm{n}": (d["x"], d["y"]) for n, d in graph.nodes(data=True)}
    osm_nodes = pd.DataFrame(
        [{"id": n, "kind": "junction", "lon": str(coords[n][0]), "lat": str(coords[n][1]), "source": "OSM node"} for n in used],
        columns=["id", "kind", "lon", "lat", "source"],
    )
    raw_sites, site_lines = read_csv_records(sites_csv)
    sites = parse_nodes(raw_sites, lambda row, col: f"{sites_csv}:{1 if row < 0 else site_lines[row]}")
    clash = sorted(set(sites.index) & set(used))
    if clash:
        raise ConfigError(f"{sites_csv}:1: id: site ids clash with OSM node ids: {', '.join(clash)}")
    snap_modes = raw_sites["snap"].str.strip().tolist() if "snap" in raw_sites.columns else [""] * len(raw_sites)
    by_mode = {}
    for mode in ("road", "rail"):
        members = sorted({r[e] for r in edge_rows if (r["mode"] == "road") == (mode == "road") for e in ("u", "v")})
        by_mode[mode] = (members, np.array([coords[m][0] for m in members]), np.array([coords[m][1] for m in members]))
    for position, (site_id, site) in enumerate(zip(raw_sites["id"].str.strip(), snap_modes, strict=True)):
        row = sites.loc[site_id]
        wanted = site or ("both" if row["kind"] in RAIL_NODE_KINDS else "road")
        if wanted not in ("road", "rail", "both"):
            raise ConfigError(f"{sites_csv}:{site_lines[position]}: snap: expected road, rail or both, got {wanted!r}")
        for mode in ("road", "rail"):
            if wanted not in (mode, "both"):
                continue
            members, lon, lat = by_mode[mode]
            if not members:
                raise ConfigError(f"{sites_csv}:{site_lines[position]}: snap: no {mode} in {xml_path} to snap '{site_id}' to")
            target, km = _snap(row["lon"], row["lat"], lon, lat, members)
            edge_rows.append(
                {
                    "u": site_id,
                    "v": target,
                    "mode": mode,
                    "distance_km": f"{max(km, defaults.osm.min_access_km):.6f}",
                    "road_class": "access" if mode == "road" else "",
                    "rail_class": "connector" if mode == "rail" else "",
                    "electrified": str(mode == "rail" and _touches_electrified(edge_rows, target)).lower(),
                    "line": "access" if mode == "road" else "station connector",
                    "source": f"snap of site {site_id} to the nearest {mode} node ({km:.3f} km)",
                }
            )
    raw_nodes = pd.concat([osm_nodes, raw_sites.drop(columns=["snap"], errors="ignore")], ignore_index=True).fillna("")
    nodes = parse_nodes(raw_nodes.astype(str), lambda row, col: f"{xml_path}:1")
    raw_edges = pd.DataFrame(edge_rows).fillna("").astype(str)
    edges = parse_edges(raw_edges, nodes.index, lambda row, col: f"{xml_path}:1", defaults)
    return MultimodalNetwork.from_frames(nodes, edges, source=f"{xml_path} + {sites_csv}")


def _touches_electrified(edge_rows: list[dict], node: str) -> bool:
    return any(r["mode"] == "rail" and r["electrified"] == "true" and node in (r["u"], r["v"]) for r in edge_rows)
