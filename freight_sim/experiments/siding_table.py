"""The combined siding table of a siding batch: one row per candidate siding, every criterion side by side.

Per siding: its facts (enterprise and station names, capacity, capex), the improvement over the baseline
of the city's ratio, the enterprise's own ratio, NOx, CO2 well-to-wheel and truck trips with 95%
intervals (from the paired differences; in a batch that samples uncertain inputs also the 95% range over
them, ``{stem}_input_low`` .. ``{stem}_input_high``), each per million CNY of capex with its rank, and the abatement
costs (CNY per t CO2 and per kg NOx avoided) with their ranks. Improvements follow the declared
direction of each metric (``freight_sim.metric``): positive is better.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from freight_sim.experiments.design import VariantInfo

# (column stem, metric; "{enterprise}" is the siding's enterprise)
CRITERIA = (
    ("ratio_city", "clean_transport_ratio"),
    ("ratio_own", "enterprise_ratio.{enterprise}"),
    ("nox_kg", "nox_kg"),
    ("co2_wtw_t", "co2_wtw_t"),
    ("truck_trips", "truck_trips"),
)
COSTS = (("cny_per_t_co2", "cny_per_t_co2"), ("cny_per_kg_nox", "cny_per_kg_nox"))
FACT_COLUMNS = [
    "enterprise", "enterprise_name", "enterprise_name_zh", "station", "station_name", "station_name_zh",
    "capacity_t_per_year", "spur_km", "capex_million_cny", "capex_estimate",
]  # fmt: skip


def siding_facts(scenario, nodes: pd.DataFrame) -> pd.DataFrame:
    """Every candidate siding of ``scenario`` with the names of its enterprise and station (``nodes``: the
    network's node table with ``name`` and ``name_zh``)."""

    def names(node: str) -> tuple[str, str]:
        if node not in nodes.index:
            return node, ""
        row = nodes.loc[node]
        return str(row.get("name") or node), str(row.get("name_zh") or "")

    rows = []
    for eid, enterprise in scenario.enterprises.items():
        siding = enterprise.siding
        if siding is None or siding.status.value != "candidate":
            continue
        node_name, node_name_zh = names(enterprise.node)
        if enterprise.name and enterprise.name != node_name:
            node_name_zh = ""  # renamed in the scenario: the network's Chinese name would be another place's
        station_name, station_name_zh = names(siding.station)
        rows.append(
            [
                eid,
                enterprise.name or node_name,
                node_name_zh,
                siding.station,
                station_name,
                station_name_zh,
                siding.capacity_t_per_year,
                siding.spur_km,
                siding.capex_million_cny,
                bool(siding.capex_estimate),
            ]
        )
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def _rank(values: pd.Series, ascending: bool) -> pd.Series:
    """1 = best; NaN values rank last (and share no rank with numbers)."""
    return values.rank(method="min", ascending=ascending, na_option="bottom").astype("int64")


def siding_table(
    differences: pd.DataFrame, abatement: pd.DataFrame, variants: Sequence[VariantInfo], facts: pd.DataFrame, order_by: str = "nox_kg"
) -> pd.DataFrame:
    """One row per siding variant, ordered by the rank of ``order_by`` (a criterion stem, e.g. ``nox_kg``)."""
    sidings = [v for v in variants if v.siding_enterprise is not None]
    by_enterprise = facts.set_index("enterprise") if len(facts) else pd.DataFrame(columns=FACT_COLUMNS).set_index("enterprise")
    diffs = differences.set_index(["variant", "metric"]) if len(differences) else None
    costs = abatement.set_index(["variant", "indicator"]) if len(abatement) else None
    rows = []
    for info in sidings:
        eid = info.siding_enterprise
        fact = by_enterprise.loc[eid] if eid in by_enterprise.index else None
        row: dict = {"variant": info.name, "enterprise": eid}
        for column in FACT_COLUMNS[1:]:
            row[column] = fact[column] if fact is not None else None
        if info.capex_million_cny:
            row["capex_million_cny"] = info.capex_million_cny
        capex = float(row["capex_million_cny"]) if row.get("capex_million_cny") else float("nan")
        for stem, metric in CRITERIA:
            key = (info.name, metric.format(enterprise=eid))
            d = diffs.loc[key] if diffs is not None and key in diffs.index else None
            gain = float(d["improvement"]) if d is not None else float("nan")
            row[f"{stem}_improvement"] = gain
            row[f"{stem}_ci_low"] = float(d["improvement_ci_low"]) if d is not None else float("nan")
            row[f"{stem}_ci_high"] = float(d["improvement_ci_high"]) if d is not None else float("nan")
            # the range over the uncertain inputs of a sampled batch (NaN otherwise)
            row[f"{stem}_input_low"] = float(d.get("improvement_input_low", float("nan"))) if d is not None else float("nan")
            row[f"{stem}_input_high"] = float(d.get("improvement_input_high", float("nan"))) if d is not None else float("nan")
            row[f"{stem}_unit"] = str(d["unit"]) if d is not None else ""
            row[f"{stem}_per_million_cny"] = gain / capex
        for stem, indicator in COSTS:
            key = (info.name, indicator)
            c = costs.loc[key] if costs is not None and key in costs.index else None
            row[stem] = float(c["value"]) if c is not None else float("nan")
            row[f"{stem}_ci_low"] = float(c["ci_low"]) if c is not None else float("nan")
            row[f"{stem}_ci_high"] = float(c["ci_high"]) if c is not None else float("nan")
        runs = differences.loc[differences["variant"] == info.name, "n"] if len(differences) else pd.Series(dtype=float)
        row["n"] = int(runs.max()) if len(runs.dropna()) else 0  # 0: no finished pair of runs
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    for stem, _ in CRITERIA:
        table[f"rank_{stem}"] = _rank(table[f"{stem}_per_million_cny"], ascending=False)
    for stem, _ in COSTS:
        table[f"rank_{stem}"] = _rank(table[stem], ascending=True)
    order = f"rank_{order_by}" if f"rank_{order_by}" in table.columns else f"rank_{CRITERIA[2][0]}"
    return table.sort_values([order, "variant"]).reset_index(drop=True)
