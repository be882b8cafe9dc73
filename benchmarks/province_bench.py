"""A year of the synthetic province scenario (networks/shanxi-synthetic) in full or fast mode, in this process.

``province_year_<mode>_wall_s`` is the elapsed time of the whole run as ``freight-sim run`` makes it (load,
checks, assembly, simulation, accounting), ``province_year_<mode>_cpu_s`` its CPU time (one core),
``province_year_<mode>_truck_trips_per_s`` its truck trips per CPU second, ``province_year_<mode>_peak_mb``
the process's peak resident memory. Run by benchmarks/run.py in a fresh child process per mode (peak RSS
cannot be reset inside one).
"""

from __future__ import annotations

import resource
import time
import warnings


def province_measurement(days: float, mode: str = "full") -> dict:
    from freight_sim.config import load_scenario
    from freight_sim.paths import bundled_network_dir
    from freight_sim.runner import run_scenario

    path = bundled_network_dir("shanxi-synthetic") / "scenario.yaml"
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fleet substitutions are reported by `validate`; not timed output
        loaded = load_scenario(path, overrides=[f"simulation.days={days}", f"simulation.mode={mode}"])
        output = run_scenario(loaded)
    wall_s, cpu_s = time.perf_counter() - wall_start, time.process_time() - cpu_start
    summary = output.summary
    return {
        "province_days": days,
        "province_shippers": len(loaded.model.enterprises),
        "province_t_per_year": sum(e.tonnes_per_year for e in loaded.model.enterprises.values()),
        f"province_year_{mode}_truck_trips": summary["truck_trips"],
        f"province_year_{mode}_events": summary.get("events"),
        f"province_year_{mode}_wall_s": wall_s,
        f"province_year_{mode}_cpu_s": cpu_s,
        f"province_year_{mode}_truck_trips_per_s": summary["truck_trips"] / cpu_s,
        f"province_year_{mode}_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


if __name__ == "__main__":
    import json
    import sys

    print(
        json.dumps(province_measurement(float(sys.argv[1]) if len(sys.argv) > 1 else 365.0, sys.argv[2] if len(sys.argv) > 2 else "full"))
    )
