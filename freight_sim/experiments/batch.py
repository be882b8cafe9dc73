"""Run a whole experiment: design, resume, execute, write the metrics table and summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd

from freight_sim.errors import FreightSimError
from freight_sim.experiments import executors, siding_table, store, summary
from freight_sim.experiments.design import Design, RunSpec, expand_design
from freight_sim.experiments.run_one import RunFn
from freight_sim.experiments.spec import BASELINE, Experiment, load_experiment
from freight_sim.experiments.spread import spread_table
from freight_sim.experiments.store import RunRecord
from freight_sim.manifest import FINISHED, WRITING
from freight_sim.outdir import claim_out_dir
from freight_sim.provenance import Provenance

ExecutorName = Literal["inprocess", "pool", "dask"]


@dataclass(frozen=True)
class BatchResult:
    design: Design
    records: tuple[RunRecord, ...]
    metrics: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    report: Path | None = None

    @property
    def failures(self) -> list[RunRecord]:
        return [r for r in self.records if r.failed]

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.records if r.skipped)


def _last_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines else ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def summary_table_names(design: Design) -> list[str]:
    """The file stems ``summary_tables`` writes for ``design``."""
    names = ["summary_by_variant", "paired_differences", "abatement_costs", "returns_per_siding"]
    if design.sample is not None:
        names.append("spread")
    if design.sample is not None and design.sample.method in ("sobol", "morris"):
        names.append(f"{design.sample.method}_indices")
    if any(v.siding_enterprise for v in design.variants):
        names += ["siding_ranking", "siding_table"]
    return names


def candidate_siding_facts(experiment: Experiment, overrides: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Names, station, capacity and capex of the base scenario's candidate sidings (for the siding table)."""
    from freight_sim.config import load_scenario
    from freight_sim.network import load_network

    loaded = load_scenario(experiment.base_path, list(overrides))
    return siding_table.siding_facts(loaded.model, load_network(loaded).nodes)


def summary_tables(
    metrics: pd.DataFrame, design: Design, ranking_metrics: list[str], siding_facts: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Every summary table of the batch, by file stem."""
    tables = {"summary_by_variant": summary.variant_summary(metrics)}
    differences = summary.paired_differences(metrics, design.variants)
    tables["paired_differences"] = differences
    tables["abatement_costs"] = summary.abatement_costs(metrics, design.variants)
    tables["returns_per_siding"] = summary.returns_per_siding(differences)
    if design.sample is not None:
        tables["spread"] = spread_table(metrics)
    if design.sample is not None and design.sample.method in ("sobol", "morris"):
        tables[f"{design.sample.method}_indices"] = summary.sensitivity_indices(metrics, design.sample)
    if any(v.siding_enterprise for v in design.variants):
        tables["siding_ranking"] = summary.siding_ranking(differences, design.variants, ranking_metrics)
        facts = siding_facts if siding_facts is not None else pd.DataFrame(columns=siding_table.FACT_COLUMNS)
        stems = {metric: stem for stem, metric in siding_table.CRITERIA}
        order_by = next((stems[m] for m in ranking_metrics if m in stems), "nox_kg")
        tables["siding_table"] = siding_table.siding_table(differences, tables["abatement_costs"], design.variants, facts, order_by)
    return tables


def only_variants(design: Design, names: list[str]) -> Design:
    """The design restricted to the variants ``names`` plus the baselines they are compared with."""
    unknown = sorted(set(names) - {v.name for v in design.variants})
    if unknown:
        raise FreightSimError(f"unknown variant(s) {', '.join(unknown)} (known: {', '.join(v.name for v in design.variants)})")
    keep = {v.name for v in design.variants if v.name in names or v.base_variant == BASELINE}
    return replace(
        design, runs=tuple(r for r in design.runs if r.variant in keep), variants=tuple(v for v in design.variants if v.name in keep)
    )


def write_summary_workbook(out_dir: Path, metrics: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> Path:
    """``summary.xlsx``: the summary tables as sheets (the metrics table too while it fits a sheet)."""
    from freight_sim.report.excel import EXCEL_MAX_ROWS, write_workbook

    sheets = {**tables, **({"metrics": metrics} if len(metrics) <= EXCEL_MAX_ROWS else {})}
    return write_workbook(Path(out_dir) / "summary.xlsx", sheets)


def execute_runs(
    specs: list[RunSpec],
    out_dir: Path,
    executor: ExecutorName,
    workers: int,
    dask_address: str | None,
    run_fn: RunFn | None,
    provenance: Provenance,
    on_record: Callable[[RunRecord], None] | None,
) -> list[RunRecord]:
    """Run ``specs`` on the named executor (the runs of a batch, an optimisation's evaluations)."""
    if not specs:
        return []
    if executor == "inprocess":
        return executors.run_inprocess(specs, out_dir, run_fn, provenance, on_record)
    if executor == "pool":
        return executors.run_pool(specs, out_dir, run_fn, provenance, on_record, workers=workers)
    if executor == "dask":
        return executors.run_dask(specs, out_dir, run_fn, provenance, on_record, address=dask_address or "local", workers=workers)
    raise FreightSimError(f"unknown executor {executor!r} (inprocess, pool, dask)")


def run_batch(
    experiment: Experiment | Path | str,
    out_dir: Path | str,
    executor: ExecutorName = "pool",
    workers: int = 2,
    dask_address: str | None = None,
    resume: bool = False,
    replications: int | None = None,
    overrides: tuple[str, ...] | list[str] = (),
    run_fn: RunFn | None = None,
    on_design: Callable[[Design, int], None] | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
    overwrite: bool = False,
    write_report: bool = False,
    lang: str = "en",
    variants: list[str] | None = None,
) -> BatchResult:
    """Run every run of the experiment not already finished (with ``resume``) and write the batch tables.

    The batch holds the lock of ``out_dir`` throughout (a second batch on it fails at once); a folder
    holding files the tool did not write is refused unless ``overwrite``. Without ``resume`` the files of
    an earlier batch in the folder are removed first. ``on_design(design, n_to_run)`` is called once
    before execution, ``on_record`` after each run; ``write_report`` also writes ``report.html`` (in
    ``lang``). ``variants`` keeps only the named variants (and every baseline) of the design, for a quick look.
    """
    if not isinstance(experiment, Experiment):
        experiment = load_experiment(experiment)
    out_dir = Path(out_dir)
    design = expand_design(experiment, replications, overrides)
    if variants is not None:
        design = only_variants(design, variants)
    with claim_out_dir(out_dir, kind=store.BATCH, overwrite=overwrite, clean=not resume):
        return _run_claimed(
            experiment=experiment, design=design, out_dir=out_dir, executor=executor, workers=workers, dask_address=dask_address,
            resume=resume, overrides=overrides, run_fn=run_fn, on_design=on_design, on_record=on_record, write_report=write_report, lang=lang,
        )  # fmt: skip


def _run_claimed(
    *,
    experiment: Experiment,
    design: Design,
    out_dir: Path,
    executor: ExecutorName,
    workers: int,
    dask_address: str | None,
    resume: bool,
    overrides: tuple[str, ...] | list[str],
    run_fn: RunFn | None,
    on_design: Callable[[Design, int], None] | None,
    on_record: Callable[[RunRecord], None] | None,
    write_report: bool,
    lang: str,
) -> BatchResult:
    provenance = Provenance.detect()
    done: list[RunRecord] = []
    todo: list[RunSpec] = []
    for spec in design.runs:
        record = store.finished_record(out_dir, spec) if resume else None
        if record is not None:
            done.append(record)
        else:
            todo.append(spec)
    header = {
        "experiment": experiment.spec.name,
        "experiment_file": str(experiment.path.resolve()),
        "base_scenario": str(experiment.base_path.resolve()),
        "executor": executor,
        "workers": workers,
        "overrides": list(overrides),
        "report": experiment.spec.report.model_dump(),
        **provenance.as_dict(),
        "started": _now(),
        "design": design.to_json(),
    }
    started = {"started": header["started"]}
    store.write_batch_manifest(out_dir, WRITING, ["batch.json"], provenance, started)
    store.write_batch_json(out_dir, {**header, "status": "running", "runs_total": len(design.runs), "runs_resumed": len(done)})
    if on_design is not None:
        on_design(design, len(todo))
    for record in done:
        if on_record is not None:
            on_record(record)
    try:
        records = done + execute_runs(todo, out_dir, executor, workers, dask_address, run_fn, provenance, on_record)
    except KeyboardInterrupt:
        store.write_batch_json(out_dir, {**header, "status": "interrupted", "ended": _now(), "runs_total": len(design.runs)})
        raise
    records.sort(key=lambda r: r.run_id)
    metrics = store.metrics_table(records)
    table_names = ["metrics", *summary_table_names(design)]
    store.write_batch_manifest(
        out_dir, WRITING, ["batch.json", *store.table_files(table_names), "summary.xlsx", "report.html"], provenance, started
    )
    store.write_table(out_dir, "metrics", metrics)
    facts = candidate_siding_facts(experiment, overrides) if any(v.siding_enterprise for v in design.variants) else None
    tables = summary_tables(metrics, design, experiment.spec.report.ranking_metrics, facts)
    for name, frame in tables.items():
        store.write_table(out_dir, name, frame)
    workbook = write_summary_workbook(out_dir, metrics, tables)
    failures = [r for r in records if r.failed]
    store.write_batch_json(
        out_dir,
        {
            **header,
            "status": "failed" if failures else "finished",
            "ended": _now(),
            "runs_total": len(design.runs),
            "runs_resumed": len(done),
            "runs_finished": len(records) - len(failures),
            "runs_failed": len(failures),
            "failures": [{"run_id": r.run_id, "error": _last_line(r.error)} for r in failures],
            "tables": ["metrics", *tables],
        },
    )
    files = ["batch.json", *store.table_files(["metrics", *tables]), workbook.name]
    ended = {**started, "ended": _now(), "runs_total": len(design.runs), "runs_failed": len(failures)}
    store.write_batch_manifest(out_dir, FINISHED, files, provenance, ended)
    report_path = None
    if write_report:
        from freight_sim.report.batch_report import write_batch_report

        report_path = write_batch_report(out_dir, lang=lang)
        store.write_batch_manifest(out_dir, FINISHED, [*files, report_path], provenance, ended)
    return BatchResult(design, tuple(records), metrics, tables, report_path)
