"""Every experiment file shipped in experiments/ expands to a valid design and runs at reduced size."""

from __future__ import annotations

import pytest

from freight_sim.experiments.batch import summary_tables
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.executors import run_inprocess
from freight_sim.experiments.spec import load_experiment
from freight_sim.experiments.store import metrics_table
from freight_sim.paths import default_scenario_path, experiments_dir

SHIPPED = sorted(experiments_dir().glob("*.yaml"))
REDUCED = ("simulation.days=5", "simulation.warmup_days=0")  # shorter horizons can leave a chain without a gate leg


def test_the_shipped_set_is_complete():
    names = {p.stem for p in SHIPPED}
    assert {"changzhi-baseline", "sidings", "electrification", "grid", "harsh-winter", "sensitivity"} <= names


@pytest.fixture(scope="module")
def bundled_scenario():
    assert default_scenario_path().is_file(), f"bundled scenario missing: {default_scenario_path()}"
    return default_scenario_path()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_experiment_expands_to_valid_runs(path, bundled_scenario):
    experiment = load_experiment(path)
    design = expand_design(experiment, replications=2, overrides=REDUCED)  # validates every distinct scenario
    assert len(design.runs) == 2 * len(design.variants) * (len(design.sample.matrix) if design.sample is not None else 1)
    assert len({r.run_id for r in design.runs}) == len(design.runs)
    if experiment.spec.generate.each_candidate_siding:
        assert any(v.siding_enterprise for v in design.variants)


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_experiment_runs_at_reduced_size(path, bundled_scenario, tmp_path):
    """The baseline and the first other variant (first sample point, one replication) run with the real model."""
    experiment = load_experiment(path)
    design = expand_design(experiment, replications=1, overrides=REDUCED)
    chosen_variants = [v.name for v in design.variants][:2]
    chosen = [r for r in design.runs if r.variant in chosen_variants and (r.sample or 0) == 0]
    records = run_inprocess(chosen, tmp_path)
    failures = [f"{r.run_id}: {r.error}" for r in records if r.failed]
    assert not failures, "\n".join(failures)
    metrics = metrics_table(records)
    for name in ("clean_transport_ratio", "nox_kg", "co2_wtw_t", "truck_trips"):
        assert name in set(metrics["metric"]), name
    tables = summary_tables(metrics, design, experiment.spec.report.ranking_metrics)
    if len(chosen_variants) > 1:
        differences = tables["paired_differences"]
        assert set(differences["variant"]) == {chosen_variants[1]}
    if experiment.spec.generate.each_candidate_siding:
        ranking = tables["siding_ranking"]
        assert set(ranking["metric"]) == set(experiment.spec.report.ranking_metrics) & set(metrics["metric"])
        assert (ranking["capex_million_cny"] > 0).all()
