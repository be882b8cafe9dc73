"""Execute one run spec: load its scenario, run the model, store its files and manifest.

``run_one`` never raises for a failing run: a known model error (``FreightSimError``) or any other
exception becomes a ``failed`` manifest and record (with the traceback for unexpected errors), so a
batch carries on. The run function is a parameter so executors and tests can use any model with the
signature ``run_fn(loaded, seed=...) -> output`` where ``output`` has ``.summary`` (dict) and
optionally ``.tables`` (name -> DataFrame).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from freight_sim.config import load_scenario
from freight_sim.errors import FreightSimError
from freight_sim.experiments.design import RunSpec
from freight_sim.experiments.metrics import metric_rows
from freight_sim.experiments.store import (
    FAILED,
    FINISHED,
    WRITING,
    Provenance,
    RunRecord,
    output_names,
    run_dir,
    write_outputs,
    write_run_manifest,
    write_run_metrics,
)
from freight_sim.manifest import now_iso, read_manifest, remove_listed
from freight_sim.outdir import remove_temp_files

RunFn = Callable[..., Any]


def default_run_fn(loaded: Any, seed: int | None = None) -> Any:
    """``freight_sim.runner.run_scenario``, imported when first used."""
    from freight_sim.runner import run_scenario

    return run_scenario(loaded, seed=seed)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, FreightSimError):
        return f"{type(exc).__name__}: {exc}"
    return "".join(traceback.format_exception(exc)).rstrip()


def clear_run_folder(folder: Path) -> None:
    """Remove what an earlier attempt of this run listed in its manifest, and leftover temp files."""
    manifest = read_manifest(folder)
    if manifest is not None:
        remove_listed(folder, manifest)
    remove_temp_files(folder)


def run_one(
    spec: RunSpec, out_dir: Path | str, run_fn: RunFn | None = None, provenance: Provenance | None = None, attempts: int = 1
) -> RunRecord:
    """Run ``spec`` and store it under ``out_dir/runs/<run_id>/``; return its record (finished or failed)."""
    out_dir = Path(out_dir)
    provenance = provenance or Provenance("unknown", None)
    run_fn = run_fn or default_run_fn
    folder = run_dir(out_dir, spec.run_id)
    folder.mkdir(parents=True, exist_ok=True)
    clear_run_folder(folder)
    started = now_iso()
    clock = time.perf_counter()
    written: list[Path] = []
    try:
        loaded = load_scenario(spec.scenario_path, overrides=list(spec.overrides), patches=list(spec.patches))
        output = run_fn(loaded, seed=spec.seed)
        summary = dict(output.summary)
        rows = tuple(metric_rows(summary))
        tables = dict(getattr(output, "tables", None) or {})
        write_run_manifest(out_dir, spec, provenance, WRITING, files=output_names(tables), started=started, attempts=attempts)
        written = write_outputs(folder, summary, tables)
        written.append(write_run_metrics(folder, rows))
    except Exception as exc:
        seconds = time.perf_counter() - clock
        error = _error_text(exc)
        kept = [path for path in written if path.is_file()]
        write_run_manifest(
            out_dir, spec, provenance, FAILED, files=kept, seconds=seconds, started=started, ended=now_iso(), error=error, attempts=attempts
        )
        return _record(spec, FAILED, seconds, (), error, attempts)
    seconds = time.perf_counter() - clock
    write_run_manifest(
        out_dir, spec, provenance, FINISHED, files=written, seconds=seconds, started=started, ended=now_iso(), attempts=attempts
    )
    return _record(spec, FINISHED, seconds, rows, None, attempts)


def run_chunk(specs: list[RunSpec], out_dir: str, run_fn: RunFn | None, provenance: Provenance) -> list[RunRecord]:
    """Several runs in one task (for executors whose per-task overhead is large)."""
    return [run_one(spec, out_dir, run_fn, provenance) for spec in specs]


def record_lost_run(out_dir: Path, spec: RunSpec, provenance: Provenance, error: str, attempts: int) -> RunRecord:
    """A run whose worker died every time: store a failed manifest on its behalf."""
    now = now_iso()
    folder = run_dir(out_dir, spec.run_id)
    folder.mkdir(parents=True, exist_ok=True)
    clear_run_folder(folder)
    write_run_manifest(out_dir, spec, provenance, FAILED, started=now, ended=now, error=error, attempts=attempts)
    return _record(spec, FAILED, 0.0, (), error, attempts)


def _record(spec: RunSpec, status: str, seconds: float, metrics: tuple, error: str | None, attempts: int) -> RunRecord:
    """The record of ``spec``'s run."""
    return RunRecord(
        run_id=spec.run_id, variant=spec.variant, sample=spec.sample, replication=spec.replication,
        status=status, seconds=seconds, metrics=metrics, error=error, attempts=attempts,
    )  # fmt: skip
