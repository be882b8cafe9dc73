"""Every broken scenario gives exactly the expected one-line `FILE:LINE: field: message` error and exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"

# file, line the error must name, dotted field, a fragment of the message
CASES = [
    ("unknown_key.yaml", 4, "enterprises.E01.colour", "unknown field"),
    ("wrong_type.yaml", 3, "simulation.days", "valid number"),
    ("negative_tonnage.yaml", 6, "enterprises.E01.flows.steel_out.tonnes_per_year", "greater than 0"),
    ("grid_factor_in_grams.yaml", 5, "accounting.grid.kg_co2_per_kwh", "above 2 is likely g"),
    ("spur_in_metres.yaml", 7, "enterprises.E01.siding.spur_km", "likely metres"),
    ("shares_not_summing.yaml", 6, "enterprises.E01.flows.steel_out.chain_shares", "sum to 1"),
    ("duplicate_key.yaml", 7, "simulation.days", "duplicate key"),
    ("bad_indentation.yaml", 4, "(syntax)", ""),
    ("missing_base.yaml", 1, "base", "base file not found"),
    ("two_network_sources.yaml", 2, "network", "exactly one network source"),
    ("unknown_key.toml", 5, "simulation.speed", "unknown field"),
    ("circular_a.yaml", 1, "base", "circular"),
    ("unknown_node.yaml", 4, "enterprises.E01.node", "E99"),
    ("unknown_counterpart.yaml", 6, "enterprises.E01.flows.steel_out.counterpart", "GW_NOWHERE"),
    ("siding_not_at_station.yaml", 6, "enterprises.E01.siding.station", "E02"),
    ("disconnected_enterprise.yaml", 13, "enterprises.P2", "reach"),
    ("unknown_vehicle.yaml", 4, "enterprises.E01.fleet_mix", "diesel-cn9"),
    ("warmup_longer_than_run.yaml", 2, "simulation", "must be shorter than days"),
    ("monthly_profile_zero.yaml", 6, "enterprises.E01.flows.steel_out.monthly_profile", "sum to 0"),
    ("monthly_profile_nan.yaml", 6, "enterprises.E01.flows.steel_out.monthly_profile.2", "finite number"),
    ("infinite_tonnage.yaml", 6, "enterprises.E01.flows.steel_out.tonnes_per_year", "finite number"),
    ("conveyor_without_belt.yaml", 6, "enterprises.E01.flows.steel_out.chain_shares", "no belt conveyor"),
    ("no_feasible_vehicle.yaml", 4, "enterprises.E01.fleet_mix", "no vehicle of the mix or of the fallback mix"),
    ("unknown_fallback_mix.yaml", 3, "fleet.fallback_mix", "diesel-typical-cn9"),
]


def run_validate(path: Path):
    return CliRunner().invoke(app, ["validate", str(path)])


def test_valid_base_passes():
    result = run_validate(BROKEN / "valid.yaml")
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


@pytest.mark.parametrize(("name", "line", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_broken_scenario_reports_file_line_field(name, line, field, fragment):
    result = run_validate(BROKEN / name)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines, "an error line is expected on stderr"
    pattern = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>.+?): (?P<message>.*)$")
    parsed = [pattern.match(ln) for ln in lines]
    assert all(parsed), f"every line must be FILE:LINE: field: message, got {lines}"
    hits = [m for m in parsed if m["field"] == field]
    assert hits, f"no error on field {field}: {lines}"
    hit = hits[0]
    assert Path(hit["file"]).name == name
    assert int(hit["line"]) == line, lines
    assert fragment.lower() in hit["message"].lower(), lines


def test_set_override_error_names_the_option():
    result = CliRunner().invoke(app, ["validate", str(BROKEN / "valid.yaml"), "--set", "simulation.days=-3"])
    assert result.exit_code == 1
    assert result.stderr.startswith("--set:1: simulation.days: ")


def test_set_override_applies():
    result = CliRunner().invoke(app, ["validate", str(BROKEN / "valid.yaml"), "--set", "name=renamed"])
    assert result.exit_code == 0, result.output
    assert "renamed" in result.stdout


@pytest.mark.parametrize("name", [c[0] for c in CASES], ids=[c[0] for c in CASES])
def test_run_refuses_what_validate_refuses_with_the_same_lines(name, tmp_path):
    """`run` makes the checks of `validate` (one shared function): the same error lines, exit 1."""
    checked = run_validate(BROKEN / name)
    ran = CliRunner().invoke(app, ["run", str(BROKEN / name), "--out", str(tmp_path / "out"), "--no-report"])
    assert ran.exit_code == checked.exit_code == 1, ran.output
    assert [ln for ln in ran.stderr.splitlines() if ln.strip()] == [ln for ln in checked.stderr.splitlines() if ln.strip()]


def test_what_validate_accepts_runs(tmp_path):
    """A lane whose battery trucks cannot cover its haul is accepted by both and runs with other vehicles."""
    overrides = ["--set", "simulation.days=2", "--set", "demand_scale=1.06"]
    from freight_sim.paths import default_scenario_path

    scenario = str(default_scenario_path())
    checked = CliRunner().invoke(app, ["validate", scenario, *overrides])
    assert checked.exit_code == 0, checked.output
    ran = CliRunner().invoke(app, ["run", scenario, *overrides, "--out", str(tmp_path / "out"), "--no-report", "--no-legs"])
    assert ran.exit_code == 0, ran.output
    assert (tmp_path / "out" / "fleet_substitutions.csv").is_file()
