"""Engine benchmark: bare SimPy event rate, then the model on one simulated year, and memory over 5 years.

    python benchmarks/run.py            # readable table
    python benchmarks/run.py --json     # one JSON object

Rates are per CPU second (one core); ``year_wall_s`` is the elapsed time of the model run.

Speed: ``--repeat`` (3) fresh child processes each measure, in one run: ``bare_simpy_events_per_s``
(N processes each doing ``yield env.timeout(1)`` on a stock ``simpy.Environment``; the mean of a run
before and one after the model), a year of the bundled default scenario (or, when it does not assemble,
the synthetic city spec of freight_sim.sim.synthetic_city), ``bare_simpy_matched_events_per_s`` (as many
processes as the model has trucks, with scattered timeouts) and ``bare_kernel_events_per_s`` (the bare
loop on the engine's own environment, freight_sim.sim.kernel.Kernel: the model's ratio to it shows the
model's own work per event apart from the event core). ``model_events_per_s`` is timed like the bare
loop, over the event loop alone; ``model_events_per_s_with_build`` also counts building the model and its
result tables, as do ``truck_trips_per_s`` and ``year_wall_s``; ``peak_mb`` is the child's peak resident
memory. The report shows the run with the median ``model_vs_bare``, and every run's ratio in
``model_vs_bare_runs``: on a shared machine speeds drift by tens of percent from run to run.

Memory flatness is measured first, in fresh child processes (peak RSS cannot be reset inside one, and a
child starts from its parent's peak): one and five simulated years with ``record_legs`` off ->
``peak_mb_1y_agg``, ``peak_mb_5y``; and, in a third child running alongside them under tracemalloc,
``running_mb_growth_per_year``: the memory the running model holds (tracemalloc current) at the end of the
last year minus that at the end of year 1, per year, taken before the result tables are built. tracemalloc
slows the model about sixfold, so this child runs ``--growth-years`` 2 by default; ``--growth-years 5``
gives year 1 vs year 5 (about 12 minutes here).

Pathways: ``experiments/pathway-current-plan.yaml`` through the whole run contract (simulation, accounting
by year, trajectory) in fresh children, one year (2024) and seven (2024-2030) with legs aggregated by
month as ``freight-sim pathway`` runs them -> ``pathway_peak_mb_1y``, ``pathway_peak_mb_7y`` and their
ratio ``pathway_peak_ratio_7y_to_1y`` (flat memory in simulated time: at most 1.2). ``--no-pathway`` skips them.
Fast mode (freight_sim.experiments.fast_agreement), in ``--repeat`` fresh children one after another: each
runs the bundled year in full and then in fast mode with the same seed, through the whole run contract ->
``fast_speedup`` (full mode's simulation wall time over fast mode's; the median child's, every child's in
``fast_speedup_runs``: one back-to-back pair varies by tens of percent on a shared machine),
``fast_max_rel_diff`` (the largest relative difference of the city KPIs), ``fast_worst_enterprise_pp`` (the
largest difference of an enterprise's ratio, percentage points) and ``fast_events_ratio``. Every child must
give the same agreement figures (same seed, same tables), or the benchmark stops; ``--no-fast`` skips it.
Province scale (benchmarks/province_bench.py), last, one child per mode: a year (``--province-days``) of the
synthetic Shanxi scenario in fast and in full mode -> ``province_year_<mode>_wall_s``, ``_cpu_s``,
``_truck_trips_per_s``, ``_peak_mb`` (and its trips, events, shippers); ``--no-province`` skips both,
``--no-province-full`` the full-mode year (about 8 minutes here).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc

import simpy

BARE_PROCESSES = 1000
BARE_UNTIL = 500
DAYS_PER_YEAR = 365
GROWTH_YEARS = 2


def bare_simpy_rate(processes: int = BARE_PROCESSES, until: int = BARE_UNTIL, environment: type = simpy.Environment) -> float:
    """Events per CPU second of N processes each yielding ``env.timeout(1)`` forever."""
    env = environment()

    def ticker():
        while True:
            yield env.timeout(1)

    for _ in range(processes):
        env.process(ticker())
    start = time.process_time()
    env.run(until=until)
    return next(env._eid) / (time.process_time() - start)


def bare_simpy_matched_rate(processes: int, events_per_process: int = 300, seed: int = 1) -> float:
    """Events per CPU second of bare SimPy shaped like the model: one process per truck, each yielding
    timeouts of scattered (exponential) lengths, so the event queue is as long and as unordered as the
    model's. Reported beside the plain loop, which keeps a short queue ticking at whole hours."""
    import numpy as np

    env = simpy.Environment()
    gaps = np.random.default_rng(seed).exponential(3.0, size=(processes, events_per_process)).tolist()

    def ticker(my_gaps):
        for gap in my_gaps:
            yield env.timeout(gap)

    for row in gaps:
        env.process(ticker(row))
    start = time.process_time()
    env.run()
    return next(env._eid) / (time.process_time() - start)


def model_spec(days: float, record_legs: bool):
    """The bundled scenario's spec for ``days``, or the synthetic city when it does not assemble."""
    from freight_sim.config import load_scenario
    from freight_sim.errors import ConfigError
    from freight_sim.paths import default_scenario_path
    from freight_sim.sim.api import build_spec
    from freight_sim.sim.synthetic_city import synthetic_city_spec

    path = default_scenario_path()
    if path.is_file():
        try:
            loaded = load_scenario(path, overrides=[f"simulation.days={days}", f"simulation.record_legs={str(record_legs).lower()}"])
            return build_spec(loaded), loaded.model.simulation.seed, "bundled", ""
        except ConfigError as exc:
            note = f"bundled scenario does not assemble: {exc.lines[0]}"
    else:
        note = "bundled scenario not found"
    return synthetic_city_spec(days=days, record_legs=record_legs), 20261124, "synthetic-city", note


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux reports KiB


def run_model(days: float, record_legs: bool) -> dict:
    from freight_sim.sim.engine import simulate_spec

    spec, seed, source, note = model_spec(days, record_legs)
    cpu_start = time.process_time()
    result = simulate_spec(spec, seed)
    cpu_s = time.process_time() - cpu_start
    return {
        "scenario": source,
        "note": note,
        "days": days,
        "trucks": spec.summary()["trucks"],
        "events": result.events,
        "truck_trips": result.truck_trips,
        "train_departures": result.train_departures,
        "wall_s": result.wall_s,
        "cpu_s": cpu_s,
        "loop_cpu_s": result.loop_cpu_s,
        "leg_rows": len(result.legs),
    }


def running_growth_mb_per_year(years: int = GROWTH_YEARS) -> float:
    """Traced memory held at the end of year ``years`` minus at the end of year 1, per year (record_legs off)."""
    from freight_sim.sim.engine import simulate_spec

    days = years * DAYS_PER_YEAR
    spec, seed, _, _ = model_spec(float(days), record_legs=False)
    held: dict[int, int] = {}

    def progress(done: float) -> None:
        day = round(done * days)
        if day in (DAYS_PER_YEAR, days) and day not in held:
            held[day] = tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    simulate_spec(spec, seed, progress=progress)  # progress(1.0) comes after the run, before the tables
    tracemalloc.stop()
    return (held[days] - held[DAYS_PER_YEAR]) / (years - 1) / 2**20


def run_pathway_years(years: int) -> dict:
    """The shipped current-plan pathway from 2024 for ``years`` years through ``run_scenario``."""
    from freight_sim.config import load_scenario
    from freight_sim.experiments.pathway_driver import horizon_overrides
    from freight_sim.paths import experiments_dir
    from freight_sim.runner import run_scenario

    path = experiments_dir() / "pathway-current-plan.yaml"
    loaded = load_scenario(path)
    loaded = load_scenario(path, horizon_overrides(loaded, (2024, 2024 + years - 1)))
    cpu_start = time.process_time()
    output = run_scenario(loaded)
    return {
        "years": years,
        "cpu_s": time.process_time() - cpu_start,
        "trajectory_rows": len(output.tables["trajectory"]),
        "peak_mb": peak_rss_mb(),
    }


def fast_measurement(days: float) -> dict:
    """The bundled scenario for ``days`` in full and in fast mode, one replication each (same seed)."""
    from freight_sim.experiments.fast_agreement import measure_agreement
    from freight_sim.paths import default_scenario_path

    agreement = measure_agreement(default_scenario_path(), [f"simulation.days={days}"], replications=1)
    return {
        "fast_speedup": agreement.speedup,
        "fast_max_rel_diff": agreement.max_rel_diff,
        "fast_worst_enterprise_pp": agreement.worst_enterprise_pp,
        "fast_agrees": agreement.agrees,
        "fast_events_ratio": agreement.full.events[0] / agreement.fast.events[0],
        "fast_year_wall_s": agreement.fast.sim_wall_s[0],
        "full_year_sim_wall_s": agreement.full.sim_wall_s[0],
    }


def median_run(runs: list[dict], key: str) -> dict:
    """A copy of the run with the median ``key`` (the lower middle one of an even count)."""
    return dict(sorted(runs, key=lambda run: run[key])[(len(runs) - 1) // 2])


def median_fast_run(runs: list[dict]) -> dict:
    """The fast-mode child with the median ``fast_speedup``, with every child's speedup; the agreement figures
    (same seed in every child) must not differ between children."""
    deterministic = ("fast_max_rel_diff", "fast_worst_enterprise_pp", "fast_agrees", "fast_events_ratio")
    for run in runs[1:]:
        differing = [key for key in deterministic if run[key] != runs[0][key]]
        if differing:
            raise RuntimeError(f"fast-mode children with the same seed differ in {', '.join(differing)}")
    report = median_run(runs, "fast_speedup")
    report["fast_speedup_runs"] = [round(run["fast_speedup"], 2) for run in runs]
    return report


def start_child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)


def child_result(child: subprocess.Popen) -> dict:
    out, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"benchmark child {child.args} exited with {child.returncode}")
    return json.loads(out)


def speed_measurement(days: float) -> dict:
    """Bare loops and one model run of ``days`` in this process; the model's rate is over its event loop."""
    from freight_sim.sim.kernel import Kernel

    bare_before = bare_simpy_rate()
    year = run_model(days, record_legs=True)
    bare = 0.5 * (bare_before + bare_simpy_rate())
    matched = bare_simpy_matched_rate(year["trucks"])
    bare_kernel = bare_simpy_rate(environment=Kernel)
    model_rate = year["events"] / year["loop_cpu_s"]
    return {
        "bare_simpy_events_per_s": bare,
        "model_events_per_s": model_rate,
        "model_vs_bare": model_rate / bare,
        "model_events_per_s_with_build": year["events"] / year["cpu_s"],
        "bare_simpy_matched_events_per_s": matched,
        "model_vs_matched_bare": model_rate / matched,
        "bare_kernel_events_per_s": bare_kernel,
        "model_vs_bare_kernel": model_rate / bare_kernel,
        "truck_trips_per_s": year["truck_trips"] / year["cpu_s"],
        "year_wall_s": year["wall_s"],
        "year_cpu_s": year["cpu_s"],
        "peak_mb": peak_rss_mb(),
        "scenario": year["scenario"],
        "note": year["note"],
        "trucks": year["trucks"],
        "truck_trips": year["truck_trips"],
        "train_departures": year["train_departures"],
        "events": year["events"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--days", type=float, default=365.0, help="simulated days of the main run")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1- and 5-year memory runs")
    parser.add_argument("--child-days", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--growth-years", type=int, default=GROWTH_YEARS, help="years of the traced memory-growth run (>= 2)")
    parser.add_argument("--child-growth", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeat", type=int, default=3, help="speed runs and fast-mode comparisons, each in a fresh process; the medians are reported"
    )
    parser.add_argument("--child-speed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--province-days", type=float, default=365.0, help="simulated days of the province run")
    parser.add_argument("--no-province", action="store_true", help="skip the province-scale run")
    parser.add_argument("--child-province", default=None, choices=("full", "fast"), help=argparse.SUPPRESS)
    parser.add_argument("--no-province-full", action="store_true", help="skip the province's full-mode year (keep its fast-mode year)")
    parser.add_argument("--no-fast", action="store_true", help="skip the fast-mode comparison")
    parser.add_argument("--child-fast", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-pathway", action="store_true", help="skip the 1- and 7-year pathway memory runs")
    parser.add_argument("--child-pathway", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_province is not None:
        from province_bench import province_measurement

        print(json.dumps(province_measurement(args.province_days, args.child_province)))
        return
    if args.child_fast:
        print(json.dumps(fast_measurement(args.days)))
        return
    if args.growth_years < 2:
        parser.error("--growth-years must be at least 2")
    if args.child_growth:
        growth = running_growth_mb_per_year(args.growth_years)
        print(json.dumps({"running_mb_growth_per_year": growth, "growth_years": args.growth_years}))
        return
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.child_speed:
        print(json.dumps(speed_measurement(args.days)))
        return
    if args.child_pathway is not None:
        print(json.dumps(run_pathway_years(args.child_pathway)))
        return
    if args.child_days is not None:
        stats = run_model(args.child_days, record_legs=False)
        stats["peak_mb"] = peak_rss_mb()
        print(json.dumps(stats))
        return

    memory = {}
    if not args.no_memory:  # first, while this process is small: a child inherits its parent's peak RSS
        growth = start_child("--child-growth", "--growth-years", str(args.growth_years))  # alongside: memory, not speed
        one = child_result(start_child("--child-days", str(float(DAYS_PER_YEAR))))
        five = child_result(start_child("--child-days", str(5.0 * DAYS_PER_YEAR)))
        memory = {
            "peak_mb_1y_agg": one["peak_mb"],
            "peak_mb_5y": five["peak_mb"],
            "cpu_s_5y": five["cpu_s"],
            "leg_rows_5y": five["leg_rows"],
            **child_result(growth),
        }
    if not args.no_pathway:  # one at a time: peak RSS per child
        one_year = child_result(start_child("--child-pathway", "1"))
        seven = child_result(start_child("--child-pathway", "7"))
        memory.update(
            pathway_peak_mb_1y=one_year["peak_mb"],
            pathway_peak_mb_7y=seven["peak_mb"],
            pathway_peak_ratio_7y_to_1y=seven["peak_mb"] / one_year["peak_mb"],
            pathway_cpu_s_7y=seven["cpu_s"],
        )
    runs = [child_result(start_child("--child-speed", "--days", str(args.days))) for _ in range(args.repeat)]
    report = median_run(runs, "model_vs_bare")
    report["model_vs_bare_runs"] = [round(run["model_vs_bare"], 3) for run in runs]
    report.update(memory)
    if not args.no_fast:
        report.update(median_fast_run([child_result(start_child("--child-fast", "--days", str(args.days))) for _ in range(args.repeat)]))
    if not args.no_province:  # alone, after the speed runs: it would slow them down
        for mode in ("fast",) if args.no_province_full else ("fast", "full"):
            report.update(child_result(start_child("--child-province", mode, "--province-days", str(args.province_days))))
    if args.json:
        print(json.dumps(report))
        return
    width = max(len(k) for k in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value:,.3f}" if isinstance(value, float) else f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
