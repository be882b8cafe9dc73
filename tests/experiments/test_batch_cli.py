"""`freight-sim batch` through typer's CliRunner."""

from __future__ import annotations

import json

import pandas as pd
from batch_test_files import write_experiment
from typer.testing import CliRunner

from freight_sim.cli import app

MODEL = ["--model", "batch_test_models:queue_model"]


def test_batch_runs_and_writes_tables(mini):
    out = mini / "out"
    result = CliRunner().invoke(app, ["batch", str(mini / "mini_experiment.yaml"), "--out", str(out), "--executor", "inprocess", *MODEL])
    assert result.exit_code == 0, result.output
    assert "15 runs finished (0 resumed), 0 failed" in result.output
    assert "siding-E02" in result.output and "NOx (tailpipe)" in result.output  # the end-of-batch table, human headers
    assert result.output.index("baseline") < result.output.index("siding-E02")  # design order, baseline first
    import openpyxl

    workbook = openpyxl.load_workbook(out / "summary.xlsx", read_only=True)
    assert {"summary_by_variant", "paired_differences", "siding_ranking", "siding_table", "metrics"} <= set(workbook.sheetnames)
    for name in ("metrics", "summary_by_variant", "paired_differences", "siding_ranking"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    assert (out / "metrics.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(out / "metrics.csv", encoding="utf-8-sig")
    assert list(csv.columns) == ["run_id", "variant", "sample", "replication", "metric", "value", "unit"]
    batch = json.loads((out / "batch.json").read_text())
    assert batch["status"] == "finished" and batch["runs_finished"] == 15


def test_replications_and_set_options(mini):
    out = mini / "out"
    args = ["batch", str(mini / "mini_experiment.yaml"), "--out", str(out), "--executor", "inprocess", "--replications", "1"]
    result = CliRunner().invoke(app, [*args, "--set", "simulation.days=1", *MODEL])
    assert result.exit_code == 0, result.output
    manifests = sorted((out / "runs").glob("*/manifest.json"))
    assert len(manifests) == 5
    summary = json.loads((out / "runs" / "v-baseline__r000" / "summary.json").read_text())
    assert summary["scenario"] == "mini"


def test_failed_runs_give_exit_code_1_and_are_listed(tmp_path):
    path = write_experiment(tmp_path, "name: f\nbase: mini_scenario.yaml\nvariants:\n  broken: {description: crash}\n")
    args = ["batch", str(path), "--out", str(tmp_path / "out"), "--workers", "2", "--model", "batch_test_models:fails_for_description"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "1 runs finished (0 resumed), 1 failed" in result.output
    assert "failed: v-broken__r000: ModelError: scenario mini: stockyard overflow beyond recovery" in result.output


def test_invalid_experiment_prints_file_and_line(tmp_path):
    path = write_experiment(tmp_path, "name: f\nbase: mini_scenario.yaml\nreplications: 0\n")
    result = CliRunner().invoke(app, ["batch", str(path), "--out", str(tmp_path / "out"), *MODEL])
    assert result.exit_code == 1
    assert f"{path}:3: replications: " in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_executor_is_a_usage_error(mini):
    result = CliRunner().invoke(app, ["batch", str(mini / "mini_experiment.yaml"), "--out", str(mini / "o"), "--executor", "slurm"])
    assert result.exit_code == 2


def test_dask_option_selects_the_dask_executor(mini, monkeypatch):
    import freight_sim.experiments.batch as batch_module

    seen = {}

    def fake_run_batch(experiment, out, **options):
        seen.update(options)
        raise batch_module.FreightSimError("stopped before running")

    monkeypatch.setattr(batch_module, "run_batch", fake_run_batch)
    args = ["batch", str(mini / "mini_experiment.yaml"), "--out", str(mini / "o"), "--dask", "tcp://10.0.0.1:8786", "--workers", "3"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "error: stopped before running" in result.output
    assert (seen["executor"], seen["dask_address"], seen["workers"]) == ("dask", "tcp://10.0.0.1:8786", 3)
