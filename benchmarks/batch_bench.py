"""Batch throughput: runs per second of a batch of small runs, and the speed-up from 1 to 2 workers.

    .venv/bin/python benchmarks/batch_bench.py [--runs 40] [--days 3] [--model toy|runner]

``toy`` (default) is an M/M/1 loading-bay queue in SimPy sized from the scenario (the batch machinery's
own cost dominates); ``runner`` uses ``freight_sim.runner.run_scenario`` on the bundled scenario.
Not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import simpy

from freight_sim.paths import default_scenario_path

TOY_PAYLOAD_T = 33.0  # diesel coal payload, t (FACTS 3)
HOURS_PER_YEAR = 8760.0


@dataclass
class ToyOutput:
    summary: dict
    tables: dict = field(default_factory=dict)


def toy_run(loaded, seed: int | None = None) -> ToyOutput:
    """Trucks of the largest enterprise through one loading bay (M/M/1), for ``simulation.days``."""
    scenario = loaded.model
    rng = np.random.default_rng(seed)
    enterprise = max(scenario.enterprises.values(), key=lambda e: e.tonnes_per_year)
    rate_per_h = enterprise.tonnes_per_year / HOURS_PER_YEAR / TOY_PAYLOAD_T
    env = simpy.Environment()
    bay = simpy.Resource(env, capacity=enterprise.loading_bays)
    waits: list[float] = []

    def truck():
        arrived = env.now
        with bay.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(enterprise.truck_loading_h))

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1 / rate_per_h))
            env.process(truck())

    env.process(arrivals())
    env.run(until=scenario.simulation.days * 24)
    return ToyOutput({"truck_trips": len(waits), "mean_wait_h": float(np.mean(waits)) if waits else 0.0})


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
    run_fn = toy_run if args.model == "toy" else None
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
