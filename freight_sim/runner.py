"""One scenario run end to end: simulate, account emissions, cost and the clean-transport ratio, summarise.

``run_scenario`` is pure in the sense that matters for batches: same scenario data and seed -> identical
summary and tables. ``write_run`` writes them into a folder atomically, manifest last.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim import __version__
from freight_sim.config import Loaded, data_path
from freight_sim.config.digests import config_sha256, inputs_sha256
from freight_sim.config.scenario import Scenario

DAYS_PER_YEAR = 365.0
XLSX_SKIPPED = ("daily",)  # day-by-lane series: in daily.csv / daily.parquet, too long for a summary workbook


def run_metrics():
    """Declarations of every number in a run's summary: the key figures plus the run's own facts."""
    from freight_sim.kpis import KPI_METRICS
    from freight_sim.metric import Better, Metric

    neither = Better.NEITHER
    return KPI_METRICS.extended(
        [
            Metric(name="grid_kg_co2_per_kwh", unit="kg CO2/kWh", better=neither, label="grid CO2 factor"),
            Metric(name="simulated_days", unit="d", better=neither, label="simulated days"),
            Metric(name="warmup_days", unit="d", better=neither, label="warm-up days"),
            Metric(name="events", unit="count", better=neither, label="simulation events"),
            Metric(name="model.*", unit="count", better=neither, label="model size"),
        ]
    )


@dataclass(frozen=True)
class RunOutput:
    """What one run produced: ``summary`` (JSON-ready), KPI ``tables`` and the leg table."""

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    legs: pd.DataFrame = field(repr=False)
    network: Any = field(default=None, repr=False)  # the MultimodalNetwork, for the report's map


def run_scenario(loaded: Loaded, seed: int | None = None, progress=None) -> RunOutput:
    """Simulate ``loaded`` with ``seed`` (default: the scenario's) and account the results.

    ``progress(done_fraction)`` is called as simulated time advances, if given.
    """
    from freight_sim.cost import cost_legs, load_costs
    from freight_sim.emissions import account_legs, grid_factor, load_factors, load_grid_table
    from freight_sim.errors import ConfigError
    from freight_sim.fleet import load_catalog
    from freight_sim.kpis import build_kpis
    from freight_sim.network import load_network
    from freight_sim.policy import get_profile
    from freight_sim.scenario_checks import all_problems
    from freight_sim.sim.api import simulate

    wall_start = time.perf_counter()
    network = load_network(loaded)
    problems = all_problems(loaded, network)
    if problems:
        raise ConfigError(*problems)
    scenario: Scenario = loaded.model
    seed = scenario.simulation.seed if seed is None else int(seed)
    sim = simulate(loaded, seed=seed, progress=progress, network=network)

    catalog = load_catalog(data_path(loaded, ("fleet", "catalog"), scenario.fleet.catalog))
    factors = load_factors(data_path(loaded, ("accounting", "factors"), scenario.accounting.factors))
    grid = grid_factor(scenario.accounting.grid, load_grid_table())
    costs = load_costs(data_path(loaded, ("accounting", "costs"), scenario.accounting.costs))
    profile = get_profile(
        scenario.accounting.rule_profile, data_path(loaded, ("accounting", "rule_profiles"), scenario.accounting.rule_profiles)
    )

    emissions = cost_legs(account_legs(sim.legs, catalog, factors, grid), catalog, costs)
    kpis = build_kpis(scenario, sim, emissions, catalog, profile, costs)
    summary = {
        "scenario": scenario.name,
        "description": scenario.description,
        "illustrative": scenario.illustrative,
        **kpis.summary,
        "grid_factor_label": grid.label,
        "grid_kg_co2_per_kwh": grid.kg_co2_per_kwh,
        "simulated_days": scenario.simulation.days - scenario.simulation.warmup_days,
        "warmup_days": scenario.simulation.warmup_days,
        "events": sim.events,
        "sim_wall_s": sim.wall_s,
        "wall_s": time.perf_counter() - wall_start,
        "seed": seed,
        "config_sha256": config_sha256(scenario),
        "inputs_sha256": inputs_sha256(loaded),
        "package_version": __version__,
        "model": sim.spec,
    }
    tables = {**kpis.tables, "resources": sim.resources, "daily": sim.daily, "tonnage": sim.tonnage}
    return RunOutput(summary=summary, tables=tables, legs=emissions, network=network)


def git_commit() -> str | None:
    """Commit of the source checkout the package runs from, if it is one."""
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def manifest(summary: dict[str, Any], status: str, seconds: float, error: str | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "scenario": summary.get("scenario"),
        "config_sha256": summary.get("config_sha256"),
        "inputs_sha256": summary.get("inputs_sha256"),
        "seed": summary.get("seed"),
        "package_version": __version__,
        "git_commit": git_commit(),
        "seconds": seconds,
        "error": error,
    }


def write_run(output: RunOutput, out_dir: Path | str, legs: bool = True, report: bool = True, lang: str = "en") -> list[Path]:
    """Write summary, KPI tables (Parquet + utf-8-sig CSV + summary.xlsx), legs and report into ``out_dir``; manifest last.

    Any manifest already in ``out_dir`` is removed first, so an interrupted write never looks finished.
    """
    from freight_sim.atomic import write_csv, write_json, write_parquet

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    written = [out / "summary.json"]
    write_json(out / "summary.json", output.summary)
    for name, table in output.tables.items():
        frame = table.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(str)
        write_parquet(out / f"{name}.parquet", frame)
        write_csv(out / f"{name}.csv", frame)
        written += [out / f"{name}.parquet", out / f"{name}.csv"]
    from freight_sim.report.excel import run_key_figures, write_workbook

    sheets = {
        "key_figures": run_key_figures(output.summary, run_metrics()),
        **{k: v for k, v in output.tables.items() if k not in XLSX_SKIPPED},
    }
    written.append(write_workbook(out / "summary.xlsx", sheets))
    if legs:
        write_parquet(out / "legs.parquet", output.legs)
        written.append(out / "legs.parquet")
    if report:
        from freight_sim.report.run_report import write_run_report

        written.append(write_run_report(output, out / "report.html", lang=lang))
    seconds = output.summary.get("wall_s", 0.0) + time.perf_counter() - started
    write_json(out / "manifest.json", manifest(output.summary, "finished", seconds))
    written.append(out / "manifest.json")
    return written
