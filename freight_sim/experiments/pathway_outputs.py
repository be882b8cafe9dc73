"""A pathway's combined results: compliance by year over replications, summary.json, and the files written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from freight_sim.config import Loaded, data_path
from freight_sim.config.scenario import Scenario
from freight_sim.experiments.summary import t_interval
from freight_sim.pathway.trajectory import CITY
from freight_sim.policy.compliance import meets_target


def combined_compliance(scenario: Scenario, tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Per year and key enterprise: mean ratio with its 95% interval over replications, the target, whether
    the mean meets it and in how many replications it was met."""
    stacked = pd.concat(tables, ignore_index=True)
    rows = []
    for (year, enterprise), group in stacked.groupby(["year", "enterprise"], sort=True):
        n, mean, _, low, high = t_interval(group["ratio"].to_numpy(dtype=float))
        target = float(group["target"].iloc[0])
        name = scenario.enterprises[enterprise].name if enterprise in scenario.enterprises else enterprise
        met = bool(meets_target(mean, target))
        rows.append((int(year), enterprise, name, mean, low, high, target, met, int(group["meets_target"].sum()), n))
    columns = ["year", "enterprise", "name", "ratio", "ci_low", "ci_high", "target", "meets_target", "replications_meeting", "replications"]
    return pd.DataFrame(rows, columns=columns)


def discount_rate_and_source(loaded: Loaded) -> tuple[float, str]:
    """The cost file's discount rate and the source it gives for it."""
    from freight_sim.config.yaml_source import read_config_file
    from freight_sim.cost import load_costs
    from freight_sim.datafile import resolve_data_path

    path = data_path(loaded, ("accounting", "costs"), loaded.model.accounting.costs)
    costs = load_costs(path)
    data, _ = read_config_file(resolve_data_path(path, "costs.yaml"))
    entry = data.get("finance", {}).get("discount_rate", {})
    source = entry.get("source", "") if isinstance(entry, dict) else ""
    return costs.finance.discount_rate, str(source)


def first_years_meeting(compliance: pd.DataFrame, last_year: int) -> dict[str, int | str]:
    """Per key enterprise, the first simulated year its mean ratio meets the target, else ``not by LAST``."""
    out: dict[str, int | str] = {}
    for enterprise, group in compliance.groupby("enterprise", sort=True):
        met = group.loc[group["meets_target"], "year"]
        out[str(enterprise)] = int(met.min()) if len(met) else f"not by {last_year}"
    return out


def pathway_summary(
    loaded: Loaded, trajectory: pd.DataFrame, compliance: pd.DataFrame, seeds: list[int], overrides: list[str]
) -> dict[str, Any]:
    """summary.json of a pathway: targets and who meets them when, the city path, NPV cost with its rate and source."""
    scenario = loaded.model
    pathway = scenario.pathway
    assert pathway is not None
    years = sorted(int(y) for y in trajectory["year"].unique())
    targets = {int(y): float(v) for y, v in sorted(pathway.targets.items())}
    rate, source = discount_rate_and_source(loaded)
    city = trajectory[trajectory["enterprise"] == CITY]
    cost = city[city["metric"] == "cost_cny"].set_index("year")["value"]
    first = years[0] if years else pathway.years.first
    npv = float(sum(value / (1.0 + rate) ** (int(y) - first) for y, value in cost.items()))
    meeting: dict[str, Any] = {}
    for year in targets:
        at = compliance[compliance["year"] == year]
        if len(at):
            meeting[str(year)] = {
                "count": int(at["meets_target"].sum()),
                "of": len(at),
                "enterprises": sorted(at.loc[at["meets_target"], "enterprise"].astype(str)),
            }
    deadline = max(targets) if targets else None
    met = None
    if deadline is not None and str(deadline) in meeting:
        met = meeting[str(deadline)]["count"] == meeting[str(deadline)]["of"]
    days = city[city["metric"] == "days"].set_index("year")["value"]
    ratio = city[city["metric"] == "clean_transport_ratio"].set_index("year")["value"]
    return {
        "scenario": scenario.name,
        "description": pathway.description,
        "illustrative": scenario.illustrative,
        "years": years,
        "days_by_year": {str(int(y)): int(d) for y, d in days.items()},
        "replications": len(seeds),
        "seeds": seeds,
        "overrides": overrides,
        "rule_profile": scenario.accounting.rule_profile,
        "targets": {str(y): v for y, v in targets.items()},
        "scope_threshold_t_per_year": scenario.accounting.scope_threshold_t_per_year,
        "target_deadline_year": deadline,
        "target_met_by_deadline": met,
        "enterprises_meeting_target": meeting,
        "first_year_meeting_target": first_years_meeting(compliance, years[-1] if years else pathway.years.last),
        "city_ratio_by_year": {str(int(y)): float(v) for y, v in ratio.items()},
        "npv_cost_cny": npv,
        "npv_base_year": first,
        "discount_rate": rate,
        "discount_rate_source": source,
        "npv_note": "sum over years of cost_cny / (1 + discount_rate)^(year - first year); cost = transport cost + siding annuities",
    }


def write_outputs(result, lang: str = "en") -> list[Path]:
    """trajectory.csv, compliance_by_year.csv, sidings_built.csv, summary.json and report.html into ``result.out_dir``."""
    from freight_sim.atomic import write_csv, write_json
    from freight_sim.report.pathway_report import write_pathway_report

    out = Path(result.out_dir)
    write_csv(out / "trajectory.csv", result.trajectory)
    write_csv(out / "compliance_by_year.csv", result.compliance)
    write_csv(out / "sidings_built.csv", result.sidings_built)
    write_json(out / "summary.json", _plain(result.summary))
    report = write_pathway_report(result, out / "report.html", lang=lang)
    return [out / "trajectory.csv", out / "compliance_by_year.csv", out / "sidings_built.csv", out / "summary.json", report]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
