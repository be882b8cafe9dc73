"""Batch throughput: runs per second of a batch of small runs, and the speed-up from 1 to 2 workers.

    .venv/bin/python benchmarks/batch_bench.py [--runs 40] [--days 3] [--model toy|runner]

``toy`` (default) is the M/M/c loading-bay queue in SimPy that the batch tests use, sized from the
scenario (the batch machinery's own cost dominates); ``runner`` uses ``freight_sim.runner.run_scenario`` on the bundled scenario.
Not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from freight_sim.paths import default_scenario_path

REPO = Path(__file__).resolve().parents[1]


def toy_run_function():
    """The M/M/c loading-bay model the batch tests use (tests/experiments/batch_test_models.py)."""
    sys.path.insert(0, str(REPO / "tests" / "experiments"))  # worker processes inherit sys.path
    from batch_test_models import queue_model

    return queue_model


def _experiment(folder: Path, runs: int, days: float) -> Path:
    path = folder / "bench.yaml"
    path.write_text(
        f"name: bench\nbase: {default_scenario_path()}\nreplications: {runs}\nseed: 1\nsimulation:\n  days: {days}\n",
        encoding="utf-8",
    )
    return path


def main() -> None:
    from freight_sim.experiments.batch import run_batch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--days", type=float, default=3)
    parser.add_argument("--model", choices=["toy", "runner"], default="toy")
    args = parser.parse_args()
    run_fn = toy_run_function() if args.model == "toy" else None
    from freight_sim.config import load_scenario

    clock = time.perf_counter()
    load_scenario(default_scenario_path())
    print(f"loading the bundled scenario (done once per run): {1000 * (time.perf_counter() - clock):.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        experiment = _experiment(Path(tmp), args.runs, args.days)
        rates = {}
        for label, executor, workers in (("in-process", "inprocess", 1), ("pool x1", "pool", 1), ("pool x2", "pool", 2)):
            clock = time.perf_counter()
            result = run_batch(experiment, Path(tmp) / label, executor=executor, workers=workers, run_fn=run_fn)
            seconds = time.perf_counter() - clock
            rates[label] = args.runs / seconds
            print(f"{label:>10}: {args.runs} runs in {seconds:6.2f} s = {rates[label]:7.2f} runs/s ({len(result.failures)} failed)")
        print(f"speed-up 1 -> 2 workers (pool): {rates['pool x2'] / rates['pool x1']:.2f}x")


if __name__ == "__main__":
    main()
