"""experiments/uncertainty.yaml, the longest shipped batch, at reduced size: every sample point runs, and the
summaries report the spread due to uncertain inputs apart from simulation noise. Apart from
test_shipped_experiments.py so that the suite's workers (one file each) share the load."""

from __future__ import annotations

import pytest
from test_shipped_experiments import REDUCED, RUN_APART, check_runs_every_point

from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.design import expand_design
from freight_sim.experiments.siding_table import CRITERIA
from freight_sim.experiments.spec import load_experiment
from freight_sim.paths import experiments_dir


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(RUN_APART))
def test_shipped_experiment_runs_every_point_at_reduced_size(stem, tmp_path):
    check_runs_every_point(experiments_dir() / f"{stem}.yaml", tmp_path)


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
