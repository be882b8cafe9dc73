"""The search, the cache and failed runs with a stub model whose figures are known for every portfolio.

The stub reads the portfolio from the loaded scenario: cost falls by 2 with each siding and rises by 5 per
half of E01's fleet on battery-swap trucks; the city ratio is 0.3 + 0.1 per siding + 0.25 per half of the
fleet. With the constraint ratio >= 0.7, the cheapest feasible portfolio is both sidings and half the fleet
(ratio 0.75, cost 100 - 4 + 5 = 101); a stub run of the all-battery fleet with no siding fails.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from freight_sim.errors import ModelError
from freight_sim.optimise.run import optimise

pytest.importorskip("pymoo")

DATA = Path(__file__).parent / "data"


@dataclass
class StubOutput:
    summary: dict
    tables: dict = field(default_factory=dict)


class StubModel:
    def __init__(self) -> None:
        self.calls: list[tuple[bool, bool, float, int]] = []

    def __call__(self, loaded, seed=None):
        scenario = loaded.model
        sidings = sum(bool(scenario.enterprises[e].siding.enabled) for e in ("E02", "E03"))
        mix = scenario.enterprises["E01"].fleet_mix
        battery = mix.get("bev-swap", 0.0) if isinstance(mix, dict) else 0.0
        self.calls.append((scenario.enterprises["E02"].siding.enabled, scenario.enterprises["E03"].siding.enabled, battery, seed))
        if sidings == 0 and battery == 1.0:
            raise ModelError("stub: this portfolio fails")
        ratio = 0.3 + 0.1 * sidings + 0.5 * battery
        return StubOutput({"cost_cny": 100.0 - 2 * sidings + 10 * battery, "nox_kg": 50.0 * (1 - ratio), "clean_transport_ratio": ratio})


FILE = """\
name: stub
base: opt_scenario.yaml
variables:
  - {name: siding_E02, path: enterprises.E02.siding.enabled, values: [true]}
  - {name: siding_E03, path: enterprises.E03.siding.enabled, values: [true]}
  - {name: nev_E01, kind: fleet_share, path: enterprises.E01.fleet_mix, vehicle: bev-swap, steps: [0.5, 1.0]}
objectives:
  - {metric: cost_cny, sense: min}
  - {metric: nox_kg, sense: min}
constraints:
  - {metric: clean_transport_ratio, min: 0.7}
replications: 2
seed: 11
simulation: {days: 2}
budget: {evaluations: 40, population: 6}
verify: {replications: 3}
"""


@pytest.fixture
def file(tmp_path) -> Path:
    shutil.copy(DATA / "opt_scenario.yaml", tmp_path / "opt_scenario.yaml")
    path = tmp_path / "stub.yaml"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_cheapest_feasible_portfolio_cache_and_failed_runs(file, tmp_path):
    model = StubModel()
    result = optimise(file, tmp_path / "out", executor="inprocess", run_fn=model)
    best = result.summary["best_portfolio"]
    assert best["measures"] == {"siding_E02": "true", "siding_E03": "true", "nev_E01": "bev-swap 50%"}
    assert best["objectives"]["cost_cny"] == pytest.approx(101.0)
    # each portfolio simulated once per replication (the cache), plus the verification's fresh seeds
    search_calls = list(model.calls)
    distinct = {c[:3] for c in search_calls}
    assert len(search_calls) == 2 * len(distinct) + 3
    assert len(distinct) == 12  # the search and the greedy baseline together saw every portfolio
    failed = result.evaluations[result.evaluations["failed"] != ""]
    assert set(failed["label"]) == {"nev_E01=bev-swap 100%"} and not failed["feasible"].any()
    assert result.summary["verification"]["constraint_held_share"] == [1.0] and result.summary["target_met"]
    greedy = result.summary["greedy"]
    assert greedy["feasible"] and greedy["final"]["objectives"]["cost_cny"] >= best["objectives"]["cost_cny"]


def test_resume_reads_every_finished_run_back(file, tmp_path):
    first = optimise(file, tmp_path / "out", executor="inprocess", run_fn=StubModel())
    again = StubModel()
    resumed = optimise(file, tmp_path / "out", executor="inprocess", run_fn=again, resume=True)
    assert {c[:3] for c in again.calls} == {(False, False, 1.0)} and len(again.calls) == 2  # failed runs are tried again
    assert resumed.summary["runs_simulated"] == 2
    assert resumed.pareto.equals(first.pareto) and resumed.evaluations.equals(first.evaluations)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["runs_read_back"] == first.summary["runs_simulated"] - 2


class UncertainStubModel(StubModel):
    """The stub's figures, with 0.25 more ratio where the sampled diesel price lies below its nominal 7.6 CNY/L."""

    def __call__(self, loaded, seed=None):
        output = super().__call__(loaded, seed)
        if loaded.model.inputs["costs.energy_prices.diesel_cny_per_l"] < 7.6:
            output.summary["clean_transport_ratio"] += 0.25
        return output


UNCERTAIN = """\
uncertainty:
  method: lhs
  n: 2
  parameters:
    inputs.costs.energy_prices.diesel_cny_per_l: {}
"""


@pytest.mark.parametrize(
    ("share", "measures", "cost"),
    [
        (1.0, {"siding_E02": "true", "siding_E03": "true", "nev_E01": "bev-swap 50%"}, 101.0),  # 0.75 at both points
        (0.5, {"siding_E02": "true", "siding_E03": "true"}, 96.0),  # 0.5 + 0.25 at the point below 7.6 CNY/L only
    ],
)
def test_the_robust_share_over_sampled_inputs_decides_the_cheapest_portfolio(file, tmp_path, share, measures, cost):
    """Two Latin-hypercube points over the diesel price's range (7.0-8.2 CNY/L), one in each half; the
    constraint held at one point of two is enough only with share 0.5. The search and the greedy baseline
    together see every portfolio (as in the test above)."""
    text = (
        file.read_text(encoding="utf-8").replace("min: 0.7}", f"min: 0.7, share: {share}}}").replace("replications: 2", "replications: 1")
    )
    file.write_text(text + UNCERTAIN, encoding="utf-8")
    model = UncertainStubModel()
    result = optimise(file, tmp_path / "out", executor="inprocess", run_fn=model, write_report=False)
    assert result.summary["best_portfolio"]["measures"] == measures
    assert result.summary["best_portfolio"]["objectives"]["cost_cny"] == pytest.approx(cost)
    assert result.summary["sample_points"] == 2 and result.summary["runs_per_portfolio"] == 2
    verification = result.summary["verification"]
    assert verification["runs"] == 3 * 2 and verification["sample_points"] == 2  # fresh seeds x fresh points
    assert verification["constraint_held_share"] == [share] and result.summary["target_met"]  # one fresh point in each half


class ModeRecordingStub(StubModel):
    """The stub, noting the simulation mode of every run."""

    def __init__(self) -> None:
        super().__init__()
        self.modes: list[str] = []

    def __call__(self, loaded, seed=None):
        self.modes.append(loaded.model.simulation.mode)
        return super().__call__(loaded, seed)


def test_a_fast_search_is_verified_in_full_mode(file, tmp_path):
    from freight_sim.optimise.spec import load_optimisation, with_fast_search

    model = ModeRecordingStub()
    result = optimise(with_fast_search(load_optimisation(file)), tmp_path / "out", executor="inprocess", run_fn=model)
    assert model.modes[-3:] == ["full"] * 3  # the verification's three replications
    assert set(model.modes[:-3]) == {"fast"}
    assert result.summary["verification"]["search_mode"] == "fast" and result.summary["verification"]["mode"] == "full"
    plain = ModeRecordingStub()
    optimise(file, tmp_path / "plain", executor="inprocess", run_fn=plain)
    assert set(plain.modes) == {"full"}
