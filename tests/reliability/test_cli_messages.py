"""Every mistaken input gets a located one-line message and a documented exit code, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.cli.common import EXIT_INTERNAL
from freight_sim.cli.validate_cmd import VALIDATORS
from freight_sim.config.file_kind import FILE_KINDS
from freight_sim.paths import default_scenario_path, experiments_dir

DATA = Path(__file__).resolve().parents[1] / "data"
VALID = DATA / "broken" / "valid.yaml"


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"base: {VALID}\n{text}", encoding="utf-8")
    return path


def test_an_impossible_date_in_a_file(tmp_path):
    path = scenario(tmp_path, "simulation:\n  start_date: 2025-02-29\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}:3: simulation.start_date: cannot read '2025-02-29' as a date: day is out of range for month"


def test_an_impossible_date_in_set():
    result = invoke("validate", str(VALID), "--set", "simulation.start_date=2025-13-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == "--set:1: simulation.start_date: cannot read '2025-13-01' as a date: month must be in 1..12"


def test_a_negative_seed_is_a_usage_error(tmp_path):
    result = invoke("run", str(VALID), "--seed", "-5", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "--seed" in result.output
    assert not (tmp_path / "o").exists()


def test_an_infinite_monthly_profile_is_refused_by_validate_with_its_line(tmp_path):
    profile = "[.inf, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"
    path = scenario(tmp_path, f"enterprises:\n  E01:\n    flows:\n      steel_out:\n        monthly_profile: {profile}\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:6: enterprises.E01.flows.steel_out.monthly_profile.0: inf is not a finite number")


def test_a_catalog_outside_the_project_is_reported_at_the_scenario_field_without_its_content(tmp_path):
    foreign = tmp_path / "elsewhere" / "secret.txt"
    foreign.parent.mkdir()
    foreign.write_text("root:x:0:0:root:/root:/bin/bash\nline two: [unclosed\n")
    path = scenario(tmp_path, f"fleet:\n  catalog: {foreign}\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:3: fleet.catalog: {foreign}: ")
    assert "root:x" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_network_csv_with_a_repeated_column_names_the_file_and_both_columns(tmp_path):
    shutil.copy(DATA / "network" / "nodes.csv", tmp_path / "nodes.csv")
    lines = (DATA / "network" / "edges.csv").read_text().splitlines()
    lines = [line + ("," + "distance_km" if i == 0 else "," + line.split(",")[3]) for i, line in enumerate(lines) if line.strip()]
    (tmp_path / "edges.csv").write_text("\n".join(lines) + "\n")
    header = lines[0].split(",")
    first, second = header.index("distance_km") + 1, len(header)
    network = DATA / "network" / "scenario_ok.yaml"
    text = network.read_text().replace("edges.csv", str(tmp_path / "edges.csv")).replace("nodes.csv", str(tmp_path / "nodes.csv"))
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'edges.csv'}:1: distance_km: duplicate column (columns {first} and {second})" in result.stderr


def test_set_without_equals_gets_a_hint_instead_of_file_not_found():
    result = invoke("run", "--set", "simulation.days", "30")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "--set:1: simulation.days: expected dotted.path=value (write --set simulation.days=VALUE: '=' and no space)"
    )


def test_an_unknown_id_in_set_gets_the_closest_id_in_one_line():
    result = invoke("validate", str(default_scenario_path()), "--set", "enterprises.E4.siding.enabled=true")
    assert result.exit_code == 1
    assert result.stderr.strip() == "--set:1: enterprises.E4: unknown enterprise E4 (did you mean E04?)"


def test_an_unknown_field_gets_the_closest_field():
    result = invoke("validate", str(VALID), "--set", "simulation.dayz=3")
    assert result.exit_code == 1
    assert result.stderr.strip() == "--set:1: simulation.dayz: unknown field (did you mean days?)"


def test_validate_says_an_experiment_is_one_and_checks_every_variant():
    path = experiments_dir() / "sidings.yaml"
    result = invoke("validate", str(path), "--set", "simulation.days=3")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{path}: ok: experiment 'sidings', ")
    assert f"freight-sim batch {path} --out DIR" in result.stdout


def test_a_batch_set_typo_is_printed_once_not_once_per_variant(tmp_path):
    result = invoke("batch", str(experiments_dir() / "sidings.yaml"), "--out", str(tmp_path / "o"), "--set", "simulation.dayz=3")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["--set:1: simulation.dayz: unknown field (did you mean days?) (every variant)"]
    assert not (tmp_path / "o").exists()


def test_files_of_the_wrong_kind_get_the_right_command(tmp_path):
    experiment = experiments_dir() / "sidings.yaml"
    result = invoke("run", str(experiment), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"{experiment}:1: (file): this is an experiment file, not a scenario: use `freight-sim batch {experiment} --out DIR`"
    )
    result = invoke("batch", str(VALID), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{VALID}:1: (file): this is a scenario file, not an experiment: use `freight-sim run {VALID}`"


def test_every_file_kind_can_be_validated():
    assert {kind.name for kind in FILE_KINDS} == set(VALIDATORS)


def test_an_unexpected_error_is_one_line_naming_the_command_and_debug_shows_the_traceback(monkeypatch, tmp_path):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("freight_sim.runner.run_scenario", broken)
    args = ["run", str(VALID), "--out", str(tmp_path / "o")]
    result = invoke(*args)
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.strip() == (
        f"error: unexpected ZeroDivisionError: float division by zero (in `freight-sim {' '.join(args)}`); "
        "run again with --debug for the traceback, and please report it"
    )
    debug = CliRunner().invoke(app, ["--debug", *args])
    assert isinstance(debug.exception, ZeroDivisionError)


@pytest.mark.parametrize("value", ["-1", "1e400", "nan"])
def test_bad_numbers_in_set_are_located(value):
    result = invoke("validate", str(VALID), "--set", f"demand_scale={value}")
    assert result.exit_code == 1
    assert result.stderr.startswith("--set:1: demand_scale: ")
