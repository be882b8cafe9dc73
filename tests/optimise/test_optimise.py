"""The portfolio optimiser on a three-enterprise scenario whose 12 portfolios can be enumerated.

The reference optimisation runs once per module; its folder then holds every portfolio's runs, so the
enumeration reads them back (the cache) and finds the optimum to compare with.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.optimise.evaluate import Evaluator
from freight_sim.optimise.run import optimise
from freight_sim.optimise.spec import load_optimisation

pytest.importorskip("pymoo")

DATA = Path(__file__).parent / "data"
FILE = """\
name: opt-mini
base: opt_scenario.yaml
variables:
  - {{name: siding_E02, path: enterprises.E02.siding.enabled, values: [false, true]}}
  - {{name: siding_E03, path: enterprises.E03.siding.enabled, values: [false, true]}}
  - {{name: nev_E01, kind: fleet_share, path: enterprises.E01.fleet_mix, vehicle: bev-swap, steps: [0, 0.5, 1.0]}}
objectives:
  - {{metric: cost_cny, sense: min}}
  - {{metric: nox_kg, sense: min}}
constraints:
  - {{metric: clean_transport_ratio, min: {ratio}}}
replications: 1
seed: 3
simulation: {{days: 2}}
budget: {{evaluations: {budget}, population: 6}}
verify: {{replications: 2}}
"""


def write_file(folder: Path, ratio: float = 0.5, budget: int = 30) -> Path:
    shutil.copy(DATA / "opt_scenario.yaml", folder / "opt_scenario.yaml")
    path = folder / "opt.yaml"
    path.write_text(FILE.format(ratio=ratio, budget=budget), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    file = write_file(folder)
    result = optimise(file, folder / "out", executor="inprocess")
    return file, folder / "out", result


def test_finds_the_cheapest_feasible_portfolio_known_by_enumeration(reference):
    file, out, result = reference
    evaluator = Evaluator(load_optimisation(file), out, executor="inprocess")
    every = evaluator.evaluate(list(itertools.product(*(range(b + 1) for b in evaluator.bounds))))
    assert evaluator.runs_simulated == 0 and evaluator.runs_cached == 12  # the search simulated all 12: read back
    feasible = [e for e in every if e.feasible]
    assert feasible, "the test needs a feasible portfolio"
    cheapest = min(feasible, key=lambda e: e.objectives[0])
    assert result.summary["best_portfolio"]["portfolio"] == cheapest.config_sha256[:12]
    # the front: exactly the feasible portfolios no other feasible one dominates in (cost, NOx)
    dominated = {
        e.picks
        for e in feasible
        for o in feasible
        if all(a <= b for a, b in zip(o.objectives, e.objectives, strict=True)) and o.objectives != e.objectives
    }
    expected = {e.config_sha256[:12] for e in feasible if e.picks not in dominated}
    assert set(result.pareto["portfolio"]) == expected


def test_outputs_are_complete_and_a_portfolio_file_runs(reference, tmp_path):
    _file, out, _result = reference
    for name in ("pareto.csv", "evaluations.parquet", "summary.json", "report.html", "greedy.csv", "manifest.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["feasible_found"] and summary["verification"]["replications"] == 2
    assert summary["target_met"] == (min(summary["verification"]["constraint_held_share"]) >= 1.0)
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    assert set(evaluations["source"]) >= {"search", "greedy single"}
    portfolio = next((out / "portfolios").glob("*.yaml"))
    ran = CliRunner().invoke(app, ["run", str(portfolio), "--out", str(tmp_path / "run")])
    assert ran.exit_code == 0, ran.output
    ratio = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))["clean_transport_ratio"]
    assert ratio >= 0.5  # the portfolio meets its constraint when run as a scenario


def test_resumed_after_an_interruption_gives_the_same_front(reference, tmp_path):
    file, _out, result = reference
    out = tmp_path / "out"
    seen = []

    def stop_after_five(record):
        seen.append(record)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        optimise(file, out, executor="inprocess", on_record=stop_after_five, write_report=False)
    assert not (out / "summary.json").exists()
    resumed = optimise(file, out, executor="pool", workers=2, resume=True, write_report=False)
    assert resumed.summary["runs_read_back"] >= 5
    columns = [c for c in result.pareto.columns]
    pd.testing.assert_frame_equal(resumed.pareto[columns], result.pareto[columns])
    pd.testing.assert_frame_equal(resumed.evaluations, result.evaluations)


def test_an_infeasible_problem_ends_with_the_least_violating_portfolios(tmp_path):
    file = write_file(tmp_path, ratio=0.99, budget=8)
    result = CliRunner().invoke(app, ["optimise", str(file), "--out", str(tmp_path / "out"), "--executor", "inprocess", "--no-report"])
    assert result.exit_code == 0, result.output
    assert "no portfolio met the constraints" in result.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["best_portfolio"] is None and not summary["target_met"]
    violations = [p["margins"]["clean_transport_ratio >= 0.99"] for p in summary["least_violating"]]
    assert violations and violations == sorted(violations, reverse=True)  # least violating first
    assert not list((tmp_path / "out" / "portfolios").glob("*.yaml"))


def test_validate_names_the_line_of_a_bad_variable_and_metric(tmp_path):
    file = write_file(tmp_path)
    text = file.read_text(encoding="utf-8").replace("enterprises.E03.siding.enabled", "enterprises.E03.siding.enabeld")
    file.write_text(text.replace("metric: nox_kg", "metric: nox_tonnes"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert result.exit_code == 1
    assert f"{file}:9: objectives.1.metric: unknown metric 'nox_tonnes'" in result.output
    file.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert result.exit_code == 1 and f"{file}:5: enterprises.E03.siding.enabeld: unknown field" in result.output, result.output
