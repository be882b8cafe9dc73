"""The run report's spatial section: NOx and PM density along the network, and the hour-of-day profile of
truck NOx in town and outside. Empty when the run has no spatial result."""

from __future__ import annotations

import numpy as np

from freight_sim.spatial.places import OUTSIDE, TOWN
from freight_sim.spatial.tables import edge_totals, profiles


def spatial_charts(output, t=None) -> list[dict[str, str]]:
    """Charts (title, svg, note) for ``freight_sim.report.run_report``; [] without ``output.spatial``."""
    result = getattr(output, "spatial", None)
    if result is None:
        return []
    t = t if t is not None else (lambda text, **values: text.format(**values) if values else text)
    days = result.horizon_h / 24.0
    return [
        {
            "title": t("NOx and PM along the network"),
            "svg": density_map(result),
            "note": t(
                "Tailpipe kg per km of edge over the simulated {days} days (colour, log scale); grey edges carry none."
                " Electricity's pollutants at the power plants are not on the map (emissions_upstream.csv).",
                days=f"{days:g}",
            ),
        },
        {
            "title": t("Truck NOx by hour of day: in town and outside"),
            "svg": town_profile(result),
            "note": t(
                "Share of each zone's truck NOx per hour of the local day; in town = road classes {classes}."
                " Files: emissions_edges.parquet, emissions_grid.nc, emissions_cells.csv, emissions_profiles.csv.",
                classes=", ".join(_town_classes(result)),
            ),
        },
    ]


def _town_classes(result) -> list[str]:
    town = result.places[result.places["zone"] == TOWN]
    return sorted({str(c) for c in town["road_class"].dropna()}) or ["(none)"]


def density_map(result) -> str:
    """Two panels (NOx, PM): every edge coloured by kg per km."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import LogNorm

    from freight_sim.report.charts import _figure, to_svg

    table = edge_totals(result)
    segments = np.stack([table[["lon_u", "lat_u"]].to_numpy(dtype=float), table[["lon_v", "lat_v"]].to_numpy(dtype=float)], axis=1)
    fig = _figure(10.0, 5.0)
    for i, (name, label) in enumerate((("nox", "NOx"), ("pm", "PM"))):
        ax = fig.add_subplot(1, 2, i + 1)
        density = table[f"{name}_kg_per_km"].to_numpy(dtype=float)
        carrying = density > 0
        ax.add_collection(LineCollection(segments[~carrying], colors="0.85", linewidths=0.6))
        if carrying.any():
            values = density[carrying]
            norm = LogNorm(vmin=max(values.min(), values.max() * 1e-4), vmax=values.max())
            lines = LineCollection(segments[carrying], array=np.clip(values, norm.vmin, None), cmap="inferno_r", norm=norm, linewidths=2.0)
            ax.add_collection(lines)
            fig.colorbar(lines, ax=ax, shrink=0.7, label=f"{label}, kg per km")
        ax.autoscale()
        ax.set_aspect(1.0 / np.cos(np.radians(float(np.nanmean(table["lat_u"])))))
        ax.set_title(f"{label} along the network", fontsize=9)
        ax.tick_params(labelsize=7)
    return to_svg(fig)


def town_profile(result) -> str:
    """Lines: share of truck NOx per hour of day, in town and outside, with each zone's total in the legend."""
    from freight_sim.report.charts import _figure, to_svg

    table = profiles(result)
    hourly = table[(table["profile"] == "hour_of_day") & (table["mode"] == "road") & (table["pollutant"] == "nox")]
    fig = _figure(7.0, 3.0)
    ax = fig.add_subplot()
    for zone, label in ((TOWN, "in town"), (OUTSIDE, "outside")):
        part = hourly[hourly["zone"] == zone]
        if len(part):
            ax.plot(
                part["period"].astype(int), part["share"] * 100, marker="o", markersize=3, label=f"{label} ({part['kg'].sum():,.0f} kg)"
            )
    ax.set_xticks(range(0, 24, 3))
    ax.set_xlabel("hour of day (local time)")
    ax.set_ylabel("share of the zone's truck NOx, %")
    ax.set_title("Truck NOx by hour of day", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(color="#eeeeee")
    return to_svg(fig)
