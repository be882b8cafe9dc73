"""Executors: run a list of run specs in-process, in a local process pool, or on Dask.

All executors call the same ``run_one``; each run stores its own files, so results do not depend on the
executor or the number of workers. ``on_record`` is called in the calling process as each run ends.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from freight_sim.errors import FreightSimError
from freight_sim.experiments.design import RunSpec
from freight_sim.experiments.run_one import RunFn, record_lost_run, run_chunk, run_one
from freight_sim.experiments.store import Provenance, RunRecord
from freight_sim.experiments.worker_guard import guard_worker

if TYPE_CHECKING:
    from dask.typing import Key

OnRecord = Callable[[RunRecord], None]
DEFAULT_MAX_ATTEMPTS = 3
DASK_TARGET_TASK_S = 1.0
DASK_TASK_RETRIES = 2


def _notify(on_record: OnRecord | None, record: RunRecord) -> None:
    if on_record is not None:
        on_record(record)


def run_inprocess(
    specs: Sequence[RunSpec],
    out_dir: Path | str,
    run_fn: RunFn | None = None,
    provenance: Provenance | None = None,
    on_record: OnRecord | None = None,
) -> list[RunRecord]:
    """One run after the other in this process."""
    records = []
    for spec in specs:
        record = run_one(spec, out_dir, run_fn, provenance)
        records.append(record)
        _notify(on_record, record)
    return records


def _process_context() -> multiprocessing.context.BaseContext:
    """A fresh-interpreter start method (no fork of a threaded parent); chosen here, never set globally."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def run_pool(
    specs: Sequence[RunSpec],
    out_dir: Path | str,
    run_fn: RunFn | None = None,
    provenance: Provenance | None = None,
    on_record: OnRecord | None = None,
    workers: int = 2,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> list[RunRecord]:
    """A local process pool that survives killed workers.

    When a worker dies (``BrokenProcessPool``) the runs that were in flight become suspects; the pool is
    rebuilt and each suspect runs alone, so a death is pinned on the run that caused it. A run that kills
    its worker ``max_attempts`` times when alone is recorded as failed; the others carry on.
    """
    if workers < 1:
        raise FreightSimError(f"workers must be at least 1, got {workers}")
    state = _PoolState(str(out_dir), provenance or Provenance("unknown", None), max_attempts, on_record, deque(specs))
    context = _process_context()
    while state.pending or state.suspects:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=guard_worker, initargs=(os.getpid(),))
        try:
            _drive_pool(pool, state, run_fn, workers)
        except BaseException:
            _stop_now(pool)  # Ctrl-C or an error in the driver: no worker keeps running
            raise
        pool.shutdown(wait=True)
    return state.records


def _drive_pool(pool: ProcessPoolExecutor, state: _PoolState, run_fn: RunFn | None, workers: int) -> None:
    """Submit and collect runs until all are done or the pool breaks (then the in-flight runs are collected)."""
    in_flight: dict[Future, RunSpec] = {}
    broken = False
    while (state.pending or state.suspects or in_flight) and not broken:
        for spec in state.next_to_submit(len(in_flight), workers):
            state.attempts[spec.run_id] = state.attempts.get(spec.run_id, 0) + 1
            future = pool.submit(run_one, spec, state.out_dir, run_fn, state.provenance, state.attempts[spec.run_id])
            in_flight[future] = spec
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            broken |= state.collect(future, in_flight.pop(future))
    if broken:
        for future, spec in list(in_flight.items()):
            wait([future])
            state.collect(future, spec)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancel queued runs and kill the workers (their unfinished runs have no finished manifest)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


@dataclass
class _PoolState:
    """Book-keeping of ``run_pool``: queues, attempts, which run is running alone, records."""

    out_dir: str
    provenance: Provenance
    max_attempts: int
    on_record: OnRecord | None
    pending: deque[RunSpec]
    suspects: deque[RunSpec] = field(default_factory=deque)
    attempts: dict[str, int] = field(default_factory=dict)
    deaths_alone: dict[str, int] = field(default_factory=dict)
    alone: str | None = None
    records: list[RunRecord] = field(default_factory=list)

    def next_to_submit(self, n_in_flight: int, workers: int) -> list[RunSpec]:
        """Suspects go one at a time into an empty pool; otherwise fill the free workers."""
        if self.alone is not None:
            return []
        if self.suspects:
            if n_in_flight:
                return []
            spec = self.suspects.popleft()
            self.alone = spec.run_id
            return [spec]
        return [self.pending.popleft() for _ in range(min(workers - n_in_flight, len(self.pending)))]

    def collect(self, future: Future, spec: RunSpec) -> bool:
        """Take one finished future; on a broken pool requeue the run as a suspect. True when the pool broke."""
        was_alone = self.alone == spec.run_id
        if was_alone:
            self.alone = None
        try:
            record = future.result()
        except BrokenProcessPool:
            if was_alone:
                self.deaths_alone[spec.run_id] = self.deaths_alone.get(spec.run_id, 0) + 1
            if self.deaths_alone.get(spec.run_id, 0) >= self.max_attempts:
                error = f"worker process died in each of {self.deaths_alone[spec.run_id]} attempts when run alone"
                self._add(record_lost_run(Path(self.out_dir), spec, self.provenance, error, self.attempts[spec.run_id]))
            else:
                self.suspects.append(spec)
            return True
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            record = record_lost_run(Path(self.out_dir), spec, self.provenance, error, self.attempts[spec.run_id])
        self._add(record)
        return False

    def _add(self, record: RunRecord) -> None:
        self.records.append(record)
        _notify(self.on_record, record)


def chunk_size(run_seconds: float, remaining: int, workers: int, target_s: float = DASK_TARGET_TASK_S) -> int:
    """Runs per task so each task takes about ``target_s``, without leaving workers idle."""
    per_target = math.ceil(target_s / max(run_seconds, 1e-4))
    per_worker = math.ceil(remaining / max(workers, 1)) if remaining else 1
    return max(1, min(per_target, per_worker))


def run_dask(
    specs: Sequence[RunSpec],
    out_dir: Path | str,
    run_fn: RunFn | None = None,
    provenance: Provenance | None = None,
    on_record: OnRecord | None = None,
    address: str = "local",
    workers: int = 2,
    target_task_s: float = DASK_TARGET_TASK_S,
) -> list[RunRecord]:
    """Dask distributed: ``address='local'`` starts a LocalCluster of ``workers`` processes.

    The first runs go one per task; their time sets the chunk size of the rest so each task takes about
    ``target_task_s``. With a remote scheduler ``out_dir`` must be on a file system the workers share.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise FreightSimError("the dask executor needs the optional extra: pip install 'freight-sim[dask]'") from None
    import logging

    out = str(Path(out_dir).resolve())
    provenance = provenance or Provenance("unknown", None)
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        client = Client(address)
    records: list[RunRecord] = []
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        queue = deque(specs)
        futures = as_completed()
        chunks: dict[Key, list[RunSpec]] = {}

        def submit(size: int) -> None:
            chunk = [queue.popleft() for _ in range(min(size, len(queue)))]
            future = client.submit(run_chunk, chunk, out, run_fn, provenance, pure=False, retries=DASK_TASK_RETRIES)
            chunks[future.key] = chunk
            futures.add(future)

        for _ in range(min(n_workers, len(queue))):
            submit(1)  # one run per task until a run time is known
        for future in futures:
            chunk = chunks.pop(future.key)
            try:
                done = future.result()
            except Exception as exc:
                done = [record_lost_run(Path(out), spec, provenance, f"{type(exc).__name__}: {exc}", 1) for spec in chunk]
            for record in done:
                records.append(record)
                _notify(on_record, record)
            size = chunk_size(max((r.seconds for r in done), default=0.0), len(queue), n_workers, target_task_s)
            for _ in range(n_workers if not chunks else 1):  # keep one task per worker in flight
                if queue:
                    submit(size)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return records
