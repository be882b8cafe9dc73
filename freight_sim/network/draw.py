"""Draw the network from its own lon/lat geometry (no map tiles) to a PNG or SVG file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from freight_sim.network.geo import km_per_degree
from freight_sim.network.model import MultimodalNetwork

ROAD_STYLE = {  # road class -> (grey level, line width)
    "expressway": ("0.35", 1.8),
    "trunk": ("0.5", 1.2),
    "county": ("0.65", 0.9),
    "urban": ("0.7", 0.8),
    "access": ("0.8", 0.6),
}
PLANT_COLOURS = {
    "mine": "#4d4d4d",
    "coking": "#b35806",
    "steel": "#2166ac",
    "power": "#d6604d",
    "chemical": "#762a83",
    "cement": "#8c8c3c",
    "logistics_park": "#1b7837",
}
LABELLED_KINDS = ("station", "yard", "gateway")


def _segments(net: MultimodalNetwork, edges) -> list[np.ndarray]:
    """One (2, 2) array of (lon, lat) end points per edge."""
    lon, lat = net.nodes["lon"], net.nodes["lat"]
    return [np.array([(lon[u], lat[u]), (lon[v], lat[v])]) for u, v in zip(edges["u"], edges["v"], strict=True)]


def _scale_bar(ax, net: MultimodalNetwork) -> None:
    lon_min, lon_max = net.nodes["lon"].min(), net.nodes["lon"].max()
    lat_min, lat_max = net.nodes["lat"].min(), net.nodes["lat"].max()
    km_per_lon, _ = km_per_degree((lat_min + lat_max) / 2)
    span_km = (lon_max - lon_min) * km_per_lon
    bar_km = next((k for k in (100, 50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1) if k <= span_km / 4), 0.05)
    x0 = lon_min + 0.05 * (lon_max - lon_min)
    y0 = lat_min - 0.04 * max(lat_max - lat_min, 1e-3)
    ax.plot([x0, x0 + bar_km / km_per_lon], [y0, y0], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(x0 + bar_km / km_per_lon / 2, y0, f"{bar_km:g} km", ha="center", va="bottom", fontsize=8)


def draw_network(net: MultimodalNetwork, path: str | Path, title: str | None = None) -> Path:
    """Write a map of ``net`` to ``path`` (format from the suffix: .png or .svg) and return the path."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    path = Path(path)
    fig = Figure(figsize=(10, 10))
    ax = fig.add_subplot()
    for road_class, (grey, width) in ROAD_STYLE.items():
        roads = net.edges[(net.edges["mode"] == "road") & (net.edges["road_class"] == road_class)]
        if len(roads):
            ax.add_collection(LineCollection(_segments(net, roads), colors=grey, linewidths=width, label=f"road: {road_class}", zorder=1))
    rail = net.edges[net.edges["mode"] == "rail"]
    for electrified, style, label in ((True, (0, (6, 2)), "rail, electrified"), (False, "solid", "rail, not electrified")):
        part = rail[rail["electrified"] == electrified]
        if len(part):
            ax.add_collection(
                LineCollection(_segments(net, part), colors="black", linewidths=2.2, linestyles=[style], label=label, zorder=2)
            )
    for mode, colour, label in (("spur", "#8b4513", "rail siding (spur)"), ("conveyor", "#e6ab02", "belt conveyor")):
        part = net.edges[net.edges["mode"] == mode]
        if len(part):
            ax.add_collection(LineCollection(_segments(net, part), colors=colour, linewidths=1.6, label=label, zorder=2))
    nodes = net.nodes
    plants = nodes[nodes["kind"] == "plant"]
    for subkind in sorted(plants["subkind"].unique()):
        group = plants[plants["subkind"] == subkind]
        ax.scatter(
            group["lon"], group["lat"], s=28, color=PLANT_COLOURS.get(subkind, "#999999"), label=f"plant: {subkind or 'other'}", zorder=4
        )
    for kinds, marker, colour, label in (
        (("station", "yard"), "s", "white", "rail station / yard"),
        (("gateway",), "D", "#d7191c", "gateway"),
        (("swap_station",), "^", "#1a9641", "battery swap station"),
    ):
        group = nodes[nodes["kind"].isin(kinds)]
        if len(group):
            ax.scatter(group["lon"], group["lat"], s=50, marker=marker, facecolor=colour, edgecolor="black", label=label, zorder=5)
    for node_id, row in nodes[nodes["kind"].isin(LABELLED_KINDS)].iterrows():
        ax.annotate(str(row["name"] or node_id), (row["lon"], row["lat"]), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=6)
    _scale_bar(ax, net)
    ax.autoscale_view()
    ax.set_aspect(1.0 / np.cos(np.radians(nodes["lat"].mean())))
    ax.set_xlabel("longitude (deg E)")
    ax.set_ylabel("latitude (deg N)")
    ax.set_title(title or f"Network: {net.source}", fontsize=9)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    return path
