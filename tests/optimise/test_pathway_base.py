"""A pathway as the optimisation's base: dated measures as variables, constraints by a target year.

The base (data/opt_pathway.yaml) dates E03's candidate siding to 2027, after the runs (20 days across New
Year 2026); E03 is the only in-scope key enterprise. The year of E03's siding (2027 as in the base, 2025 or
2026) and of E02's (not dated, or 2026) give six portfolios, all simulated by the search; the enumeration
reads them back. By 2025 only the siding opened in 2025 gives E03 a ratio of 80%; by 2026 one opened in
2026 does too.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.config import load_scenario
from freight_sim.optimise.evaluate import Evaluator
from freight_sim.optimise.run import optimise
from freight_sim.optimise.spec import Optimisation, load_optimisation

pytest.importorskip("pymoo")

DATA = Path(__file__).parent / "data"
FILE = """\
name: opt-pathway
base: opt_pathway.yaml
variables:
  - {{name: open_E03, kind: year, path: pathway.sidings.E03.commissioned, years: [2025, 2026]}}
  - {{name: open_E02, kind: year, path: pathway.sidings.E02.commissioned, years: [2026]}}
objectives:
  - {{metric: npv_cost_cny, sense: min}}
constraints:
  - {{metric: in_scope_enterprise_ratio, min: 0.8, year: {year}}}
replications: 1
seed: 5
simulation: {{start_date: 2025-12-22, days: 20}}
budget: {{evaluations: 6, population: 6}}
verify: {{replications: 1}}
greedy: false
"""


def write_file(folder: Path, year: int = 2025, text: str = FILE) -> Path:
    for name in ("opt_scenario.yaml", "opt_pathway.yaml"):
        shutil.copy(DATA / name, folder / name)
    path = folder / "opt.yaml"
    path.write_text(text.format(year=year), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pathway")
    file = write_file(folder)
    result = optimise(file, folder / "out", executor="inprocess", write_report=False)
    return file, folder / "out", result


def _every_portfolio(file: Path, out: Path, year: int) -> tuple[Evaluator, list]:
    loaded = load_optimisation(file)
    constraint = loaded.spec.constraints[0].model_copy(update={"year": year})
    evaluator = Evaluator(Optimisation(loaded.spec.model_copy(update={"constraints": [constraint]}), loaded.path, loaded.source), out)
    every = evaluator.evaluate(list(itertools.product(*(range(b + 1) for b in evaluator.bounds))))
    return evaluator, every


def test_the_year_variables_date_the_base_pathways_measures(searched):
    file, out, _result = searched
    evaluator = Evaluator(load_optimisation(file), out)
    open_e03, open_e02 = evaluator.choices
    assert open_e03.values == ("2027-01-01", "2025-01-01", "2026-01-01") and open_e03.labels[0] == "2027-01-01 (base)"
    assert open_e02.values == (None, "2026-01-01") and open_e02.labels[0] == "not dated (base)"
    assert evaluator.in_scope == ("E03",)


def test_finds_the_commissioning_year_known_by_enumeration(searched):
    file, out, result = searched
    evaluator, every = _every_portfolio(file, out, 2025)
    assert evaluator.runs_simulated == 0 and evaluator.runs_cached == 6  # the search simulated all six
    for evaluation in every:  # each run spans the two calendar years of its days, with the pathway's figures
        assert {"ratio_by_year.2025", "ratio_by_year.2026", "npv_cost_cny"} <= set(evaluation.metrics[0])
        assert evaluation.objectives[0] == evaluation.metrics[0]["npv_cost_cny"]
    feasible = {e.picks for e in every if e.feasible}
    assert feasible == {(1, 0), (1, 1)}  # by 2025: only the siding opened on 1 January 2025
    cheapest = min((e for e in every if e.feasible), key=lambda e: e.objectives[0])
    assert result.summary["best_portfolio"]["portfolio"] == cheapest.config_sha256[:12]
    assert result.summary["pathway_years"] == [2025, 2026]
    assert result.summary["target_met"] is True


def test_a_later_target_year_accepts_a_later_commissioning(searched):
    file, out, _result = searched
    evaluator, every = _every_portfolio(file, out, 2026)  # other constraints, the same runs: all read back
    assert evaluator.runs_simulated == 0
    assert {e.picks for e in every if e.feasible} == {(1, 0), (1, 1), (2, 0), (2, 1)}
    base = next(e for e in every if e.picks == (0, 0))
    assert not base.feasible and base.margins[0] < 0  # the base's 2027 siding is too late for either year


def test_the_portfolio_file_carries_the_dates_and_the_horizon(searched):
    _file, out, result = searched
    name = f"portfolio-{result.summary['best_portfolio']['portfolio']}.yaml"
    scenario = load_scenario(out / "portfolios" / name).model
    assert str(scenario.pathway.sidings["E03"].commissioned) == "2025-01-01"
    assert str(scenario.simulation.start_date) == "2025-12-22" and scenario.simulation.days == 20


def test_a_fleet_share_of_a_renewal_and_the_horizon_of_the_files_years(tmp_path):
    text = FILE.replace(
        "  - {{name: open_E02, kind: year, path: pathway.sidings.E02.commissioned, years: [2026]}}",
        "  - {{name: e01_nev, kind: fleet_share, path: pathway.fleet_renewals.e01-cn6.mix, vehicle: bev-swap, steps: [0.5, 1]}}",
    ).replace("simulation: {{start_date: 2025-12-22, days: 20}}", "years: {{first: 2026, last: 2026}}")
    evaluator = Evaluator(load_optimisation(write_file(tmp_path, 2026, text)), tmp_path / "out")
    assert evaluator.choices[1].values == ({"diesel-cn6": 1.0}, {"bev-swap": 0.5, "diesel-cn6": 0.5}, {"bev-swap": 1.0, "diesel-cn6": 0.0})
    simulation = evaluator.scenario.simulation  # the horizon of `years`, as freight-sim pathway --years 2026 sets it
    assert (str(simulation.start_date), simulation.days, simulation.record_legs) == ("2026-01-01", 365, False)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("year: 2025}", "year: 2030}", "{file}:9: constraints.0.year: 2030 is not among the years the runs simulate (2025-2026;"),
        ("years: [2025, 2026]", "years: [2024, 2026]", "{file}:4: variables.0.years: 2024 outside the pathway's years 2025-2027"),
        (
            "metric: in_scope_enterprise_ratio",
            "metric: tonnes_delivered",
            "{file}:9: constraints.0.metric: 'tonnes_delivered' has no figure by year",
        ),
        ("base: opt_pathway.yaml", "base: opt_scenario.yaml", "{file}:4: variables.0.path: the base scenario has no pathway section"),
        (
            "simulation: {start_date: 2025-12-22, days: 20}",
            "years: {first: 2024, last: 2025}",
            "{file}:12: years: 2024-2025 lies outside the pathway's years 2025-2027",
        ),
    ],
    ids=["year outside", "variable year outside", "no figure by year", "no pathway", "years outside"],
)
def test_validate_names_the_line_and_field(tmp_path, old, new, message):
    file = write_file(tmp_path)
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert result.exit_code == 1
    assert message.format(file=file) in result.output, result.output


@pytest.mark.parametrize("lang, label", [("en", "cost, present value"), ("zh", "成本现值")])
def test_the_reports_answer_quotes_the_cost_the_search_minimised(lang, label):
    """With a pathway base the search minimises the present value of costs: the report's answer and its
    comparison with greedy quote that objective, not the undiscounted total over the run."""
    from freight_sim.optimise.report import _answer
    from freight_sim.report.i18n import Translator

    def portfolio(npv: float, total: float) -> dict:
        return {"measures": {"siding_E38": "2025"}, "objectives": {"npv_cost_cny": npv}, "metrics": {"cost_cny": total}}

    summary = {
        "objectives": [{"metric": "npv_cost_cny", "sense": "min"}, {"metric": "nox_kg", "sense": "min"}],
        "best_portfolio": portfolio(4.0e6, 4.2e6),
        "greedy": {"feasible": True, "final": portfolio(5.0e6, 5.5e6)},
        "verification": None,
        "target_met": False,
        "evaluations": 10,
    }
    text = " ".join(_answer(summary, Translator(lang)))
    assert label in text and "4.0" in text and "1.0" in text  # the saving: 5.0 - 4.0 M CNY
    assert "4.2" not in text and "0.5" not in text


@pytest.mark.parametrize("base_cost, said", [(4.5e6, True), (3.9e6, False), (None, False)])
def test_the_answer_says_when_the_portfolio_costs_less_than_the_base(base_cost, said):
    from freight_sim.optimise.report import _answer
    from freight_sim.report.i18n import Translator

    summary = {
        "objectives": [{"metric": "cost_cny", "sense": "min"}],
        "best_portfolio": {"measures": {"nev_E01": "bev-swap 100%"}, "objectives": {"cost_cny": 4.0e6}},
        "base_portfolio": None if base_cost is None else {"measures": {}, "objectives": {"cost_cny": base_cost}},
        "greedy": None,
        "verification": None,
        "target_met": True,
        "evaluations": 10,
    }
    for lang, words in (("en", "costs less than the base scenario (4.5 M CNY)"), ("zh", "其成本低于基准情景（4.5 百万元）")):
        text = " ".join(_answer(summary, Translator(lang)))
        assert (words in text) is said, text
