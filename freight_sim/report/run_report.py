"""Self-contained HTML report of one run: key figures, charts (inline SVG) and KPI tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim.report import charts
from freight_sim.spatial.report_section import spatial_charts


def _chart(title: str, svg: str, note: str = "") -> dict[str, str]:
    return {"title": title, "svg": svg, "note": note}


def _table(title: str, frame: pd.DataFrame, float_format: str = "{:,.1f}") -> dict[str, str]:
    formatted = frame.copy()
    for column in formatted.columns:
        if pd.api.types.is_float_dtype(formatted[column]):
            formatted[column] = formatted[column].map(lambda v: "" if pd.isna(v) else float_format.format(v))
    return {"title": title, "html": formatted.to_html(index=False, border=0, escape=True)}


def network_svg(network) -> str:
    """The network map as an inline SVG string."""
    import tempfile

    from freight_sim.network.draw import draw_network

    with tempfile.TemporaryDirectory() as folder:
        path = draw_network(network, Path(folder) / "network.svg")
        text = path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


def render_run_report(output) -> str:
    """HTML text of the report of a ``RunOutput``."""
    summary, tables = output.summary, output.tables
    target = summary["target_ratio"]
    chart_list = []
    enterprises = tables["enterprises"].dropna(subset=["ratio"])
    if len(enterprises):
        chart_list.append(
            _chart(
                "Clean-transport ratio by enterprise",
                charts.ratio_by_enterprise(enterprises, target),
                f"Rule profile {summary['rule_profile']}; blue bars reach the {target:.0%} target.",
            )
        )
    chart_list.append(
        _chart("Tonnes delivered by chain", charts.bars(summary["tonnes_by_chain"], "tonnes", "Delivered tonnes by mode chain"))
    )
    by_vehicle = tables["emissions_by_vehicle"]
    if len(by_vehicle):
        nox = dict(zip(by_vehicle["vehicle_type"].astype(str), by_vehicle["nox_g"] / 1e3))
        co2 = dict(zip(by_vehicle["vehicle_type"].astype(str), by_vehicle["co2_wtw_kg"] / 1e3))
        chart_list.append(_chart("NOx by vehicle type", charts.bars(nox, "NOx, kg (tailpipe)", "Tailpipe NOx by vehicle type")))
        chart_list.append(
            _chart(
                "CO2 well-to-wheel by vehicle type",
                charts.bars(co2, "CO2 well-to-wheel, t", "Well-to-wheel CO2 by vehicle type"),
                f"Electricity at {summary['grid_kg_co2_per_kwh']:.3f} kg CO2/kWh ({summary['grid_factor_label']}).",
            )
        )
    daily = tables["daily"]
    if len(daily):
        city = daily.groupby("day", observed=True)[["stock_t", "backlog_t", "delivered_t"]].sum().reset_index()
        chart_list.append(
            _chart(
                "Stock, backlog and deliveries per day",
                charts.time_series(city, "day", ["stock_t", "backlog_t", "delivered_t"], "tonnes", "All lanes, end of day"),
            )
        )
    if getattr(output, "network", None) is not None:
        chart_list.append(_chart("Network", network_svg(output.network), "Drawn from the network's own coordinates (schematic)."))
    chart_list += spatial_charts(output)  # freight_sim/spatial: empty unless the run placed its emissions
    table_list = [
        _table("Enterprises", tables["enterprises"], "{:,.3f}"),
        _table(
            "Emissions by vehicle type",
            tables["emissions_by_vehicle"][
                [
                    c
                    for c in ["mode", "vehicle_type", "tonnes", "trips", "tkm", "nox_g", "pm_g", "co2_ttw_kg", "co2_wtw_kg"]
                    if c in tables["emissions_by_vehicle"].columns
                ]
            ],
        ),
        _table("Cost by chain", tables["cost_by_chain"]),
        _table("Queues and utilisation", tables["resources"], "{:,.3f}"),
    ]
    if len(tables["sidings_built"]):
        table_list.append(_table("Candidate sidings built in this scenario", tables["sidings_built"]))
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("run.html.j2").render(
        s=summary,
        charts=chart_list,
        tables=table_list,
        description=summary.get("description", ""),
        illustrative=summary.get("illustrative", False),
    )


def write_run_report(output, path: Path | str) -> Path:
    from freight_sim.atomic import write_text

    write_text(path, render_run_report(output))
    return Path(path)
