"""The result store of a batch: one folder per run, a manifest written last, batch-level tables.

Layout under the batch folder::

    batch.json                 design, provenance, status and counts of the batch
    runs/<run_id>/summary.json the run's summary (as returned by the run function)
    runs/<run_id>/tables/*.parquet
    runs/<run_id>/metrics.parquet   tidy rows of this run (metric, value, unit)
    runs/<run_id>/manifest.json     written LAST: status, config hash, seed, versions, timings
    metrics.parquet, metrics.csv    all finished runs: run_id, variant, sample, replication, metric, value, unit

Every file is written atomically, so a manifest that says ``finished`` means the run's files are complete.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim import atomic
from freight_sim.experiments.design import RunSpec

METRIC_COLUMNS = ["run_id", "variant", "sample", "replication", "metric", "value", "unit"]
FINISHED = "finished"
FAILED = "failed"


@dataclass(frozen=True)
class Provenance:
    """Software versions recorded in every manifest."""

    package_version: str
    git_commit: str | None

    @classmethod
    def detect(cls) -> Provenance:
        try:
            version = metadata.version("freight-sim")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return cls(version, _git_commit())


def _git_commit() -> str | None:
    """The commit of the source checkout the package runs from, when it is one."""
    package_dir = Path(__file__).resolve().parents[1]
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=package_dir, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


@dataclass(frozen=True)
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


def write_outputs(folder: Path, summary: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
    """The run's summary and tables, each file atomically."""
    atomic.write_json(folder / "summary.json", summary)
    for name, frame in sorted(tables.items()):
        atomic.write_parquet(folder / "tables" / f"{name}.parquet", frame)


def write_run_metrics(folder: Path, rows: tuple[tuple[str, float, str], ...]) -> None:
    frame = pd.DataFrame(list(rows), columns=["metric", "value", "unit"]).astype({"metric": str, "value": float, "unit": str})
    atomic.write_parquet(folder / "metrics.parquet", frame)


def write_manifest(
    out_dir: Path,
    spec: RunSpec,
    provenance: Provenance,
    status: str,
    seconds: float,
    started: str,
    ended: str,
    error: str | None = None,
    attempts: int = 1,
) -> None:
    """The run's manifest; call it after every other file of the run is in place."""
    manifest = {
        **spec.brief(),
        "status": status,
        "error": error,
        "seconds": round(seconds, 6),
        "started": started,
        "ended": ended,
        "attempts": attempts,
        "package_version": provenance.package_version,
        "git_commit": provenance.git_commit,
    }
    atomic.write_json(run_dir(out_dir, spec.run_id) / "manifest.json", manifest)


def read_manifest(out_dir: Path, run_id: str) -> dict[str, Any] | None:
    path = run_dir(out_dir, run_id) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def finished_record(out_dir: Path, spec: RunSpec) -> RunRecord | None:
    """The stored record of ``spec`` if it finished with the same config and inputs hashes and seed, else None."""
    manifest = read_manifest(out_dir, spec.run_id)
    if not manifest or manifest.get("status") != FINISHED:
        return None
    same = (manifest.get("config_sha256"), manifest.get("inputs_sha256"), manifest.get("seed"))
    if same != (spec.config_sha256, spec.inputs_sha256, spec.seed):
        return None
    metrics_path = run_dir(out_dir, spec.run_id) / "metrics.parquet"
    if not metrics_path.is_file():
        return None
    frame = pd.read_parquet(metrics_path)
    rows = tuple(zip(frame["metric"].astype(str), frame["value"].astype(float), frame["unit"].astype(str), strict=True))
    return RunRecord(
        spec.run_id,
        spec.variant,
        spec.sample,
        spec.replication,
        FINISHED,
        float(manifest.get("seconds", 0.0)),
        rows,
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


def write_batch_json(out_dir: Path, content: dict[str, Any]) -> None:
    atomic.write_json(Path(out_dir) / "batch.json", content)


def read_batch_json(out_dir: Path) -> dict[str, Any]:
    return json.loads((Path(out_dir) / "batch.json").read_text(encoding="utf-8"))
