"""What `validate` checks of an optimisation file, and `optimise` before its first run: the file, its metric
names, every choice of every variable against the scenario schema, the base at every sample point of the
uncertain inputs, and the model assembly of the base, of each variable alone at its last choice and of the
portfolio with every variable at its last choice (steps in between use the same vehicles, stations and
routes). A ``year`` variable alone changes only a pathway's dates: it gets every check of the scenario
against its data files and network (dates, candidate sidings, renewals) without a second assembly, since
the portfolio of every last choice assembles its dated measures."""

from __future__ import annotations

import warnings
from pathlib import Path

from freight_sim.errors import ConfigError
from freight_sim.optimise.evaluate import IN_SCOPE_RATIO, Evaluator
from freight_sim.optimise.spec import Optimisation
from freight_sim.optimise.variables import portfolio_label
from freight_sim.sim.fleet_feasibility import FleetSubstitutionWarning


def _metric_problems(optimisation: Optimisation) -> list[str]:
    from freight_sim.experiments.metrics import declared_metrics

    catalog = declared_metrics()
    spec = optimisation.spec
    problems = []
    named = [("objectives", i, o.metric) for i, o in enumerate(spec.objectives)]
    named += [("constraints", i, c.metric) for i, c in enumerate(spec.constraints) if c.metric != IN_SCOPE_RATIO]
    for section, i, metric in named:
        if metric not in catalog:
            problems.append(
                f"{optimisation.where(section, i, 'metric')}: unknown metric {metric!r} (freight-sim run writes them to summary.json)"
            )
    return problems


def check_optimisation(optimisation: Optimisation, evaluator: Evaluator | None = None) -> Evaluator:
    """The evaluator of a checked optimisation file (``evaluator``: the one already built for it); ConfigError
    lists every problem found."""
    from freight_sim.optimise.spec import YearVariable
    from freight_sim.scenario_checks import all_problems, checked_spec

    problems = _metric_problems(optimisation)
    if problems:
        raise ConfigError(*problems)
    evaluator = evaluator if evaluator is not None else Evaluator(optimisation, Path("."))
    n = len(evaluator.bounds)
    singles = [tuple(c if j == i else 0 for j in range(n)) for i, bound in enumerate(evaluator.bounds) for c in range(1, bound + 1)]
    for picks in singles:
        evaluator.portfolio_sha(picks)  # every choice against the schema: errors name the file and line of the variable
    evaluator.run_specs(tuple([0] * n))  # the base at every sample point
    dates_only = {i for i, variable in enumerate(optimisation.spec.variables) if isinstance(variable, YearVariable)}
    assembled = [tuple([0] * n), tuple(evaluator.bounds)]
    assembled += [tuple(bound if j == i else 0 for j in range(n)) for i, bound in enumerate(evaluator.bounds)]
    found: dict[str, list[str]] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FleetSubstitutionWarning)
        for picks in dict.fromkeys(assembled):
            loaded = evaluator.portfolio_loaded(picks)
            changed = {i for i, p in enumerate(picks) if p}
            try:
                if len(changed) == 1 and changed <= dates_only:
                    lines = all_problems(loaded)
                    if lines:
                        raise ConfigError(*lines)
                else:
                    checked_spec(loaded)
            except ConfigError as exc:
                for line in exc.lines:
                    found.setdefault(line, []).append(portfolio_label(evaluator.choices, picks))
    shown: set[tuple[str, str, int | None]] = set()
    for w in caught:  # each substitution once, however many portfolios share it; other warnings as they came
        key = (str(w.message), str(w.filename), w.lineno)
        if key not in shown:
            shown.add(key)
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if found:
        raise ConfigError(*(f"{line} (portfolio {_portfolios(labels)})" for line, labels in found.items()))
    return evaluator


def _portfolios(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]} and {len(labels) - 1} more"
