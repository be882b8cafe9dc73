"""`freight-sim pathway`: outputs, folder safety, executors, and a pathway as the base of a batch."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.experiments.batch import run_batch
from freight_sim.experiments.pathway_driver import run_pathway
from freight_sim.manifest import read_manifest
from freight_sim.paths import default_scenario_path, experiments_dir

SHORT = ("simulation.start_date=2025-06-28", "simulation.days=6")  # across E38's commissioning on 1 July (current plan)


def pathway_file(folder: Path) -> Path:
    path = folder / "pathway.yaml"
    path.write_text(
        f"base: {default_scenario_path()}\n"
        "name: small-pathway\n"
        "pathway:\n"
        "  years: {first: 2025, last: 2026}\n"
        "  targets: {2025: 0.8}\n"
        "  sidings:\n"
        "    E04: {commissioned: 2025-01-03, ramp_up_months: 1}\n"
        "  fleet_renewals:\n"
        "    dray: {fleet: drayage, enterprises: [E06, E09], mix: nev-drayage, start: 2025-01-01, turnover_months: 1}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_the_command_writes_the_trajectory_and_refuses_a_folder_with_user_files(tmp_path):
    scenario = pathway_file(tmp_path)
    out = tmp_path / "out"
    args = ["pathway", str(scenario), "--out", str(out), "--years", "2025-2025", "--set", "simulation.days=8", "--lang", "zh"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in ("trajectory.csv", "compliance_by_year.csv", "sidings_built.csv", "summary.json", "report.html"):
        assert (out / name).is_file(), name
    manifest = read_manifest(out)
    assert manifest["kind"] == "pathway" and manifest["status"] == "finished"
    trajectory = pd.read_csv(out / "trajectory.csv", encoding="utf-8-sig")
    assert list(trajectory.columns) == ["year", "enterprise", "metric", "value", "unit", "ci_low", "ci_high", "replications"]
    assert set(trajectory["year"]) == {2025}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["days_by_year"] == {"2025": 8}
    assert summary["discount_rate"] == 0.08 and "discount rate" in summary["discount_rate_source"]
    assert summary["enterprises_meeting_target"]["2025"]["of"] == 40
    assert isinstance(summary["target_met_by_deadline"], bool)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "清洁运输比例" in report
    sidings = pd.read_csv(out / "sidings_built.csv", encoding="utf-8-sig")
    assert sidings[["enterprise", "commissioned", "ramp_up_months", "full_capacity_from"]].values.tolist() == [
        ["E04", "2025-01-03", 1, "2025-01-03"]
    ]
    assert "投用日期" in report and "2025-01-03 (估计)" in report
    assert "相对基准路径的减排" in report and summary["reduction_against_baseline"]["plan"]["cumulative_cut_t"] == 10_000
    # the same command again replaces its own result; a user's file in the folder is refused
    assert CliRunner().invoke(app, args).exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1 and "did not write" in refused.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_scenario_without_a_pathway_is_refused_with_its_file(tmp_path):
    result = CliRunner().invoke(app, ["pathway", str(default_scenario_path()), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "scenario.yaml:1: pathway: the scenario has no pathway section" in result.output
    bad = CliRunner().invoke(app, ["pathway", str(pathway_file(tmp_path)), "--out", str(tmp_path / "o"), "--years", "2025-2040"])
    assert bad.exit_code == 1 and "--years:1: years:" in bad.output


@pytest.mark.slow
def test_same_seed_gives_the_same_trajectory_in_process_and_on_the_pool(tmp_path):
    scenario = pathway_file(tmp_path)
    common = {"years": (2025, 2025), "replications": 2, "seed": 5, "overrides": ("simulation.days=6",)}
    one = run_pathway(scenario, tmp_path / "a", executor="inprocess", **common)
    two = run_pathway(scenario, tmp_path / "b", executor="pool", workers=2, **common)
    pd.testing.assert_frame_equal(one.trajectory, two.trajectory)
    pd.testing.assert_frame_equal(one.compliance, two.compliance)
    assert (tmp_path / "a" / "trajectory.csv").read_bytes() == (tmp_path / "b" / "trajectory.csv").read_bytes()
    assert one.trajectory["replications"].max() == 2


@pytest.mark.slow
def test_a_pathway_is_the_base_of_a_batch_that_varies_its_dates(tmp_path):
    experiment = tmp_path / "compare.yaml"
    experiment.write_text(
        f"name: compare-pathways\nbase: {experiments_dir() / 'pathway-current-plan.yaml'}\n"
        "variants:\n  e38-early: {pathway: {sidings: {E38: {commissioned: 2025-06-28, ramp_up_months: 0}}}}\n"
        "sweep:\n  pathway.sidings.E37.ramp_up_months: [1, 6]\n",
        encoding="utf-8",
    )
    result = run_batch(experiment, tmp_path / "out", executor="inprocess", replications=1, overrides=SHORT)
    assert not result.failures, [r.error for r in result.failures]
    metrics = result.metrics
    assert {"ratio_by_year.2025", "nox_kg_by_year.2025", "npv_cost_cny"} <= set(metrics["metric"])
    siding = metrics[metrics["metric"] == "tonnes_by_chain.rail_siding"]
    assert len(siding) == 4  # 2 variants x 2 sweep points, named variant@ramp_up_months=value
    e38 = siding.groupby(siding["variant"].str.split("@").str[0])["value"].mean()
    # E38's siding opens on 1 July at a sixth of its capacity in the plan, at full capacity on 28 June in the variant
    assert e38["e38-early"] > e38["baseline"]
