"""Uncertain inputs: data-file numbers set by data path, checked against their range, sampled by experiments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.config import load_scenario
from freight_sim.emissions import load_factors
from freight_sim.errors import ConfigError
from freight_sim.experiments.design import design_from_file
from freight_sim.fleet import load_catalog
from freight_sim.inputs import split_data_path
from freight_sim.scenario_checks import scenario_problems

VALID = Path(__file__).resolve().parents[1] / "data" / "broken" / "valid.yaml"
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>.+?): (?P<message>.*)$")


def test_a_data_path_names_its_file_and_the_number_inside():
    assert split_data_path("costs.energy_prices.diesel_cny_per_l") == ("costs", ("energy_prices", "diesel_cny_per_l"))
    with pytest.raises(ValueError, match="unknown data file 'fleet'"):
        split_data_path("fleet.x")


def test_an_input_changes_that_number_alone_even_where_the_file_aliases_it():
    """catalog.yaml gives diesel-cn6 the loaded energy of diesel-cn5 through a YAML alias."""
    bundled = load_catalog()
    assert bundled.vehicles["diesel-cn5"].energy_per_km_loaded == bundled.vehicles["diesel-cn6"].energy_per_km_loaded == 0.40
    changed = load_catalog(inputs={"catalog.vehicles.diesel-cn5.energy_per_km_loaded": 0.45})
    assert changed.vehicles["diesel-cn5"].energy_per_km_loaded == 0.45
    assert changed.vehicles["diesel-cn6"].energy_per_km_loaded == 0.40
    assert load_catalog().vehicles["diesel-cn5"].energy_per_km_loaded == 0.40  # nothing cached or shared changed
    factors = load_factors(inputs={"emission_factors.rail.electric_kwh_per_10k_gross_tkm": 108.0, "costs.finance.siding_life_years": 40})
    assert factors.rail.electric_kwh_per_10k_gross_tkm == 108.0


def test_nested_and_dotted_inputs_are_the_same_scenario():
    nested = load_scenario(VALID, ["inputs.costs.energy_prices.diesel_cny_per_l=7.5"])
    assert nested.model.inputs == {"costs.energy_prices.diesel_cny_per_l": 7.5}
    assert scenario_problems(nested) == []


@pytest.mark.parametrize(
    ("data_path", "value", "fragment"),
    [
        ("emission_factors.rail.electric_kwh_per_10k_gross_tkm", 120, "outside the number's range [100, 110]"),
        ("grid_factors.grids.shanxi-2023.kg_co2_per_kwh", 0.8, "outside the number's range [0.6634, 0.7096]"),
        ("emission_factors.rail.diesel_nox_g_per_net_tkm", 0.3, "has no range"),
        ("costs.energy.diesel_cny_per_l", 7.5, "no energy in"),
        ("fleet.x", 1, "unknown data file 'fleet'"),
    ],
)
def test_a_bad_input_is_a_file_line_field_error_of_the_scenario(tmp_path, data_path, value, fragment):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"base: {VALID}\ninputs:\n  {data_path}: {value}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 1, result.output
    hit = LINE.match(result.stderr.strip().splitlines()[0])
    assert hit and Path(hit["file"]).name == "s.yaml" and hit["line"] == "3", result.stderr
    assert hit["field"] == f"inputs.{data_path}" and fragment in hit["message"], result.stderr


def test_a_higher_nox_factor_raises_nox_and_leaves_co2():
    """Metamorphic, end to end: only the NOx factor of China V diesel trucks changes between the runs."""
    from freight_sim.runner import run_scenario

    runs = [
        run_scenario(load_scenario(VALID, ["simulation.days=3", f"inputs.emission_factors.road_classes.diesel-cn5.nox_g_per_km={nox}"]))
        for nox in (3.89, 5.0)
    ]
    low, high = (r.summary for r in runs)
    assert high["nox_kg"] > low["nox_kg"] * 1.05
    assert high["co2_wtw_t"] == low["co2_wtw_t"] and high["truck_trips"] == low["truck_trips"]


def _experiment(tmp_path: Path, parameters: str, method: str = "lhs", n: int = 3) -> Path:
    path = tmp_path / "e.yaml"
    path.write_text(
        f"name: e\nbase: {VALID}\nsample:\n  method: {method}\n  n: {n}\n  parameters:\n{parameters}replications: 2\n", encoding="utf-8"
    )
    return path


def test_sampled_inputs_take_their_range_and_patch_the_scenario(tmp_path):
    path = _experiment(
        tmp_path, "    inputs.emission_factors.rail.electric_kwh_per_10k_gross_tkm: {}\n    demand_scale: {bounds: [0.9, 1.1]}\n"
    )
    design = design_from_file(path)
    assert design.sample.bounds == ((100.0, 110.0), (0.9, 1.1))
    assert len(design.runs) == 6
    values = [run.parameters["inputs.emission_factors.rail.electric_kwh_per_10k_gross_tkm"] for run in design.runs]
    assert all(100 <= v <= 110 for v in values) and len(set(values)) == 3
    run = design.runs[0]
    loaded = load_scenario(run.scenario_path, patches=list(run.patches))
    assert loaded.model.inputs == {"emission_factors.rail.electric_kwh_per_10k_gross_tkm": values[0]}


def test_a_sampled_input_that_addresses_nothing_is_an_error_at_its_experiment_line(tmp_path):
    path = _experiment(tmp_path, "    demand_scale: {bounds: [0.9, 1.1]}\n    inputs.costs.finance.nope: {}\n")
    with pytest.raises(ConfigError) as caught:
        design_from_file(path)
    assert caught.value.lines[0].startswith(f"{path}:8: sample.parameters.inputs.costs.finance.nope: no finance.nope in ")


def test_a_parameter_without_bounds_must_be_an_input(tmp_path):
    with pytest.raises(ConfigError, match="demand_scale: give bounds"):
        design_from_file(_experiment(tmp_path, "    demand_scale: {}\n"))


def test_validate_checks_every_sampled_configuration(tmp_path):
    """Bounds beyond the number's range: the sampled points outside it are reported at the experiment's line."""
    path = _experiment(tmp_path, "    inputs.emission_factors.rail.electric_kwh_per_10k_gross_tkm: {bounds: [100, 130]}\n", n=8)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    hits = [LINE.match(line) for line in lines]
    assert all(hits) and {Path(h["file"]).name for h in hits} == {"e.yaml"} and {h["line"] for h in hits} == {"7"}, lines
    assert all("outside the number's range [100, 110]" in h["message"] for h in hits)
    assert 1 <= len(lines) < 8  # only the points beyond 110


def test_a_higher_grid_factor_moves_only_what_runs_on_electricity():
    """Metamorphic, end to end: the grid CO2 factor, sampled over its range (the published 2023 and 2022
    values), raises well-to-wheel CO2 and leaves tank-to-wheel CO2, NOx and the trips as they were."""
    from freight_sim.paths import default_scenario_path
    from freight_sim.runner import run_scenario

    runs = [
        run_scenario(
            load_scenario(default_scenario_path(), ["simulation.days=3", f"inputs.grid_factors.grids.shanxi-2023.kg_co2_per_kwh={factor}"])
        )
        for factor in (0.6634, 0.7096)
    ]
    low, high = (r.summary for r in runs)
    assert high["co2_wtw_t"] > low["co2_wtw_t"]
    for unchanged in ("co2_ttw_t", "nox_kg", "truck_trips", "clean_transport_ratio"):
        assert high[unchanged] == low[unchanged], unchanged
