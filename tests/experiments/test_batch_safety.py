"""A batch's output folder and processes under stress: a concurrent batch, kill -9, Ctrl-C, tampered files.

These start the CLI in a child process (as a user's shell does) with the test models of
``batch_test_models``; ``slow_model`` sleeps ``BATCH_TEST_SLEEP_S`` before each run so a batch can be
caught mid-way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import batch_test_models as models
import pandas as pd
import pytest
from batch_test_files import CLI_DRIVER_CODE
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.worker_guard import process_alive

HERE = Path(__file__).parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the batch's processes")


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet"))}


def _assert_same_tables(left: Path, right: Path) -> None:
    a, b = _tables(left), _tables(right)
    assert set(a) == set(b) and a
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, grandchildren, ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if stat[0] not in ("Z", "X"):
                parents[int(entry.name)] = int(stat[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _start_batch(mini: Path, out: Path, *options: str, sleep_s: float = 1.0, new_session: bool = False) -> subprocess.Popen:
    env = {**os.environ, "BATCH_TEST_SLEEP_S": str(sleep_s)}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-c", CLI_DRIVER_CODE, "batch", str(mini / "mini_experiment.yaml")]
    command += ["--out", str(out), "--model", "batch_test_models:slow_model", "--no-report", *options]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=new_session)


def _wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _finished_runs(out: Path) -> int:
    return sum(1 for p in out.glob("runs/*/manifest.json") if json.loads(p.read_text()).get("status") == "finished")


@pytest.fixture
def solo(mini):
    """The tables of the experiment run alone, in process."""
    run_batch(mini / "mini_experiment.yaml", mini / "solo", executor="inprocess", run_fn=models.queue_model)
    return mini / "solo"


def test_a_second_batch_on_the_same_folder_fails_at_once_and_the_first_is_untouched(mini, solo):
    out = mini / "out"
    first = _start_batch(mini, out, "--executor", "inprocess", sleep_s=0.2)
    try:
        _wait_for(lambda: (out / "batch.json").is_file(), 60, "the first batch to start")
        started = time.monotonic()
        second = CliRunner().invoke(app, ["batch", str(mini / "mini_experiment.yaml"), "--out", str(out), "--executor", "inprocess"])
        assert time.monotonic() - started < 5.0
        assert second.exit_code == 1
        assert "another freight-sim command is writing into this folder" in second.stderr
        assert first.wait(timeout=180) == 0, first.stderr
    finally:
        first.kill()
    _assert_same_tables(out, solo)


def test_kill_9_of_the_driver_leaves_no_worker_within_5_seconds(mini):
    driver = _start_batch(mini, mini / "out", "--executor", "pool", "--workers", "2", sleep_s=60)
    try:
        _wait_for(lambda: len(_descendants(driver.pid)) >= 3, 90, "the pool's workers to start")
        time.sleep(3.0)  # the workers have run their initializer and hold a run each
        batch_processes = _descendants(driver.pid)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=10)
        deadline = time.monotonic() + 5.0
        while any(process_alive(pid) for pid in batch_processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in batch_processes if process_alive(pid)], "processes of the killed batch still run"
    finally:
        driver.kill()


def test_ctrl_c_stops_a_pool_batch_with_a_resume_hint_and_resume_finishes_it(mini, solo):
    out = mini / "out"
    driver = _start_batch(mini, out, "--executor", "pool", "--workers", "2", sleep_s=0.5, new_session=True)
    try:
        _wait_for(lambda: _finished_runs(out) >= 2, 120, "two finished runs")
        batch_processes = _descendants(driver.pid)
        os.killpg(driver.pid, signal.SIGINT)  # what a terminal sends the whole foreground group
        _stdout, stderr = driver.communicate(timeout=60)
    finally:
        driver.kill()
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert f"continue with: freight-sim batch {mini / 'mini_experiment.yaml'} --out {out} --resume" in stderr
    time.sleep(2.0)
    assert not [pid for pid in batch_processes if process_alive(pid)]
    assert json.loads((out / "batch.json").read_text())["status"] == "interrupted"
    result = run_batch(mini / "mini_experiment.yaml", out, executor="inprocess", resume=True, run_fn=models.queue_model)
    assert result.skipped >= 2 and not result.failures
    _assert_same_tables(out, solo)


def test_resume_redoes_a_run_whose_files_changed_and_removes_temp_files(mini, solo):
    run_id = "v-baseline__r001"
    table = next((solo / "runs" / run_id / "tables").glob("*.parquet"))
    table.write_bytes(table.read_bytes() + b"\0")
    leftover = solo / "runs" / "v-short__r000" / ".summary.json.x1y2.tmp"
    leftover.write_text("half")
    result = run_batch(mini / "mini_experiment.yaml", solo, executor="inprocess", resume=True, run_fn=models.queue_model)
    assert [r.run_id for r in result.records if not r.skipped] == [run_id]
    assert not leftover.exists()
    manifest = json.loads((solo / "runs" / run_id / "manifest.json").read_text())
    assert manifest["status"] == "finished" and all(manifest["files"].values())
    top = json.loads((solo / "manifest.json").read_text())
    assert top["kind"] == "batch" and {"batch.json", "metrics.parquet", "metrics.csv"} <= set(top["files"])
