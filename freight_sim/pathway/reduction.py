"""A pathway's emission cuts against its baseline path, beside the plan's city-wide cut (``plan_targets.yaml``).

The baseline path is the same scenario over the same years with ``pathway.without_measures: true``: demand,
grid and targets as in the pathway, none of its dated sidings, fleet renewals or chain shifts. Both run
with the same seeds (replication r of each with seed r), so the cut of replication r in year y is
``baseline_r,y - pathway_r,y`` (tailpipe NOx, PM and SO2 of the simulated freight, t), and the cumulative cut
sums it over the years. Means and 95% t-intervals are over the paired replications. The plan counts SO2,
NO2 and particulates city-wide, all sectors, by the end of its year; the transport share sets the
pathway's cut in the simulated years up to that year against it (none when the pathway starts later).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import Field

from freight_sim.datafile import DataFile, Strict, Unit, load_data_file
from freight_sim.experiments.summary import t_interval
from freight_sim.pathway.trajectory import CITY

PLAN_TARGETS_PATH = Path(__file__).resolve().parent / "plan_targets.yaml"
# trajectory metric (kg) -> pollutant name in the summary; all three are among the plan's pollutants
POLLUTANTS = {"nox_kg": "nox", "pm_kg": "pm", "so2_kg": "so2"}


class PollutantCut(Strict):
    cumulative_cut_t: Annotated[float, Unit("t", 1.0, 1e8)]
    pollutants: list[str] = Field(min_length=1)
    by_end_of_year: int = Field(ge=2000, le=2100)
    scope: str = Field(min_length=3)


class PlanTargets(DataFile):
    pollutant_cut: PollutantCut


def load_plan_targets(path: Path | None = None) -> tuple[PlanTargets, str]:
    """The plan's targets and the source text of its cumulative cut."""
    from freight_sim.config.yaml_source import read_config_file

    path = Path(path) if path is not None else PLAN_TARGETS_PATH
    targets, _ = load_data_file(PlanTargets, path)
    data, _ = read_config_file(path)
    return targets, str(data["pollutant_cut"]["cumulative_cut_t"]["source"])


def yearly_cuts(pathway: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Per year: the city's cut (baseline minus pathway, kg) of each pollutant of one replication pair."""

    def city(trajectory: pd.DataFrame) -> pd.DataFrame:
        rows = trajectory[(trajectory["enterprise"] == CITY) & trajectory["metric"].isin(list(POLLUTANTS))]
        return rows.pivot(index="year", columns="metric", values="value")

    return city(baseline) - city(pathway)


def _interval(values: list[float]) -> dict[str, float | int | None]:
    """Mean and 95% interval (None with one replication: summary.json holds no NaN)."""
    n, mean, _, low, high = t_interval(pd.Series(values, dtype=float).to_numpy())
    return {"mean": mean, "ci_low": None if math.isnan(low) else low, "ci_high": None if math.isnan(high) else high, "replications": n}


def cut_rows(pairs: list[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """Trajectory rows ``{pollutant}_cut_kg`` of the city by year: mean and 95% interval over the pairs."""
    cuts = [yearly_cuts(p, b) for p, b in pairs]
    rows = []
    for year in cuts[0].index:
        for metric, name in POLLUTANTS.items():
            n, mean, _, low, high = t_interval(pd.Series([float(c.at[year, metric]) for c in cuts]).to_numpy())
            rows.append((int(year), CITY, f"{name}_cut_kg", mean, "kg", low, high, n))
    return pd.DataFrame(rows, columns=["year", "enterprise", "metric", "value", "unit", "ci_low", "ci_high", "replications"])


def reduction_summary(pairs: list[tuple[pd.DataFrame, pd.DataFrame]], plan_path: Path | None = None) -> dict[str, Any]:
    """summary.json's ``reduction_against_baseline``: cumulative cuts (t) over the pathway's years and up to the
    plan's year, and the transport share of the plan's city-wide cut."""
    plan, source = load_plan_targets(plan_path)
    cut = plan.pollutant_cut
    cuts = [yearly_cuts(p, b) / 1e3 for p, b in pairs]  # t
    years = [int(y) for y in cuts[0].index]
    in_plan = [y for y in years if y <= cut.by_end_of_year]
    out: dict[str, Any] = {
        "baseline": "the same scenario and years with pathway.without_measures: true (no dated sidings, fleet renewals or chain shifts)",
        "years": years,
        "cumulative_t": {name: _interval([float(c[m].sum()) for c in cuts]) for m, name in POLLUTANTS.items()},
    }
    out["cumulative_t"]["total"] = _interval([float(c[list(POLLUTANTS)].to_numpy().sum()) for c in cuts])
    share = None
    if in_plan:
        up_to = [float(c.loc[in_plan, list(POLLUTANTS)].to_numpy().sum()) for c in cuts]
        out["plan_years"] = in_plan
        out["cut_in_plan_years_t"] = _interval(up_to)
        share = _interval([value / cut.cumulative_cut_t for value in up_to])
    out["plan"] = {
        "cumulative_cut_t": cut.cumulative_cut_t,
        "pollutants": cut.pollutants,
        "by_end_of_year": cut.by_end_of_year,
        "scope": cut.scope,
        "source": source,
    }
    out["transport_share_of_plan"] = share
    out["note"] = (
        "tailpipe NOx, PM and SO2 of the simulated freight (fleets/emission_factors.yaml); the plan counts SO2, NO2 and particulates"
        " city-wide, all sectors; the share compares the cut in the simulated years up to the plan's year"
    )
    return out
