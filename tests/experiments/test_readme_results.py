"""The README's results table is what `python -m freight_sim.experiments.readme_results` wrote, for the
current experiment, data files and model source; the command's mechanics run here at reduced size."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from freight_sim.experiments import readme_results as rr

REPO = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate with: .venv/bin/python -m freight_sim.experiments.readme_results"


def test_the_readme_block_is_what_the_committed_figures_render_to():
    frame, _ = rr.read_results(REPO)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rr.readme_block(readme) == rr.render_block(frame), f"README.md and docs/readme-results.csv disagree; {REGENERATE}"


def test_the_committed_figures_come_from_the_current_experiment_data_and_model():
    _, recorded = rr.read_results(REPO)
    current = rr.fingerprint()
    for variant, run in current["runs"].items():
        assert recorded["runs"].get(variant) == run, f"case {variant}: scenario, experiment or data files changed; {REGENERATE}"
    assert recorded["runs"].keys() == current["runs"].keys()
    assert recorded["model_source_sha256"] == current["model_source_sha256"], f"model source changed; {REGENERATE}"


def test_the_committed_figures_are_complete_and_finite():
    frame, _ = rr.read_results(REPO)
    assert list(frame.columns) == list(rr.COLUMNS)
    assert list(frame["variant"]) == list(rr.CASES)
    assert all(math.isfinite(v) and v > 0 for v in frame.drop(columns=["variant", "busiest_section"]).to_numpy().ravel())
    # the single-track section is the busiest of the default year, below saturation
    base = frame.set_index("variant").loc["baseline"]
    assert base.busiest_section == rr.SINGLE_TRACK_SECTION and 0.5 < base.single_track_utilisation < 1.0


@pytest.mark.slow
def test_the_command_runs_the_four_cases_at_reduced_size(tmp_path):
    frame = rr.run_cases(tmp_path / "batch", overrides=("simulation.days=3", "simulation.warmup_days=0"))
    assert list(frame["variant"]) == list(rr.CASES)
    assert frame["truck_trips"].gt(0).all() and frame["nox_tailpipe_t"].gt(0).all()
    block = rr.render_block(frame)
    assert block.count("\n|") == 5 and "battery drayage changes tailpipe NOx" in block
    readme = f"intro\n{rr.START}\nold table\n{rr.END}\nrest\n"
    rewritten = rr.with_block(readme, block)
    assert rr.readme_block(rewritten) == block and rewritten.startswith("intro\n") and rewritten.endswith("\nrest\n")


def test_render_block_reads_the_figures():
    frame = pd.DataFrame(
        [
            ("baseline", 0.5, 400.0, 200.0, 2.0e6, 66.04, 0.052, 0.874, 0.874, 0.61, "TJ_NORTH"),
            ("all-sidings", 0.7, 200.0, 150.0, 1.5e6, 64.0, 0.05, 0.96, 0.96, 1.25, "TJ_NORTH"),
            ("battery-drayage", 0.6, 300.0, 210.0, 2.0e6, 63.0, 0.04, 0.874, 0.874, 0.61, "TJ_NORTH"),
            ("both", 0.81, 150.0, 160.0, 1.5e6, 62.0, 0.03, 0.96, 0.96, 1.25, "TJ_NORTH"),
        ],
        columns=list(rr.COLUMNS),
    )
    block = rr.render_block(frame)
    assert "| baseline | 0.50 | 400 | 200 | 2.00 |" in block
    assert "battery drayage changes tailpipe NOx by -25% and well-to-wheel CO2 by +5%" in block
    assert "all candidate sidings change them by -50% and -25%" in block
    assert "Reaching the 80% target: both." in block
    assert "in the baseline year 5.2% of their km are such detours, and they emit 66.0 g CO2/tkm" in block
    assert "above the 57-65 g/tkm" in block
    assert "busiest rail line section of the baseline year is the single-track Taiyuan-Jiaozuo section" in block
    assert "take 87% of its open train paths" in block and "waits 0.6 h for a path" in block
    assert "with all candidate sidings built it is 96% and 1.2 h" in block
