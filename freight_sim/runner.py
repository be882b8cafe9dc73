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
from freight_sim.manifest import FINISHED, MANIFEST_NAME, WRITING, now_iso, write_manifest
from freight_sim.provenance import Provenance

XLSX_SKIPPED = ("daily",)  # day-by-lane series: in daily.csv / daily.parquet, too long for a summary workbook


def run_metrics():
    """Declarations of every number in a run's summary: the key figures plus the run's own facts."""
    from freight_sim.kpis import KPI_METRICS
    from freight_sim.metric import Better, Metric
    from freight_sim.pathway.trajectory import PATHWAY_METRICS

    neither = Better.NEITHER
    return KPI_METRICS.extended(
        [
            Metric(name="grid_kg_co2_per_kwh", unit="kg CO2/kWh", better=neither, label="grid CO2 factor"),
            Metric(name="simulated_days", unit="d", better=neither, label="simulated days"),
            Metric(name="warmup_days", unit="d", better=neither, label="warm-up days"),
            Metric(name="events", unit="count", better=neither, label="simulation events"),
            Metric(name="model.*", unit="count", better=neither, label="model size"),
            *PATHWAY_METRICS,
        ]
    )


@dataclass(frozen=True)
class RunOutput:
    """What one run produced: ``summary`` (JSON-ready), KPI ``tables`` and the leg table."""

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    legs: pd.DataFrame = field(repr=False)
    network: Any = field(default=None, repr=False)  # the MultimodalNetwork, for the report's map
    spatial: Any = field(default=None, repr=False)  # freight_sim.spatial.SpatialResult when spatial.enabled


def run_scenario(loaded: Loaded, seed: int | None = None, progress=None) -> RunOutput:
    """Simulate ``loaded`` with ``seed`` (default: the scenario's) and account the results.

    ``progress(done_fraction)`` is called as simulated time advances, if given.
    """
    from freight_sim.cost import cost_legs, load_costs
    from freight_sim.emissions import account_legs, grid_factor, load_factors, load_grid_table
    from freight_sim.kpis import build_kpis
    from freight_sim.network import load_network
    from freight_sim.policy import get_profile
    from freight_sim.scenario_checks import checked_model
    from freight_sim.siding_notes import siding_notes
    from freight_sim.sim.engine import simulate_spec
    from freight_sim.sim.fleet_feasibility import substitutions_table

    wall_start = time.perf_counter()
    network = load_network(loaded)
    scenario: Scenario = loaded.model
    if scenario.spatial.enabled:
        from freight_sim.spatial import require_spatial_extra

        require_spatial_extra()  # before the run, not after it
    seed = scenario.simulation.seed if seed is None else int(seed)
    model = checked_model(loaded, network, seed)  # the checks `validate` makes, then the model (fleet read once)
    spec = model.spec
    sim = simulate_spec(spec, seed, progress=progress)

    inputs = scenario.inputs  # uncertain inputs: values of data-file numbers (freight_sim/inputs.py)
    catalog, mixes = model.fleet.catalog, model.fleet.mixes
    factors = load_factors(data_path(loaded, ("accounting", "factors"), scenario.accounting.factors), inputs)
    grid = grid_factor(scenario.accounting.grid, load_grid_table(inputs=inputs))
    costs = load_costs(data_path(loaded, ("accounting", "costs"), scenario.accounting.costs), inputs)
    profile = get_profile(
        scenario.accounting.rule_profile, data_path(loaded, ("accounting", "rule_profiles"), scenario.accounting.rule_profiles)
    )

    if scenario.pathway is not None:  # each leg with its year's grid factor
        from freight_sim.pathway.accounting import account_by_year

        emissions = cost_legs(account_by_year(sim.legs, scenario, catalog, factors, load_grid_table()), catalog, costs)
    else:
        emissions = cost_legs(account_legs(sim.legs, catalog, factors, grid), catalog, costs)
    kpis = build_kpis(scenario, sim, emissions, catalog, profile, costs)
    notes = siding_notes(scenario, emissions, catalog, mixes, factors)
    kpis.tables["sidings_built"]["notes"] = [notes.get(eid, "") for eid in kpis.tables["sidings_built"]["enterprise"]]
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
    tables = {
        **kpis.tables,
        "fleet_substitutions": substitutions_table(spec.fleet_substitutions),
        "resources": sim.resources,
        "daily": sim.daily,
        "tonnage": sim.tonnage,
        "production": sim.production,
    }
    if scenario.pathway is not None:
        from freight_sim.pathway.trajectory import add_pathway_results

        add_pathway_results(scenario, emissions, catalog, profile, costs, summary, tables, sim.train_departures_by_day)
    spatial = None
    if scenario.spatial.enabled:
        from freight_sim.spatial import compute_spatial
        from freight_sim.spatial.writers import spatial_tables

        spatial_start = time.perf_counter()
        spatial = compute_spatial(loaded, network, emissions, model)
        tables.update(spatial_tables(spatial))
        summary["spatial_wall_s"] = time.perf_counter() - spatial_start
        summary["wall_s"] = time.perf_counter() - wall_start
    return RunOutput(summary=summary, tables=tables, legs=emissions, network=network, spatial=spatial)


def run_manifest_fields(summary: dict[str, Any], started: str, seconds: float) -> dict[str, Any]:
    """What a run's manifest records besides its files: scenario, hashes, seed, timings."""
    return {
        "scenario": summary.get("scenario"),
        "config_sha256": summary.get("config_sha256"),
        "inputs_sha256": summary.get("inputs_sha256"),
        "seed": summary.get("seed"),
        "started": started,
        "ended": now_iso(),
        "seconds": round(seconds, 6),
        "error": None,
    }


def write_run(output: RunOutput, out_dir: Path | str, legs: bool = True, report: bool = True, lang: str = "en") -> list[Path]:
    """Write summary, KPI tables (Parquet + utf-8-sig CSV + summary.xlsx), legs and report into ``out_dir``; manifest last.

    The manifest says ``writing`` (with the files about to be written) until every file is in place, then
    ``finished`` with each file's SHA-256; an interrupted write never looks finished.
    """
    from freight_sim.atomic import write_csv, write_json, write_parquet

    started = now_iso()
    clock = time.perf_counter()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    planned = ["summary.json", *(f"{name}.{ext}" for name in output.tables for ext in ("parquet", "csv"))]
    planned += ["legs.parquet"] * legs + ["report.html"] * report
    if output.spatial is not None:
        planned += ["emissions_edges.parquet", "emissions_edges.geojson", "emissions_grid.nc"]
    provenance = Provenance.detect()
    write_manifest(out, kind="run", status=WRITING, files=planned, provenance=provenance)
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
    if output.spatial is not None:
        from freight_sim.spatial.writers import write_spatial

        written += write_spatial(output.spatial, out)
    if report:
        from freight_sim.report.run_report import write_run_report

        written.append(write_run_report(output, out / "report.html", lang=lang))
    seconds = output.summary.get("wall_s", 0.0) + time.perf_counter() - clock
    fields = run_manifest_fields(output.summary, started, seconds)
    write_manifest(out, kind="run", status=FINISHED, files=written, provenance=provenance, fields=fields)
    return [*written, out / MANIFEST_NAME]
