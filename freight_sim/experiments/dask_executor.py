"""Run specs on Dask distributed: a LocalCluster, or a cluster started as ``dask scheduler`` + ``dask worker``.

Runs are grouped into tasks of about ``target_task_s`` each (the first runs go one per task; their time
sets the size of the rest), so the scheduler's per-task overhead stays small for short runs and long runs
go one per task. Each run writes its own files, so tables do not depend on how runs were grouped.

Guards, as the process pool has them:

* a task that fails (its worker died, or Dask gave up after ``DASK_TASK_RETRIES``) is split: each of its
  runs is retried alone, and a run that fails alone is recorded as failed; runs that finished before the
  failure are taken from their files, not redone;
* Ctrl-C (or any error in the driver) cancels every queued task and closes the cluster it started; a run
  already executing on a remote worker either completes (a complete, consistent result) or leaves a
  ``writing`` manifest, which a resumed batch redoes: no half-written run ever looks finished;
* every task first checks that the batch folder is visible on its worker (a probe file the driver writes),
  so a worker without the shared file system fails with a clear message instead of writing elsewhere.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import socket
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from freight_sim.errors import FreightSimError
from freight_sim.experiments.design import RunSpec
from freight_sim.experiments.run_one import RunFn, record_lost_run, run_chunk
from freight_sim.experiments.store import Provenance, RunRecord, finished_record

if TYPE_CHECKING:
    from dask.typing import Key

DASK_TARGET_TASK_S = 1.0  # seconds a task should take: runs are grouped to reach it
DASK_TASK_RETRIES = 2
CONNECT_TIMEOUT_S = 60.0
WORKER_WAIT_S = 120.0


class DaskSetupError(FreightSimError):
    """The Dask cluster cannot be reached or has no workers."""


def chunk_size(run_seconds: float, remaining: int, workers: int, target_s: float = DASK_TARGET_TASK_S) -> int:
    """Runs per task so each task takes about ``target_s``, without leaving workers idle."""
    per_target = math.ceil(target_s / max(run_seconds, 1e-4))
    per_worker = math.ceil(remaining / max(workers, 1)) if remaining else 1
    return max(1, min(per_target, per_worker))


def run_chunk_on_worker(specs: list[RunSpec], out_dir: str, probe: str, run_fn: RunFn | None, provenance: Provenance) -> list[RunRecord]:
    """The task body: check that the batch folder is the driver's (its probe file is there), then run."""
    if not (Path(out_dir) / probe).is_file():
        raise FreightSimError(
            f"the batch folder {out_dir} is not visible on worker host {socket.gethostname()}: "
            "a Dask batch needs its --out folder on a file system every worker shares"
        )
    return run_chunk(specs, out_dir, run_fn, provenance)


def _connect(address: str, workers: int, timeout_s: float) -> tuple[Any, Any]:
    """(client, cluster or None): a LocalCluster of ``workers`` processes, or the scheduler at ``address``."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise FreightSimError("the dask executor needs the optional extra: pip install 'freight-sim[dask]'") from None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        client = Client(address, timeout=timeout_s)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskSetupError(f"--dask: cannot reach a Dask scheduler at {address}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except (TimeoutError, OSError):
        client.close()
        raise DaskSetupError(
            f"--dask: no worker joined the scheduler at {address} within {WORKER_WAIT_S:g} s; start workers with: dask worker {address}"
        ) from None
    return client, None


@dataclass
class _DaskState:
    """Queues and records of one Dask batch."""

    out_dir: str
    provenance: Provenance
    on_record: Callable[[RunRecord], None] | None
    pending: deque[RunSpec]
    alone: deque[RunSpec] = field(default_factory=deque)  # runs of a failed task, retried one per task
    records: list[RunRecord] = field(default_factory=list)

    def add(self, record: RunRecord) -> None:
        self.records.append(record)
        if self.on_record is not None:
            self.on_record(record)

    def next_chunk(self, size: int) -> list[RunSpec]:
        if self.alone:
            return [self.alone.popleft()]
        return [self.pending.popleft() for _ in range(min(size, len(self.pending)))]

    def failed_task(self, chunk: list[RunSpec], exc: BaseException) -> None:
        """A task raised: keep the runs it finished, retry the rest alone, record a run that failed alone."""
        for spec in chunk:
            done = finished_record(Path(self.out_dir), spec)
            if done is not None:
                self.add(replace(done, skipped=False))
            elif len(chunk) > 1:
                self.alone.append(spec)
            else:
                error = f"{type(exc).__name__}: {exc}"
                self.add(record_lost_run(Path(self.out_dir), spec, self.provenance, error, DASK_TASK_RETRIES + 1))


def run_dask(
    specs: Sequence[RunSpec],
    out_dir: Path | str,
    run_fn: RunFn | None = None,
    provenance: Provenance | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
    address: str = "local",
    workers: int = 2,
    target_task_s: float = DASK_TARGET_TASK_S,
) -> list[RunRecord]:
    """Run ``specs`` on Dask (``address='local'`` starts a LocalCluster of ``workers`` processes).

    With a remote scheduler ``out_dir`` must be on a file system every worker shares (checked per task).
    """
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    state = _DaskState(str(out), provenance or Provenance("unknown", None), on_record, deque(specs))
    probe = f".dask-probe.{os.getpid()}.{secrets.token_hex(4)}.tmp"  # a temp-file name: cleaned like one if left behind
    (out / probe).write_text("freight-sim batch folder\n")
    try:
        client, cluster = _connect(address, workers, CONNECT_TIMEOUT_S)
        try:
            _drive(client, state, probe, run_fn, workers, target_task_s)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    finally:
        (out / probe).unlink(missing_ok=True)
    return state.records


def _drive(client: Any, state: _DaskState, probe: str, run_fn: RunFn | None, workers: int, target_task_s: float) -> None:
    """Keep one task per worker in flight until every run has a record; cancel what is queued on any exit."""
    from dask.distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
    futures = as_completed()
    chunks: dict[Key, list[RunSpec]] = {}
    in_flight: dict[Key, Any] = {}

    def submit(size: int) -> None:
        chunk = state.next_chunk(size)
        if chunk:
            future = client.submit(
                run_chunk_on_worker, chunk, state.out_dir, probe, run_fn, state.provenance, pure=False, retries=DASK_TASK_RETRIES
            )
            chunks[future.key] = chunk
            in_flight[future.key] = future
            futures.add(future)

    try:
        for _ in range(min(n_workers, len(state.pending))):
            submit(1)  # one run per task until a run time is known
        size = 1
        for future in futures:
            chunk = chunks.pop(future.key)
            in_flight.pop(future.key)
            try:
                done = future.result()
            except Exception as exc:
                state.failed_task(chunk, exc)
            else:
                for record in done:
                    state.add(record)
                size = chunk_size(max((r.seconds for r in done), default=0.0), len(state.pending), n_workers, target_task_s)
            while len(chunks) < n_workers and (state.pending or state.alone):
                submit(size)
    except BaseException:
        client.cancel(list(in_flight.values()), force=True)  # Ctrl-C or a driver error: nothing queued runs on
        raise
