"""Design expansion: run counts, readable unique ids, common random numbers, config hashes, samples."""

from __future__ import annotations

import numpy as np
import pytest
from batch_test_files import write_experiment

from freight_sim.config import load_scenario
from freight_sim.errors import ConfigError
from freight_sim.experiments.design import design_from_file, replication_seeds


def test_mini_design_counts_and_ids(mini):
    design = design_from_file(mini / "mini_experiment.yaml")
    names = [v.name for v in design.variants]
    assert names == ["baseline", "more-bays", "short", "siding-E02", "siding-E03"]
    assert len(design.runs) == 5 * 3
    assert len({r.run_id for r in design.runs}) == 15
    assert design.runs[0].run_id == "v-baseline__r000"
    assert "v-siding-E02__r002" in {r.run_id for r in design.runs}


def test_replication_seeds_are_common_across_variants(mini):
    design = design_from_file(mini / "mini_experiment.yaml")
    expected = [int(c.generate_state(1, dtype=np.uint64)[0]) for c in np.random.SeedSequence(7).spawn(3)]
    assert replication_seeds(7, 3) == expected
    for variant in {r.variant for r in design.runs}:
        assert [r.seed for r in design.runs if r.variant == variant] == expected
    assert len(set(expected)) == 3


def test_replications_override_extends_seeds_without_changing_the_first(mini):
    design = design_from_file(mini / "mini_experiment.yaml", replications=5)
    assert len(design.runs) == 25
    assert replication_seeds(7, 5)[:3] == replication_seeds(7, 3)


def test_candidate_sidings_are_off_except_in_their_variant(mini):
    design = design_from_file(mini / "mini_experiment.yaml")
    by_variant = {r.variant: r for r in design.runs if r.replication == 0}

    def enabled(variant):
        model = load_scenario(by_variant[variant].scenario_path, patches=list(by_variant[variant].patches)).model
        return {eid: e.siding.enabled for eid, e in model.enterprises.items() if e.siding is not None}

    assert enabled("baseline") == {"E02": False, "E03": False}
    assert enabled("siding-E02") == {"E02": True, "E03": False}
    assert enabled("siding-E03") == {"E02": False, "E03": True}
    info = {v.name: v for v in design.variants}
    assert info["siding-E02"].siding_enterprise == "E02" and info["siding-E02"].capex_million_cny == 120


def test_config_hash_differs_by_variant_and_not_by_replication(mini):
    design = design_from_file(mini / "mini_experiment.yaml")
    hashes = {}
    for run in design.runs:
        hashes.setdefault(run.variant, set()).add(run.config_sha256)
    assert all(len(h) == 1 for h in hashes.values())
    assert len({next(iter(h)) for h in hashes.values()}) == 5


def test_variant_set_beats_experiment_simulation_block(mini):
    design = design_from_file(mini / "mini_experiment.yaml", overrides=["simulation.warmup_days=0.5"])
    short = next(r for r in design.runs if r.variant == "short")
    model = load_scenario(short.scenario_path, overrides=list(short.overrides), patches=list(short.patches)).model
    assert model.simulation.days == 1 and model.simulation.warmup_days == 0.5
    base = next(r for r in design.runs if r.variant == "baseline")
    assert load_scenario(base.scenario_path, patches=list(base.patches)).model.simulation.days == 2


def test_sweep_is_a_cartesian_product(tmp_path):
    path = write_experiment(
        tmp_path,
        "name: s\nbase: mini_scenario.yaml\nreplications: 2\nvariants:\n  wide: {enterprises: {E01: {loading_bays: 4}}}\n"
        "sweep:\n  simulation.days: {start: 1, stop: 3, step: 1}\n  simulation.travel_time_cv: [0.1, 0.2]\n",
    )
    design = design_from_file(path)
    assert len(design.variants) == 2 * 3 * 2
    assert len(design.runs) == 2 * 3 * 2 * 2
    labels = {v.name for v in design.variants}
    assert "wide@days=2.0,travel_time_cv=0.2" in labels
    run = next(r for r in design.runs if r.variant == "wide@days=3.0,travel_time_cv=0.1")
    assert run.run_id.startswith("v-wide-days=3.0-travel_time_cv=0.1__r")
    model = load_scenario(run.scenario_path, patches=list(run.patches)).model
    assert (model.simulation.days, model.simulation.travel_time_cv, model.enterprises["E01"].loading_bays) == (3, 0.1, 4)


@pytest.mark.parametrize(("method", "n", "expected_points"), [("sobol", 8, 8 * (2 + 2)), ("morris", 5, 5 * (2 + 1)), ("lhs", 7, 7)])
def test_sample_sizes(tmp_path, method, n, expected_points):
    path = write_experiment(
        tmp_path,
        f"name: s\nbase: mini_scenario.yaml\nreplications: 2\nsample:\n  method: {method}\n  n: {n}\n  parameters:\n"
        "    accounting.grid.kg_co2_per_kwh: {bounds: [0.5, 0.7]}\n    simulation.travel_time_cv: {bounds: [0.0, 0.3]}\n",
    )
    design = design_from_file(path)
    assert design.sample.matrix.shape == (expected_points, 2)
    assert len(design.runs) == expected_points * 2
    assert design.runs[0].run_id == "v-baseline__s0000__r000"
    assert design_from_file(path).sample.matrix.tolist() == design.sample.matrix.tolist()
    run = next(r for r in design.runs if r.sample == 3)
    model = load_scenario(run.scenario_path, patches=list(run.patches)).model
    assert model.accounting.grid.kg_co2_per_kwh == pytest.approx(design.sample.matrix[3, 0])


def test_lhs_has_one_point_per_stratum(tmp_path):
    n = 10
    path = write_experiment(
        tmp_path,
        f"name: s\nbase: mini_scenario.yaml\nsample:\n  method: lhs\n  n: {n}\n  parameters:\n"
        "    accounting.grid.kg_co2_per_kwh: {bounds: [0.5, 0.7]}\n    simulation.travel_time_cv: {bounds: [0.0, 0.3]}\n",
    )
    matrix = design_from_file(path).sample.matrix
    for column, (low, high) in zip(matrix.T, [(0.5, 0.7), (0.0, 0.3)], strict=True):
        strata = np.floor((column - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_invalid_variant_is_reported_at_the_experiment_line(tmp_path):
    path = write_experiment(
        tmp_path, "name: s\nbase: mini_scenario.yaml\nvariants:\n  bad:\n    enterprises:\n      E01:\n        loading_bays: 0\n"
    )
    with pytest.raises(ConfigError) as info:
        design_from_file(path)
    assert info.value.lines[0].startswith(f"{path}:7: enterprises.E01.loading_bays: ")
    assert "(variant bad)" in info.value.lines[0]


def test_each_candidate_siding_needs_candidates(tmp_path):
    scenario = tmp_path / "no_candidates.yaml"
    scenario.write_text("base: mini_scenario.yaml\nenterprises:\n  E02: {siding: null}\n  E03: {siding: null}\n", encoding="utf-8")
    path = write_experiment(tmp_path, "name: s\nbase: no_candidates.yaml\ngenerate:\n  each_candidate_siding: true\n")
    with pytest.raises(ConfigError, match=rf"{path}:4: generate.each_candidate_siding: .*no candidate siding"):
        design_from_file(path)


def test_config_hash_is_the_runner_digest_of_the_validated_scenario(mini):
    from freight_sim.experiments.design import config_sha256

    design = design_from_file(mini / "mini_experiment.yaml")
    run = next(r for r in design.runs if r.variant == "siding-E03")
    scenario = load_scenario(run.scenario_path, patches=list(run.patches)).model
    assert run.config_sha256 == config_sha256(scenario)
    runner = pytest.importorskip("freight_sim.runner")
    if hasattr(runner, "config_sha256"):
        assert run.config_sha256 == runner.config_sha256(scenario)


def test_spelling_out_a_default_does_not_change_the_hash(tmp_path):
    path = write_experiment(tmp_path, "name: s\nbase: mini_scenario.yaml\nvariants:\n  explicit: {enterprises: {E03: {loading_bays: 2}}}\n")
    design = design_from_file(path)
    assert len({r.config_sha256 for r in design.runs}) == 1
