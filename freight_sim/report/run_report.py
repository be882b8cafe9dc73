"""Self-contained HTML report of one run: key figures, maps and charts (inline SVG), readable KPI tables.

One unit per quantity throughout (NOx, PM in kg; CO2 in t; tonnes in t), thousands separators, human
headers, names beside ids, in English or Chinese (``lang``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim.report import charts
from freight_sim.report.formatting import format_number, format_percent, html_table
from freight_sim.report.i18n import Translator
from freight_sim.spatial.report_section import spatial_charts

RESOURCE_KINDS = ("loading_bays", "siding_track", "station_track", "line_section", "yard", "swap_station", "station_pile")
RAIL_PATH_KINDS = ("line_section", "yard")  # rows with background trains and trains held behind others
TOP_RESOURCES = 12  # rows of each kind shown before "more"


def _one_decimal(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:,.1f}"


def _chart(title: str, svg: str, note: str = "") -> dict[str, str]:
    return {"title": title, "svg": svg, "note": note}


class Names:
    """Node and enterprise names in the report's language (``E04`` -> ``示例焦化厂A（潞城）``)."""

    def __init__(self, network, t: Translator) -> None:
        self.t = t
        self.nodes = network.nodes if network is not None else None

    def __call__(self, node_id: str) -> str:
        if self.nodes is None or node_id not in self.nodes.index:
            return node_id
        row = self.nodes.loc[node_id]
        return self.t.name({"name": row.get("name"), "name_zh": row.get("name_zh")}, node_id)

    def with_id(self, node_id: str) -> str:
        name = self(node_id)
        return node_id if name == node_id else f"{node_id} {name}"

    def place(self, resource: str) -> str:
        """Names for the node ids inside a resource id (``E19>ST_LUCHENG`` -> ``... → Lucheng``)."""
        parts = re.split(r"([/>@])", str(resource))
        named = []
        for part in parts:
            if part == ">":
                named.append(" → ")
            elif part in ("/", "@"):
                named.append(" · ")
            else:
                node = part.removeprefix("SD_")
                named.append(self(node) if self.nodes is not None and node in self.nodes.index else part)
        return "".join(named)


def _map_svgs(output, t: Translator, names: Names) -> list[dict[str, str]]:
    """Flow map (tonnes by mode) and NOx along roads, from the network's own geometry."""
    network = getattr(output, "network", None)
    if network is None or output.legs is None or output.legs.empty:
        return []
    from freight_sim.network.draw import flow_figure, nox_figure
    from freight_sim.network.flows import edge_flows

    sidings = output.tables.get("siding_sites")
    built = {} if sidings is None else dict(zip(sidings["node"], sidings["station"], strict=True))
    flows = edge_flows(network, output.legs, built)
    label = t

    @charts.styled
    def draw(figure_fn, *args, **kwargs) -> str:
        return charts.to_svg(figure_fn(*args, **kwargs), tight=True)

    return [
        _chart(
            t("Map of flows"),
            draw(flow_figure, network, flows, sidings, label, names),
            t(
                "Drawn from the network's own coordinates (schematic; no map tiles). Labels: enterprise ids, see the table of enterprises for names."
            ),
        ),
        _chart(
            t("Map of tailpipe NOx along roads"),
            draw(nox_figure, network, flows, label, names),
            t("NOx of each truck trip shared along its route by length."),
        ),
    ]


def _charts(output, t: Translator, names: Names) -> list[dict[str, str]]:
    summary, tables = output.summary, output.tables
    target = summary["target_ratio"]
    chart_list = _map_svgs(output, t, names)
    enterprises = tables["enterprises"].dropna(subset=["ratio"])
    if len(enterprises):
        labels = [names.with_id(e) for e in enterprises["enterprise"]]
        chart_list.append(
            _chart(
                t("Clean-transport ratio by enterprise"),
                charts.ratio_by_enterprise(enterprises, target, labels, t),
                t("Rule profile {profile}; blue bars reach the {target} target.", profile=summary["rule_profile"], target=f"{target:.0%}"),
            )
        )
    by_chain = {t.value(k): v for k, v in summary["tonnes_by_chain"].items()}
    chart_list.append(_chart(t("Tonnes delivered by chain"), charts.bars(by_chain, t("tonnes"), t("Delivered tonnes by mode chain"))))
    by_vehicle = tables["emissions_by_vehicle"]
    if len(by_vehicle):
        kinds = by_vehicle["vehicle_type"].astype(str)
        nox = dict(zip(kinds, by_vehicle["nox_g"] / 1e3, strict=True))
        co2 = dict(zip(kinds, by_vehicle["co2_wtw_kg"] / 1e3, strict=True))
        chart_list.append(_chart(t("NOx by vehicle type"), charts.bars(nox, t("NOx, kg (tailpipe)"), t("Tailpipe NOx by vehicle type"))))
        chart_list.append(
            _chart(
                t("CO2 well-to-wheel by vehicle type"),
                charts.bars(co2, t("CO2 well-to-wheel, t"), t("Well-to-wheel CO2 by vehicle type")),
                t(
                    "Electricity at {factor} kg CO2/kWh ({label}).",
                    factor=f"{summary['grid_kg_co2_per_kwh']:.3f}",
                    label=summary["grid_factor_label"],
                ),
            )
        )
    daily = tables["daily"]
    if len(daily):
        city = daily.groupby("day", observed=True)[["stock_t", "backlog_t", "delivered_t"]].sum().reset_index()
        series = {"stock_t": t("stock"), "delivered_t": t("delivered")}
        if city["backlog_t"].abs().sum() > 0:
            series["backlog_t"] = t("backlog")
        note = "" if "backlog_t" in series else t("No backlog on any day.")
        chart_list.append(
            _chart(
                t("Stock, backlog and deliveries per day"),
                charts.time_series(city, "day", series, t("day"), t("tonnes"), t("All lanes, end of day")),
                note,
            )
        )
    chart_list += spatial_charts(output, t)  # freight_sim/spatial: empty unless the run placed its emissions
    return chart_list


def _enterprise_table(tables, t: Translator, names: Names) -> str:
    frame = tables["enterprises"].copy()
    frame["name"] = [names(e) if names(e) != e else n for e, n in zip(frame["enterprise"], frame["name"], strict=True)]
    frame["kind"] = frame["kind"].map(t.value)
    frame["declared_t_per_year"] = frame["declared_t_per_year"] / 1e6
    headers = {
        "enterprise": t("id"),
        "name": t("name"),
        "kind": t("kind"),
        "declared_t_per_year": t("declared [Mt/yr]"),
        "in_scope": t("in scope"),
        "tonnes": t("tonnes [t]"),
        "clean_tonnes": t("clean tonnes [t]"),
        "ratio": t("ratio"),
        "compliant": t("at target"),
    }
    yes_no = {True: t("yes"), False: t("no")}
    formatters: dict[str, Callable[[Any], str | None]] = {
        "ratio": format_percent,
        "in_scope": yes_no.get,
        "compliant": yes_no.get,
        "declared_t_per_year": lambda v: f"{v:,.2f}",
    }
    return html_table(frame[list(headers)], headers, formatters=formatters)


def _emissions_table(tables, t: Translator) -> str:
    frame = tables["emissions_by_vehicle"].copy()
    frame["mode"] = frame["mode"].astype(str).map(t.value)
    frame["nox_kg"], frame["pm_kg"] = frame["nox_g"] / 1e3, frame["pm_g"] / 1e3
    frame["co2_ttw_t"], frame["co2_wtw_t"] = frame["co2_ttw_kg"] / 1e3, frame["co2_wtw_kg"] / 1e3
    headers = {
        "mode": t("mode"),
        "vehicle_type": t("vehicle type"),
        "tonnes": t("tonnes [t]"),
        "trips": t("trips"),
        "tkm": t("tonne-km"),
        "nox_kg": t("NOx (tailpipe) [kg]"),
        "pm_kg": t("PM (tailpipe) [kg]"),
        "co2_ttw_t": t("CO2 tank-to-wheel [t]"),
        "co2_wtw_t": t("CO2 well-to-wheel [t]"),
    }
    return html_table(frame[list(headers)], headers, integer_columns=["trips"])


def _cost_table(tables, t: Translator) -> str:
    frame = tables["cost_by_chain"].copy()
    frame["chain"] = frame["chain"].astype(str).map(t.value)
    frame["cost_cny"] = frame["cost_cny"] / 1e6
    headers = {"chain": t("chain"), "tonnes": t("tonnes [t]"), "cost_cny": t("cost [M CNY]"), "cny_per_t": t("cost per tonne [CNY/t]")}
    return html_table(frame[list(headers)], headers, formatters={"cny_per_t": lambda v: f"{v:,.1f}"})


def resource_groups(resources: pd.DataFrame, t: Translator, names: Names) -> list[dict[str, object]]:
    """Resources by kind, busiest (highest utilisation) first; the first rows of each kind shown."""
    groups = []
    kinds = [k for k in RESOURCE_KINDS if k in set(resources["kind"])] + sorted(set(resources["kind"]) - set(RESOURCE_KINDS))
    headers = {
        "place": t("where"),
        "capacity": t("capacity"),
        "requests": t("requests"),
        "mean_wait_min": t("mean wait [min]"),
        "max_wait_min": t("longest wait [min]"),
        "utilisation": t("utilisation"),
    }
    for kind in kinds:
        rows = resources[resources["kind"] == kind].sort_values(["utilisation", "resource"], ascending=[False, True])
        rows = rows.assign(
            place=[names.place(r) for r in rows["resource"]], mean_wait_min=rows["mean_wait_h"] * 60, max_wait_min=rows["max_wait_h"] * 60
        )
        busiest = rows.head(TOP_RESOURCES)
        minutes = {"mean_wait_min": _one_decimal, "max_wait_min": _one_decimal, "capacity": format_number}
        shown = dict(headers)
        if kind in RAIL_PATH_KINDS:
            shown.update({"background_per_day": t("background trains/day"), "waited": t("trains held behind others")})
        html = html_table(
            busiest[list(shown)],
            shown,
            integer_columns=["requests", "waited"],
            formatters={"utilisation": format_percent, "background_per_day": format_number, **minutes},
        )
        more = len(rows) - len(busiest)
        groups.append(
            {
                "title": t(f"resource: {kind}"),
                "count": len(rows),
                "html": html,
                "more": t("{n} more with lower utilisation in resources.csv", n=more) if more > 0 else "",
            }
        )
    return groups


def _tables(output, t: Translator, names: Names) -> list[dict[str, str]]:
    tables = output.tables
    table_list = [
        {"title": t("Enterprises"), "html": _enterprise_table(tables, t, names)},
        {"title": t("Emissions by vehicle type"), "html": _emissions_table(tables, t)},
        {"title": t("Cost by chain"), "html": _cost_table(tables, t)},
    ]
    built = tables.get("sidings_built")
    if built is not None and len(built):
        frame = built.assign(name=[names.with_id(e) for e in built["enterprise"]], station=[names(s) for s in built["station"]])
        headers = {
            "name": t("enterprise"),
            "station": t("station"),
            "capex_million_cny": t("capex [M CNY]"),
            "period_cost_cny": t("capital cost in the period [CNY]"),
        }
        table_list.append({"title": t("Candidate sidings built in this scenario"), "html": html_table(frame[list(headers)], headers)})
    return table_list


def render_run_report(output, lang: str = "en") -> str:
    """HTML text of the report of a ``RunOutput``."""
    t = Translator(lang)
    names = Names(getattr(output, "network", None), t)
    summary = output.summary
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("run.html.j2").render(
        t=t,
        lang=t.lang,
        s=summary,
        n=format_number,
        charts=_charts(output, t, names),
        tables=_tables(output, t, names),
        resources=resource_groups(output.tables["resources"], t, names) if len(output.tables["resources"]) else [],
        description=summary.get("description", "") if t.lang == "en" else "",
        illustrative=summary.get("illustrative", False),
    )


def write_run_report(output, path: Path | str, lang: str = "en") -> Path:
    from freight_sim.atomic import write_text

    write_text(path, render_run_report(output, lang))
    return Path(path)
