"""Sampled input uncertainty in the optimiser's robust constraint.

The diesel price is sampled by a Latin hypercube of four points over its range in fleets/costs.yaml
(7.0-8.2 CNY/L): one point in each quarter, so exactly two lie below the nominal 7.6 CNY/L. With the same
seed, a run's cost grows with the diesel price alone (the price changes no event), so the constraint
"cost at most the nominal run's cost" holds at exactly the two points below the nominal price: in half of
the runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.optimise.evaluate import Evaluator
from freight_sim.optimise.spec import Constraint, Optimisation, load_optimisation

DATA = Path(__file__).parent / "data"
PRICE = "inputs.costs.energy_prices.diesel_cny_per_l"
NOMINAL_PRICE = 7.6  # fleets/costs.yaml
FILE = """\
name: opt-uncertain
base: opt_scenario.yaml
variables:
  - {name: siding_E03, path: enterprises.E03.siding.enabled, values: [true]}
objectives:
  - {metric: cost_cny, sense: min}
constraints:
  - {metric: cost_cny, max: 1.0}
replications: 1
seed: 11
simulation: {days: 2}
budget: {evaluations: 2, population: 2}
uncertainty:
  method: lhs
  n: 4
  parameters:
    inputs.costs.energy_prices.diesel_cny_per_l: {}
"""


def _with(loaded: Optimisation, **update) -> Optimisation:
    return Optimisation(loaded.spec.model_copy(update=update), loaded.path, loaded.source)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uncertain")
    shutil.copy(DATA / "opt_scenario.yaml", folder / "opt_scenario.yaml")
    (folder / "opt.yaml").write_text(FILE, encoding="utf-8")
    return folder


def test_the_robust_share_counts_the_sample_points_where_the_constraint_holds(folder):
    loaded = load_optimisation(folder / "opt.yaml")
    nominal = Evaluator(_with(loaded, uncertainty=None), folder / "out", executor="inprocess").evaluate([(0,)])[0]
    bound = nominal.mean("cost_cny")
    evaluator = Evaluator(loaded, folder / "out", executor="inprocess")
    prices = [evaluator.sample.point(i)[PRICE] for i in range(4)]
    assert sum(p < NOMINAL_PRICE for p in prices) == 2  # one Latin-hypercube point per quarter of [7.0, 8.2]

    evaluation = evaluator.evaluate([(0,)])[0]
    costs = [m["cost_cny"] for m in evaluation.metrics]
    assert len(costs) == 4 and len(set(costs)) == 4  # one run per sample point, each at its own price
    assert sorted(range(4), key=lambda i: costs[i]) == sorted(range(4), key=lambda i: prices[i])  # cost rises with the price
    held = [c <= bound for c in costs]
    assert held == [p < NOMINAL_PRICE for p in prices]  # the constraint flips with the sampled input

    for share, feasible in [(1.0, False), (0.75, False), (0.5, True), (0.25, True)]:
        constraint = Constraint(metric="cost_cny", max=bound, share=share)
        robust = Evaluator(_with(loaded, constraints=[constraint]), folder / "out", executor="inprocess")
        judged = robust.evaluate([(0,)])[0]
        assert robust.runs_simulated == 0  # the same runs, read back
        assert judged.feasible is feasible, (share, judged.margins)


def test_every_portfolio_meets_the_same_sample_points_and_seeds(folder):
    evaluator = Evaluator(load_optimisation(folder / "opt.yaml"), folder / "out", executor="inprocess")
    base, siding = evaluator.run_specs((0,)), evaluator.run_specs((1,))
    assert [(s.sample, s.seed, s.parameters[PRICE]) for s in base] == [(s.sample, s.seed, s.parameters[PRICE]) for s in siding]
    assert len({s.run_id for s in base + siding}) == 8
    verify = evaluator.run_specs((0,), tag="v", sample=evaluator.verify_sample)
    assert {s.parameters[PRICE] for s in verify}.isdisjoint({s.parameters[PRICE] for s in base})  # fresh points to verify


def test_an_input_without_a_range_is_named_at_its_line(folder, tmp_path):
    shutil.copy(DATA / "opt_scenario.yaml", tmp_path / "opt_scenario.yaml")
    file = tmp_path / "opt.yaml"
    file.write_text(FILE.replace("diesel_cny_per_l: {}", "diesel_per_litre: {}"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert result.exit_code == 1
    assert (
        f"{file}:17: uncertainty.parameters.inputs.costs.energy_prices.diesel_per_litre: no energy_prices.diesel_per_litre" in result.output
    )


def test_validate_counts_the_runs_of_a_portfolio(folder):
    result = CliRunner().invoke(app, ["validate", str(folder / "opt.yaml")])
    assert result.exit_code == 0, result.output
    assert "2 possible portfolios, 4 runs per portfolio (1 replication x 4 sample points)" in result.output
