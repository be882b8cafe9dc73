"""Emission cuts against the baseline path (the same years without the dated measures) beside the plan's cut."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.experiments.pathway_driver import run_pathway
from freight_sim.paths import default_scenario_path, experiments_dir
from freight_sim.pathway.reduction import cut_rows, load_plan_targets, reduction_summary


def trajectory(values: dict[int, tuple[float, float, float]]) -> pd.DataFrame:
    """A city trajectory with NOx, PM and SO2 (kg) by year."""
    rows = [
        (year, "city", metric, value)
        for year, row in values.items()
        for metric, value in zip(("nox_kg", "pm_kg", "so2_kg"), row, strict=True)
    ]
    return pd.DataFrame(rows, columns=["year", "enterprise", "metric", "value"])


def test_the_cut_is_baseline_minus_pathway_per_year_summed_and_its_share_counts_the_plans_years():
    pairs = [
        (
            trajectory({2024: (900.0, 10.0, 1.0), 2025: (500.0, 5.0, 1.0)}),
            trajectory({2024: (1000.0, 12.0, 1.0), 2025: (1000.0, 12.0, 2.0)}),
        ),
        (
            trajectory({2024: (950.0, 10.0, 1.0), 2025: (600.0, 6.0, 1.0)}),
            trajectory({2024: (1000.0, 12.0, 1.0), 2025: (1000.0, 12.0, 2.0)}),
        ),
    ]
    summary = reduction_summary(pairs)
    assert summary["cumulative_t"]["nox"]["mean"] == pytest.approx(((100 + 500) + (50 + 400)) / 2 / 1e3)
    assert summary["cumulative_t"]["pm"]["mean"] == pytest.approx(((2 + 7) + (2 + 6)) / 2 / 1e3)
    assert summary["cumulative_t"]["so2"]["mean"] == pytest.approx(1 / 1e3)
    assert summary["cumulative_t"]["total"]["mean"] == pytest.approx((610 + 459) / 2 / 1e3)
    assert summary["cumulative_t"]["nox"]["ci_low"] < summary["cumulative_t"]["nox"]["mean"] < summary["cumulative_t"]["nox"]["ci_high"]
    plan, _ = load_plan_targets()
    assert summary["plan_years"] == [2024]  # the plan's cut is counted by end-2024
    assert summary["cut_in_plan_years_t"]["mean"] == pytest.approx((102 + 52) / 2 / 1e3)
    assert summary["transport_share_of_plan"]["mean"] == pytest.approx((102 + 52) / 2 / 1e3 / plan.pollutant_cut.cumulative_cut_t)
    rows = cut_rows(pairs).set_index(["year", "metric"])["value"]
    assert rows[(2025, "nox_cut_kg")] == pytest.approx(450.0) and rows[(2024, "pm_cut_kg")] == pytest.approx(2.0)
    later = reduction_summary([(trajectory({2026: (1.0, 1.0, 1.0)}), trajectory({2026: (2.0, 1.0, 1.0)}))])
    assert later["transport_share_of_plan"] is None and "plan_years" not in later  # a pathway after the plan's year


def test_the_plans_figure_comes_from_the_data_file_with_unit_and_source():
    plan, source = load_plan_targets()
    cut = plan.pollutant_cut
    assert (cut.cumulative_cut_t, cut.by_end_of_year, cut.pollutants) == (10_000.0, 2024, ["SO2", "NO2", "particulates"])
    assert "1万吨" in source and "FACTS 1" in source


def test_without_measures_keeps_the_years_demand_grid_and_targets_but_no_dated_measure():
    path = experiments_dir() / "pathway-current-plan.yaml"
    full = load_scenario(path).model.pathway
    base = load_scenario(path, ["pathway.without_measures=true"]).model.pathway
    assert full.sidings and full.fleet_renewals
    assert (base.sidings, base.fleet_renewals, base.chain_shifts) == ({}, {}, {})
    assert (base.years, base.targets, base.grid, base.demand_index) == (full.years, full.targets, full.grid, full.demand_index)


def pathway_file(folder: Path, measures: str) -> Path:
    path = folder / "pathway.yaml"
    path.write_text(
        f"base: {default_scenario_path()}\nname: cuts\nsimulation: {{start_date: 2024-12-27, days: 10, warmup_days: 0, record_legs: false}}\n"
        f"pathway: {{years: {{first: 2024, last: 2025}}{measures}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_a_pathway_without_measures_cuts_nothing(tmp_path):
    result = run_pathway(
        pathway_file(tmp_path, ""),
        tmp_path / "out",
        years=(2024, 2025),
        overrides=("simulation.start_date=2024-12-29", "simulation.days=6"),
        executor="inprocess",
    )
    cut = result.summary["reduction_against_baseline"]
    assert all(entry["mean"] == 0.0 for entry in cut["cumulative_t"].values())
    assert cut["transport_share_of_plan"]["mean"] == 0.0
    rows = result.trajectory[result.trajectory["metric"].str.endswith("_cut_kg")]
    assert len(rows) == 6 and (rows["value"] == 0.0).all()


@pytest.mark.slow
def test_the_reported_cut_is_the_replications_baseline_minus_pathway_summed_over_years(tmp_path):
    measures = (
        ", fleet_renewals: {nev: {fleet: direct, enterprises: [E06, E09, E11, E35], mix: diesel-cn6, start: 2024-12-27, turnover_months: 1}}"
        ", chain_shifts: {rail: {enterprises: [E06], start: 2024-12-27, shares: {road: 0.1, drayage_rail: 0.9}}}"
    )
    out = tmp_path / "out"
    result = run_pathway(
        pathway_file(tmp_path, measures),
        out,
        years=(2024, 2025),
        overrides=("simulation.start_date=2024-12-27", "simulation.days=10"),
        replications=2,
        executor="inprocess",
    )
    runs = out / "replications" / "runs"
    per_rep = []
    for rep in (0, 1):
        pathway = pd.read_parquet(next(runs.glob(f"v-baseline__r{rep:03d}")) / "tables" / "trajectory.parquet")
        baseline = pd.read_parquet(next(runs.glob(f"v-without-measures__r{rep:03d}")) / "tables" / "trajectory.parquet")
        city = {
            name: t[(t["enterprise"] == "city")].pivot(index="year", columns="metric", values="value")
            for name, t in (("p", pathway), ("b", baseline))
        }
        per_rep.append({m: float((city["b"][m] - city["p"][m]).sum()) / 1e3 for m in ("nox_kg", "pm_kg", "so2_kg")})
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))["reduction_against_baseline"]
    assert summary["cumulative_t"]["nox"]["mean"] == pytest.approx(sum(r["nox_kg"] for r in per_rep) / 2, rel=1e-9)
    assert summary["cumulative_t"]["pm"]["mean"] == pytest.approx(sum(r["pm_kg"] for r in per_rep) / 2, rel=1e-9)
    assert summary["cumulative_t"]["nox"]["mean"] > 0  # old China III/IV trucks replaced by China VI ones, road tonnes moved to rail
    assert summary == result.summary["reduction_against_baseline"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Emission cuts against the baseline path" in html and "10,000 t cumulative by end-2024" in html
