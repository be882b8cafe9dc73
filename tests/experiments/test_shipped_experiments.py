"""Every experiment file shipped in experiments/ expands to a valid design and runs at reduced size."""

from __future__ import annotations

import pytest

from freight_sim.config.file_kind import EXPERIMENT, SCENARIO, detect_kind
from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.spec import load_experiment
from freight_sim.paths import default_scenario_path, experiments_dir

ALL_FILES = sorted(experiments_dir().glob("*.yaml"))
SHIPPED = [p for p in ALL_FILES if detect_kind(p) is EXPERIMENT]
PATHWAYS = [p for p in ALL_FILES if detect_kind(p) is SCENARIO]  # scenario files with a pathway section
REDUCED = ("simulation.days=5", "simulation.warmup_days=0")  # shorter horizons can leave a chain without a gate leg
# pathways at reduced size: six days across 1 July 2025, when measures of both shipped pathways are under way
PATHWAY_REDUCED = ("simulation.start_date=2025-06-28", "simulation.days=6", "simulation.warmup_days=0")


def test_the_shipped_set_is_complete():
    names = {p.stem for p in SHIPPED}
    assert {"changzhi-baseline", "sidings", "electrification", "grid", "harsh-winter", "sensitivity"} <= names
    assert {p.stem for p in PATHWAYS} == {"pathway-current-plan", "pathway-accelerated"}
    assert len(SHIPPED) + len(PATHWAYS) == len(ALL_FILES)


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHWAYS, ids=lambda p: p.stem)
def test_shipped_pathway_runs_at_reduced_size(path, tmp_path):
    """Each shipped pathway validates over its whole years and runs six days with its measures under way."""
    from freight_sim.config import load_scenario
    from freight_sim.experiments.pathway_driver import run_pathway
    from freight_sim.scenario_checks import checked_spec

    loaded = load_scenario(path)
    assert loaded.model.pathway is not None and loaded.model.pathway.description
    checked_spec(loaded)  # every check `validate` makes, and the whole 2024-2030 model assembles
    result = run_pathway(path, tmp_path / "out", replications=1, executor="inprocess", overrides=PATHWAY_REDUCED)
    assert result.summary["days_by_year"] == {"2025": 6}
    assert (tmp_path / "out" / "report.html").is_file()
    figures = {m: result.trajectory[result.trajectory["metric"] == m] for m in ("truck_trips", "clean_transport_ratio")}
    assert all(len(frame) for frame in figures.values())


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
def test_shipped_experiment_runs_every_point_at_reduced_size(path, bundled_scenario, tmp_path):
    """Every variant, sweep point and sample point (one replication, five days) runs with the real model
    through the batch driver and the process pool, and the summaries are complete."""
    experiment = load_experiment(path)
    result = run_batch(experiment, tmp_path / "out", executor="pool", workers=2, replications=1, overrides=REDUCED)
    failures = [f"{r.run_id}: {r.error}" for r in result.failures]
    assert not failures, "\n".join(failures)
    assert len(result.records) == len(result.design.runs) == len(expand_design(experiment, 1, REDUCED).runs)
    metrics, tables = result.metrics, result.tables
    for name in ("clean_transport_ratio", "nox_kg", "co2_wtw_t", "truck_trips"):
        assert name in set(metrics["metric"]), name
    others = [v.name for v in result.design.variants if v.base_variant != v.name]
    if others and "paired_differences" in tables:
        assert set(tables["paired_differences"]["variant"]) <= set(others)
    sample = result.design.sample
    if sample is not None and sample.method in ("sobol", "morris"):
        indices = tables[f"{sample.method}_indices"]
        assert len(indices) > 0 and indices.drop(columns=[c for c in indices.columns if indices[c].dtype == object]).notna().any().any()
    if experiment.spec.generate.each_candidate_siding:
        ranking = tables["siding_ranking"]
        assert set(ranking["metric"]) == set(experiment.spec.report.ranking_metrics) & set(metrics["metric"])
        assert (ranking["capex_million_cny"] > 0).all()
