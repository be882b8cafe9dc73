"""Experiment file schema: valid files load, mistakes are reported as FILE:LINE: field: message."""

from __future__ import annotations

import pytest
from batch_test_files import write_experiment

from freight_sim.errors import ConfigError
from freight_sim.experiments.spec import Range, load_experiment
from freight_sim.paths import default_scenario_path


def test_mini_experiment_loads(mini):
    experiment = load_experiment(mini / "mini_experiment.yaml")
    assert experiment.spec.name == "mini-sidings"
    assert experiment.spec.replications == 3
    assert experiment.base_path == mini / "mini_scenario.yaml"
    assert experiment.spec.generate.each_candidate_siding


def test_unknown_field_reports_file_and_line(tmp_path):
    path = write_experiment(tmp_path, "name: x\nbase: mini_scenario.yaml\nreplication: 3\n")
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    assert info.value.lines == [f"{path}:3: replication: unknown field (did you mean replications?)"]


def test_sobol_needs_power_of_two(tmp_path):
    path = write_experiment(
        tmp_path,
        "name: x\nbase: mini_scenario.yaml\nsample:\n  method: sobol\n  n: 6\n  parameters:\n    simulation.days: {bounds: [1, 3]}\n",
    )
    with pytest.raises(ConfigError, match=rf"{path}:5: sample.n: sobol needs n to be a power of 2"):
        load_experiment(path)


def test_bounds_must_increase(tmp_path):
    path = write_experiment(
        tmp_path,
        "name: x\nbase: mini_scenario.yaml\nsample:\n  method: lhs\n  n: 4\n  parameters:\n    simulation.days: {bounds: [3, 1]}\n",
    )
    with pytest.raises(ConfigError, match=r":7: sample.parameters.simulation.days.bounds: .*low < high"):
        load_experiment(path)


def test_missing_base_file(tmp_path):
    path = write_experiment(tmp_path, "name: x\nbase: nowhere.yaml\n")
    with pytest.raises(ConfigError, match=rf"{path}:2: base: scenario file not found"):
        load_experiment(path)


def test_variant_set_must_be_overrides(tmp_path):
    path = write_experiment(tmp_path, "name: x\nbase: mini_scenario.yaml\nvariants:\n  a:\n    set: [days]\n")
    with pytest.raises(ConfigError, match=r":5: variants.a.set.0: expected dotted.path=value"):
        load_experiment(path)


def test_bundled_base_resolves_to_default_scenario(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text("name: x\nbase: bundled:changzhi\n", encoding="utf-8")
    if default_scenario_path().is_file():
        assert load_experiment(path).base_path == default_scenario_path()
    else:
        with pytest.raises(ConfigError, match="scenario file not found"):
            load_experiment(path)


def test_range_includes_stop_without_float_drift():
    assert Range(start=0, stop=1, step=0.25).values() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert Range(start=0, stop=0.3, step=0.1).values() == [0.0, 0.1, 0.2, 0.3]
    assert Range(start=2, stop=2, step=1).values() == [2.0]
