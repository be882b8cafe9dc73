"""The README written beside a generated province: what it holds, what is sourced, what is estimated."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from freight_sim.province.generate import GeneratedProvince


def _mt(tonnes: float) -> str:
    return f"{tonnes / 1e6:,.1f}"


def province_readme(province: GeneratedProvince) -> str:
    figures, scenario = province.figures, province.scenario
    enterprises = scenario["enterprises"]
    kinds = Counter(e["kind"] for e in enterprises.values())
    tonnes_by_kind: Counter = Counter()
    for e in enterprises.values():
        tonnes_by_kind[e["kind"]] += sum(f["tonnes_per_year"] for f in e["flows"].values())
    sidings = Counter(e["siding"]["status"] for e in enterprises.values() if "siding" in e)
    node_kinds = province.nodes["kind"].value_counts().sort_index()
    edge_km = province.edges.groupby("mode")["distance_km"].agg(["count", "sum"])
    lines = [
        "# Synthetic Shanxi province scenario",
        "",
        "**SYNTHETIC: generated, not observed.** The shippers, their sites, sizes and flows, the county hubs, county",
        "stations, branch lines and swap stations are drawn at random around province-level figures; the names are",
        "`Synthetic ...` labels, not firms. Use it to study how the model behaves at province scale (about",
        f"{_mt(province.tonnes_per_year)} Mt/yr over {len(enterprises)} shippers), not to report Shanxi's numbers.",
        "",
        "Generated with (deterministic: the same seed and figures give the same files):",
        "",
        "```",
        province.command.replace("--out DIR", "--out networks/shanxi-synthetic"),
        "```",
        "",
        "Run it like the bundled city: `freight-sim validate networks/shanxi-synthetic/scenario.yaml`,",
        "`freight-sim run networks/shanxi-synthetic/scenario.yaml --out OUT --set simulation.days=7`.",
        "The scenario keeps `simulation.record_legs: false` (monthly leg rows), so memory stays flat over a year.",
        "",
        "## Where the numbers come from",
        "",
        "`freight_sim/province/shanxi_figures.yaml` holds every figure with its unit and source, and labels the",
        "ones without a citable source `estimate`. Sourced: Shanxi's raw coal output (about 1.3-1.4 Gt/yr,",
        "provincial statistics), the 11 prefecture-level cities, the main coal railways (Daqin ~400 Mt/yr class",
        "with 20,000 t trains; Wari 84 train pairs a day). Estimates: each city's share of coal output, the",
        "gateways its coal leaves by, power, coking, steel, chemical and cement tonnages, the line capacities other",
        "than Daqin and Wari, siding shares and costs.",
        "",
        "| shippers | count | t/yr listed (Mt) |",
        "|---|---|---|",
        *(f"| {kind} | {kinds[kind]} | {_mt(tonnes_by_kind[kind])} |" for kind in sorted(kinds)),
        f"| all | {len(enterprises)} | {_mt(province.tonnes_per_year)} |",
        "",
        f"Sidings: {sidings.get('existing', 0)} existing (spur edges in `edges.csv`), {sidings.get('candidate', 0)} candidates",
        "(switched off; `experiments/province-sidings.yaml` switches them on).",
        "",
        "Each physical movement is listed once, by the receiver: power, coking, chemical plants and logistics",
        "parks list the coal they take from the nearest mines of their city; mines list the coal they send out of",
        f"the province ({figures.tonnages.mine_out_of_province_share:.0%} of their output, estimate) to their city's gateways.",
        "",
        "## Network",
        "",
        "| nodes | count |",
        "|---|---|",
        *(f"| {kind} | {count} |" for kind, count in node_kinds.items()),
        "",
        "| edges | count | km |",
        "|---|---|---|",
        *(f"| {mode} | {int(row['count'])} | {row['sum']:,.0f} |" for mode, row in edge_km.iterrows()),
        "",
        "Each city seat has a freight station on the main lines, an expressway interchange and a swap station;",
        "four county hubs around it (random, 0.15-0.45 deg away) join it by trunk roads, each with a county",
        "freight station on a branch line. Plants sit near a hub with an access road. Lengths are great-circle",
        "distance times the detour factor written in each edge's `source`.",
        "",
        "| railway | stops | class | paths/day | source |",
        "|---|---|---|---|---|",
        *(f"| {r.line} | {' - '.join(r.stops)} | {r.rail_class} | {r.paths_per_day:g} | {r.source} |" for r in figures.railways),
        "",
    ]
    return "\n".join(lines)
