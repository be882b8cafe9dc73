"""Execute one run spec: load its scenario, run the model, store its files and manifest.

``run_one`` never raises for a failing run: a known model error (``FreightSimError``) or any other
exception becomes a ``failed`` manifest and record (with the traceback for unexpected errors), so a
batch carries on. The run function is a parameter so executors and tests can use any model with the
signature ``run_fn(loaded, seed=...) -> output`` where ``output`` has ``.summary`` (dict) and
optionally ``.tables`` (name -> DataFrame).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from freight_sim.config import load_scenario
from freight_sim.errors import FreightSimError
from freight_sim.experiments.design import RunSpec
from freight_sim.experiments.metrics import metric_rows
from freight_sim.experiments.store import FAILED, FINISHED, Provenance, RunRecord, run_dir, write_manifest, write_outputs, write_run_metrics

RunFn = Callable[..., Any]


def default_run_fn(loaded: Any, seed: int | None = None) -> Any:
    """``freight_sim.runner.run_scenario``, imported when first used."""
    from freight_sim.runner import run_scenario

    return run_scenario(loaded, seed=seed)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, FreightSimError):
        return f"{type(exc).__name__}: {exc}"
    return "".join(traceback.format_exception(exc)).rstrip()


def run_one(
    spec: RunSpec, out_dir: Path | str, run_fn: RunFn | None = None, provenance: Provenance | None = None, attempts: int = 1
) -> RunRecord:
    """Run ``spec`` and store it under ``out_dir/runs/<run_id>/``; return its record (finished or failed)."""
    out_dir = Path(out_dir)
    provenance = provenance or Provenance("unknown", None)
    run_fn = run_fn or default_run_fn
    folder = run_dir(out_dir, spec.run_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").unlink(missing_ok=True)
    shutil.rmtree(folder / "tables", ignore_errors=True)
    started = _now()
    clock = time.perf_counter()
    try:
        loaded = load_scenario(spec.scenario_path, overrides=list(spec.overrides), patches=list(spec.patches))
        output = run_fn(loaded, seed=spec.seed)
        summary = dict(output.summary)
        rows = tuple(metric_rows(summary))
        write_outputs(folder, summary, dict(getattr(output, "tables", None) or {}))
        write_run_metrics(folder, rows)
    except Exception as exc:
        seconds = time.perf_counter() - clock
        error = _error_text(exc)
        write_manifest(out_dir, spec, provenance, FAILED, seconds, started, _now(), error, attempts)
        return RunRecord(spec.run_id, spec.variant, spec.sample, spec.replication, FAILED, seconds, (), error, attempts)
    seconds = time.perf_counter() - clock
    write_manifest(out_dir, spec, provenance, FINISHED, seconds, started, _now(), None, attempts)
    return RunRecord(spec.run_id, spec.variant, spec.sample, spec.replication, FINISHED, seconds, rows, None, attempts)


def run_chunk(specs: list[RunSpec], out_dir: str, run_fn: RunFn | None, provenance: Provenance) -> list[RunRecord]:
    """Several runs in one task (for executors whose per-task overhead is large)."""
    return [run_one(spec, out_dir, run_fn, provenance) for spec in specs]


def record_lost_run(out_dir: Path, spec: RunSpec, provenance: Provenance, error: str, attempts: int) -> RunRecord:
    """A run whose worker died every time: store a failed manifest on its behalf."""
    now = _now()
    run_dir(out_dir, spec.run_id).mkdir(parents=True, exist_ok=True)
    write_manifest(out_dir, spec, provenance, FAILED, 0.0, now, now, error, attempts)
    return RunRecord(spec.run_id, spec.variant, spec.sample, spec.replication, FAILED, 0.0, (), error, attempts)
