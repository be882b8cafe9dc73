"""The result store of a batch: one folder per run, a manifest written last, batch-level tables.

Layout under the batch folder::

    batch.json                 design, provenance, status and counts of the batch
    runs/<run_id>/summary.json the run's summary (as returned by the run function)
    runs/<run_id>/tables/*.parquet
    runs/<run_id>/metrics.parquet   tidy rows of this run (metric, value, unit)
    runs/<run_id>/manifest.json     ``writing`` first, then the status, config hash, seed, versions, timings
                                    and the SHA-256 of every file of the run (freight_sim.manifest)
    metrics.parquet, metrics.csv    all finished runs: run_id, variant, sample, replication, metric, value, unit
    manifest.json                   the batch's own files with their hashes

Every file is written atomically; a run is finished only when its manifest says so and lists each of its
files with a hash that still matches (what ``--resume`` checks).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim import atomic
from freight_sim.experiments.design import RunSpec
from freight_sim.manifest import FAILED, FINISHED, WRITING, file_problems, read_manifest, write_manifest
from freight_sim.provenance import Provenance

__all__ = ["FAILED", "FINISHED", "WRITING", "Provenance", "RunRecord"]

METRIC_COLUMNS = ["run_id", "variant", "sample", "replication", "metric", "value", "unit"]
RUN_OF_BATCH = "batch-run"
BATCH = "batch"


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """What the batch keeps of one run (the rest is in its folder)."""

    run_id: str
    variant: str
    sample: int | None
    replication: int
    status: str
    seconds: float
    metrics: tuple[tuple[str, float, str], ...] = ()
    error: str | None = None
    attempts: int = 1
    skipped: bool = field(default=False, compare=False)

    @property
    def failed(self) -> bool:
        return self.status != FINISHED


def run_dir(out_dir: Path, run_id: str) -> Path:
    return Path(out_dir) / "runs" / run_id


def write_outputs(folder: Path, summary: dict[str, Any], tables: dict[str, pd.DataFrame]) -> list[Path]:
    """The run's summary and tables, each file atomically; returns the paths written."""
    written = [folder / "summary.json"]
    atomic.write_json(folder / "summary.json", summary)
    for name, frame in sorted(tables.items()):
        written.append(folder / "tables" / f"{name}.parquet")
        atomic.write_parquet(written[-1], frame)
    return written


def output_names(tables: dict[str, Any]) -> list[str]:
    """The files ``write_outputs`` and ``write_run_metrics`` write for ``tables``, relative to the run folder."""
    return ["summary.json", *(f"tables/{name}.parquet" for name in sorted(tables)), "metrics.parquet"]


def write_run_metrics(folder: Path, rows: tuple[tuple[str, float, str], ...]) -> Path:
    frame = pd.DataFrame(list(rows), columns=["metric", "value", "unit"]).astype({"metric": str, "value": float, "unit": str})
    atomic.write_parquet(folder / "metrics.parquet", frame)
    return folder / "metrics.parquet"


def write_run_manifest(
    out_dir: Path,
    spec: RunSpec,
    provenance: Provenance,
    status: str,
    *,
    files: Sequence[Path | str] = (),
    seconds: float = 0.0,
    started: str = "",
    ended: str = "",
    error: str | None = None,
    attempts: int = 1,
) -> None:
    """The run's manifest: ``writing`` with the files about to be written, or the final status with hashes."""
    fields = {**spec.brief(), "error": error, "seconds": round(seconds, 6), "started": started, "ended": ended, "attempts": attempts}
    write_manifest(run_dir(out_dir, spec.run_id), kind=RUN_OF_BATCH, status=status, files=files, provenance=provenance, fields=fields)


def read_run_manifest(out_dir: Path, run_id: str) -> dict[str, Any] | None:
    return read_manifest(run_dir(out_dir, run_id))


def finished_record(out_dir: Path, spec: RunSpec) -> RunRecord | None:
    """The stored record of ``spec`` if it finished with the same config and inputs hashes and seed and its files
    are exactly as its manifest lists them, else None."""
    folder = run_dir(out_dir, spec.run_id)
    manifest = read_manifest(folder)
    if not manifest or manifest.get("status") != FINISHED:
        return None
    same = (manifest.get("config_sha256"), manifest.get("inputs_sha256"), manifest.get("seed"))
    if same != (spec.config_sha256, spec.inputs_sha256, spec.seed):
        return None
    if "metrics.parquet" not in manifest["files"] or file_problems(folder, manifest):
        return None
    frame = pd.read_parquet(folder / "metrics.parquet")
    rows = tuple(zip(frame["metric"].astype(str), frame["value"].astype(float), frame["unit"].astype(str), strict=True))
    return RunRecord(
        run_id=spec.run_id,
        variant=spec.variant,
        sample=spec.sample,
        replication=spec.replication,
        status=FINISHED,
        seconds=float(manifest.get("seconds", 0.0)),
        metrics=rows,
        attempts=int(manifest.get("attempts", 1)),
        skipped=True,
    )


def metrics_table(records: list[RunRecord]) -> pd.DataFrame:
    """The tidy long table of all finished runs, ordered by run_id (then the run's own metric order)."""
    rows = [
        (r.run_id, r.variant, r.sample, r.replication, metric, value, unit)
        for r in sorted(records, key=lambda rec: rec.run_id)
        if not r.failed
        for metric, value, unit in r.metrics
    ]
    frame = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    return frame.astype(
        {"run_id": str, "variant": str, "sample": "Int64", "replication": "int64", "metric": str, "value": float, "unit": str}
    )


def write_table(out_dir: Path, name: str, frame: pd.DataFrame) -> None:
    """``name.parquet`` and ``name.csv`` (UTF-8 with BOM) in ``out_dir``."""
    atomic.write_parquet(Path(out_dir) / f"{name}.parquet", frame)
    atomic.write_csv(Path(out_dir) / f"{name}.csv", frame)


def table_files(names: list[str]) -> list[str]:
    """The files ``write_table`` writes for each of ``names``."""
    return [f"{name}.{ext}" for name in names for ext in ("parquet", "csv")]


def write_batch_manifest(out_dir: Path, status: str, files: Sequence[Path | str], provenance: Provenance, fields: dict[str, Any]) -> None:
    """The batch folder's own manifest (its runs have theirs)."""
    write_manifest(out_dir, kind=BATCH, status=status, files=files, provenance=provenance, fields=fields)


def write_batch_json(out_dir: Path, content: dict[str, Any]) -> None:
    atomic.write_json(Path(out_dir) / "batch.json", content)


def read_batch_json(out_dir: Path) -> dict[str, Any]:
    return json.loads((Path(out_dir) / "batch.json").read_text(encoding="utf-8"))
