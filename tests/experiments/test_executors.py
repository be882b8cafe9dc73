"""Executors: identical tables in-process, in a 2-worker pool and on a local Dask cluster; failures are contained.

A scheduler and workers started as separate processes: tests/experiments/test_dask_cluster.py.
"""

from __future__ import annotations

import functools

import batch_test_models as models
import pandas as pd
import pytest
from batch_test_files import write_experiment

from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.executors import chunk_size
from freight_sim.experiments.store import read_run_manifest


def _tables(result):
    return {"metrics": result.metrics, **result.tables}


def _assert_same_tables(left, right):
    assert set(left) == set(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name].reset_index(drop=True), right[name].reset_index(drop=True), check_exact=True)


@pytest.fixture(scope="module")
def inprocess_reference(tmp_path_factory):
    from batch_test_files import DATA

    out = tmp_path_factory.mktemp("inprocess")
    result = run_batch(DATA / "mini_experiment.yaml", out, executor="inprocess", run_fn=models.queue_model)
    assert not result.failures
    return result


def test_inprocess_writes_every_run(inprocess_reference):
    result = inprocess_reference
    assert len(result.records) == 15
    assert list(result.metrics["run_id"]) == sorted(result.metrics["run_id"])
    assert set(result.metrics["variant"]) == {"baseline", "more-bays", "short", "siding-E02", "siding-E03"}


def test_pool_with_two_workers_matches_inprocess(mini, inprocess_reference):
    result = run_batch(mini / "mini_experiment.yaml", mini / "out", executor="pool", workers=2, run_fn=models.queue_model)
    assert not result.failures
    _assert_same_tables(_tables(result), _tables(inprocess_reference))


def test_dask_local_cluster_matches_inprocess(mini, inprocess_reference):
    pytest.importorskip("dask.distributed")
    result = run_batch(mini / "mini_experiment.yaml", mini / "out", executor="dask", workers=2, run_fn=models.queue_model)
    assert not result.failures
    _assert_same_tables(_tables(result), _tables(inprocess_reference))


def test_killed_worker_loses_no_run(tmp_path):
    path = write_experiment(
        tmp_path,
        "name: k\nbase: mini_scenario.yaml\nreplications: 2\nvariants:\n  doomed: {description: die}\n  other: {description: fine}\n",
    )
    markers = tmp_path / "markers"
    markers.mkdir()
    run_fn = functools.partial(models.dies_once, marker_dir=str(markers))
    result = run_batch(path, tmp_path / "out", executor="pool", workers=2, run_fn=run_fn)
    assert not result.failures
    assert len(result.records) == 6
    assert len(list(markers.iterdir())) == 2  # each doomed run killed its worker once
    retried = {r.run_id: r.attempts for r in result.records if r.variant == "doomed"}
    assert set(retried) == {"v-doomed__r000", "v-doomed__r001"}
    assert all(attempts >= 2 for attempts in retried.values())
    reference = run_batch(path, tmp_path / "ref", executor="inprocess", run_fn=models.queue_model)
    pd.testing.assert_frame_equal(result.metrics, reference.metrics, check_exact=True)


@pytest.mark.parametrize("unexpected", [False, True])
def test_a_run_that_always_fails_is_reported_and_the_rest_finish(tmp_path, unexpected):
    path = write_experiment(tmp_path, "name: f\nbase: mini_scenario.yaml\nreplications: 2\nvariants:\n  broken: {description: crash}\n")
    run_fn = functools.partial(models.fails_for_description, unexpected=unexpected)
    result = run_batch(path, tmp_path / "out", executor="pool", workers=2, run_fn=run_fn)
    assert sorted(r.run_id for r in result.failures) == ["v-broken__r000", "v-broken__r001"]
    assert sorted(r.run_id for r in result.records if not r.failed) == ["v-baseline__r000", "v-baseline__r001"]
    manifest = read_run_manifest(tmp_path / "out", "v-broken__r000")
    assert manifest["status"] == "failed"
    if unexpected:
        assert "Traceback" in manifest["error"] and "ZeroDivisionError" in manifest["error"]
    else:
        assert manifest["error"].startswith("ModelError: scenario mini: stockyard overflow")
    assert set(result.metrics["variant"]) == {"baseline"}


def test_a_run_that_always_kills_its_worker_is_failed_after_bounded_retries(tmp_path):
    path = write_experiment(tmp_path, "name: k\nbase: mini_scenario.yaml\nvariants:\n  doomed: {description: die}\n")
    run_fn = functools.partial(models.dies_always, description="die")
    result = run_batch(path, tmp_path / "out", executor="pool", workers=1, run_fn=run_fn)
    assert [r.run_id for r in result.failures] == ["v-doomed__r000"]
    assert "worker process died in each of 3 attempts when run alone" in result.failures[0].error
    assert [r.run_id for r in result.records if not r.failed] == ["v-baseline__r000"]


def test_chunk_size_targets_one_second_without_idling_workers():
    assert chunk_size(0.01, remaining=1000, workers=2) == 100
    assert chunk_size(0.01, remaining=50, workers=2) == 25
    assert chunk_size(5.0, remaining=50, workers=2) == 1
    assert chunk_size(0.0, remaining=3, workers=4) == 1


def test_dask_survives_a_killed_worker(tmp_path):
    pytest.importorskip("dask.distributed")
    path = write_experiment(tmp_path, "name: k\nbase: mini_scenario.yaml\nreplications: 2\nvariants:\n  doomed: {description: die}\n")
    markers = tmp_path / "markers"
    markers.mkdir()
    run_fn = functools.partial(models.dies_once, marker_dir=str(markers))
    result = run_batch(path, tmp_path / "out", executor="dask", workers=2, run_fn=run_fn)
    assert not result.failures
    assert len(list(markers.iterdir())) == 2
    reference = run_batch(path, tmp_path / "ref", executor="inprocess", run_fn=models.queue_model)
    pd.testing.assert_frame_equal(result.metrics, reference.metrics, check_exact=True)


def test_common_random_numbers_make_a_no_op_variant_differ_by_exactly_zero(tmp_path):
    path = write_experiment(
        tmp_path, "name: crn\nbase: mini_scenario.yaml\nreplications: 4\nvariants:\n  renamed: {description: same model}\n"
    )
    result = run_batch(path, tmp_path / "out", executor="inprocess", run_fn=models.queue_model)
    differences = result.tables["paired_differences"].set_index("metric")
    spread = result.tables["summary_by_variant"].set_index(["variant", "metric"])
    assert spread.loc[("baseline", "truck_trips"), "std"] > 0  # replications do differ
    assert (differences["mean_difference"] == 0).all() and (differences["std_difference"] == 0).all()
