"""`--fast` on batch and pathway runs every run in fast mode (`simulation.mode: fast`); without it, full mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.paths import default_scenario_path, experiments_dir


def _modes(folder: Path) -> set[str]:
    return {
        json.loads(p.read_text(encoding="utf-8"))["model"]["mode"]
        for p in folder.rglob("summary.json")
        if "model" in p.read_text(encoding="utf-8")
    }


@pytest.mark.slow
@pytest.mark.parametrize("fast", [True, False])
def test_batch_fast_flag(tmp_path, fast):
    experiment = tmp_path / "two-days.yaml"
    experiment.write_text(f"name: two-days\nbase: {default_scenario_path()}\nreplications: 1\nsimulation: {{days: 2}}\n", encoding="utf-8")
    args = [
        "batch",
        str(experiment),
        "--out",
        str(tmp_path / "out"),
        "--executor",
        "inprocess",
        "--no-report",
        *(["--fast"] if fast else []),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _modes(tmp_path / "out" / "runs") == {"fast" if fast else "full"}


@pytest.mark.slow
def test_pathway_fast_flag(tmp_path):
    path = experiments_dir() / "pathway-current-plan.yaml"
    args = ["pathway", str(path), "--out", str(tmp_path / "out"), "--years", "2025-2025", "--set", "simulation.days=2", "--fast"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _modes(tmp_path / "out") == {"fast"}
