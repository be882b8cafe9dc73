"""Every experiment and optimisation file shipped in experiments/ expands to a valid design and runs at reduced size."""

from __future__ import annotations

import pytest

from freight_sim.config.file_kind import EXPERIMENT, OPTIMISATION, SCENARIO, detect_kind
from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.siding_table import CRITERIA
from freight_sim.experiments.spec import load_experiment
from freight_sim.paths import default_scenario_path, experiments_dir

ALL_FILES = sorted(experiments_dir().glob("*.yaml"))
SHIPPED = [p for p in ALL_FILES if detect_kind(p) is EXPERIMENT]
PATHWAYS = [p for p in ALL_FILES if detect_kind(p) is SCENARIO]  # scenario files with a pathway section
OPTIMISATIONS = [p for p in ALL_FILES if detect_kind(p) is OPTIMISATION]
REDUCED = ("simulation.days=5", "simulation.warmup_days=0")  # shorter horizons can leave a chain without a gate leg
# pathways at reduced size: six days across 1 July 2025, when measures of both shipped pathways are under way
PATHWAY_REDUCED = ("simulation.start_date=2025-06-28", "simulation.days=6", "simulation.warmup_days=0")


def test_the_shipped_set_is_complete():
    names = {p.stem for p in SHIPPED}
    assert {"changzhi-baseline", "sidings", "electrification", "grid", "harsh-winter", "sensitivity", "uncertainty"} <= names
    assert {p.stem for p in PATHWAYS} == {"pathway-current-plan", "pathway-accelerated"}
    assert {"optimise-80", "optimise-pathway-2026"} <= {p.stem for p in OPTIMISATIONS}
    assert len(SHIPPED) + len(PATHWAYS) + len(OPTIMISATIONS) == len(ALL_FILES)


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
    if sample is not None:
        spread = tables["spread"]
        assert set(spread["samples"]) == {len(sample.matrix)}
        assert spread.loc[spread["metric"] == "nox_kg", "input_std"].gt(0).all()
    if experiment.spec.generate.each_candidate_siding:
        ranking = tables["siding_ranking"]
        assert set(ranking["metric"]) == set(experiment.spec.report.ranking_metrics) & set(metrics["metric"])
        assert (ranking["capex_million_cny"] > 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("path", OPTIMISATIONS, ids=lambda p: p.stem)
def test_shipped_optimisation_runs_at_reduced_size(path, bundled_scenario, tmp_path):
    """The file's checks (every choice of every variable; the base, each variable at its last choice and all
    at once assembled), then a search of a few portfolios over two days with the real model on the pool, at
    every sample point of its uncertain inputs; a pathway base over two days of its last constrained year.
    The greedy baseline is left out here (it simulates every single measure); tests/optimise covers it."""
    pytest.importorskip("pymoo")
    from freight_sim.config.pathway import PathwayYears
    from freight_sim.optimise.run import optimise
    from freight_sim.optimise.spec import Optimisation, load_optimisation

    loaded = load_optimisation(path)
    update = {
        "simulation": {**loaded.spec.simulation, "days": 2},
        "replications": 1,
        "budget": loaded.spec.budget.model_copy(update={"evaluations": 2, "population": 2}),
        "verify": loaded.spec.verify.model_copy(update={"replications": 1}),
        "greedy": False,
    }
    years = [c.year for c in loaded.spec.constraints if c.year is not None]
    if years:
        update["years"] = PathwayYears(first=max(years), last=max(years))
    reduced = loaded.spec.model_copy(update=update)
    result = optimise(Optimisation(reduced, loaded.path, loaded.source), tmp_path / "out", executor="pool", workers=2)
    assert result.summary["evaluations"] >= 2 and not result.evaluations["failed"].astype(bool).any()
    points = result.summary["sample_points"]
    if loaded.spec.uncertainty is not None and loaded.spec.uncertainty.method == "lhs":
        assert points == loaded.spec.uncertainty.n  # every sample point of the file
    assert result.summary["runs_per_portfolio"] == max(1, points)
    assert result.summary["runs_simulated"] >= result.summary["evaluations"] * max(1, points)
    assert (tmp_path / "out" / "report.html").is_file()


@pytest.mark.slow
def test_uncertainty_batch_reports_input_spread_and_simulation_noise(tmp_path):
    """experiments/uncertainty.yaml at reduced size with two replications (baseline and one siding, every
    sample point): the spread table gives both spreads, the siding table the improvement's range over the
    inputs, and the batch report shows the spread."""
    experiment = load_experiment(experiments_dir() / "uncertainty.yaml")
    first_siding = next(v.name for v in expand_design(experiment, 1, REDUCED).variants if v.siding_enterprise)
    result = run_batch(
        experiment,
        tmp_path / "out",
        executor="pool",
        workers=2,
        replications=2,
        overrides=REDUCED,
        variants=[first_siding],
        write_report=True,
    )
    assert not result.failures, [r.error for r in result.failures]
    spread = result.tables["spread"].set_index(["variant", "metric"])
    for variant in ("baseline", first_siding):
        row = spread.loc[(variant, "nox_kg")]
        assert row["samples"] == len(result.design.sample.matrix) and row["replications"] == 2
        assert row["input_std"] > 0 and row["noise_std"] > 0  # both spreads, apart
        assert row["input_low"] < row["mean"] < row["input_high"]
    table = result.tables["siding_table"].iloc[0]
    assert table["nox_kg_input_low"] <= table["nox_kg_improvement"] <= table["nox_kg_input_high"]
    assert table["nox_kg_input_high"] - table["nox_kg_input_low"] > 0
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Spread due to uncertain inputs" in report and "input_std" in report
    siding_rows = report[report.index('id="siding-table"') : report.index('id="design"')]
    assert "This batch samples uncertain inputs" in siding_rows
    with_range = [stem for stem, _ in CRITERIA if table[f"{stem}_input_low"] == table[f"{stem}_input_low"]]
    assert "nox_kg" in with_range
    assert siding_rows.count("<small class='inputs'>inputs ") == len(with_range), "each criterion shows its range over the inputs"
    assert "sidings cut NOx over the whole 95% range of the uncertain inputs" in report
