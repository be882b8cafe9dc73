"""A pathway as the optimisation's base: every run spans the pathway's years (as ``freight-sim pathway`` runs
it, ``freight_sim.experiments.pathway_driver.horizon``), and a constraint with a ``year`` is judged on that
calendar year's figure of the run: the city's ratio (``ratio_by_year.Y`` of the run's summary), an
enterprise's ratio (the run's ``trajectory`` table), or any other metric the summary gives by year
(``nox_kg_by_year.Y``, ``cost_cny_by_year.Y``, ...).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from freight_sim.config.scenario import Scenario
from freight_sim.config.yaml_source import SourceMap
from freight_sim.experiments.design import Patch
from freight_sim.optimise.spec import Constraint, Optimisation

CITY_RATIO = "clean_transport_ratio"
ENTERPRISE_RATIO = "enterprise_ratio."
ENTERPRISE_RATIO_BY_YEAR = "enterprise_ratio_by_year"


def _by_year_names() -> set[str]:
    """Metrics the run's summary gives by year (``nox_kg`` for ``nox_kg_by_year.*``)."""
    from freight_sim.pathway.trajectory import PATHWAY_METRICS

    names = {m.name.removesuffix("_by_year.*") for m in PATHWAY_METRICS if m.name.endswith("_by_year.*")}
    return (names - {"ratio"}) | {CITY_RATIO}


def horizon_patches(optimisation: Optimisation, base: Scenario, base_map: SourceMap) -> list[Patch]:
    """The ``simulation`` settings that make a pathway base's runs span its years (or the file's ``years``)."""
    from freight_sim.experiments.pathway_driver import horizon

    if base.pathway is None:
        return []
    years = optimisation.spec.years
    settings = horizon(base, (years.first, years.last) if years is not None else None)
    location = optimisation.source.where(("years",)) if years is not None else base_map.where(("pathway", "years"))
    smap = SourceMap({(): location, ("simulation",): location, **{("simulation", k): location for k in settings}}, location.file)
    return [({"simulation": settings}, smap)]


def simulated_years(scenario: Scenario) -> list[int]:
    from freight_sim.pathway.trajectory import measured_days_by_year

    return sorted(measured_days_by_year(scenario))


def year_problems(optimisation: Optimisation, base: Scenario, effective: Scenario) -> list[str]:
    """``FILE:LINE: field: message`` for ``years`` and constraint years a pathway base cannot give: no pathway,
    a year outside the pathway's or the runs' years, a metric with no figure by year."""
    spec, where = optimisation.spec, optimisation.where
    pathway = base.pathway
    problems = []
    no_pathway = "the base scenario has no pathway section (years apply to a pathway base)"
    if spec.years is not None:
        if pathway is None:
            problems.append(f"{where('years')}: {no_pathway}")
        elif not pathway.years.first <= spec.years.first <= spec.years.last <= pathway.years.last:
            problems.append(
                f"{where('years')}: {spec.years.first}-{spec.years.last} lies outside the pathway's years"
                f" {pathway.years.first}-{pathway.years.last}"
            )
    simulated = simulated_years(effective) if pathway is not None else []
    span = f"{simulated[0]}-{simulated[-1]}" if simulated else "none"
    for i, constraint in enumerate(spec.constraints):
        if constraint.year is None:
            continue
        if pathway is None:
            problems.append(f"{where('constraints', i, 'year')}: {no_pathway}")
            continue
        if constraint.year not in simulated:
            problems.append(
                f"{where('constraints', i, 'year')}: {constraint.year} is not among the years the runs simulate ({span}; the"
                f" pathway's years {pathway.years.first}-{pathway.years.last})"
            )
        if not (constraint.metric in _by_year_names() or constraint.metric.startswith(ENTERPRISE_RATIO) or _in_scope(constraint)):
            problems.append(
                f"{where('constraints', i, 'metric')}: {constraint.metric!r} has no figure by year; with a year use"
                f" in_scope_enterprise_ratio, enterprise_ratio.<id> or one of {', '.join(sorted(_by_year_names()))}"
            )
    return problems


def _in_scope(constraint: Constraint) -> bool:
    from freight_sim.optimise.evaluate import IN_SCOPE_RATIO

    return constraint.metric == IN_SCOPE_RATIO


def needs_enterprise_years(optimisation: Optimisation) -> bool:
    """Whether a constraint asks for an enterprise's ratio in a year (read from the runs' trajectory tables)."""
    return any(c.year is not None and (c.metric.startswith(ENTERPRISE_RATIO) or _in_scope(c)) for c in optimisation.spec.constraints)


def enterprise_ratios_by_year(run_folder: Path) -> dict[str, float]:
    """``enterprise_ratio_by_year.E04.2026`` -> ratio, from a finished run's trajectory table (empty without one)."""
    path = run_folder / "tables" / "trajectory.parquet"
    if not path.is_file():
        return {}
    table = pd.read_parquet(path, columns=["year", "enterprise", "metric", "value"])
    rows = table[(table["metric"] == CITY_RATIO) & (table["enterprise"] != "city")]
    return {f"{ENTERPRISE_RATIO_BY_YEAR}.{r.enterprise}.{int(r.year)}": float(r.value) for r in rows.itertuples(index=False)}


def values_in_year(constraint: Constraint, metrics: dict[str, float], in_scope: tuple[str, ...]) -> list[float]:
    """The constrained figures of one run in ``constraint.year``: each in-scope enterprise's ratio for
    ``in_scope_enterprise_ratio``, else the one figure (NaN when the run does not give it)."""
    year = constraint.year
    if _in_scope(constraint):
        ratios = [metrics.get(f"{ENTERPRISE_RATIO_BY_YEAR}.{eid}.{year}", math.nan) for eid in in_scope]
        return [r for r in ratios if not math.isnan(r)] or [math.nan]  # no tonnes that year: nothing to judge (as compliance_by_year)
    if constraint.metric.startswith(ENTERPRISE_RATIO):
        return [metrics.get(f"{ENTERPRISE_RATIO_BY_YEAR}.{constraint.metric.removeprefix(ENTERPRISE_RATIO)}.{year}", math.nan)]
    name = "ratio" if constraint.metric == CITY_RATIO else constraint.metric
    return [metrics.get(f"{name}_by_year.{year}", math.nan)]


def describe_year(constraint: Constraint) -> str:
    return f" in {constraint.year}" if constraint.year is not None else ""
