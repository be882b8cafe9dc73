"""Executors: run a list of run specs in-process, in a local process pool, or on Dask.

All executors call the same ``run_one``; each run stores its own files, so results do not depend on the
executor or the number of workers. ``on_record`` is called in the calling process as each run ends.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from freight_sim.errors import FreightSimError
from freight_sim.experiments.dask_executor import DASK_TARGET_TASK_S, chunk_size
from freight_sim.experiments.design import RunSpec
from freight_sim.experiments.run_one import RunFn, record_lost_run, run_one
from freight_sim.experiments.store import Provenance, RunRecord
from freight_sim.experiments.worker_guard import guard_worker

__all__ = ["DASK_TARGET_TASK_S", "chunk_size", "run_dask", "run_inprocess", "run_pool"]

OnRecord = Callable[[RunRecord], None]
DEFAULT_MAX_ATTEMPTS = 3


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
    """Dask distributed (``freight_sim.experiments.dask_executor``): ``address='local'`` starts a LocalCluster."""
    from freight_sim.experiments import dask_executor

    return dask_executor.run_dask(
        specs, out_dir, run_fn, provenance, on_record, address=address, workers=workers, target_task_s=target_task_s
    )
