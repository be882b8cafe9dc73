"""What ``run --spatial`` adds to the wall time of a run of the bundled default scenario (a year).

    .venv/bin/python benchmarks/spatial_bench.py [--repeat 2] [--days 365] [--json]

Each measurement is a fresh child process doing what ``freight-sim run`` does (``run_scenario`` then
``write_run`` with legs and report), once without and once with ``spatial: true``, alternating, ``--repeat``
times. Reported: the median wall time of each, ``overhead_share`` = median with / median without - 1,
the same for the child's CPU time (``cpu_overhead_share``: on a shared machine other processes stretch
wall times by tens of percent from one run to the next, CPU time much less), and, from inside the runs
with spatial outputs, ``spatial_s`` (computing them: ``summary.spatial_wall_s``,
plus writing their files, timed again on their own) and ``spatial_share_in_run`` = spatial_s / (wall
time with - spatial_s): on a shared machine this in-run share is steadier than the ratio of two processes.
Not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one_run(days: float, spatial: bool) -> dict:
    """Run and write the bundled scenario in this process; timings in seconds."""
    from freight_sim.config import load_scenario
    from freight_sim.paths import default_scenario_path
    from freight_sim.runner import run_scenario, write_run

    overrides = [f"simulation.days={days}", f"spatial={str(spatial).lower()}"]
    with tempfile.TemporaryDirectory() as tmp:
        clock, cpu = time.perf_counter(), time.process_time()
        loaded = load_scenario(default_scenario_path(), overrides)
        output = run_scenario(loaded)
        write_run(output, Path(tmp) / "run")
        wall_s, cpu_s = time.perf_counter() - clock, time.process_time() - cpu
        spatial_s = 0.0
        if spatial:
            from freight_sim.spatial.writers import write_spatial

            clock = time.perf_counter()
            write_spatial(output.spatial, Path(tmp) / "again")
            spatial_s = output.summary["spatial_wall_s"] + time.perf_counter() - clock
    return {"spatial": spatial, "wall_s": wall_s, "cpu_s": cpu_s, "spatial_s": spatial_s, "truck_trips": output.summary["truck_trips"]}


def child(days: float, spatial: bool) -> dict:
    code = f"import json, sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); from spatial_bench import one_run; print(json.dumps(one_run({days}, {spatial})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        for spatial in (False, True):
            runs.append(child(args.days, spatial))
            if not args.json:
                r = runs[-1]
                print(
                    f"spatial={r['spatial']!s:5}  wall {r['wall_s']:6.1f} s  cpu {r['cpu_s']:6.1f} s  spatial part {r['spatial_s']:5.1f} s",
                    flush=True,
                )
    without = statistics.median(r["wall_s"] for r in runs if not r["spatial"])
    with_ = statistics.median(r["wall_s"] for r in runs if r["spatial"])
    cpu_without = statistics.median(r["cpu_s"] for r in runs if not r["spatial"])
    cpu_with = statistics.median(r["cpu_s"] for r in runs if r["spatial"])
    shares = [r["spatial_s"] / (r["wall_s"] - r["spatial_s"]) for r in runs if r["spatial"]]
    report = {
        "days": args.days,
        "repeat": args.repeat,
        "truck_trips": runs[0]["truck_trips"],
        "wall_s_without": round(without, 2),
        "wall_s_with": round(with_, 2),
        "overhead_share": round(with_ / without - 1.0, 4),
        "cpu_s_without": round(cpu_without, 2),
        "cpu_s_with": round(cpu_with, 2),
        "cpu_overhead_share": round(cpu_with / cpu_without - 1.0, 4),
        "spatial_s": round(statistics.median(r["spatial_s"] for r in runs if r["spatial"]), 2),
        "spatial_share_in_run": round(statistics.median(shares), 4),
        "runs": runs,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"year run {without:.1f} s, with --spatial {with_:.1f} s: +{report['overhead_share']:.1%} wall, "
            f"+{report['cpu_overhead_share']:.1%} CPU (spatial part {report['spatial_s']:.1f} s = "
            f"{report['spatial_share_in_run']:.1%} of the rest of its run)"
        )


if __name__ == "__main__":
    main()
