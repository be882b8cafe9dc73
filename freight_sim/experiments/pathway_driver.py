"""``freight-sim pathway``: replications of one multi-year scenario through the batch driver, then the
trajectory by calendar year with confidence intervals.

The runs go through ``run_batch`` (the same run contract, executors, store and resume logic as any
batch) into ``DIR/replications``; this module only sets the horizon from the pathway's years and
combines the runs' ``trajectory`` and ``compliance_by_year`` tables. The folder is claimed like every
result folder (``freight_sim.outdir``): its manifest says ``writing`` until the last file is in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim.config import Loaded, load_scenario
from freight_sim.errors import ConfigError, ModelError
from freight_sim.experiments.batch import ExecutorName
from freight_sim.experiments.summary import t_interval

KIND = "pathway"
REPLICATIONS_DIR = "replications"
WITHOUT_MEASURES = "without-measures"  # the baseline path's variant
OUTPUT_FILES = ("trajectory.csv", "compliance_by_year.csv", "sidings_built.csv", "summary.json", "report.html")


@dataclass(frozen=True)
class PathwayResult:
    """The combined results of a pathway's replications."""

    trajectory: pd.DataFrame  # year, enterprise, metric, value, unit, ci_low, ci_high, replications
    compliance: pd.DataFrame  # year, enterprise, name, ratio, ci_low, ci_high, target, meets_target, replications_meeting
    summary: dict[str, Any]
    out_dir: Path
    names_zh: dict[str, str] = field(default_factory=dict)  # enterprise id -> Chinese name, for reports in Chinese
    sidings_built: pd.DataFrame = field(default_factory=pd.DataFrame)  # candidate sidings built, dated ones with their dates


def parse_years(text: str) -> tuple[int, int]:
    """``2024-2030`` (or ``2026``) -> (first, last)."""
    first, _, last = text.strip().partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise ConfigError(f"--years:1: years: expected FIRST-LAST such as 2024-2030, got {text!r}") from None
    if not 2000 <= years[0] <= years[1] <= years[0] + 9 or years[1] > 2100:
        raise ConfigError(f"--years:1: years: expected FIRST-LAST within 2000-2100, at most 10 years, got {text!r}")
    return years


def horizon_overrides(loaded: Loaded, years: tuple[int, int] | None) -> list[str]:
    """``--set`` texts that make the run span ``years`` (default: the pathway's ``years``) after the warm-up,
    with legs aggregated by month (memory flat in simulated time). The user's own ``--set`` come after them."""
    if loaded.model.pathway is None:
        raise ConfigError(f"{loaded.path}:1: pathway: the scenario has no pathway section (dated measures and targets): nothing to trace")
    return [
        f"simulation.{key}={str(value).lower() if isinstance(value, bool) else value}"
        for key, value in horizon(loaded.model, years).items()
    ]


def horizon(scenario, years: tuple[int, int] | None = None) -> dict[str, object]:
    """The ``simulation`` settings of a pathway run over ``years`` (default: the pathway's): start, days, legs by month."""
    first, last = years or (scenario.pathway.years.first, scenario.pathway.years.last)
    warmup = scenario.simulation.warmup_days
    start = dt.date(first, 1, 1) - dt.timedelta(days=int(warmup))
    days = (dt.date(last + 1, 1, 1) - dt.date(first, 1, 1)).days + int(warmup)
    return {"start_date": start.isoformat(), "days": days, "record_legs": False}


def pathway_experiment(scenario_path: Path, name: str, replications: int, seed: int | None, baseline: bool = True):
    """An in-memory experiment of one scenario and its replications, with the variant ``without-measures`` (the
    baseline path, same seeds) unless ``baseline`` is false."""
    from freight_sim.config.yaml_source import SourceMap
    from freight_sim.experiments.spec import Experiment, ExperimentSpec

    fields: dict[str, Any] = {"name": name, "base": str(Path(scenario_path).resolve()), "replications": replications}
    if baseline:
        fields["variants"] = {WITHOUT_MEASURES: {"set": ["pathway.without_measures=true"]}}
    if seed is not None:
        fields["seed"] = seed
    return Experiment(ExperimentSpec(**fields), Path(scenario_path), SourceMap(default_file=str(scenario_path)))


def combine_trajectories(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean and 95% t-interval over replications per (year, enterprise, metric)."""
    stacked = pd.concat(tables, ignore_index=True)
    rows = []
    for (year, enterprise, metric, unit), group in stacked.groupby(["year", "enterprise", "metric", "unit"], sort=True):
        n, mean, _, low, high = t_interval(group["value"].dropna().to_numpy())
        rows.append((int(year), enterprise, metric, mean, unit, low, high, n))
    return pd.DataFrame(rows, columns=["year", "enterprise", "metric", "value", "unit", "ci_low", "ci_high", "replications"])


def enterprise_names_zh(loaded: Loaded) -> dict[str, str]:
    """Chinese names of the enterprises from the network's ``name_zh`` column (where given)."""
    from freight_sim.network import load_network

    nodes = load_network(loaded).nodes
    if "name_zh" not in nodes.columns:
        return {}
    out = {}
    for eid, enterprise in loaded.model.enterprises.items():
        name = nodes.at[enterprise.node, "name_zh"] if enterprise.node in nodes.index else None
        if isinstance(name, str) and name:
            out[eid] = name
    return out


def combine_runs(
    loaded: Loaded, batch, runs_dir: Path, overrides: list[str], baseline: bool
) -> tuple[pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """The pathway's trajectory (with the cuts against the baseline path when it ran), compliance, summary and
    sidings built (the same in every replication: the first one's)."""
    from freight_sim.experiments.pathway_outputs import combined_compliance, pathway_summary
    from freight_sim.experiments.spec import BASELINE
    from freight_sim.pathway.reduction import cut_rows, reduction_summary

    def tables(variant: str, name: str) -> list[pd.DataFrame]:
        records = sorted((r for r in batch.records if r.variant == variant), key=lambda r: r.replication)
        return [pd.read_parquet(runs_dir / r.run_id / "tables" / f"{name}.parquet") for r in records]

    measured = tables(BASELINE, "trajectory")
    trajectory = combine_trajectories(measured)
    compliance = combined_compliance(loaded.model, tables(BASELINE, "compliance_by_year"))
    seeds = [r.seed for r in batch.design.runs if r.variant == BASELINE]
    summary = pathway_summary(loaded, trajectory, compliance, seeds, overrides)
    summary["reduction_against_baseline"] = None
    if baseline:
        pairs = list(zip(measured, tables(WITHOUT_MEASURES, "trajectory"), strict=True))
        trajectory = pd.concat([trajectory, cut_rows(pairs)], ignore_index=True)
        summary["reduction_against_baseline"] = reduction_summary(pairs)
    return trajectory, compliance, summary, tables(BASELINE, "sidings_built")[0]


def run_pathway(
    scenario_path: Path | str,
    out_dir: Path | str,
    *,
    years: tuple[int, int] | None = None,
    replications: int = 1,
    seed: int | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    executor: ExecutorName = "pool",
    workers: int = 2,
    overwrite: bool = False,
    lang: str = "en",
    on_record=None,
    baseline: bool = True,
) -> PathwayResult:
    """Run the pathway's replications (and, with ``baseline``, those of its baseline path: the same years without
    the dated measures, same seeds) and write trajectory.csv, compliance_by_year.csv, summary.json, report.html."""
    from freight_sim.experiments.batch import run_batch
    from freight_sim.experiments.pathway_outputs import write_outputs
    from freight_sim.manifest import FINISHED, WRITING, now_iso, write_manifest
    from freight_sim.outdir import claim_out_dir
    from freight_sim.provenance import Provenance

    scenario_path = Path(scenario_path)
    loaded = load_scenario(scenario_path, list(overrides))
    all_overrides = [*horizon_overrides(loaded, years), *overrides]  # a --set of the horizon wins (quick looks)
    loaded = load_scenario(scenario_path, all_overrides)
    out = Path(out_dir).resolve()
    experiment = pathway_experiment(scenario_path, loaded.model.name, replications, seed, baseline)
    provenance, started = Provenance.detect(), now_iso()
    with claim_out_dir(out, kind=KIND, overwrite=overwrite):
        write_manifest(out, kind=KIND, status=WRITING, files=list(OUTPUT_FILES), provenance=provenance)
        batch = run_batch(
            experiment,
            out / REPLICATIONS_DIR,
            executor=executor,
            workers=workers,
            overrides=all_overrides,
            on_record=on_record,
        )
        if batch.failures:
            lines = [f"{r.run_id}: {(r.error or '').strip().splitlines()[-1] if r.error else 'failed'}" for r in batch.failures]
            raise ModelError("; ".join(f"pathway run {line} (its manifest in {out / REPLICATIONS_DIR})" for line in lines))
        trajectory, compliance, summary, sidings = combine_runs(loaded, batch, out / REPLICATIONS_DIR / "runs", all_overrides, baseline)
        result = PathwayResult(trajectory, compliance, summary, out, enterprise_names_zh(loaded), sidings)
        written = write_outputs(result, lang=lang)
        fields = {"started": started, "ended": now_iso(), "scenario": loaded.model.name, "replications": replications}
        write_manifest(out, kind=KIND, status=FINISHED, files=written, provenance=provenance, fields=fields)
    return result
