"""Dask as separate processes: a scheduler and two workers started with the ``dask`` command (as on a
cluster of machines), the batch connecting by address. Tables must equal the local pool's, whatever the
grouping of runs into tasks; Ctrl-C must stop the batch with nothing half-written looking finished."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import batch_test_models as models
import pandas as pd
import pytest
from batch_test_files import CLI_DRIVER_CODE, copy_mini

from freight_sim.errors import FreightSimError
from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.dask_executor import run_chunk_on_worker
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.executors import run_dask
from freight_sim.experiments.spec import load_experiment
from freight_sim.experiments.store import finished_record, read_run_manifest

distributed = pytest.importorskip("distributed", reason="needs the optional extra 'dask' (pip install 'freight-sim[dask]')")

HERE = Path(__file__).parent
START_TIMEOUT_S = 120.0


def _dask_command() -> list[str]:
    """The ``dask`` command of this environment (the one a user types)."""
    beside = Path(sys.executable).with_name("dask")
    return [str(beside)] if beside.is_file() else [shutil.which("dask") or "dask"]


def _tables(result) -> dict[str, pd.DataFrame]:
    return {"metrics": result.metrics, **result.tables}


def _assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert set(left) == set(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name].reset_index(drop=True), right[name].reset_index(drop=True), check_exact=True)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):  # workers first, then the scheduler
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 30
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler on a free port (``--port 0``, address read from its scheduler file) and two workers."""
    folder = tmp_path_factory.mktemp("dask-cluster")
    scheduler_file = folder / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    logs = [open(folder / name, "w") for name in ("scheduler.log", "worker-1.log", "worker-2.log")]  # noqa: SIM115
    started = [
        subprocess.Popen(
            [*_dask_command(), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            env=env, cwd=folder, stdout=logs[0], stderr=subprocess.STDOUT,
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not scheduler_file.is_file() or not scheduler_file.read_text().strip():
            assert started[0].poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for log in logs[1:]:
            started.append(subprocess.Popen(
                [*_dask_command(), "worker", address, "--nthreads", "1", "--no-dashboard"],
                env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        with distributed.Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield address
    finally:
        _stop(started)
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def pool_reference(tmp_path_factory):
    mini = copy_mini(tmp_path_factory.mktemp("pool"))
    result = run_batch(mini / "mini_experiment.yaml", mini / "out", executor="pool", workers=2, run_fn=models.queue_model)
    assert not result.failures
    return result


def test_separate_scheduler_and_workers_give_the_pool_tables(cluster, pool_reference, mini):
    result = run_batch(mini / "mini_experiment.yaml", mini / "out", executor="dask", dask_address=cluster, run_fn=models.queue_model)
    assert not result.failures and len(result.records) == 15
    _assert_same_tables(_tables(result), _tables(pool_reference))
    assert not list((mini / "out").glob(".dask-probe*")), "the probe file is removed"


@pytest.mark.parametrize("target_task_s", [0.0, 1e6])
def test_grouping_runs_into_tasks_does_not_change_a_number(cluster, mini, target_task_s):
    """0 s: one run per task; 1e6 s: as many runs per task as keeps both workers busy."""
    design = expand_design(load_experiment(mini / "mini_experiment.yaml"))
    one_by_one = run_dask(design.runs, mini / "a", run_fn=models.queue_model, address=cluster, target_task_s=0.0)
    grouped = run_dask(design.runs, mini / "b", run_fn=models.queue_model, address=cluster, target_task_s=target_task_s)
    assert sorted((r.run_id, r.metrics) for r in one_by_one) == sorted((r.run_id, r.metrics) for r in grouped)
    assert all(finished_record(mini / "b", spec) is not None for spec in design.runs)


def test_a_task_that_dies_is_split_and_its_finished_runs_are_kept(cluster, tmp_path):
    """A run that kills its worker once, grouped with others: the group is retried run by run, and the run
    that kills its worker every time is recorded failed with the others finished."""
    mini = copy_mini(tmp_path)
    (mini / "exp.yaml").write_text(
        "name: k\nbase: mini_scenario.yaml\nreplications: 2\nvariants:\n  doomed: {description: die}\n  other: {description: fine}\n"
    )
    design = expand_design(load_experiment(mini / "exp.yaml"))
    import functools

    run_fn = functools.partial(models.dies_always, description="die")
    records = run_dask(design.runs, mini / "out", run_fn=run_fn, address=cluster, target_task_s=1e6)
    failed = sorted(r.run_id for r in records if r.failed)
    assert failed == ["v-doomed__r000", "v-doomed__r001"]
    assert sorted(r.run_id for r in records if not r.failed) == sorted(s.run_id for s in design.runs if s.variant != "doomed")
    assert read_run_manifest(mini / "out", "v-doomed__r000")["status"] == "failed"


def test_a_worker_that_cannot_see_the_batch_folder_refuses_to_run(tmp_path):
    with pytest.raises(FreightSimError, match="is not visible on worker host"):
        run_chunk_on_worker([], str(tmp_path), ".dask-probe.x.tmp", None, None)


def test_ctrl_c_of_a_batch_on_a_cluster_leaves_nothing_half_written_looking_finished(cluster, mini):
    out = mini / "out"
    env = {**os.environ, "BATCH_TEST_SLEEP_S": "0.5", "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", CLI_DRIVER_CODE, "batch", str(mini / "mini_experiment.yaml"),
               "--out", str(out), "--model", "batch_test_models:slow_model", "--no-report", "--dask", cluster]  # fmt: skip
    driver = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while sum(1 for p in out.glob("runs/*/manifest.json") if json.loads(p.read_text()).get("status") == "finished") < 2:
            assert driver.poll() is None, driver.communicate()[1]
            assert time.monotonic() < deadline, "no run finished"
            time.sleep(0.1)
        os.killpg(driver.pid, signal.SIGINT)
        _stdout, stderr = driver.communicate(timeout=120)
    finally:
        driver.kill()
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    assert json.loads((out / "batch.json").read_text())["status"] == "interrupted"
    time.sleep(3.0)  # a run that was executing on a worker completes or stays 'writing'
    design = expand_design(load_experiment(mini / "mini_experiment.yaml"))
    for spec in design.runs:
        manifest = read_run_manifest(out, spec.run_id) if (out / "runs" / spec.run_id / "manifest.json").is_file() else None
        if manifest is not None and manifest["status"] == "finished":
            assert finished_record(out, spec) is not None, f"{spec.run_id} says finished but its files do not match"
    assert not (out / "metrics.parquet").exists(), "an interrupted batch writes no tables"
    resumed = run_batch(mini / "mini_experiment.yaml", out, executor="dask", dask_address=cluster, resume=True, run_fn=models.queue_model)
    assert not resumed.failures and resumed.skipped >= 2
