"""Benchmark of the portfolio optimiser (not a test): evaluations per hour on 1 and 2 workers, and the
shipped example's wall time.

    python benchmarks/optimise_bench.py --json                     # reduced search of experiments/optimise-80.yaml
    python benchmarks/optimise_bench.py --full --json              # also the shipped example as it is (about half an hour)

The reduced search keeps the file's variables, constraints and simulated days and evaluates ``--evaluations``
portfolios (population 6, one replication, no greedy baseline, one verification run) on the process pool with
1 and then 2 workers, each in a fresh folder. ``evaluations_per_hour_*`` counts the portfolios simulated
(the search's and the drop pass's) per hour of the optimisation's wall time after its checks (the checks'
own time is measured first and is ``check_s``), ``runs_per_hour_*`` the simulation runs (verification included).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from freight_sim.optimise.checks import check_optimisation
from freight_sim.optimise.run import optimise
from freight_sim.optimise.spec import Optimisation, load_optimisation
from freight_sim.paths import experiments_dir


def reduced(optimisation: Optimisation, evaluations: int, days: float | None) -> Optimisation:
    spec = optimisation.spec
    simulation = {**spec.simulation, **({"days": days} if days is not None else {})}
    update = {
        "simulation": simulation,
        "replications": 1,
        "budget": spec.budget.model_copy(update={"evaluations": evaluations, "population": 6}),
        "verify": spec.verify.model_copy(update={"replications": 1}),
        "greedy": False,
    }
    return Optimisation(spec.model_copy(update=update), optimisation.path, optimisation.source)


def timed(optimisation: Optimisation, workers: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = optimise(optimisation, Path(folder) / "out", executor="pool", workers=workers, write_report=False)
        return time.perf_counter() - start, result.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=experiments_dir() / "optimise-80.yaml")
    parser.add_argument("--evaluations", type=int, default=12, help="portfolios of the reduced search")
    parser.add_argument("--days", type=float, default=None, help="simulated days (default: the file's)")
    parser.add_argument("--full", action="store_true", help="also run the file as it is on 2 workers")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    optimisation = load_optimisation(args.file)
    small = reduced(optimisation, args.evaluations, args.days)
    start = time.perf_counter()
    check_optimisation(small)
    check_s = time.perf_counter() - start
    report: dict = {"file": str(args.file), "days": small.spec.simulation.get("days"), "check_s": check_s}
    for workers in (1, 2):
        wall, summary = timed(small, workers)
        report[f"wall_s_{workers}_workers"] = wall
        portfolios = summary["evaluations"] + (summary["drop_pass"] or {}).get("tried", 0)  # the search's and the drop pass's
        report[f"evaluations_{workers}_workers"] = portfolios
        report[f"evaluations_per_hour_{workers}_workers"] = portfolios / max(wall - check_s, 1e-9) * 3600
        report[f"runs_per_hour_{workers}_workers"] = summary["runs_simulated"] / max(wall - check_s, 1e-9) * 3600
    if args.full:
        wall, summary = timed(optimisation, 2)
        report.update({"shipped_example_wall_s": wall, "shipped_example_evaluations": summary["evaluations"],
                       "shipped_example_target_met": summary["target_met"]})  # fmt: skip
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key:<36} {value:,.1f}" if isinstance(value, float) else f"{key:<36} {value}")


if __name__ == "__main__":
    main()
