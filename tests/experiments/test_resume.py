"""Resume: a batch killed midway and resumed gives the same tables as an uninterrupted batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import batch_test_models as models
import pandas as pd
import pytest

from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.store import read_run_manifest
from freight_sim.paths import data_root

HERE = Path(__file__).parent


def _read_tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet"))}


def _assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert set(left) == set(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)


@pytest.fixture
def reference(mini):
    run_batch(mini / "mini_experiment.yaml", mini / "reference", executor="inprocess", run_fn=models.queue_model)
    return _read_tables(mini / "reference")


def test_interrupted_batch_resumes_to_identical_tables(mini, reference):
    counter = mini / "counter"
    counter.mkdir()
    stopping = __import__("functools").partial(models.stops_after, counter_dir=str(counter), limit=4)
    with pytest.raises(KeyboardInterrupt):
        run_batch(mini / "mini_experiment.yaml", mini / "out", executor="inprocess", run_fn=stopping)
    finished = [p for p in (mini / "out" / "runs").iterdir() if (read_run_manifest(mini / "out", p.name) or {}).get("status") == "finished"]
    assert len(finished) == 4
    assert not (mini / "out" / "metrics.parquet").exists()

    result = run_batch(mini / "mini_experiment.yaml", mini / "out", executor="pool", workers=2, resume=True, run_fn=models.queue_model)
    assert result.skipped == 4 and not result.failures
    _assert_same(_read_tables(mini / "out"), reference)


def test_process_killed_midway_resumes_to_identical_tables(mini, reference):
    counter = mini / "counter"
    counter.mkdir()
    env = {**os.environ, "BATCH_TEST_COUNTER_DIR": str(counter), "BATCH_TEST_LIMIT": "6"}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-c", "from freight_sim.cli import main; main()", "batch", str(mini / "mini_experiment.yaml")]
    options = ["--out", str(mini / "out"), "--executor", "inprocess", "--model", "batch_test_models:exits_after"]
    crashed = subprocess.run(command + options, env=env, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr
    assert json.loads((mini / "out" / "batch.json").read_text())["status"] == "running"

    resumed = subprocess.run(
        command + options[:2] + ["--resume", "--workers", "2", "--model", "batch_test_models:queue_model"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert "15 runs finished (6 resumed), 0 failed" in resumed.stdout
    _assert_same(_read_tables(mini / "out"), reference)


def test_deleted_or_failed_manifests_are_redone(mini, reference):
    out = mini / "reference"
    for run_id in ("v-baseline__r001", "v-short__r000"):
        (out / "runs" / run_id / "manifest.json").unlink()
    manifest = read_run_manifest(out, "v-siding-E03__r002")
    (out / "runs" / "v-siding-E03__r002" / "manifest.json").write_text(json.dumps({**manifest, "status": "failed"}))
    result = run_batch(mini / "mini_experiment.yaml", out, executor="inprocess", resume=True, run_fn=models.queue_model)
    redone = sorted(r.run_id for r in result.records if not r.skipped)
    assert redone == ["v-baseline__r001", "v-short__r000", "v-siding-E03__r002"]
    _assert_same(_read_tables(out), reference)


def test_resume_reruns_when_the_config_changed(mini, reference):
    out = mini / "reference"
    result = run_batch(
        mini / "mini_experiment.yaml", out, executor="inprocess", resume=True, overrides=["simulation.travel_time_cv=0.2"],
        run_fn=models.queue_model,
    )  # fmt: skip
    assert result.skipped == 0
    assert read_run_manifest(out, "v-baseline__r000")["config_sha256"] == result.design.runs[0].config_sha256


def test_resume_reruns_when_a_data_file_the_scenario_names_changed(mini):
    costs = mini / "costs.yaml"
    costs.write_bytes((data_root() / "fleets" / "costs.yaml").read_bytes())
    scenario = mini / "mini_scenario.yaml"
    scenario.write_text(scenario.read_text() + "accounting: {costs: costs.yaml}\n")
    out = mini / "out"
    first = run_batch(mini / "mini_experiment.yaml", out, executor="inprocess", run_fn=models.queue_model)
    again = run_batch(mini / "mini_experiment.yaml", out, executor="inprocess", resume=True, run_fn=models.queue_model)
    assert again.skipped == len(first.design.runs)

    costs.write_text(costs.read_text() + "\n# edited\n")
    edited = run_batch(mini / "mini_experiment.yaml", out, executor="inprocess", resume=True, run_fn=models.queue_model)
    assert edited.skipped == 0
    assert edited.design.runs[0].config_sha256 == first.design.runs[0].config_sha256
    assert edited.design.runs[0].inputs_sha256 != first.design.runs[0].inputs_sha256
    assert read_run_manifest(out, "v-baseline__r000")["inputs_sha256"] == edited.design.runs[0].inputs_sha256
