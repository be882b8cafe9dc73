"""Draw the network from its own lon/lat geometry (no map tiles): the plain map, flows by mode and NOx.

Maps are matplotlib figures: written to a PNG or SVG file (``draw_network``) or returned as figures
for the reports (``network_figure``, ``flow_figure``, ``nox_figure``). Labels go through a ``label``
function so a report can name nodes in its own language.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from freight_sim.network.geo import km_per_degree
from freight_sim.network.model import MultimodalNetwork

if TYPE_CHECKING:
    from matplotlib.artist import Artist

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
FLOW_COLOURS = {"road": "#d35400", "rail": "#1f4e79", "conveyor": "#b8860b"}
MAX_FLOW_WIDTH = 9.0  # points, for the largest edge flow
SIDING_STYLES = {  # status -> (marker, face colour, label)
    "existing": ("s", "#8b4513", "existing siding"),
    "built": ("*", "#27ae60", "candidate siding, built in this run"),
    "candidate": ("o", "none", "candidate siding, not built"),
}


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


def _identity(text: str) -> str:
    return text


def _node_label(nodes, node_id: str, name_of) -> str:
    return name_of(node_id) if name_of is not None else str(nodes.at[node_id, "name"] or node_id)


def _frame(net: MultimodalNetwork, ax) -> None:
    nodes = net.nodes
    ax.autoscale_view()
    ax.set_aspect(1.0 / np.cos(np.radians(nodes["lat"].mean())))
    ax.set_xticks([])
    ax.set_yticks([])


def _faint_network(ax, net: MultimodalNetwork) -> None:
    """Every road and railway thin and light, as the background of a flow map."""
    for modes, colour in ((("road",), "0.85"), (("rail", "spur"), "0.6"), (("conveyor",), "0.8")):
        part = net.edges[net.edges["mode"].isin(modes)]
        if len(part):
            ax.add_collection(_lines(_segments(net, part), colors=colour, linewidths=0.6, zorder=1))


def _lines(*args, **kwargs):
    """A LineCollection (matplotlib imported when first drawn)."""
    from matplotlib.collections import LineCollection

    return LineCollection(*args, **kwargs)


def _places(ax, net: MultimodalNetwork, sidings, label, name_of) -> None:
    """Plants (labelled by id), stations (by name) and sidings by status."""
    nodes = net.nodes
    plants = nodes[(nodes["kind"] == "plant") & (nodes["subkind"] != "quarry")]
    ax.scatter(plants["lon"], plants["lat"], s=14, color="#555555", zorder=4)
    for node_id, row in plants.iterrows():
        ax.annotate(
            str(node_id), (row["lon"], row["lat"]), xytext=(3, -7), textcoords="offset points", fontsize=5.5, color="#333", zorder=6
        )
    stations = nodes[nodes["kind"].isin(("station", "yard"))]
    ax.scatter(
        stations["lon"],
        stations["lat"],
        s=36,
        marker="s",
        facecolor="white",
        edgecolor="black",
        label=label("rail station / yard"),
        zorder=5,
    )
    for node_id, row in stations.iterrows():
        ax.annotate(
            _node_label(nodes, node_id, name_of),
            (row["lon"], row["lat"]),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=6.5,
            zorder=6,
        )
    if sidings is not None and len(sidings):
        _places_sidings_only(ax, net, sidings, label)


def network_figure(net: MultimodalNetwork, title: str | None = None, sidings=None, label=_identity, name_of=None):
    """The plain map: roads by class, railways, spurs and conveyors, plants by kind, stations, sidings."""
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 10))
    ax = fig.add_subplot()
    for road_class, (grey, width) in ROAD_STYLE.items():
        roads = net.edges[(net.edges["mode"] == "road") & (net.edges["road_class"] == road_class)]
        if len(roads):
            ax.add_collection(
                LineCollection(_segments(net, roads), colors=grey, linewidths=width, label=label(f"road: {road_class}"), zorder=1)
            )
    rail = net.edges[net.edges["mode"] == "rail"]
    for electrified, style, text in ((True, (0, (6, 2)), "rail, electrified"), (False, "solid", "rail, not electrified")):
        part = rail[rail["electrified"] == electrified]
        if len(part):
            ax.add_collection(
                LineCollection(_segments(net, part), colors="black", linewidths=2.2, linestyles=[style], label=label(text), zorder=2)
            )
    for mode, colour, text in (("spur", "#8b4513", "rail siding (spur)"), ("conveyor", "#e6ab02", "belt conveyor")):
        part = net.edges[net.edges["mode"] == mode]
        if len(part):
            ax.add_collection(LineCollection(_segments(net, part), colors=colour, linewidths=1.6, label=label(text), zorder=2))
    nodes = net.nodes
    plants = nodes[nodes["kind"] == "plant"]
    for subkind in sorted(plants["subkind"].unique()):
        group = plants[plants["subkind"] == subkind]
        ax.scatter(
            group["lon"],
            group["lat"],
            s=28,
            color=PLANT_COLOURS.get(subkind, "#999999"),
            label=label(f"plant: {subkind or 'other'}"),
            zorder=4,
        )
    for node_id, row in plants.iterrows():
        ax.annotate(str(node_id), (row["lon"], row["lat"]), xytext=(3, -8), textcoords="offset points", fontsize=6, color="#333", zorder=6)
    for kinds, marker, colour, text in (
        (("station", "yard"), "s", "white", "rail station / yard"),
        (("gateway",), "D", "#d7191c", "gateway"),
        (("swap_station",), "^", "#1a9641", "battery swap station"),
    ):
        group = nodes[nodes["kind"].isin(kinds)]
        if len(group):
            ax.scatter(group["lon"], group["lat"], s=50, marker=marker, facecolor=colour, edgecolor="black", label=label(text), zorder=5)
    for node_id, row in nodes[nodes["kind"].isin(LABELLED_KINDS)].iterrows():
        ax.annotate(
            _node_label(nodes, node_id, name_of), (row["lon"], row["lat"]), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=6
        )
    if sidings is not None and len(sidings):
        _places_sidings_only(ax, net, sidings, label)
    _scale_bar(ax, net)
    _frame(net, ax)
    ax.set_title(title or label("Network: {source}").format(source=net.source), fontsize=9)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    return fig


def _places_sidings_only(ax, net: MultimodalNetwork, sidings, label) -> None:
    nodes = net.nodes
    for status, (marker, face, text) in SIDING_STYLES.items():
        part = sidings[(sidings["status"] == status) & sidings["node"].isin(nodes.index)]
        if len(part):
            lon, lat = nodes.loc[part["node"], "lon"], nodes.loc[part["node"], "lat"]
            ax.scatter(
                lon,
                lat,
                s=70 if marker != "*" else 130,
                marker=marker,
                facecolor=face,
                edgecolor="#8b4513",
                linewidths=1.2,
                label=label(text),
                zorder=7,
            )


def _width(tonnes, largest: float):
    return 0.4 + (MAX_FLOW_WIDTH - 0.4) * np.asarray(tonnes, dtype=float) / largest


def flow_figure(net: MultimodalNetwork, flows, sidings=None, label=_identity, name_of=None, title: str | None = None):
    """Tonnes on every edge by mode: line width proportional to tonnes (legend gives the scale)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9, 8))
    ax = fig.add_subplot()
    _faint_network(ax, net)
    largest = float(flows["tonnes"].max()) if len(flows) else 0.0
    handles: list[Artist] = []
    if largest > 0:
        for mode in ("road", "rail", "conveyor"):
            part = flows[(flows["mode"] == mode) & (flows["tonnes"] > 0)].sort_values("tonnes")
            if len(part):
                segments = _segments(net, part)
                ax.add_collection(
                    _lines(
                        segments,
                        colors=FLOW_COLOURS[mode],
                        linewidths=_width(part["tonnes"], largest),
                        alpha=0.75,
                        capstyle="round",
                        zorder=3,
                    )
                )
                handles.append(Line2D([], [], color=FLOW_COLOURS[mode], linewidth=3, label=label(f"flow: {mode}")))
        for share in (1.0, 0.5, 0.1):
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#777",
                    linewidth=float(_width([largest * share], largest)[0]),
                    label=f"{largest * share / 1e6:,.2f} {label('Mt')}",
                )
            )
    _places(ax, net, sidings, label, name_of)
    _scale_bar(ax, net)
    _frame(net, ax)
    handles += [h for h in ax.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9)
    ax.set_title(title or label("Tonnes moved on each road, railway and conveyor (line width proportional to tonnes)"), fontsize=9)
    return fig


def nox_figure(net: MultimodalNetwork, flows, label=_identity, name_of=None, title: str | None = None):
    """Tailpipe NOx along roads: colour = kg per km of road, width grows with it."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 8))
    ax = fig.add_subplot()
    _faint_network(ax, net)
    roads = flows[(flows["mode"] == "road") & (flows["nox_kg"] > 0)].copy() if len(flows) else flows
    if len(roads):
        roads["kg_per_km"] = roads["nox_kg"] / roads["distance_km"].where(roads["distance_km"] > 0)
        roads = roads.dropna(subset=["kg_per_km"]).sort_values("kg_per_km")
        norm = Normalize(vmin=0, vmax=float(roads["kg_per_km"].max()))
        cmap = colormaps["YlOrRd"]
        ax.add_collection(
            _lines(
                _segments(net, roads),
                colors=cmap(norm(roads["kg_per_km"])),
                linewidths=1.0 + 5.0 * norm(roads["kg_per_km"]),
                capstyle="round",
                zorder=3,
            )
        )
        from matplotlib.cm import ScalarMappable

        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6)
        bar.set_label(label("tailpipe NOx, kg per km of road"))
    _places(ax, net, None, label, name_of)
    _scale_bar(ax, net)
    _frame(net, ax)
    ax.set_title(title or label("Tailpipe NOx along the roads"), fontsize=9)
    return fig


def draw_network(net: MultimodalNetwork, path: str | Path, title: str | None = None, sidings=None, flows=None) -> Path:
    """Write a map of ``net`` to ``path`` (format from the suffix: .png or .svg) and return the path.

    With ``flows`` (``freight_sim.network.flows.edge_flows``) the map shows tonnes by mode instead.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    path = Path(path)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig = flow_figure(net, flows, sidings, title=title) if flows is not None else network_figure(net, title, sidings)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return path
